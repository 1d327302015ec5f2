// path (POSIX), querystring, util, uuid
function normalizeArray(parts, allowAboveRoot) {
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') { if (out.length && out[out.length - 1] !== '..') ArrayPop(out); else if (allowAboveRoot) ArrayPush(out, '..'); }
    else ArrayPush(out, p);
  }
  return out;
}
const path = {
  sep: '/', delimiter: ':',
  isAbsolute: (p) => StringStartsWith(StringCtor(p), '/'),
  normalize(p) {
    p = StringCtor(p);
    if (p === '') return '.';
    const absolute = StringStartsWith(p, '/');
    const trailing = StringEndsWith(p, '/');
    let out = ArrayJoin(normalizeArray(StringSplit(p, '/'), !absolute), '/');
    if (out === '' && !absolute) out = '.';
    if (out !== '' && trailing) out += '/';
    return (absolute ? '/' : '') + out;
  },
  join(...parts) { const joined = ArrayJoin(parts.filter((p) => { if (typeof p !== 'string') throw new TypeErrorCtor('The "path" argument must be of type string'); return p !== ''; }), '/'); return joined === '' ? '.' : path.normalize(joined); },
  resolve(...parts) {
    let resolved = '';
    for (let i = parts.length - 1; i >= 0 && !StringStartsWith(resolved, '/'); i--) { if (parts[i]) resolved = parts[i] + (resolved ? '/' + resolved : ''); }
    if (!StringStartsWith(resolved, '/')) resolved = '/' + resolved;
    const out = '/' + ArrayJoin(normalizeArray(StringSplit(resolved, '/'), false), '/');
    return out;
  },
  dirname(p) {
    p = StringCtor(p);
    if (p === '') return '.';
    const trimmed = p.length > 1 ? StringReplace(p, /\/+$/, '') : p;
    const i = StringLastIndexOf(trimmed, '/');
    if (i < 0) return '.';
    if (i === 0) return '/';
    return StringSlice(trimmed, 0, i);
  },
  basename(p, ext) {
    const trimmed = StringReplace(StringCtor(p), /\/+$/, '');
    let base = StringSlice(trimmed, StringLastIndexOf(trimmed, '/') + 1);
    if (ext && StringEndsWith(base, ext) && base !== ext) base = StringSlice(base, 0, base.length - ext.length);
    return base;
  },
  extname(p) {
    const base = path.basename(p);
    const i = StringLastIndexOf(base, '.');
    return i <= 0 ? '' : StringSlice(base, i);
  },
  relative(from, to) {
    const f = StringSplit(path.resolve(from), '/').filter(Boolean), t = StringSplit(path.resolve(to), '/').filter(Boolean);
    let i = 0;
    while (i < f.length && i < t.length && f[i] === t[i]) i++;
    return ArrayJoin(ArrayMap(ArraySlice(f, i), () => '..').concat(ArraySlice(t, i)), '/');
  },
  parse(p) {
    const base = path.basename(p), ext = path.extname(p), dir = path.dirname(p);
    return { root: path.isAbsolute(p) ? '/' : '', dir: dir === '.' && !StringStartsWith(StringCtor(p), '.') ? '' : dir, base, ext, name: ext ? StringSlice(base, 0, -ext.length) : base };
  },
  format(o) { const dir = o.dir || o.root || ''; const base = o.base || (o.name || '') + (o.ext || ''); return dir ? (dir === o.root ? dir + base : dir + '/' + base) : base; },
};
path.posix = path;

const querystring = {
  escape: (s) => encodeURIComponent(s),
  unescape: (s) => { try { return decodeURIComponent(s); } catch (e) { return percentDecode(s); } },
  parse(string, sep = '&', eq = '=') {
    const out = ObjectCreate(null);
    if (typeof string !== 'string' || string === '') return out;
    for (const part of StringSplit(string, sep)) {
      if (part === '') continue;
      const i = StringIndexOf(part, eq);
      const key = querystring.unescape(StringReplace(i >= 0 ? StringSlice(part, 0, i) : part, /\+/g, ' '));
      const value = querystring.unescape(StringReplace(i >= 0 ? StringSlice(part, i + eq.length) : '', /\+/g, ' '));
      if (hasOwn(out, key)) { if (ArrayIsArray(out[key])) ArrayPush(out[key], value); else out[key] = [out[key], value]; }
      else out[key] = value;
    }
    return out;
  },
  stringify(object, sep = '&', eq = '=') {
    if (object === null || typeof object !== 'object') return '';
    const parts = [];
    const str = (v) => (typeof v === 'string' ? v : typeof v === 'number' && isFinite(v) ? StringCtor(v) : typeof v === 'boolean' ? StringCtor(v) : '');
    for (const key of ObjectKeys(object)) {
      const value = object[key];
      if (ArrayIsArray(value)) for (const v of value) ArrayPush(parts, encodeURIComponent(key) + eq + encodeURIComponent(str(v)));
      else ArrayPush(parts, encodeURIComponent(key) + eq + encodeURIComponent(str(value)));
    }
    return ArrayJoin(parts, sep);
  },
};
querystring.decode = querystring.parse;
querystring.encode = querystring.stringify;

const customPromisify = Symbol.for('nodejs.util.promisify.custom');
const util = {
  format, inspect, TextEncoder, TextDecoder,
  promisify(fn) {
    if (typeof fn !== 'function') throw new TypeErrorCtor('The "original" argument must be of type function');
    if (fn[customPromisify]) return fn[customPromisify];
    return function (...args) {
      return new Promise((resolve, reject) => { apply(fn, this, [...args, (err, ...values) => (err ? reject(err) : resolve(values.length > 1 ? values : values[0]))]); });
    };
  },
  deprecate: (fn) => fn,
  inherits(ctor, superCtor) { Object.setPrototypeOf(ctor.prototype, superCtor.prototype); Object.setPrototypeOf(ctor, superCtor); },
  isDeepStrictEqual: (a, b) => JSONStringify(a) === JSONStringify(b),
  types: { isPromise: (v) => v instanceof Promise, isDate: (v) => v instanceof Date, isRegExp: (v) => v instanceof RegExp, isUint8Array: (v) => v instanceof Uint8ArrayCtor },
};
util.promisify.custom = customPromisify;

const uuid = {
  v4: () => randomUUID(),
  validate: (s) => typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(s),
  version: (s) => parseInt(StringSlice(s, 14, 15), 16),
  NIL: '00000000-0000-0000-0000-000000000000',
};
