// The web chat (/): rooms with unread counts, history with scroll-back, sending (slash commands with the apps'
// previews), threads in a side panel, reactions, edit and delete, realtime over Rocket.Chat's DDP (`/websocket`),
// messages' UIKit blocks, app modals and contextual bars pushed on `<uid>/uiInteraction` (field errors included),
// the apps' room and message action buttons, ephemeral app notices. Every value from the server or an app is
// written as text (textContent).

import { api, h, session, showLogin } from './common.js';
import { markErrors, renderBlock, viewForm } from './uikit.js';

const main = document.getElementById('main');
const modal = document.getElementById('modal');
const state = {
  rooms: [], current: null, userId: null, username: null, roles: [], commands: [], buttons: [],
  /// Rendered messages by id, per list (the room's and the open thread's), and the messages themselves.
  elements: { main: new Map(), thread: new Map() }, messages: new Map(),
  /// Thread replies already counted on their parent (history and realtime both deliver them).
  replies: new Set(),
  thread: null,
};

/// Reactions offered in the picker, by Rocket.Chat's emoji names.
const EMOJI = { ':thumbsup:': '👍', ':+1:': '👍', ':smile:': '😄', ':tada:': '🎉', ':heart:': '❤️', ':eyes:': '👀', ':rocket:': '🚀' };
const PICKER = [':thumbsup:', ':smile:', ':tada:', ':heart:', ':eyes:', ':rocket:'];

async function start() {
  if (!session.token) return showLogin(main, start);
  let me;
  try { me = await api('GET', '/api/v1/me'); } catch (error) { session.clear(); return showLogin(main, start, error.message); }
  Object.assign(state, { userId: me._id, username: me.username, roles: me.roles || [] });
  document.getElementById('who').textContent = me.username;
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.onclick = async () => { try { await api('POST', '/api/v1/logout'); } catch (_) { /* gone */ } session.clear(); location.reload(); };
  const [commands, buttons] = await Promise.all([
    api('GET', '/api/v1/commands.list?count=200').catch(() => ({})),
    api('GET', '/api/apps/actionButtons').catch(() => []),
  ]);
  state.commands = commands.commands || [];
  state.buttons = Array.isArray(buttons) ? buttons : [];
  main.className = 'chat';
  main.replaceChildren(
    h('nav', { 'aria-label': 'Rooms' }, h('ul', { id: 'rooms' })),
    h('section', { id: 'room', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a room.')),
    h('aside', { id: 'panel', hidden: true }));
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && !modal.open) closePanel(); });
  await loadRooms();
  connect();
}

async function loadRooms() {
  state.rooms = ((await api('GET', '/api/v1/subscriptions.get')).update || []).filter((s) => s.open !== false)
    .sort((a, b) => roomTitle(a).localeCompare(roomTitle(b)));
  renderRooms();
}

/// What a room is called here: a direct room by the other person's name, a channel or group by its name.
function roomTitle(subscription) {
  return (subscription.t === 'd' ? '@' : '#') + (subscription.fname || subscription.name);
}

function renderRooms() {
  document.getElementById('rooms').replaceChildren(...state.rooms.map((s) => h('li', {},
    h('button', { 'data-room': s.name, 'aria-current': state.current && state.current.rid === s.rid ? 'true' : 'false', onclick: () => openRoom(s) },
      h('span', {}, roomTitle(s)), s.unread ? h('span', { class: 'unread', 'aria-label': `${s.unread} unread` }, String(s.unread)) : ''))));
}

const historyPath = { c: 'channels.history', p: 'groups.history', d: 'im.history' };

/// The apps' action buttons for a context (`roomAction`, `messageAction`) that apply to the open room.
function actionButtons(context, where) {
  const room = state.current;
  const kind = room.t === 'd' ? 'direct' : room.prid ? (room.t === 'c' ? 'public_discussion' : 'private_discussion')
    : room.t === 'c' ? 'public_channel' : 'private_channel';
  return state.buttons.filter((b) => {
    const when = b.when || {};
    if (b.context !== context) return false;
    if (when.roomTypes && !when.roomTypes.includes(kind)) return false;
    if (when.messageActionContext && where && !when.messageActionContext.includes(where === 'thread' ? 'threads' : 'message')) return false;
    if (when.hasOneRole && !when.hasOneRole.some((r) => state.roles.includes(r))) return false;
    if (when.hasAllRoles && !when.hasAllRoles.every((r) => state.roles.includes(r))) return false;
    return true;
  });
}

/// The open room's header buttons (`roomAction`) and the composer's command suggestions.
function roomActions() {
  return actionButtons('roomAction').map((button) =>
    h('button', { class: 'room-action', type: 'button', onclick: () => pressButton(button) }, button.labelI18n || button.actionId));
}

function commandOptions() {
  return state.commands.map((c) => h('option', { value: `/${c.command} ` }, c.description || ''));
}

/// An app came, went, or changed its commands or buttons (`stream-apps`): they are read again and the open room's
/// header and command suggestions follow (buttons on messages follow when the room is opened again).
async function appsChanged(name) {
  if (name.startsWith('command/')) {
    const reply = await api('GET', '/api/v1/commands.list?count=200').catch(() => null);
    if (reply && reply.commands) state.commands = reply.commands;
  } else if (name === 'actions/changed') {
    const buttons = await api('GET', '/api/apps/actionButtons').catch(() => null);
    if (Array.isArray(buttons)) state.buttons = buttons;
  } else return;
  if (!state.current) return;
  const header = document.querySelector('#room-header .actions');
  if (header) header.replaceChildren(...roomActions());
  const suggestions = document.getElementById('commands');
  if (suggestions) suggestions.replaceChildren(...commandOptions());
}

/// An action button pressed: the app that registered it answers, often with a view.
async function pressButton(button, { mid, tmid } = {}) {
  try {
    const text = document.getElementById('text');
    const response = await api('POST', `/api/apps/ui.interaction/${encodeURIComponent(button.appId)}`, {
      type: 'actionButton', actionId: button.actionId, triggerId: crypto.randomUUID(), rid: state.current.rid, mid, tmid,
      payload: { context: button.context, message: text ? text.value : undefined },
    });
    if (response.type) showView(response);
  } catch (error) { notice(error.message); }
}

async function openRoom(subscription) {
  state.current = subscription;
  subscription.unread = 0;
  renderRooms();
  closePanel();
  const list = h('ol', { id: 'messages', 'aria-label': 'Messages' });
  const input = h('input', { id: 'text', autocomplete: 'off', placeholder: `Message ${roomTitle(subscription)} (/ for commands)`, 'aria-label': 'Message' });
  const previews = h('div', { id: 'previews', hidden: true });
  input.addEventListener('input', () => schedulePreview(input, previews));
  input.addEventListener('keydown', (event) => { if (event.key === 'Escape') previews.hidden = true; });
  document.getElementById('room').replaceChildren(
    h('div', { id: 'room-header' }, h('h2', {}, roomTitle(subscription)),
      h('div', { class: 'actions' }, roomActions())),
    list,
    h('datalist', { id: 'commands' }, commandOptions()),
    previews,
    h('form', { id: 'composer', onsubmit: (event) => { event.preventDefault(); send(input); } }, input, h('button', { class: 'primary', type: 'submit' }, 'Send')));
  input.setAttribute('list', 'commands');
  state.elements.main = new Map();
  state.complete = false;
  const reply = await api('GET', `/api/v1/${historyPath[subscription.t] || 'channels.history'}?roomId=${encodeURIComponent(subscription.rid)}&count=50`);
  for (const message of (reply.messages || []).reverse()) {
    // Replies in the history are already counted on their parents (`tcount`).
    if (message.tmid && !message.tshow) { state.replies.add(message._id); state.messages.set(message._id, message); } else receive(message);
  }
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
      if (message.tmid) { state.replies.add(message._id); continue; }
      if (state.elements.main.has(message._id)) continue;
      state.messages.set(message._id, message);
      const element = renderMessage(message, 'main');
      list.prepend(element);
      state.elements.main.set(message._id, element);
    }
    list.scrollTop = list.scrollHeight - height;
  } finally {
    state.loadingOlder = false;
  }
}

/// Sends the composer's text to the room or (`tmid`) to a thread; `/command params` runs a slash command.
async function send(input, tmid) {
  const text = input.value.trim();
  if (!text || !state.current) return;
  input.value = '';
  const previews = document.getElementById('previews');
  if (previews) previews.hidden = true;
  try {
    if (text.startsWith('/')) {
      const [command, ...params] = text.slice(1).split(' ');
      await api('POST', '/api/v1/commands.run', { command, params: params.join(' '), roomId: state.current.rid, tmid, triggerId: crypto.randomUUID() });
    } else {
      await api('POST', '/api/v1/chat.sendMessage', { message: { rid: state.current.rid, msg: text, tmid } });
    }
  } catch (error) {
    notice(error.message);
  }
}

/// While `/command …` is typed and the command offers previews, the app's items show above the composer; picking
/// one runs it (`commands.preview`) instead of the command.
function schedulePreview(input, box) {
  clearTimeout(state.previewTimer);
  const match = /^\/(\S+)(?:\s([\s\S]*))?$/.exec(input.value);
  const command = match && state.commands.find((c) => c.command === match[1].toLowerCase() && c.providesPreview);
  if (!command) { box.hidden = true; return; }
  state.previewTimer = setTimeout(async () => {
    const params = match[2] || '';
    try {
      const reply = await api('GET', `/api/v1/commands.preview?command=${encodeURIComponent(command.command)}&params=${encodeURIComponent(params)}&roomId=${encodeURIComponent(state.current.rid)}`);
      const preview = reply.preview || {};
      const items = preview.items || [];
      box.replaceChildren(h('p', { class: 'muted' }, preview.i18nTitle || `/${command.command}`),
        items.length ? h('ul', { class: 'preview-items' }, items.map((item) => h('li', {},
          h('button', { type: 'button', class: 'preview-item', onclick: () => pickPreview(command.command, params, item, input, box) },
            item.type === 'text' || !item.type ? String(item.value) : `${item.type}: ${item.id}`))))
          : h('p', { class: 'muted' }, 'Nothing to preview.'));
      box.hidden = input.value.trim() === '';
    } catch (error) { box.replaceChildren(h('p', { class: 'error' }, error.message)); box.hidden = false; }
  }, 250);
}

async function pickPreview(command, params, item, input, box) {
  box.hidden = true;
  input.value = '';
  try {
    await api('POST', '/api/v1/commands.preview', {
      command, params, roomId: state.current.rid, previewItem: item, triggerId: crypto.randomUUID(),
    });
  } catch (error) { notice(error.message); }
  input.focus();
}

function notice(text) {
  const list = document.getElementById('messages');
  if (list) list.append(h('li', { class: 'notice', role: 'status' }, text));
}

/// A message of the open room, new or changed: thread replies go to the thread panel (and count on their
/// parent), the rest to the room's list, replacing the message where it stands on an edit.
function receive(message) {
  if (!state.current || message.rid !== state.current.rid) return;
  state.messages.set(message._id, message);
  if (message.tmid && !message.tshow) {
    if (!state.replies.has(message._id)) {
      state.replies.add(message._id);
      const parent = state.messages.get(message.tmid);
      if (parent && state.elements.main.has(parent._id)) {
        parent.tcount = (parent.tcount || 0) + 1;
        place(parent, 'main');
      }
    }
    if (state.thread && state.thread.id === message.tmid) place(message, 'thread');
    return;
  }
  place(message, 'main');
  if (state.thread && state.thread.id === message._id) place(message, 'thread');
}

function place(message, where) {
  const elements = state.elements[where];
  const list = document.getElementById(where === 'main' ? 'messages' : 'thread-messages');
  if (!list) return;
  const element = renderMessage(message, where);
  const existing = elements.get(message._id);
  if (existing) existing.replaceWith(element);
  else list.append(element);
  elements.set(message._id, element);
  element.scrollIntoView({ block: 'nearest' });
}

function renderMessage(message, where) {
  const author = message.alias || (message.u && (message.u.name || message.u.username)) || '';
  const mine = message.u && message.u._id === state.userId && !message.t;
  const reactions = Object.entries(message.reactions || {});
  return h('li', { 'data-message': message._id, 'data-ts': tsOf(message) },
    // A message with blocks shows its blocks; its text is the fallback for clients without UIKit.
    h('span', { class: 'author' }, author), (message.blocks || []).length ? '' : h('span', { class: 'text' }, message.msg || ''),
    message.editedAt ? h('span', { class: 'muted' }, ' (edited)') : '',
    (message.attachments || []).map((a) => h('div', { class: 'attachment' }, a.title ? h('strong', {}, a.title) : '', a.text ? h('div', {}, a.text) : '')),
    (message.blocks || []).map((block) => renderBlock(block, (b, button) => blockAction(message, b, button))),
    h('div', { class: 'message-actions' },
      reactions.length ? h('span', { class: 'reactions' }, reactions.map(([emoji, r]) =>
        h('button', { type: 'button', class: 'reaction', 'aria-pressed': r.usernames.includes(state.username) ? 'true' : 'false', title: r.usernames.join(', '), onclick: () => react(message, emoji) },
          `${EMOJI[emoji] || emoji} ${r.usernames.length}`))) : '',
      h('button', { type: 'button', class: 'react', title: 'Add a reaction', 'aria-label': 'Add a reaction', 'aria-expanded': 'false', onclick: (event) => togglePicker(event.currentTarget, message) }, '☺+'),
      where === 'main' && !message.t ? h('button', { type: 'button', class: 'reply', onclick: () => openThread(message) }, message.tcount ? `${message.tcount} ${message.tcount === 1 ? 'reply' : 'replies'}` : 'Reply') : '',
      mine ? h('button', { type: 'button', class: 'edit', onclick: () => edit(message, where) }, 'Edit') : '',
      mine ? h('button', { type: 'button', class: 'delete', onclick: () => remove(message) }, 'Delete') : '',
      message.t ? '' : actionButtons('messageAction', where).map((button) =>
        h('button', { type: 'button', class: 'message-action', onclick: () => pressButton(button, { mid: message._id, tmid: message.tmid }) }, button.labelI18n || button.actionId))));
}

/// A message's time as milliseconds (REST answers ISO strings, DDP `{$date}`).
function tsOf(message) {
  const ts = message.ts;
  return ts && ts.$date ? ts.$date : Date.parse(ts || 0) || 0;
}

/// The reaction picker under a message's "☺+" button.
function togglePicker(trigger, message) {
  const open = trigger.nextElementSibling && trigger.nextElementSibling.classList.contains('emoji-picker');
  for (const picker of document.querySelectorAll('.emoji-picker')) picker.remove();
  trigger.setAttribute('aria-expanded', open ? 'false' : 'true');
  if (open) return;
  const picker = h('span', { class: 'emoji-picker', role: 'group', 'aria-label': 'Reactions' }, PICKER.map((emoji) =>
    h('button', { type: 'button', 'data-emoji': emoji, 'aria-label': emoji.slice(1, -1), onclick: () => { picker.remove(); react(message, emoji); } }, EMOJI[emoji])));
  trigger.after(picker);
  picker.querySelector('button').focus();
}

/// Adds my reaction, or takes it back when it is already there (Rocket.Chat's `chat.react` toggles).
async function react(message, emoji) {
  try { await api('POST', '/api/v1/chat.react', { messageId: message._id, emoji }); } catch (error) { notice(error.message); }
}

/// Edits in place: the text becomes a field; Enter saves, Escape gives up.
function edit(message, where) {
  const element = state.elements[where].get(message._id);
  const text = element && element.querySelector('.text');
  if (!text) return;
  const field = h('input', { class: 'edit-field', value: message.msg || '', 'aria-label': 'Edit message' });
  field.addEventListener('keydown', async (event) => {
    if (event.key === 'Escape') { event.stopPropagation(); return place(message, where); }
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

/// The side panel (a thread or an app's contextual bar), with a title and a close button.
function showPanel(kind, title, ...content) {
  const panel = document.getElementById('panel');
  panel.hidden = false;
  panel.dataset.kind = kind;
  panel.setAttribute('aria-label', title);
  panel.replaceChildren(h('div', { class: 'panel-header' }, h('h2', {}, title),
    h('button', { type: 'button', class: 'close-panel', 'aria-label': 'Close panel', onclick: closePanel }, '×')), ...content);
  main.classList.add('with-panel');
}

function closePanel() {
  const panel = document.getElementById('panel');
  if (!panel || panel.hidden) return;
  panel.hidden = true;
  panel.replaceChildren();
  state.thread = null;
  state.elements.thread = new Map();
  main.classList.remove('with-panel');
}

/// A thread in the side panel: the parent, its replies (`chat.getThreadMessages`) and a composer for replies.
async function openThread(parent) {
  const input = h('input', { id: 'thread-text', autocomplete: 'off', placeholder: 'Reply in thread', 'aria-label': 'Reply in thread' });
  showPanel('thread', 'Thread', h('ol', { id: 'thread-messages', 'aria-label': 'Thread' }),
    h('form', { id: 'thread-composer', onsubmit: (event) => { event.preventDefault(); send(input, parent._id); } }, input,
      h('button', { class: 'primary', type: 'submit' }, 'Reply')));
  state.thread = { id: parent._id };
  state.elements.thread = new Map();
  place(parent, 'thread');
  try {
    const reply = await api('GET', `/api/v1/chat.getThreadMessages?tmid=${encodeURIComponent(parent._id)}&count=100`);
    for (const message of (reply.messages || []).slice().sort((a, b) => tsOf(a) - tsOf(b))) {
      state.replies.add(message._id);
      state.messages.set(message._id, message);
      place(message, 'thread');
    }
  } catch (error) { notice(error.message); }
  input.focus();
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

/// A view an app pushed or answered with: a modal in the dialog, a contextual bar in the side panel; `errors`
/// marks the fields of the open one; `*.close` closes it.
function showView(push) {
  const type = push.type || '';
  if (type === 'errors') return markErrors(openView() || document, push.errors || {});
  if (type === 'modal.close') return modal.close();
  if (type === 'contextual_bar.close') return closePanel();
  const match = /^(modal|contextual_bar)\.(open|update)$/.exec(type);
  if (!match) return;
  const view = push.view || {};
  const appId = view.appId || push.appId || '';
  const bar = match[1] === 'contextual_bar';
  const close = () => (bar ? closePanel() : modal.close());
  const onSubmit = async (values) => {
    const root = openView();
    try {
      const response = await api('POST', `/api/apps/ui.interaction/${encodeURIComponent(appId)}`, {
        type: 'viewSubmit', triggerId: crypto.randomUUID(), viewId: view.id, payload: { view: { id: view.id, state: values } },
      });
      if (response.type === 'errors') markErrors(root, response.errors || {});
      else if (response.type) showView(response);
      else close();
    } catch (error) { markErrors(root, { _: error.message }); }
  };
  const onButton = (block, button) => blockAction({ rid: state.current && state.current.rid }, { ...block, appId }, button);
  const { form, firstInput } = viewForm(view, { id: bar ? 'bar' : 'view', onSubmit, onClose: close, onButton });
  if (bar) {
    showPanel('contextual-bar', form.querySelector('h2').textContent, form);
    form.querySelector('h2').remove();
  } else {
    modal.replaceChildren(form);
    if (!modal.open) modal.showModal();
  }
  (firstInput || form.querySelector('button')).focus();
}

/// The view whose errors an `errors` answer marks: the open modal, else the contextual bar.
function openView() {
  return modal.open ? modal : document.getElementById('panel');
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
    if (Date.now() - last < 2000 || input.value.startsWith('/')) return;
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

function deleted(id) {
  for (const elements of Object.values(state.elements)) {
    const element = elements.get(id);
    if (element) { element.remove(); elements.delete(id); }
  }
  state.messages.delete(id);
}

/// DDP over `/websocket`: log in with the token, then every message of my rooms, my ephemeral notices, the apps'
/// changes and my views.
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
    sendFrame({ msg: 'sub', id: 'apps', name: 'stream-apps', params: ['apps', false] });
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
      if (name.endsWith('/deleteMessage')) deleted(payload._id);
      else if (name.endsWith('/user-activity')) showTyping(frame.fields.args[0], frame.fields.args[1] || []);
    } else if (frame.collection === 'stream-apps') {
      appsChanged(payload[0]);
    } else if (frame.collection === 'stream-room-messages') {
      if (state.current && payload.rid === state.current.rid) receive(payload);
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
