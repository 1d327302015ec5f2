// crypto (Web Crypto subset + Node's crypto module)
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
