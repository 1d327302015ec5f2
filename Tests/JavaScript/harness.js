'use strict';
// Runs Airlock's runtime JavaScript (Sources/JavaScriptRuntime/JavaScript/*.js, concatenated exactly as the build
// embeds it) in a fresh `vm` context with none of Node's globals, against host functions stubbed with Node's own
// crypto and encodings: the tests exercise our Buffer, URL, loader and globals, not Node's.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const crypto = require('node:crypto');

const runtimeDir = path.join(__dirname, '..', '..', 'Sources', 'JavaScriptRuntime', 'JavaScript');

function runtimeSource() {
  const files = fs.readdirSync(runtimeDir).filter((name) => name.endsWith('.js')).sort();
  return '(function (host, publicHost) {\n' + files.map((name) => fs.readFileSync(path.join(runtimeDir, name), 'utf8')).join('\n') + '\n})';
}

const digestNames = { sha256: 'sha256', sha1: 'sha1', sha512: 'sha512', md5: 'md5' };
function digestName(algorithm) {
  const name = digestNames[String(algorithm).toLowerCase().replace(/-/g, '')];
  if (!name) throw new Error(`Digest method not supported: ${algorithm}`);
  return name;
}

/// A runtime in its own context: `{ runtime, context, logs, timers, run(code) }`.
function createRuntime({ files = {}, modules = {} } = {}) {
  const context = vm.createContext({});
  const ContextUint8Array = vm.runInContext('Uint8Array', context);
  const bytes = (data) => new ContextUint8Array(data);
  const logs = [];
  const timers = new Map();
  const host = {
    log: (level, text) => { logs.push(`${level} ${text}`); },
    setTimer: (id, delay) => { timers.set(id, delay); },
    clearTimer: (id) => { timers.delete(id); },
    compile: (source, filename) =>
      vm.runInContext('(function (exports, require, module, __filename, __dirname) {' + source + '\n})', context, { filename }),
    settled: () => {},
    randomBytes: (n) => bytes(crypto.randomBytes(n)),
    digest: (algorithm, data) => bytes(crypto.createHash(digestName(algorithm)).update(Buffer.from(data)).digest()),
    hmac: (algorithm, key, data) => bytes(crypto.createHmac(digestName(algorithm), Buffer.from(key)).update(Buffer.from(data)).digest()),
    timingSafeEqual: (a, b) => {
      if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
      return crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
    },
    utf8Encode: (text) => bytes(Buffer.from(String(text), 'utf8')),
    utf8Decode: (data, fatal) => new TextDecoder('utf-8', { fatal: !!fatal }).decode(Buffer.from(data)),
    base64Encode: (data, url) => Buffer.from(data).toString(url ? 'base64url' : 'base64'),
    base64Decode: (text) => bytes(Buffer.from(String(text).replace(/\s/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64')),
  };
  const publicHost = { register: () => true };
  const factory = vm.runInContext(runtimeSource(), context, { filename: 'airlock:runtime' });
  const runtime = factory(host, publicHost);
  runtime.registerModules(modules);
  runtime.setFiles(files);
  return { runtime, context, logs, timers, run: (code) => vm.runInContext(code, context) };
}

module.exports = { createRuntime, runtimeDir };
