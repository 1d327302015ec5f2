// What both pages share: the session (the token kept as Rocket.Chat's web client keeps it), building elements
// (every string becomes a text node, never HTML), calling the REST API, and the login form.

export const session = {
  get userId() { return localStorage.getItem('Meteor.userId'); },
  get token() { return localStorage.getItem('Meteor.loginToken'); },
  save(userId, token) { localStorage.setItem('Meteor.userId', userId); localStorage.setItem('Meteor.loginToken', token); },
  clear() { localStorage.removeItem('Meteor.userId'); localStorage.removeItem('Meteor.loginToken'); },
};

/// An element with attributes (`on…` become listeners) and children (strings become text nodes).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, '');
    else if (value !== false && value !== undefined && value !== null) element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) element.append(child instanceof Node ? child : String(child));
  return element;
}

/// A REST call with the session's token; a JSON body, or a FormData one as multipart. Throws the server's error
/// message, with `status`.
export async function api(method, path, body) {
  const headers = { 'X-User-Id': session.userId || '', 'X-Auth-Token': session.token || '' };
  const init = { method, headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch(path, init);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(json.error || json.message || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

/// Rocket.Chat's `/api/v1/login` as a form in `main`; `onLoggedIn` runs once the token is saved.
export function showLogin(main, onLoggedIn, message) {
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const reply = await api('POST', '/api/v1/login', { user: form.get('user'), password: form.get('password') });
      session.save(reply.data.userId, reply.data.authToken);
      onLoggedIn();
    } catch (error) {
      showLogin(main, onLoggedIn, error.status === 401 ? 'Wrong username or password.' : error.message);
    }
  };
  main.className = '';
  main.replaceChildren(h('form', { class: 'login', id: 'login', onsubmit: submit },
    h('h2', {}, 'Log in'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('label', {}, 'Username or e-mail', h('input', { name: 'user', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit' }, 'Log in')));
  main.querySelector('input').focus();
}
