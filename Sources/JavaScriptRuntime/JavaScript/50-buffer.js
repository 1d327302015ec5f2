// Buffer (the subset apps and their libraries use)
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
