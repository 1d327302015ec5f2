// The admin console (/admin): log in with Rocket.Chat's REST login (the token kept in localStorage, as Rocket.Chat's
// web client keeps `Meteor.loginToken`), list apps, install (inspect first: permissions and signer, then upload
// with progress), enable/disable, uninstall, edit settings, read logs; users and rooms are in directory.js. Every
// value from the server or an app is put in the page as text (textContent), never as HTML.

import { api, h, session, showLogin } from './common.js';
import { renderRooms, renderUsers } from './directory.js';

const root = document.getElementById('main');
/// Where the open section draws (the apps list, users or rooms), under the section tabs.
let main = root;

/// The section tabs; the apps list opens first.
function showSection(name) {
  main = h('div', { id: `section-${name}` });
  const tab = (id, label) => h('button', { type: 'button', class: 'tab', 'data-section': id, 'aria-current': id === name ? 'page' : 'false', onclick: () => showSection(id) }, label);
  root.replaceChildren(h('nav', { class: 'tabs', 'aria-label': 'Sections' }, tab('apps', 'Apps'), tab('users', 'Users'), tab('rooms', 'Rooms')), main);
  const render = { apps: () => renderApps(), users: () => renderUsers(main), rooms: () => renderRooms(main) }[name];
  return render().catch((error) => main.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message)));
}

async function start() {
  if (!session.token) return showLogin(root, start);
  let me;
  try {
    me = await api('GET', '/api/v1/me');
  } catch (error) {
    session.clear();
    return showLogin(root, start, error.status === 401 ? 'Your session ended; log in again.' : error.message);
  }
  document.getElementById('who').textContent = me.username;
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.onclick = async () => { try { await api('POST', '/api/v1/logout'); } catch (_) { /* gone already */ } session.clear(); showLogin(root, start); };
  await showSection('apps');
}

async function renderApps(notice) {
  let apps;
  try {
    apps = (await api('GET', '/api/apps')).apps || [];
  } catch (error) {
    if (error.status === 403) {
      root.replaceChildren(h('p', { class: 'error', id: 'refused', role: 'alert' },
        'Your account cannot manage apps: this console needs the manage-apps permission. Ask an administrator.'));
      return;
    }
    throw error;
  }
  const rows = apps.map((app) => {
    const stats = Object.values(app.stats || {});
    const calls = stats.reduce((n, s) => n + (s.count || 0), 0);
    const failures = stats.reduce((n, s) => n + (s.failures || 0) + (s.timeouts || 0), 0);
    const p99 = stats.reduce((m, s) => Math.max(m, s.p99Ms || 0), 0);
    const enabled = ['manually_enabled', 'auto_enabled'].includes(app.status);
    const runtime = app.runtime || {};
    return h('tr', { 'data-app': app.id },
      h('td', {}, h('strong', {}, app.name), h('div', { class: 'muted' }, app.id)),
      h('td', {}, app.version),
      h('td', { class: 'status' }, app.status, app.statusReason ? h('div', { class: 'error' }, app.statusReason) : null),
      h('td', {}, runtime.mode || '', runtime.rssBytes ? ` ${Math.round(runtime.rssBytes / 1048576)} MiB` : '', runtime.restarts ? ` ${runtime.restarts} restarts` : ''),
      h('td', {}, app.signature && app.signature.signed ? `signed by ${app.signature.signer}` : 'unsigned'),
      h('td', {}, String(calls)), h('td', {}, String(failures)), h('td', {}, p99.toFixed(2)),
      h('td', {}, h('div', { class: 'actions' },
        h('button', { class: 'toggle', onclick: () => setStatus(app, enabled ? 'manually_disabled' : 'manually_enabled') }, enabled ? 'Disable' : 'Enable'),
        h('button', { class: 'settings', onclick: () => showSettings(app) }, 'Settings'),
        h('button', { class: 'logs', onclick: () => showLogs(app) }, 'Logs'),
        h('button', { class: 'details', onclick: () => showDetails(app) }, 'Details'),
        h('button', { class: 'danger uninstall', onclick: () => uninstall(app) }, 'Uninstall'))));
  });
  main.replaceChildren(
    notice ? h('p', { class: 'ok', role: 'status', id: 'notice' }, notice) : '',
    installPanel(),
    h('div', { class: 'table-wrap' }, h('table', { id: 'apps' },
      h('thead', {}, h('tr', {}, ['App', 'Version', 'Status', 'Runtime', 'Signature', 'Calls', 'Failed', 'Max p99 ms', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No apps installed.'))))),
    h('div', { id: 'detail' }));
}

function installPanel() {
  const input = h('input', { type: 'file', id: 'package', accept: '.zip,application/zip', onchange: () => input.files[0] && inspect(input.files[0]) });
  const drop = h('div', { class: 'drop', id: 'drop' }, h('label', {}, 'Install an app: drop its .zip here or choose it ', input), h('div', { id: 'inspect' }));
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => { event.preventDefault(); drop.classList.remove('over'); if (event.dataTransfer.files[0]) inspect(event.dataTransfer.files[0]); });
  return drop;
}

/// Shows what the package asks for before anything is installed.
async function inspect(file) {
  const target = document.getElementById('inspect');
  const form = new FormData();
  form.append('app', file);
  try {
    const report = await api('POST', '/api/apps/inspect', form);
    const signature = report.signature.signed
      ? (report.signature.trusted ? `Signed by ${report.signature.signer} (key ${report.signature.keyId})` : `Signed by an untrusted key ${report.signature.keyId}`)
      : 'Not signed';
    target.replaceChildren(
      h('h3', {}, `${report.app.name} ${report.app.version}`), h('p', {}, report.app.description),
      h('p', {}, signature), report.installed ? h('p', {}, `Installed now: ${report.installed.version} (${report.installed.status}); this updates it.`) : '',
      h('p', {}, report.permissionsDeclared ? 'It asks for these permissions:' : 'It declares no permissions, so it gets the Apps-Engine defaults:'),
      h('ul', { id: 'permissions' }, report.permissions.map((p) => h('li', {}, p.name))),
      report.refusal ? h('p', { class: 'error', role: 'alert' }, `The server would refuse it: ${report.refusal}`) : '',
      h('progress', { id: 'progress', max: 100, value: 0, hidden: true }),
      h('p', { id: 'install-error', class: 'error', role: 'alert' }),
      h('button', { class: 'primary', id: 'install', disabled: Boolean(report.refusal), onclick: () => upload(file, report) }, report.installed ? 'Update' : 'Install'));
  } catch (error) {
    target.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'install-error' }, error.message));
  }
}

/// XMLHttpRequest rather than fetch: it reports upload progress.
function upload(file, report) {
  const progress = document.getElementById('progress');
  const failure = document.getElementById('install-error');
  progress.hidden = false;
  const request = new XMLHttpRequest();
  request.open('POST', report.installed ? `/api/apps/${encodeURIComponent(report.app.id)}` : '/api/apps');
  request.setRequestHeader('X-User-Id', session.userId);
  request.setRequestHeader('X-Auth-Token', session.token);
  request.upload.onprogress = (event) => { if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100); };
  request.onload = () => {
    let reply = {};
    try { reply = JSON.parse(request.responseText); } catch (_) { /* not JSON */ }
    if (request.status === 200) renderApps(`${reply.app.name} ${reply.app.version}: ${reply.app.status}`);
    else failure.textContent = reply.error || `HTTP ${request.status}`;
  };
  request.onerror = () => { failure.textContent = 'The upload failed (network).'; };
  const form = new FormData();
  form.append('app', file);
  request.send(form);
}

async function setStatus(app, status) {
  try {
    const reply = await api('POST', `/api/apps/${encodeURIComponent(app.id)}/status`, { status });
    await renderApps(`${app.name}: ${reply.status}`);
  } catch (error) { alert(error.message); }
}

async function uninstall(app) {
  if (!confirm(`Uninstall ${app.name}? Its settings and data are deleted.`)) return;
  try {
    await api('DELETE', `/api/apps/${encodeURIComponent(app.id)}`);
    await renderApps(`${app.name} uninstalled`);
  } catch (error) { alert(error.message); }
}

/// A form from the app's typed settings; only changed values are sent, each answer (or the app's refusal) shown.
async function showSettings(app) {
  const detail = document.getElementById('detail');
  const settings = (await api('GET', `/api/apps/${encodeURIComponent(app.id)}/settings`)).settings || {};
  const fields = Object.values(settings).map((setting) => {
    const value = setting.value ?? setting.packageValue;
    let input;
    switch (setting.type) {
      case 'boolean': input = h('input', { type: 'checkbox', checked: Boolean(value) }); break;
      case 'int': input = h('input', { type: 'number', step: 1, value }); break;
      case 'password': input = h('input', { type: 'password', placeholder: 'unchanged', autocomplete: 'new-password' }); break;
      case 'color': input = h('input', { type: 'color', value }); break;
      case 'code': input = h('textarea', { rows: 6 }, value ?? ''); break;
      case 'select':
        input = h('select', {}, (setting.values || []).map((v) => h('option', { value: v.key, selected: v.key === value }, v.i18nLabel || v.key))); break;
      case 'multiSelect':
        input = h('select', { multiple: true }, (setting.values || []).map((v) => h('option', { value: v.key, selected: (value || []).includes(v.key) }, v.i18nLabel || v.key))); break;
      default: input = h('input', { value: value ?? '' });
    }
    input.id = `setting-${setting.id}`;
    input.dataset.setting = setting.id;
    input.dataset.type = setting.type;
    return h('div', { class: 'field' }, h('label', { for: input.id }, setting.i18nLabel || setting.id), input,
      setting.i18nDescription ? h('small', { class: 'muted' }, setting.i18nDescription) : null,
      h('span', { class: 'error', id: `error-${setting.id}` }));
  });
  const save = async (event) => {
    event.preventDefault();
    let saved = 0;
    for (const input of event.target.querySelectorAll('[data-setting]')) {
      const id = input.dataset.setting;
      const setting = settings[id];
      let value;
      if (input.dataset.type === 'boolean') value = input.checked;
      else if (input.dataset.type === 'int') value = Number(input.value);
      else if (input.dataset.type === 'multiSelect') value = [...input.selectedOptions].map((o) => o.value);
      else value = input.value;
      if (input.dataset.type === 'password' && value === '') continue;
      if (JSON.stringify(value) === JSON.stringify(setting.value ?? setting.packageValue)) continue;
      const error = document.getElementById(`error-${id}`);
      try {
        await api('POST', `/api/apps/${encodeURIComponent(app.id)}/settings/${encodeURIComponent(id)}`, { setting: { id, value } });
        error.textContent = '';
        saved += 1;
      } catch (failure) { error.textContent = failure.message; }
    }
    document.getElementById('settings-status').textContent = `${saved} setting${saved === 1 ? '' : 's'} saved`;
  };
  detail.replaceChildren(h('section', { class: 'panel', id: 'settings' }, h('h2', {}, `${app.name}: settings`),
    fields.length ? h('form', { onsubmit: save }, fields, h('button', { class: 'primary', type: 'submit', id: 'save-settings' }, 'Save'),
      h('span', { id: 'settings-status', class: 'ok', role: 'status' })) : h('p', { class: 'muted' }, 'This app has no settings.')));
}

/// What the app provides and how it is doing: its slash commands, endpoints (full URLs, copyable), scheduled jobs
/// and a chart of its calls per minute over the last hour (bars: calls; the line under each: failures).
async function showDetails(app) {
  const detail = document.getElementById('detail');
  const id = encodeURIComponent(app.id);
  const [commands, apis, jobs, stats] = await Promise.all([
    api('GET', '/api/v1/commands.list?count=500'), api('GET', `/api/apps/${id}/apis`), api('GET', `/api/apps/${id}/jobs`),
    api('GET', `/api/apps/${id}/stats?window=1h`),
  ]);
  const mine = (commands.commands || []).filter((c) => c.appId === app.id);
  const endpoints = apis.apis || [];
  const copy = (text) => h('button', { type: 'button', onclick: () => navigator.clipboard && navigator.clipboard.writeText(text) }, 'Copy');
  detail.replaceChildren(h('section', { class: 'panel', id: 'details' }, h('h2', {}, `${app.name}: details`),
    h('h3', {}, 'Slash commands'),
    mine.length ? h('ul', { id: 'app-commands' }, mine.map((c) => h('li', {}, `/${c.command} ${c.params || ''}`, h('span', { class: 'muted' }, ` ${c.description || ''}`))))
      : h('p', { class: 'muted', id: 'app-commands' }, 'No slash commands.'),
    h('h3', {}, 'Endpoints'),
    endpoints.length ? h('ul', { id: 'app-endpoints' }, endpoints.map((e) => {
      const full = `${location.origin}${e.computedPath}`;
      return h('li', {}, h('code', {}, `${(e.methods || []).join(', ').toUpperCase()} ${full}`), ' ', copy(full));
    })) : h('p', { class: 'muted', id: 'app-endpoints' }, 'No endpoints.'),
    h('h3', {}, 'Scheduled jobs'),
    (jobs.jobs || []).length ? h('ul', { id: 'app-jobs' }, jobs.jobs.map((j) => h('li', {}, `${j.processorId}: next ${j.nextRunAt}${j.interval ? `, every ${j.interval}` : ''}`)))
      : h('p', { class: 'muted', id: 'app-jobs' }, 'No scheduled jobs.'),
    h('h3', {}, 'Calls per minute, last hour'), chart(stats.buckets || [])));
}

/// An SVG bar chart (built as DOM elements: the page's CSP allows no inline markup or styles).
function chart(buckets) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const width = 600;
  const height = 80;
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 12}`);
  svg.setAttribute('id', 'app-chart');
  svg.setAttribute('role', 'img');
  const total = buckets.reduce((n, b) => n + b.calls, 0);
  const slowest = buckets.reduce((m, b) => Math.max(m, b.p99Ms), 0);
  svg.setAttribute('aria-label', `${total} calls in the last hour, slowest minute p99 ${slowest.toFixed(1)} ms`);
  const most = Math.max(1, ...buckets.map((b) => b.calls));
  const step = width / Math.max(1, buckets.length);
  buckets.forEach((bucket, index) => {
    const bar = document.createElementNS(ns, 'rect');
    const barHeight = (bucket.calls / most) * height;
    bar.setAttribute('x', String(index * step + 1));
    bar.setAttribute('y', String(height - barHeight));
    bar.setAttribute('width', String(Math.max(1, step - 2)));
    bar.setAttribute('height', String(barHeight));
    bar.setAttribute('fill', '#0b63c5');
    bar.setAttribute('data-calls', String(bucket.calls));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${bucket.start}: ${bucket.calls} calls, ${bucket.failures} failed, p50 ${bucket.p50Ms.toFixed(1)} ms, p99 ${bucket.p99Ms.toFixed(1)} ms`;
    bar.append(title);
    svg.append(bar);
    if (bucket.failures) {
      const mark = document.createElementNS(ns, 'rect');
      mark.setAttribute('x', String(index * step + 1));
      mark.setAttribute('y', String(height + 4));
      mark.setAttribute('width', String(Math.max(1, step - 2)));
      mark.setAttribute('height', '6');
      mark.setAttribute('fill', '#b42318');
      svg.append(mark);
    }
  });
  return h('figure', {}, svg, h('figcaption', { class: 'muted' }, `${total} calls in the last hour; slowest minute p99 ${slowest.toFixed(1)} ms`));
}

/// The app's log, newest last, with level and method filters and a live tail (polling every 2 s). With several
/// nodes each line names the node that wrote it, and a node filter appears.
async function showLogs(app) {
  const detail = document.getElementById('detail');
  const nodes = (await api('GET', '/api/apps/logs/instanceIds')).instanceIds || [];
  const node = h('select', { id: 'log-node', hidden: nodes.length < 2 }, ['', ...nodes].map((n) => h('option', { value: n }, n || 'all nodes')));
  const level = h('select', { id: 'log-level' }, ['', 'error', 'warning', 'info', 'debug'].map((l) => h('option', { value: l }, l || 'all levels')));
  const method = h('input', { id: 'log-method', placeholder: 'method (onEnable, ...)' });
  const live = h('input', { type: 'checkbox', id: 'log-live' });
  const output = h('div', { class: 'logs', id: 'log-lines', role: 'log' });
  let timer;
  const load = async () => {
    const query = new URLSearchParams({ count: '100' });
    if (level.value) query.set('level', level.value);
    if (method.value) query.set('method', method.value);
    if (node.value) query.set('instanceId', node.value);
    const lines = (await api('GET', `/api/apps/${encodeURIComponent(app.id)}/logs?${query}`)).logs || [];
    output.replaceChildren(...lines.reverse().map((line) => {
      const entry = (line.entries || [])[0] || {};
      const text = (entry.args || []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      const where = nodes.length > 1 ? ` [${line.instanceId}]` : '';
      return h('div', {}, `${entry.timestamp || ''}${where} ${entry.severity || ''} ${line.method || ''}: ${text}`);
    }));
    if (!document.body.contains(output)) clearInterval(timer);
  };
  live.onchange = () => { clearInterval(timer); if (live.checked) timer = setInterval(load, 2000); };
  level.onchange = load;
  method.onchange = load;
  node.onchange = load;
  detail.replaceChildren(h('section', { class: 'panel', id: 'logs' }, h('h2', {}, `${app.name}: log`),
    h('div', { class: 'actions' }, level, method, node, h('label', {}, live, ' live')), output));
  await load();
}

start().catch((error) => root.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message)));
