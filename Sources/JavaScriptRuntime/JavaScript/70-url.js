// URL and URLSearchParams (WHATWG, special schemes)
const specialPorts = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
// Printable ASCII outside `set` is kept; controls, non-ASCII (as UTF-8) and members of `set` are %XX-encoded.
function percentEncode(string, set) {
  let out = '';
  for (const ch of string) {
    const code = ch.codePointAt(0);
    if (code >= 0x20 && code < 0x7f && !set.includes(ch)) { out += ch; continue; }
    for (const byte of h.utf8Encode(ch)) out += '%' + (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
  }
  return out;
}
const fragmentSet = ' "<>`';
const querySet = ' "#<>';
const specialQuerySet = ' "#<>\'';
const pathSet = ' "#<>?`{}';
const userinfoSet = ' "#<>?`{}/:;=@[\\]^|';
function percentDecodeBytes(string) {
  const bytes = [];
  const input = h.utf8Encode(string);
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x25 && i + 2 < input.length) {
      const v = parseInt(StringCtor.fromCharCode(input[i + 1], input[i + 2]), 16);
      if (!isNaN(v) && /^[0-9a-fA-F]{2}$/.test(StringCtor.fromCharCode(input[i + 1], input[i + 2]))) { bytes.push(v); i += 2; continue; }
    }
    bytes.push(input[i]);
  }
  return new Uint8ArrayCtor(bytes);
}
function percentDecode(string) { return h.utf8Decode(percentDecodeBytes(string), false); }

function parseIPv4Number(part) {
  if (part === '') return NaN;
  let radix = 10;
  if (/^0[xX]/.test(part)) { part = StringSlice(part, 2); radix = 16; } else if (part.length > 1 && part[0] === '0') { part = StringSlice(part, 1); radix = 8; }
  if (part === '') return 0;
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return valid.test(part) ? parseInt(part, radix) : NaN;
}
function parseIPv4(host) {
  const parts = StringSplit(host, '.');
  if (parts[parts.length - 1] === '' && parts.length > 1) ArrayPop(parts);
  if (parts.length > 4) return undefined;
  const numbers = ArrayMap(parts, parseIPv4Number);
  if (numbers.some((n) => isNaN(n))) return undefined;
  if (numbers.slice(0, -1).some((n) => n > 255)) throw new TypeErrorCtor('Invalid URL');
  const last = numbers[numbers.length - 1];
  if (last >= 256 ** (5 - numbers.length)) throw new TypeErrorCtor('Invalid URL');
  let value = last;
  for (let i = 0; i < numbers.length - 1; i++) value += numbers[i] * 256 ** (3 - i);
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
function parseIPv6(input) {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0, compress = null, i = 0;
  if (input[0] === ':') { if (input[1] !== ':') throw new TypeErrorCtor('Invalid URL'); i = 2; compress = ++pieceIndex; }
  while (i < input.length) {
    if (pieceIndex === 8) throw new TypeErrorCtor('Invalid URL');
    if (input[i] === ':') { if (compress !== null) throw new TypeErrorCtor('Invalid URL'); i++; compress = ++pieceIndex; continue; }
    let value = 0, length = 0;
    while (length < 4 && i < input.length && /[0-9a-fA-F]/.test(input[i])) { value = value * 16 + parseInt(input[i], 16); i++; length++; }
    if (input[i] === '.') {
      if (length === 0 || pieceIndex > 6) throw new TypeErrorCtor('Invalid URL');
      const v4 = StringSplit(StringSlice(input, i - length), '.');
      if (v4.length !== 4 || v4.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new TypeErrorCtor('Invalid URL');
      pieces[pieceIndex++] = Number(v4[0]) * 256 + Number(v4[1]);
      pieces[pieceIndex++] = Number(v4[2]) * 256 + Number(v4[3]);
      i = input.length;
      break;
    }
    if (input[i] === ':') { i++; if (i === input.length) throw new TypeErrorCtor('Invalid URL'); } else if (i < input.length) throw new TypeErrorCtor('Invalid URL');
    pieces[pieceIndex++] = value;
  }
  if (compress !== null) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) { const t = pieces[compress + swaps - 1]; pieces[compress + swaps - 1] = pieces[pieceIndex]; pieces[pieceIndex] = t; pieceIndex--; swaps--; }
  } else if (pieceIndex !== 8) throw new TypeErrorCtor('Invalid URL');
  // Serialise with the longest run of zeros compressed.
  let bestStart = -1, bestLen = 0;
  for (let s = 0; s < 8;) {
    if (pieces[s] !== 0) { s++; continue; }
    let e = s; while (e < 8 && pieces[e] === 0) e++;
    if (e - s > bestLen && e - s > 1) { bestStart = s; bestLen = e - s; }
    s = e;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) { out += k === 0 ? '::' : ':'; k += bestLen - 1; continue; }
    out += pieces[k].toString(16) + (k < 7 ? ':' : '');
  }
  return '[' + out + ']';
}
function parseHost(input, special) {
  if (input[0] === '[') {
    if (input[input.length - 1] !== ']') throw new TypeErrorCtor('Invalid URL');
    return parseIPv6(StringSlice(input, 1, -1));
  }
  if (!special) return percentEncode(input, '');
  const domain = percentDecode(input).toLowerCase();
  if (domain === '' || /[\u0000\t\n\r #%/:<>?@[\\\]^|]/.test(domain)) throw new TypeErrorCtor('Invalid URL');
  const lastPart = StringSplit(domain, '.').filter((p, i, a) => i < a.length - 1 || p !== '').pop();
  if (lastPart !== undefined && (/^\d+$/.test(lastPart) || /^0[xX][0-9a-fA-F]*$/.test(lastPart))) {
    const v4 = parseIPv4(domain);
    if (v4 === undefined) throw new TypeErrorCtor('Invalid URL');
    return v4;
  }
  return domain;
}
function normalizePath(segments, special) {
  const out = [];
  for (const raw of segments) {
    const s = raw.toLowerCase();
    if (s === '..' || s === '.%2e' || s === '%2e.' || s === '%2e%2e') { if (out.length) ArrayPop(out); continue; }
    if (s === '.' || s === '%2e') continue;
    ArrayPush(out, percentEncode(raw, pathSet));
  }
  const last = segments[segments.length - 1];
  const lastLower = last === undefined ? '' : last.toLowerCase();
  if (['.', '..', '%2e', '.%2e', '%2e.', '%2e%2e'].includes(lastLower)) ArrayPush(out, '');
  return '/' + ArrayJoin(out, '/');
}

function parseURL(input, base) {
  let s = StringReplace(StringReplace(StringCtor(input), /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, ''), /[\t\n\r]/g, '');
  const r = { protocol: '', username: '', password: '', hostname: '', port: '', pathname: '', search: '', hash: '', opaque: false };
  const hashAt = StringIndexOf(s, '#');
  if (hashAt >= 0) { r.hash = '#' + percentEncode(StringSlice(s, hashAt + 1), fragmentSet); s = StringSlice(s, 0, hashAt); }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/.exec(s);
  let rest;
  if (schemeMatch) {
    r.protocol = schemeMatch[1].toLowerCase() + ':';
    rest = StringSlice(s, schemeMatch[0].length);
    if (base && base.protocol === r.protocol && hasOwn(specialPorts, r.protocol) && !/^[\/\\]/.test(rest)) {
      return resolveRelative(rest, base, r);
    }
  } else {
    if (!base) throw new TypeErrorCtor('Invalid URL');
    r.protocol = base.protocol;
    return resolveRelative(s, base, r);
  }
  const special = hasOwn(specialPorts, r.protocol);
  const queryAt = StringIndexOf(rest, '?');
  if (queryAt >= 0) { r.search = StringSlice(rest, queryAt + 1); rest = StringSlice(rest, 0, queryAt); }
  if (special || StringStartsWith(rest, '//')) {
    rest = special ? StringReplace(rest, /^[\/\\]*/, '') : StringSlice(rest, 2);
    const end = rest.search(special ? /[\/\\]/ : /\//);
    const authority = end >= 0 ? StringSlice(rest, 0, end) : rest;
    const path = end >= 0 ? StringSlice(rest, end) : '';
    parseAuthority(authority, r, special);
    r.pathname = special ? normalizePath(StringSplit(StringSlice(StringReplace(path, /\\/g, '/'), 1), '/'), true) : (path === '' ? '' : normalizePath(StringSplit(StringSlice(path, 1), '/'), false));
    if (special && path === '') r.pathname = '/';
  } else if (StringStartsWith(rest, '/')) {
    r.pathname = normalizePath(StringSplit(StringSlice(rest, 1), '/'), false);
  } else {
    r.opaque = true;
    r.pathname = percentEncode(rest, '');
  }
  finishQuery(r, special);
  return r;
}
function parseAuthority(authority, r, special) {
  const at = StringLastIndexOf(authority, '@');
  let hostPort = authority;
  if (at >= 0) {
    const userinfo = StringSlice(authority, 0, at);
    hostPort = StringSlice(authority, at + 1);
    const colon = StringIndexOf(userinfo, ':');
    r.username = percentEncode(colon >= 0 ? StringSlice(userinfo, 0, colon) : userinfo, userinfoSet);
    r.password = colon >= 0 ? percentEncode(StringSlice(userinfo, colon + 1), userinfoSet) : '';
  }
  const portMatch = /:(\d*)$/.exec(hostPort);
  let host = hostPort;
  if (portMatch && !/\]$/.test(hostPort)) {
    host = StringSlice(hostPort, 0, portMatch.index);
    if (portMatch[1] !== '') {
      const port = parseInt(portMatch[1], 10);
      if (port > 65535) throw new TypeErrorCtor('Invalid URL');
      r.port = specialPorts[r.protocol] === StringCtor(port) ? '' : StringCtor(port);
    }
  } else if (/:[^\]]*$/.test(hostPort) && !/^\[.*\]$/.test(hostPort)) {
    throw new TypeErrorCtor('Invalid URL');
  }
  if (host === '' && special && r.protocol !== 'file:') throw new TypeErrorCtor('Invalid URL');
  r.hostname = host === '' ? '' : parseHost(host, special);
}
function finishQuery(r, special) {
  r.search = r.search === '' ? '' : '?' + percentEncode(r.search, special ? specialQuerySet : querySet);
}
function resolveRelative(s, base, r) {
  const special = hasOwn(specialPorts, r.protocol);
  if (special ? /^[\/\\]{2}/.test(s) : StringStartsWith(s, '//')) return parseURL(r.protocol + s);
  r.username = base.username; r.password = base.password; r.hostname = base.hostname; r.port = base.port;
  const queryAt = StringIndexOf(s, '?');
  let path = queryAt >= 0 ? StringSlice(s, 0, queryAt) : s;
  const query = queryAt >= 0 ? StringSlice(s, queryAt + 1) : null;
  if (special) path = StringReplace(path, /\\/g, '/');
  if (path === '') {
    r.pathname = base.pathname;
    if (query === null) r.search = base.search; else { r.search = query; finishQuery(r, special); }
    return r;
  }
  let segments;
  if (StringStartsWith(path, '/')) segments = StringSplit(StringSlice(path, 1), '/');
  else {
    const baseSegments = StringSplit(StringSlice(base.pathname, 1), '/');
    ArrayPop(baseSegments);
    segments = baseSegments.concat(StringSplit(path, '/'));
  }
  r.pathname = normalizePath(segments, special);
  r.search = query === null ? '' : query;
  finishQuery(r, special);
  return r;
}

const urlState = Symbol('url');
class URLSearchParams {
  constructor(init) {
    this._list = [];
    this._url = null;
    if (init === undefined || init === null) return;
    if (typeof init === 'string') { this._parse(init); return; }
    if (init instanceof URLSearchParams) { this._list = ArrayMap(init._list, (p) => [p[0], p[1]]); return; }
    if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeErrorCtor('Each query pair must be an iterable [name, value] tuple');
        ArrayPush(this._list, [StringCtor(p[0]), StringCtor(p[1])]);
      }
      return;
    }
    for (const key of ObjectKeys(init)) ArrayPush(this._list, [key, StringCtor(init[key])]);
  }
  _parse(string) {
    this._list = [];
    if (StringStartsWith(string, '?')) string = StringSlice(string, 1);
    for (const part of StringSplit(string, '&')) {
      if (part === '') continue;
      const eq = StringIndexOf(part, '=');
      const name = eq >= 0 ? StringSlice(part, 0, eq) : part;
      const value = eq >= 0 ? StringSlice(part, eq + 1) : '';
      ArrayPush(this._list, [percentDecode(StringReplace(name, /\+/g, ' ')), percentDecode(StringReplace(value, /\+/g, ' '))]);
    }
  }
  _update() { if (this._url) { const q = this.toString(); this._url[urlState].search = q === '' ? '' : '?' + q; } }
  get size() { return this._list.length; }
  append(name, value) { ArrayPush(this._list, [StringCtor(name), StringCtor(value)]); this._update(); }
  delete(name, value) { this._list = this._list.filter((p) => !(p[0] === StringCtor(name) && (value === undefined || p[1] === StringCtor(value)))); this._update(); }
  get(name) { const p = this._list.find((q) => q[0] === StringCtor(name)); return p ? p[1] : null; }
  getAll(name) { return ArrayMap(this._list.filter((q) => q[0] === StringCtor(name)), (q) => q[1]); }
  has(name, value) { return this._list.some((q) => q[0] === StringCtor(name) && (value === undefined || q[1] === StringCtor(value))); }
  set(name, value) {
    const n = StringCtor(name);
    const i = this._list.findIndex((q) => q[0] === n);
    if (i < 0) ArrayPush(this._list, [n, StringCtor(value)]);
    else { this._list[i][1] = StringCtor(value); this._list = this._list.filter((q, k) => k <= i || q[0] !== n); }
    this._update();
  }
  sort() { this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
  forEach(callback, thisArg) { for (const [k, v] of this._list) apply(callback, thisArg, [v, k, this]); }
  keys() { return ArrayMap(this._list, (p) => p[0])[Symbol.iterator](); }
  values() { return ArrayMap(this._list, (p) => p[1])[Symbol.iterator](); }
  entries() { return ArrayMap(this._list, (p) => [p[0], p[1]])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() {
    const encode = (s) => {
      let out = '';
      for (const byte of h.utf8Encode(s)) {
        const c = StringCtor.fromCharCode(byte);
        if (/[A-Za-z0-9*\-._]/.test(c)) out += c; else if (byte === 0x20) out += '+'; else out += '%' + (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
      }
      return out;
    };
    return ArrayJoin(ArrayMap(this._list, (p) => encode(p[0]) + '=' + encode(p[1])), '&');
  }
}
class URL {
  constructor(input, base) {
    const baseState = base === undefined ? undefined : (base instanceof URL ? base[urlState] : new URL(base)[urlState]);
    ObjectDefineProperty(this, urlState, { value: parseURL(input, baseState), writable: true });
    const params = new URLSearchParams(this[urlState].search);
    params._url = this;
    ObjectDefineProperty(this, '_searchParams', { value: params });
  }
  static canParse(input, base) { try { new URL(input, base); return true; } catch (e) { return false; } }
  get protocol() { return this[urlState].protocol; }
  get username() { return this[urlState].username; }
  get password() { return this[urlState].password; }
  get hostname() { return this[urlState].hostname; }
  set hostname(v) { this[urlState].hostname = parseHost(StringCtor(v), hasOwn(specialPorts, this.protocol)); }
  get port() { return this[urlState].port; }
  set port(v) { const p = StringCtor(v); this[urlState].port = p === '' || specialPorts[this.protocol] === p ? '' : StringCtor(parseInt(p, 10)); }
  get host() { return this.hostname + (this.port ? ':' + this.port : ''); }
  get origin() { return hasOwn(specialPorts, this.protocol) && this.protocol !== 'file:' ? this.protocol + '//' + this.host : 'null'; }
  get pathname() { return this[urlState].pathname; }
  set pathname(v) { this[urlState].pathname = normalizePath(StringSplit(StringReplace(StringCtor(v), /^\//, ''), '/'), true); }
  get search() { return this[urlState].search === '?' ? '' : this[urlState].search; }
  set search(v) { const s = StringCtor(v); this[urlState].search = s === '' ? '' : '?' + percentEncode(StringReplace(s, /^\?/, ''), specialQuerySet); this._searchParams._parse(this[urlState].search); }
  get searchParams() { return this._searchParams; }
  get hash() { return this[urlState].hash === '#' ? '' : this[urlState].hash; }
  set hash(v) { const s = StringCtor(v); this[urlState].hash = s === '' ? '' : '#' + percentEncode(StringReplace(s, /^#/, ''), fragmentSet); }
  get href() {
    const r = this[urlState];
    if (r.opaque) return r.protocol + r.pathname + r.search + r.hash;
    const hasAuthority = r.hostname !== '' || hasOwn(specialPorts, r.protocol);
    const auth = r.username || r.password ? r.username + (r.password ? ':' + r.password : '') + '@' : '';
    return r.protocol + (hasAuthority ? '//' + auth + this.host : '') + r.pathname + r.search + r.hash;
  }
  set href(v) { this[urlState] = parseURL(v); this._searchParams._parse(this[urlState].search); }
  toString() { return this.href; }
  toJSON() { return this.href; }
}
