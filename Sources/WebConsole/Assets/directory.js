// The console's users and rooms (/admin → Users, Rooms): searchable lists, creating a user, deactivating and
// reactivating one, granting and taking back global roles. Each action is one Rocket.Chat REST call
// (`users.list`, `users.create`, `users.update`, `roles.*`, `rooms.adminRooms`); the server decides who may,
// and its refusals are shown as they come.

import { api, h } from './common.js';

/// A search field that calls `load(term)` once typing pauses.
function searchField(id, label, load) {
  let timer;
  const field = h('input', { id, type: 'search', placeholder: label, 'aria-label': label });
  field.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(field.value.trim()), 250); });
  return field;
}

function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, error.status === 403 ? `Not allowed: ${error.message}` : error.message);
}

export async function renderUsers(section) {
  const status = h('p', { id: 'users-status', role: 'status' });
  const count = h('p', { id: 'users-count', class: 'muted' });
  const tbody = h('tbody');
  let roles = [];
  let term = '';
  const load = async (search = term) => {
    term = search;
    try {
      const reply = await api('GET', `/api/v1/users.list?count=100${term ? `&filter=${encodeURIComponent(term)}` : ''}`);
      const users = reply.users || [];
      tbody.replaceChildren(...(users.length ? users.map(row) : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No users match.'))]));
      count.textContent = `${reply.total ?? users.length} user(s)${term ? ` matching “${term}”` : ''}`;
    } catch (error) { tbody.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, failure(error)))); }
  };
  const act = async (message, call) => {
    try { await call(); await load(); status.className = 'ok'; status.textContent = message; } catch (error) {
      status.className = 'error';
      status.textContent = error.message;
    }
  };
  const row = (user) => {
    const roleSelect = h('select', { 'aria-label': `Role for ${user.username}` },
      roles.filter((r) => r.scope === 'Users' && !(user.roles || []).includes(r._id)).map((r) => h('option', { value: r._id }, r.name)));
    return h('tr', { 'data-user': user.username },
      h('td', {}, h('strong', {}, user.username), h('div', { class: 'muted' }, user.name || '')),
      h('td', {}, ((user.emails || [])[0] || {}).address || ''),
      h('td', { class: 'roles' }, (user.roles || []).map((role) => h('span', { class: 'chip' }, role,
        h('button', { type: 'button', class: 'remove-role', 'aria-label': `Take ${role} from ${user.username}`,
          onclick: () => act(`${user.username} is no longer ${role}`, () => api('POST', '/api/v1/roles.removeUserFromRole', { roleName: role, username: user.username })) }, '×')))),
      h('td', { class: 'active' }, user.active === false ? 'deactivated' : 'active'),
      h('td', {}, h('div', { class: 'actions' }, roleSelect,
        h('button', { type: 'button', class: 'add-role', onclick: () => act(`${user.username} is now ${roleSelect.value}`, () => api('POST', '/api/v1/roles.addUserToRole', { roleName: roleSelect.value, username: user.username })) }, 'Add role'))),
      h('td', {}, h('button', { type: 'button', class: user.active === false ? 'toggle-active' : 'toggle-active danger',
        onclick: () => act(`${user.username} ${user.active === false ? 'reactivated' : 'deactivated'}`,
          () => api('POST', '/api/v1/users.update', { userId: user._id, data: { active: user.active === false } })) },
        user.active === false ? 'Activate' : 'Deactivate')));
  };
  const create = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = Object.fromEntries(['username', 'name', 'email', 'password'].map((k) => [k, String(form.get(k) || '').trim()]));
    await act(`Created ${body.username}`, async () => { await api('POST', '/api/v1/users.create', body); event.target.reset(); });
  };
  section.replaceChildren(
    h('section', { class: 'panel' }, h('h2', {}, 'Create a user'),
      h('form', { id: 'create-user', class: 'inline-form', onsubmit: create },
        h('label', {}, 'Username', h('input', { name: 'username', required: true, autocomplete: 'off' })),
        h('label', {}, 'Name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
        h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' })),
        h('label', {}, 'Password', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })),
        h('button', { class: 'primary', type: 'submit' }, 'Create'))),
    status, h('div', { class: 'actions' }, searchField('user-search', 'Search users by username or name', load)), count,
    h('div', { class: 'table-wrap' }, h('table', { id: 'users' },
      h('thead', {}, h('tr', {}, ['User', 'E-mail', 'Roles', 'Status', '', ''].map((t) => h('th', {}, t)))), tbody)));
  try { roles = (await api('GET', '/api/v1/roles.list')).roles || []; } catch (_) { roles = []; }
  await load('');
}

const roomKinds = { c: 'channel', p: 'private group', d: 'direct' };

export async function renderRooms(section) {
  const count = h('p', { id: 'rooms-count', class: 'muted' });
  const tbody = h('tbody');
  const load = async (term) => {
    try {
      const reply = await api('GET', `/api/v1/rooms.adminRooms?count=100${term ? `&filter=${encodeURIComponent(term)}` : ''}`);
      const rooms = reply.rooms || [];
      tbody.replaceChildren(...(rooms.length ? rooms.map((room) => h('tr', { 'data-room': room.name || room._id },
        h('td', {}, h('strong', {}, room.fname || room.name || (room.usernames || []).join(', ')), h('div', { class: 'muted' }, room._id)),
        h('td', {}, roomKinds[room.t] || room.t), h('td', {}, String(room.usersCount ?? '')), h('td', {}, String(room.msgs ?? '')),
        h('td', {}, room.u ? room.u.username : ''), h('td', {}, room.lm ? new Date(room.lm).toLocaleString() : '—')))
        : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No rooms match.'))]));
      count.textContent = `${reply.total ?? rooms.length} room(s)${term ? ` matching “${term}”` : ''}`;
    } catch (error) { tbody.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, failure(error)))); }
  };
  section.replaceChildren(
    h('div', { class: 'actions' }, searchField('room-search', 'Search rooms by name or member', load)), count,
    h('div', { class: 'table-wrap' }, h('table', { id: 'admin-rooms' },
      h('thead', {}, h('tr', {}, ['Room', 'Kind', 'Members', 'Messages', 'Created by', 'Last message'].map((t) => h('th', {}, t)))), tbody)));
  await load('');
}
