// The web chat (/): rooms, history, sending (slash commands included), realtime over Rocket.Chat's DDP
// (`/websocket`), messages' UIKit blocks with their buttons, app modals pushed on `<uid>/uiInteraction` with field
// errors, ephemeral app notices. Every value from the server or an app is written as text (textContent).

import { api, h, session, showLogin } from './common.js';

const main = document.getElementById('main');
const modal = document.getElementById('modal');
const state = { rooms: [], current: null, messages: new Map(), userId: null, username: null, commands: [] };

/// UIKit `mrkdwn`, a safe subset: *bold*, _italic_, ~strike~ and `code` become elements; everything else is text.
function mrkdwn(text) {
  const parts = [];
  const pattern = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`)/g;
  let last = 0;
  for (const match of String(text).matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const inner = match[0].slice(1, -1);
    const tag = { '*': 'strong', _: 'em', '~': 's', '`': 'code' }[match[0][0]];
    parts.push(h(tag, {}, inner));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function textOf(object) {
  if (!object) return '';
  return object.type === 'mrkdwn' ? mrkdwn(object.text || '') : String(object.text || '');
}

async function start() {
  if (!session.token) return showLogin(main, start);
  let me;
  try { me = await api('GET', '/api/v1/me'); } catch (error) { session.clear(); return showLogin(main, start, error.message); }
  state.userId = me._id;
  state.username = me.username;
  document.getElementById('who').textContent = me.username;
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.onclick = async () => { try { await api('POST', '/api/v1/logout'); } catch (_) { /* gone */ } session.clear(); location.reload(); };
  state.commands = ((await api('GET', '/api/v1/commands.list?count=200')).commands || []).map((c) => c.command);
  main.className = 'chat';
  main.replaceChildren(
    h('nav', {}, h('ul', { id: 'rooms', 'aria-label': 'Rooms' })),
    h('section', { id: 'room', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a room.')));
  await loadRooms();
  connect();
}

async function loadRooms() {
  state.rooms = ((await api('GET', '/api/v1/subscriptions.get')).update || []).filter((s) => s.open !== false)
    .sort((a, b) => (a.fname || a.name).localeCompare(b.fname || b.name));
  renderRooms();
}

function renderRooms() {
  document.getElementById('rooms').replaceChildren(...state.rooms.map((s) => h('li', {},
    h('button', { 'data-room': s.name, 'aria-current': state.current && state.current.rid === s.rid ? 'true' : 'false', onclick: () => openRoom(s) },
      h('span', {}, (s.t === 'd' ? '@' : '#') + (s.fname || s.name)), s.unread ? h('span', { class: 'unread' }, String(s.unread)) : ''))));
}

const historyPath = { c: 'channels.history', p: 'groups.history', d: 'im.history' };

async function openRoom(subscription) {
  state.current = subscription;
  subscription.unread = 0;
  renderRooms();
  const list = h('ol', { id: 'messages' });
  const input = h('input', { id: 'text', list: 'commands', autocomplete: 'off', placeholder: `Message ${subscription.fname || subscription.name} (/ for commands)`, 'aria-label': 'Message' });
  document.getElementById('room').replaceChildren(list,
    h('datalist', { id: 'commands' }, state.commands.map((c) => h('option', { value: `/${c} ` }))),
    h('form', { id: 'composer', onsubmit: (event) => { event.preventDefault(); send(input); } }, input, h('button', { class: 'primary', type: 'submit' }, 'Send')));
  state.messages = new Map();
  state.complete = false;
  const reply = await api('GET', `/api/v1/${historyPath[subscription.t] || 'channels.history'}?roomId=${encodeURIComponent(subscription.rid)}&count=50`);
  for (const message of (reply.messages || []).reverse()) upsert(message);
  list.addEventListener('scroll', () => { if (list.scrollTop === 0) older(); });
  watchRoom(subscription.rid);
  api('POST', '/api/v1/subscriptions.read', { rid: subscription.rid }).catch(() => {});
  input.focus();
}

/// Scrolling to the top loads the 50 messages before the oldest shown.
async function older() {
  if (state.loadingOlder || state.complete || !state.current) return;
  const first = document.querySelector('#messages li[data-ts]');
  if (!first) return;
  state.loadingOlder = true;
  try {
    const latest = new Date(Number(first.dataset.ts)).toISOString();
    const path = historyPath[state.current.t] || 'channels.history';
    const reply = await api('GET', `/api/v1/${path}?roomId=${encodeURIComponent(state.current.rid)}&count=50&latest=${encodeURIComponent(latest)}`);
    const messages = reply.messages || [];
    if (messages.length === 0) state.complete = true;
    const list = document.getElementById('messages');
    const height = list.scrollHeight;
    for (const message of messages) {
      if (state.messages.has(message._id)) continue;
      const element = renderMessage(message);
      list.prepend(element);
      state.messages.set(message._id, element);
    }
    list.scrollTop = list.scrollHeight - height;
  } finally {
    state.loadingOlder = false;
  }
}

async function send(input) {
  const text = input.value.trim();
  if (!text || !state.current) return;
  input.value = '';
  try {
    if (text.startsWith('/')) {
      const [command, ...params] = text.slice(1).split(' ');
      await api('POST', '/api/v1/commands.run', { command, params: params.join(' '), roomId: state.current.rid, triggerId: crypto.randomUUID() });
    } else {
      await api('POST', '/api/v1/chat.sendMessage', { message: { rid: state.current.rid, msg: text } });
    }
  } catch (error) {
    notice(error.message);
  }
}

function notice(text) {
  const list = document.getElementById('messages');
  if (list) list.append(h('li', { class: 'notice', role: 'status' }, text));
}

/// Adds a message or replaces it where it stands (an edit, a reaction, an app's update).
function upsert(message) {
  if (!state.current || message.rid !== state.current.rid) return;
  const element = renderMessage(message);
  const existing = state.messages.get(message._id);
  if (existing) existing.replaceWith(element);
  else document.getElementById('messages').append(element);
  state.messages.set(message._id, element);
  element.scrollIntoView({ block: 'nearest' });
}

function renderMessage(message) {
  const author = message.alias || (message.u && (message.u.name || message.u.username)) || '';
  const reactions = Object.entries(message.reactions || {}).map(([emoji, r]) => `${emoji} ${r.usernames.length}`).join(' ');
  const mine = message.u && message.u._id === state.userId && !message.t;
  return h('li', { 'data-message': message._id, 'data-ts': tsOf(message) },
    h('span', { class: 'author' }, author), h('span', { class: 'text' }, message.msg || ''),
    message.editedAt ? h('span', { class: 'muted' }, ' (edited)') : '',
    (message.attachments || []).map((a) => h('div', { class: 'attachment' }, a.title ? h('strong', {}, a.title) : '', a.text ? h('div', {}, a.text) : '')),
    (message.blocks || []).map((block) => renderBlock(block, message)),
    h('div', { class: 'message-actions' },
      reactions ? h('span', { class: 'reactions muted' }, reactions) : '',
      h('button', { class: 'react', title: 'React with 👍', 'aria-label': 'React with thumbs up', onclick: () => react(message) }, '👍'),
      mine ? h('button', { class: 'edit', onclick: () => edit(message) }, 'Edit') : '',
      mine ? h('button', { class: 'delete', onclick: () => remove(message) }, 'Delete') : ''));
}

/// A message's time as milliseconds (REST answers ISO strings, DDP `{$date}`).
function tsOf(message) {
  const ts = message.ts;
  return ts && ts.$date ? ts.$date : Date.parse(ts || 0) || 0;
}

async function react(message) {
  try { await api('POST', '/api/v1/chat.react', { messageId: message._id, emoji: ':thumbsup:' }); } catch (error) { notice(error.message); }
}

/// Edits in place: the text becomes a field; Enter saves, Escape gives up.
function edit(message) {
  const element = state.messages.get(message._id);
  const text = element && element.querySelector('.text');
  if (!text) return;
  const field = h('input', { class: 'edit-field', value: message.msg || '', 'aria-label': 'Edit message' });
  field.addEventListener('keydown', async (event) => {
    if (event.key === 'Escape') return upsert(message);
    if (event.key !== 'Enter') return;
    event.preventDefault();
    try { await api('POST', '/api/v1/chat.update', { roomId: message.rid, msgId: message._id, text: field.value }); } catch (error) { notice(error.message); }
  });
  text.replaceWith(field);
  field.focus();
}

async function remove(message) {
  if (!confirm('Delete this message?')) return;
  try { await api('POST', '/api/v1/chat.delete', { roomId: message.rid, msgId: message._id }); } catch (error) { notice(error.message); }
}

function renderBlock(block, message) {
  switch (block.type) {
    case 'section': return h('div', { class: 'block-section' }, textOf(block.text));
    case 'context': return h('div', { class: 'muted' }, (block.elements || []).map(textOf));
    case 'divider': return h('hr');
    case 'actions':
      return h('div', { class: 'block-actions' }, (block.elements || []).filter((e) => e.type === 'button').map((button) =>
        h('button', { onclick: () => blockAction(message, block, button) }, textOf(button.text))));
    default: return '';
  }
}

/// A button on a message: the app that made the block (UIKit blocks carry their `appId`) handles the click.
async function blockAction(message, block, button) {
  try {
    const response = await api('POST', `/api/apps/ui.interaction/${encodeURIComponent(block.appId || '')}`, {
      type: 'blockAction', actionId: button.actionId, triggerId: crypto.randomUUID(), rid: message.rid, mid: message._id,
      container: { type: 'message', id: message._id }, payload: { blockId: block.blockId, value: button.value },
    });
    if (response.type) showView(response);
  } catch (error) { notice(error.message); }
}

/// A modal (or contextual bar, shown the same way) an app pushed or answered; `errors` marks its fields.
function showView(push) {
  if (push.type === 'errors') return markErrors(push.errors || {});
  if (!/^(modal|contextual_bar)\.(open|update)$/.test(push.type || '')) return;
  const view = push.view || {};
  const inputs = [];
  const body = (view.blocks || []).map((block) => {
    if (block.type !== 'input') return renderBlock(block, {});
    const element = block.element || {};
    const field = element.multiline ? h('textarea', {}) : h('input', { placeholder: element.placeholder ? element.placeholder.text : '' });
    field.dataset.block = block.blockId;
    field.dataset.action = element.actionId;
    inputs.push(field);
    return h('label', { class: 'field' }, textOf(block.label), field, h('span', { class: 'error', 'data-error': block.blockId }));
  });
  const submit = async (event) => {
    event.preventDefault();
    const values = {};
    for (const field of inputs) (values[field.dataset.block] = values[field.dataset.block] || {})[field.dataset.action] = field.value;
    try {
      const response = await api('POST', `/api/apps/ui.interaction/${encodeURIComponent(view.appId || push.appId || '')}`, {
        type: 'viewSubmit', triggerId: crypto.randomUUID(), viewId: view.id, payload: { view: { id: view.id, state: values } },
      });
      if (response.type === 'errors') markErrors(response.errors || {});
      else modal.close();
    } catch (error) { markErrors({ _: error.message }); }
  };
  modal.replaceChildren(h('form', { id: 'view', onsubmit: submit },
    h('h2', {}, textOf(view.title)), body, h('p', { class: 'error', 'data-error': '_' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => modal.close() }, view.close ? textOf(view.close.text) : 'Cancel'),
      h('button', { class: 'primary', type: 'submit' }, view.submit ? textOf(view.submit.text) : 'Submit'))));
  if (!modal.open) modal.showModal();
  if (inputs[0]) inputs[0].focus();
}

function markErrors(errors) {
  for (const slot of modal.querySelectorAll('[data-error]')) slot.textContent = errors[slot.dataset.error] || '';
}

/// The open room's deletions and typing, on its own subscriptions (replaced when another room opens).
function watchRoom(rid) {
  if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return;
  for (const id of state.roomSubs || []) state.send({ msg: 'unsub', id });
  state.roomSubs = [`deleted-${rid}`, `typing-${rid}`];
  state.send({ msg: 'sub', id: `deleted-${rid}`, name: 'stream-notify-room', params: [`${rid}/deleteMessage`, false] });
  state.send({ msg: 'sub', id: `typing-${rid}`, name: 'stream-notify-room', params: [`${rid}/user-activity`, false] });
  const input = document.getElementById('text');
  let last = 0;
  input.addEventListener('input', () => {
    if (Date.now() - last < 2000) return;
    last = Date.now();
    state.send({ msg: 'method', method: 'stream-notify-room', id: `typing-${last}`, params: [`${rid}/user-activity`, state.username, ['user-typing'], {}] });
  });
}

function showTyping(username, activities) {
  if (username === state.username) return;
  let line = document.getElementById('typing');
  if (!line) {
    line = h('p', { id: 'typing', class: 'muted', role: 'status' });
    document.getElementById('composer').before(line);
  }
  line.textContent = activities.includes('user-typing') ? `${username} is typing…` : '';
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => { line.textContent = ''; }, 5000);
}

/// DDP over `/websocket`: log in with the token, then every message of my rooms, my ephemeral notices and my views.
function connect() {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/websocket`);
  const sendFrame = (frame) => socket.send(JSON.stringify(frame));
  state.socket = socket;
  state.send = sendFrame;
  socket.onopen = () => {
    sendFrame({ msg: 'connect', version: '1', support: ['1'] });
    sendFrame({ msg: 'method', method: 'login', id: 'login', params: [{ resume: session.token }] });
    sendFrame({ msg: 'sub', id: 'messages', name: 'stream-room-messages', params: ['__my_messages__', false] });
    sendFrame({ msg: 'sub', id: 'notices', name: 'stream-notify-user', params: [`${state.userId}/message`, false] });
    sendFrame({ msg: 'sub', id: 'views', name: 'stream-notify-user', params: [`${state.userId}/uiInteraction`, false] });
  };
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.msg === 'ping') return sendFrame({ msg: 'pong' });
    if (frame.msg === 'ready') {
      if ((frame.subs || []).includes('views')) {
        document.body.dataset.realtime = 'ready';
        if (state.current) watchRoom(state.current.rid);
      }
      return;
    }
    if (frame.msg !== 'changed') return;
    const payload = (frame.fields && frame.fields.args || [])[0];
    if (frame.collection === 'stream-notify-room') {
      const name = frame.fields.eventName || '';
      if (name.endsWith('/deleteMessage')) {
        const element = state.messages.get(payload._id);
        if (element) { element.remove(); state.messages.delete(payload._id); }
      } else if (name.endsWith('/user-activity')) {
        showTyping(frame.fields.args[0], frame.fields.args[1] || []);
      }
    } else if (frame.collection === 'stream-room-messages') {
      if (state.current && payload.rid === state.current.rid) upsert(payload);
      else {
        const room = state.rooms.find((s) => s.rid === payload.rid);
        if (room) { room.unread = (room.unread || 0) + 1; renderRooms(); } else loadRooms();
      }
    } else if (frame.fields.eventName.endsWith('/message')) {
      notice(payload.msg);
    } else if (frame.fields.eventName.endsWith('/uiInteraction')) {
      showView(payload);
    }
  };
  socket.onclose = () => { document.body.dataset.realtime = 'closed'; setTimeout(connect, 2000); };
}

start().catch((error) => main.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message)));
