// text and binary encodings
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
