/// The runtime's own JavaScript: console, timers, encodings, `Buffer`, Web Crypto, `URL`, the CommonJS loader and the
/// Node-compatible built-ins. It evaluates to a function taking the private host object and the public one, and
/// returns the runtime object Swift keeps (never reachable from app code).
enum RuntimeScript {
    static let source = #"""
(function (host, publicHost) {
'use strict';
// Intrinsics the runtime relies on, captured before any app code runs: an app that patches built-ins changes
// what its own code sees, not how modules load, timers fire or logs reach the host.
const apply = Reflect.apply;
const uncurry = (fn) => (self, ...args) => apply(fn, self, args);
const ObjectCreate = Object.create, ObjectKeys = Object.keys, ObjectFreeze = Object.freeze;
const ObjectDefineProperty = Object.defineProperty, ObjectAssign = Object.assign;
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const JSONParse = JSON.parse, JSONStringify = JSON.stringify;
const StringSlice = uncurry(String.prototype.slice), StringStartsWith = uncurry(String.prototype.startsWith);
const StringEndsWith = uncurry(String.prototype.endsWith), StringSplit = uncurry(String.prototype.split);
const StringLastIndexOf = uncurry(String.prototype.lastIndexOf), StringIndexOf = uncurry(String.prototype.indexOf);
const StringReplace = uncurry(String.prototype.replace), StringCharCodeAt = uncurry(String.prototype.charCodeAt);
const ArrayPush = uncurry(Array.prototype.push), ArrayPop = uncurry(Array.prototype.pop), ArrayJoin = uncurry(Array.prototype.join);
const ArrayMap = uncurry(Array.prototype.map), ArraySlice = uncurry(Array.prototype.slice), ArrayIsArray = Array.isArray;
const PromiseCtor = Promise, PromiseResolve = (v) => apply(Promise.resolve, Promise, [v]);
const PromiseThen = uncurry(Promise.prototype.then);
const MapCtor = Map, MapGet = uncurry(Map.prototype.get), MapSet = uncurry(Map.prototype.set);
const MapHas = uncurry(Map.prototype.has), MapDelete = uncurry(Map.prototype.delete);
const Uint8ArrayCtor = Uint8Array, ErrorCtor = Error, TypeErrorCtor = TypeError, StringCtor = String;
const h = ObjectFreeze(ObjectAssign(ObjectCreate(null), host));

// ---------------------------------------------------------------- util.format / inspect (console uses them)
function inspect(value, options, depth, seen) {
  depth = depth === undefined ? 0 : depth;
  seen = seen || [];
  const maxDepth = options && options.depth !== undefined ? options.depth : 2;
  switch (typeof value) {
    case 'string': return depth === 0 ? value : "'" + value + "'";
    case 'number': case 'boolean': case 'undefined': return StringCtor(value);
    case 'bigint': return StringCtor(value) + 'n';
    case 'symbol': return value.toString();
    case 'function': return '[Function: ' + (value.name || '(anonymous)') + ']';
  }
  if (value === null) return 'null';
  if (seen.indexOf(value) !== -1) return '[Circular]';
  if (value instanceof ErrorCtor) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack : StringCtor(value);
  if (value instanceof Date) return isNaN(value) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return StringCtor(value);
  if (typeof Buffer === 'function' && value instanceof Buffer) return '<Buffer ' + ArrayJoin(ArrayMap(ArraySlice(Array.from(value), 0, 50), (b) => (b < 16 ? '0' : '') + b.toString(16)), ' ') + '>';
  if (depth > maxDepth) return ArrayIsArray(value) ? '[Array]' : '[Object]';
  const next = seen.concat([value]);
  if (ArrayIsArray(value)) {
    return '[ ' + ArrayJoin(ArrayMap(value, (v) => inspect(v, options, depth + 1, next)), ', ') + ' ]';
  }
  if (value instanceof MapCtor) {
    const parts = [];
    value.forEach((v, k) => ArrayPush(parts, inspect(k, options, depth + 1, next) + ' => ' + inspect(v, options, depth + 1, next)));
    return 'Map(' + value.size + ') { ' + ArrayJoin(parts, ', ') + ' }';
  }
  const keys = ObjectKeys(value);
  if (keys.length === 0) return '{}';
  const parts = ArrayMap(keys, (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'") + ': ' + inspect(value[k], options, depth + 1, next));
  return '{ ' + ArrayJoin(parts, ', ') + ' }';
}

function format(first, ...rest) {
  let out;
  let args = rest;
  if (typeof first === 'string') {
    let i = 0;
    out = StringReplace(first, /%[sdifjoOc%]/g, (token) => {
      if (token === '%%') return '%';
      if (i >= args.length) return token;
      const arg = args[i++];
      switch (token) {
        case '%s': return typeof arg === 'string' ? arg : inspect(arg, { depth: 0 }, 1);
        case '%d': case '%i': return StringCtor(token === '%i' ? parseInt(arg) : Number(arg));
        case '%f': return StringCtor(parseFloat(arg));
        case '%j': try { return JSONStringify(arg); } catch (e) { return '[Circular]'; }
        case '%c': return '';
        default: return inspect(arg, undefined, 1);
      }
    });
    args = ArraySlice(args, i);
  } else {
    out = inspect(first);
  }
  for (const arg of args) out += ' ' + (typeof arg === 'string' ? arg : inspect(arg));
  return out;
}

// ---------------------------------------------------------------- console
const timersByLabel = new MapCtor();
const log = (level) => (...args) => { h.log(level, format(...args)); };
const consoleObject = {
  log: log('info'), info: log('info'), debug: log('debug'), trace: log('debug'), warn: log('warn'), error: log('error'),
  dir: (v) => h.log('info', inspect(v)), table: (v) => h.log('info', inspect(v)),
  assert: (cond, ...args) => { if (!cond) h.log('error', 'Assertion failed' + (args.length ? ': ' + format(...args) : '')); },
  time: (label = 'default') => { MapSet(timersByLabel, label, Date.now()); },
  timeEnd: (label = 'default') => {
    if (MapHas(timersByLabel, label)) { h.log('info', label + ': ' + (Date.now() - MapGet(timersByLabel, label)) + 'ms'); MapDelete(timersByLabel, label); }
  },
};

// ---------------------------------------------------------------- timers
const timerCallbacks = new MapCtor();
let nextTimerId = 1;
function addTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
  const id = nextTimerId++;
  const ms = Math.max(0, Number(delay) || 0);
  h.setTimer(id, ms);
  MapSet(timerCallbacks, id, { callback, args, repeat, ms });
  return id;
}
function clearTimer(id) {
  const key = typeof id === 'object' && id !== null ? id.id : id;
  if (MapDelete(timerCallbacks, key)) h.clearTimer(key);
}
function fireTimer(id) {
  const timer = MapGet(timerCallbacks, id);
  if (!timer) return;
  if (timer.repeat) h.setTimer(id, timer.ms); else MapDelete(timerCallbacks, id);
  apply(timer.callback, undefined, timer.args);
}

// ---------------------------------------------------------------- text and binary encodings
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return new Uint8ArrayCtor(h.utf8Encode(StringCtor(input))); }
  encodeInto(input, dest) {
    const bytes = this.encode(input);
    const n = Math.min(bytes.length, dest.length);
    dest.set(bytes.subarray(0, n));
    return { read: StringCtor(input).length, written: n };
  }
}
class TextDecoder {
  constructor(label = 'utf-8', options = {}) {
    const l = StringCtor(label).toLowerCase();
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeError('The "' + label + '" encoding is not supported');
    this.fatal = !!options.fatal;
    this.ignoreBOM = !!options.ignoreBOM;
  }
  get encoding() { return 'utf-8'; }
  decode(input) {
    if (input === undefined) return '';
    let bytes = input instanceof ArrayBuffer ? new Uint8ArrayCtor(input) : ArrayBuffer.isView(input) ? new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength) : null;
    if (!bytes) throw new TypeErrorCtor('The "input" argument must be an ArrayBuffer or ArrayBufferView');
    if (!this.ignoreBOM && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    return h.utf8Decode(bytes, this.fatal);
  }
}

function latin1Bytes(string) {
  const out = new Uint8ArrayCtor(string.length);
  for (let i = 0; i < string.length; i++) out[i] = StringCharCodeAt(string, i) & 0xff;
  return out;
}
function latin1String(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) out += StringCtor.fromCharCode.apply(null, bytes.subarray(i, i + 4096));
  return out;
}
const hexDigits = '0123456789abcdef';
function hexString(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += hexDigits[bytes[i] >> 4] + hexDigits[bytes[i] & 15];
  return out;
}
function hexBytes(string) {
  const out = [];
  for (let i = 0; i + 1 < string.length; i += 2) {
    const byte = parseInt(StringSlice(string, i, i + 2), 16);
    if (isNaN(byte)) break;
    out.push(byte);
  }
  return new Uint8ArrayCtor(out);
}

function btoa(data) {
  const string = StringCtor(data);
  for (let i = 0; i < string.length; i++) {
    if (StringCharCodeAt(string, i) > 255) throw new DOMExceptionLike('Invalid character', 'InvalidCharacterError');
  }
  return h.base64Encode(latin1Bytes(string), false);
}
function atob(data) {
  const string = StringReplace(StringCtor(data), /[\t\n\f\r ]/g, '');
  if (string.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(string) || /=[^=]/.test(string)) {
    throw new DOMExceptionLike('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  const bytes = h.base64Decode(string);
  if (bytes === null) throw new DOMExceptionLike('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  return latin1String(new Uint8ArrayCtor(bytes));
}
class DOMExceptionLike extends ErrorCtor {
  constructor(message, name) { super(message); this.name = name || 'Error'; }
}

// ---------------------------------------------------------------- Buffer (the subset apps and their libraries use)
function normalizeEncoding(encoding) {
  const e = StringCtor(encoding || 'utf8').toLowerCase();
  switch (e) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'hex': return 'hex';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'latin1': case 'binary': return 'latin1';
    case 'ascii': return 'ascii';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
    default: throw new TypeErrorCtor('Unknown encoding: ' + encoding);
  }
}
function bytesOf(string, encoding) {
  switch (normalizeEncoding(encoding)) {
    case 'utf8': return new Uint8ArrayCtor(h.utf8Encode(string));
    case 'hex': return hexBytes(string);
    case 'base64': case 'base64url': return new Uint8ArrayCtor(h.base64Decode(string) || []);
    case 'latin1': case 'ascii': return latin1Bytes(string);
    case 'utf16le': {
      const out = new Uint8ArrayCtor(string.length * 2);
      for (let i = 0; i < string.length; i++) { const c = StringCharCodeAt(string, i); out[2 * i] = c & 0xff; out[2 * i + 1] = c >> 8; }
      return out;
    }
  }
}
class Buffer extends Uint8ArrayCtor {
  static from(value, encodingOrOffset, length) {
    if (typeof value === 'string') { const b = bytesOf(value, encodingOrOffset); return new Buffer(b.buffer, b.byteOffset, b.byteLength); }
    if (value instanceof ArrayBuffer) return new Buffer(value, encodingOrOffset || 0, length === undefined ? value.byteLength - (encodingOrOffset || 0) : length);
    if (ArrayBuffer.isView(value)) { const b = new Buffer(value.byteLength); b.set(new Uint8ArrayCtor(value.buffer, value.byteOffset, value.byteLength)); return b; }
    if (ArrayIsArray(value)) { const b = new Buffer(value.length); for (let i = 0; i < value.length; i++) b[i] = value[i] & 0xff; return b; }
    if (value && value.type === 'Buffer' && ArrayIsArray(value.data)) return Buffer.from(value.data);
    throw new TypeErrorCtor('The first argument must be of type string, Buffer, ArrayBuffer, Array, or Array-like Object');
  }
  static alloc(size, fill, encoding) {
    const b = new Buffer(size);
    if (fill !== undefined) b.fill(typeof fill === 'string' ? bytesOf(fill, encoding)[0] : fill);
    return b;
  }
  static allocUnsafe(size) { return new Buffer(size); }
  static isBuffer(value) { return value instanceof Buffer; }
  static isEncoding(encoding) { try { normalizeEncoding(encoding); return true; } catch (e) { return false; } }
  static byteLength(value, encoding) {
    if (typeof value !== 'string') return value.byteLength;
    return bytesOf(value, encoding).length;
  }
  static concat(list, totalLength) {
    const total = totalLength === undefined ? list.reduce((n, b) => n + b.length, 0) : totalLength;
    const out = Buffer.alloc(total);
    let offset = 0;
    for (const b of list) { if (offset >= total) break; out.set(b.subarray(0, total - offset), offset); offset += b.length; }
    return out;
  }
  static compare(a, b) { return a.compare(b); }
  toString(encoding, start = 0, end = this.length) {
    const bytes = this.subarray(start, end);
    switch (normalizeEncoding(encoding)) {
      case 'utf8': return h.utf8Decode(bytes, false);
      case 'hex': return hexString(bytes);
      case 'base64': return h.base64Encode(bytes, false);
      case 'base64url': return h.base64Encode(bytes, true);
      case 'latin1': return latin1String(bytes);
      case 'ascii': return latin1String(bytes.map((b) => b & 0x7f));
      case 'utf16le': { let s = ''; for (let i = 0; i + 1 < bytes.length; i += 2) s += StringCtor.fromCharCode(bytes[i] | (bytes[i + 1] << 8)); return s; }
    }
  }
  toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
  equals(other) { return this.compare(other) === 0; }
  compare(other) {
    const n = Math.min(this.length, other.length);
    for (let i = 0; i < n; i++) if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1;
    return this.length === other.length ? 0 : this.length < other.length ? -1 : 1;
  }
  slice(start, end) { return this.subarray(start, end); }
  subarray(start, end) { const u = super.subarray(start, end); return new Buffer(u.buffer, u.byteOffset, u.byteLength); }
  write(string, offset = 0, length, encoding) {
    if (typeof offset === 'string') { encoding = offset; offset = 0; }
    const bytes = bytesOf(string, encoding);
    const n = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
    this.set(bytes.subarray(0, n), offset);
    return n;
  }
  copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
    target.set(part, targetStart);
    return part.length;
  }
  readUInt8(o = 0) { return this[o]; }
  readUInt16BE(o = 0) { return (this[o] << 8) | this[o + 1]; }
  readUInt32BE(o = 0) { return ((this[o] << 24) >>> 0) + ((this[o + 1] << 16) | (this[o + 2] << 8) | this[o + 3]); }
  writeUInt8(v, o = 0) { this[o] = v; return o + 1; }
  writeUInt32BE(v, o = 0) { this[o] = v >>> 24; this[o + 1] = v >>> 16; this[o + 2] = v >>> 8; this[o + 3] = v; return o + 4; }
}

// ---------------------------------------------------------------- crypto (Web Crypto subset + Node's crypto module)
function toBytes(data, encoding) {
  if (typeof data === 'string') return bytesOf(data, encoding);
  if (data instanceof ArrayBuffer) return new Uint8ArrayCtor(data);
  if (ArrayBuffer.isView(data)) return new Uint8ArrayCtor(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeErrorCtor('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView');
}
function randomUUID() {
  const b = new Uint8ArrayCtor(h.randomBytes(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = hexString(b);
  return StringSlice(x, 0, 8) + '-' + StringSlice(x, 8, 12) + '-' + StringSlice(x, 12, 16) + '-' + StringSlice(x, 16, 20) + '-' + StringSlice(x, 20);
}
function getRandomValues(array) {
  if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array) {
    throw new TypeErrorCtor('The data argument must be an integer-type TypedArray');
  }
  if (array.byteLength > 65536) throw new DOMExceptionLike('The ArrayBufferView byte length exceeds 65536', 'QuotaExceededError');
  new Uint8ArrayCtor(array.buffer, array.byteOffset, array.byteLength).set(h.randomBytes(array.byteLength));
  return array;
}
function hashName(algorithm) {
  const name = StringCtor(typeof algorithm === 'object' && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
  if (name === 'SHA-256' || name === 'SHA256') return 'sha256';
  if (name === 'SHA-1' || name === 'SHA1') return 'sha1';
  if (name === 'SHA-512' || name === 'SHA512') return 'sha512';
  throw new DOMExceptionLike('Unrecognized algorithm name', 'NotSupportedError');
}
class CryptoKey {
  constructor(bytes, hash, usages, extractable) {
    ObjectDefineProperty(this, '_bytes', { value: bytes });
    this.type = 'secret';
    this.extractable = !!extractable;
    this.algorithm = { name: 'HMAC', hash: { name: hash === 'sha1' ? 'SHA-1' : hash === 'sha512' ? 'SHA-512' : 'SHA-256' }, length: bytes.length * 8 };
    this.usages = ArraySlice(usages || []);
    this._hash = hash;
  }
}
const subtle = {
  async digest(algorithm, data) { return new Uint8ArrayCtor(h.digest(hashName(algorithm), toBytes(data))).buffer; },
  async importKey(format, keyData, algorithm, extractable, usages) {
    if (format !== 'raw') throw new DOMExceptionLike('Only raw keys are supported', 'NotSupportedError');
    const name = StringCtor(algorithm && algorithm.name || algorithm).toUpperCase();
    if (name !== 'HMAC') throw new DOMExceptionLike('Only HMAC keys are supported', 'NotSupportedError');
    return new CryptoKey(toBytes(keyData), hashName(algorithm.hash || 'SHA-256'), usages, extractable);
  },
  async sign(algorithm, key, data) {
    if (!(key instanceof CryptoKey)) throw new TypeErrorCtor('key must be a CryptoKey');
    return new Uint8ArrayCtor(h.hmac(key._hash, key._bytes, toBytes(data))).buffer;
  },
  async verify(algorithm, key, signature, data) {
    const expected = new Uint8ArrayCtor(h.hmac(key._hash, key._bytes, toBytes(data)));
    const given = toBytes(signature);
    return given.length === expected.length && h.timingSafeEqual(given, expected);
  },
};
const webcrypto = { randomUUID, getRandomValues, subtle };

class Hash {
  constructor(algorithm, key) {
    this._algorithm = hashName(algorithm);
    this._key = key;
    this._chunks = [];
  }
  update(data, encoding) { ArrayPush(this._chunks, toBytes(data, encoding)); return this; }
  digest(encoding) {
    const data = Buffer.concat(this._chunks);
    const out = Buffer.from(this._key === undefined ? h.digest(this._algorithm, data) : h.hmac(this._algorithm, this._key, data));
    return encoding ? out.toString(encoding) : out;
  }
}
const nodeCrypto = {
  webcrypto, subtle, randomUUID, getRandomValues,
  randomBytes(size, callback) {
    const out = Buffer.from(h.randomBytes(size));
    if (typeof callback === 'function') { queueMicrotask(() => callback(null, out)); return undefined; }
    return out;
  },
  randomFillSync(buffer, offset = 0, size) {
    const view = toBytes(buffer);
    const n = size === undefined ? view.length - offset : size;
    view.set(h.randomBytes(n), offset);
    return buffer;
  },
  randomInt(min, max) {
    if (max === undefined) { max = min; min = 0; }
    const range = max - min;
    const b = new Uint8ArrayCtor(h.randomBytes(6));
    const n = b.reduce((acc, x) => acc * 256 + x, 0);
    return min + (n % range);
  },
  createHash(algorithm) {
    const a = StringCtor(algorithm).toLowerCase();
    if (a === 'md5') { const hash = new Hash('sha256'); hash._algorithm = 'md5'; return hash; }
    return new Hash(a);
  },
  createHmac(algorithm, key) {
    const a = StringCtor(algorithm).toLowerCase();
    if (a !== 'sha256' && a !== 'sha1' && a !== 'sha512') throw new ErrorCtor('Invalid digest: ' + algorithm);
    return new Hash(a, toBytes(key));
  },
  timingSafeEqual(a, b) { return h.timingSafeEqual(toBytes(a), toBytes(b)); },
  getHashes() { return ['md5', 'sha1', 'sha256', 'sha512']; },
};

// ---------------------------------------------------------------- URL and URLSearchParams (WHATWG, special schemes)
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

// ---------------------------------------------------------------- path (POSIX), querystring, util, uuid
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

// ---------------------------------------------------------------- CommonJS module loader
const nodeBuiltins = ['assert', 'async_hooks', 'child_process', 'cluster', 'console', 'constants', 'dgram', 'diagnostics_channel',
  'dns', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'perf_hooks',
  'process', 'punycode', 'readline', 'repl', 'stream', 'string_decoder', 'sys', 'timers', 'tls', 'trace_events', 'tty', 'v8',
  'vm', 'wasi', 'worker_threads', 'zlib'];
const providedBuiltins = {
  buffer: () => ({ Buffer, atob, btoa, constants: { MAX_LENGTH: 2 ** 32 } }),
  crypto: () => nodeCrypto,
  url: () => ({ URL, URLSearchParams, parse: (u) => { const x = new URL(u); return { protocol: x.protocol, host: x.host, hostname: x.hostname, port: x.port || null, pathname: x.pathname, search: x.search || null, query: x.search ? StringSlice(x.search, 1) : null, hash: x.hash || null, href: x.href }; }, format: (u) => StringCtor(u) }),
  querystring: () => querystring,
  path: () => path,
  util: () => util,
  uuid: () => uuid,
  'airlock:host': () => publicHost,
};
const builtinCache = new MapCtor();
const registered = new MapCtor();   // specifier -> source (AppsSDK modules)
let files = ObjectCreate(null);     // '/path/in/package.js' -> source
const moduleCache = new MapCtor();

function loadBuiltin(name) {
  if (MapHas(builtinCache, name)) return MapGet(builtinCache, name);
  const exports = providedBuiltins[name]();
  MapSet(builtinCache, name, exports);
  return exports;
}
function registeredPath(specifier) {
  for (const candidate of [specifier, specifier + '.js', specifier + '/index.js']) if (MapHas(registered, candidate)) return candidate;
  return undefined;
}
function filePath(resolved) {
  for (const candidate of [resolved, resolved + '.js', resolved + '.json', resolved + '/index.js', resolved + '/index.json']) {
    if (hasOwn(files, candidate)) return candidate;
  }
  return undefined;
}
function notFound(specifier, from) {
  const error = new ErrorCtor("Cannot find module '" + specifier + "' from '" + from + "'");
  error.code = 'MODULE_NOT_FOUND';
  return error;
}
function makeRequire(from, fromDir) {
  function require(specifier) {
    if (typeof specifier !== 'string' || specifier === '') throw new TypeErrorCtor('The "id" argument must be a non-empty string');
    const bare = StringStartsWith(specifier, 'node:') ? StringSlice(specifier, 5) : specifier;
    if (hasOwn(providedBuiltins, bare)) return loadBuiltin(bare);
    if (nodeBuiltins.includes(bare)) {
      throw new ErrorCtor("Module '" + bare + "' is not available in Airlock (apps use IHttp/IPersistence)");
    }
    const reg = registeredPath(specifier);
    if (reg !== undefined) return loadModule('registered:' + reg, MapGet(registered, reg), reg);
    if (StringStartsWith(specifier, './') || StringStartsWith(specifier, '../') || StringStartsWith(specifier, '/')) {
      const found = filePath(path.resolve(fromDir, specifier));
      if (found === undefined) throw notFound(specifier, from);
      return loadModule(found, files[found], found);
    }
    // A registered module asking for a sibling by relative path inside the SDK tree.
    throw notFound(specifier, from);
  }
  return require;
}
function loadModule(key, source, filename) {
  if (MapHas(moduleCache, key)) return MapGet(moduleCache, key).exports;
  const module = { exports: {}, id: key, filename, loaded: false, children: [] };
  // Cached before running: a cycle sees the partial exports, as in Node.
  MapSet(moduleCache, key, module);
  try {
    if (StringEndsWith(filename, '.json')) {
      module.exports = JSONParse(source);
    } else {
      const dir = StringStartsWith(key, 'registered:') ? path.dirname('/' + filename) : path.dirname(filename);
      const wrapper = h.compile(source, StringStartsWith(key, 'registered:') ? filename : StringSlice(filename, 1));
      const localRequire = StringStartsWith(key, 'registered:') ? makeRegisteredRequire(filename) : makeRequire(StringSlice(filename, 1), dir);
      apply(wrapper, module.exports, [module.exports, localRequire, module, filename, dir]);
    }
    module.loaded = true;
  } catch (error) {
    MapDelete(moduleCache, key);
    throw error;
  }
  return module.exports;
}
/// Registered (SDK) modules resolve relative specifiers against their own specifier path.
function makeRegisteredRequire(specifier) {
  const base = makeRequire(specifier, '/');
  return function require(request) {
    if (StringStartsWith(request, './') || StringStartsWith(request, '../')) {
      const resolved = StringSlice(path.resolve('/' + path.dirname(specifier), request), 1);
      const reg = registeredPath(resolved);
      if (reg === undefined) throw notFound(request, specifier);
      return loadModule('registered:' + reg, MapGet(registered, reg), reg);
    }
    return base(request);
  };
}

// ---------------------------------------------------------------- globals
const globals = {
  console: consoleObject,
  setTimeout: (cb, ms, ...args) => addTimer(cb, ms, args, false),
  setInterval: (cb, ms, ...args) => addTimer(cb, ms, args, true),
  setImmediate: (cb, ...args) => addTimer(cb, 0, args, false),
  clearTimeout: clearTimer, clearInterval: clearTimer, clearImmediate: clearTimer,
  queueMicrotask: (cb) => { if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function'); PromiseThen(PromiseResolve(undefined), () => cb()); },
  TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, Buffer,
  crypto: webcrypto,
};
for (const name of ObjectKeys(globals)) {
  ObjectDefineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true, enumerable: false });
}
function queueMicrotask(cb) { globals.queueMicrotask(cb); }

return {
  fireTimer,
  registerModule(specifier, source) { MapSet(registered, specifier, source); },
  setFiles(map) {
    files = ObjectCreate(null);
    for (const name of ObjectKeys(map)) files[path.resolve('/', name)] = map[name];
    moduleCache.clear();
  },
  requireRoot(specifier) {
    const exports = makeRequire('/', '/')(StringStartsWith(specifier, '/') || StringStartsWith(specifier, '.') ? specifier : './' + specifier);
    return exports !== null && typeof exports === 'object' || typeof exports === 'function' ? ObjectKeys(exports) : [];
  },
  require(specifier) { return makeRequire('/', '/')(specifier); },
  load(specifier) { makeRequire('/', '/')(specifier); },
  // Calls fn and reports its (awaited) result to the host as settled(id, ok, value), in the same VM entry: a
  // separate then() call would be one more entry, and each entry pays for the time limit's CPU-clock reads.
  watch(fn, thisArg, args, id) {
    let result;
    try { result = apply(fn, thisArg, args); } catch (error) { h.settled(id, false, error); return; }
    if (result instanceof PromiseCtor) PromiseThen(result, (v) => h.settled(id, true, v), (e) => h.settled(id, false, e));
    else h.settled(id, true, result);
  },
};
})
"""#
}
