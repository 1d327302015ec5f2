'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createRuntime } = require('./harness');

test('globals are the runtime\'s and Node\'s are absent', () => {
  const { run } = createRuntime();
  for (const name of ['console', 'setTimeout', 'setInterval', 'clearTimeout', 'queueMicrotask', 'TextEncoder', 'TextDecoder', 'URL',
    'URLSearchParams', 'atob', 'btoa', 'Buffer', 'crypto']) {
    assert.notEqual(run(`typeof ${name}`), 'undefined', name);
  }
  for (const name of ['process', 'require', 'module', 'global', 'fetch']) assert.equal(run(`typeof ${name}`), 'undefined', name);
});

test('Buffer encodes and decodes like Node\'s', () => {
  const { run } = createRuntime();
  const cases = [
    ["Buffer.from('héllo wörld').toString('hex')", Buffer.from('héllo wörld').toString('hex')],
    ["Buffer.from('héllo wörld').toString('base64')", Buffer.from('héllo wörld').toString('base64')],
    ["Buffer.from('aGVsbG8', 'base64').toString()", 'hello'],
    ["Buffer.from('68656c6c6f', 'hex').toString('utf8')", 'hello'],
    ["Buffer.from([0xe2, 0x82, 0xac]).toString()", '€'],
    ["Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]).toString()", 'abcd'],
    ["Buffer.from('abcdef').slice(1, 3).toString()", 'bc'],
    ["Buffer.byteLength('€uro')", 6],
    ["Buffer.from('abc').equals(Buffer.from('abc'))", true],
    ["Buffer.isBuffer(Buffer.alloc(2))", true],
    ["Buffer.alloc(3, 1).toString('hex')", '010101'],
    ["btoa('hello')", 'aGVsbG8='],
    ["atob('aGVsbG8=')", 'hello'],
  ];
  for (const [code, expected] of cases) assert.deepEqual(run(code), expected, code);
});

test('URL parses like the WHATWG parser Node implements', () => {
  const { run } = createRuntime();
  const inputs = [
    'https://user:pw@Example.COM:443/a/./b/../c?x=1&y=%20#frag',
    'http://example.org:8080/path with spaces/?q=ä',
    'https://[::1]:3000/x',
    'http://127.1/',
    'https://example.org/a/b/../../c',
    'https://xn--nxasmq6b.example/é',
    'http://example.org?only=query',
  ];
  for (const input of inputs) {
    const ours = JSON.parse(run(`(() => { const u = new URL(${JSON.stringify(input)}); return JSON.stringify({ href: u.href, host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash, origin: u.origin }); })()`));
    const node = new URL(input);
    assert.deepEqual(ours, { href: node.href, host: node.host, hostname: node.hostname, port: node.port, pathname: node.pathname, search: node.search, hash: node.hash, origin: node.origin }, input);
  }
  assert.equal(run("new URL('../up?a=b', 'https://example.org/one/two/three').href"), new URL('../up?a=b', 'https://example.org/one/two/three').href);
  assert.throws(() => run("new URL('not a url')"));
  assert.equal(run("new URLSearchParams('a=1&b=two&a=3').getAll('a').join()"), '1,3');
  assert.equal(run("(() => { const p = new URLSearchParams(); p.append('x y', 'ä&b'); return p.toString(); })()"), new URLSearchParams([['x y', 'ä&b']]).toString());
});

test('the loader resolves package files, JSON, directories and registered modules, and refuses Node built-ins', () => {
  const { runtime } = createRuntime({
    files: {
      'main.js': "const lib = require('./lib'); const data = require('./data.json'); const sdk = require('@rocket.chat/apps-engine/definition/thing'); exports.answer = lib.double(data.n) + sdk.one;",
      'lib/index.js': "exports.double = (n) => n * 2;",
      'data.json': '{"n": 20}',
      'cycle-a.js': "exports.early = 'a'; const b = require('./cycle-b'); exports.fromB = b.seen;",
      'cycle-b.js': "const a = require('./cycle-a'); exports.seen = a.early;",
    },
    modules: { '@rocket.chat/apps-engine/definition/thing.js': 'exports.one = 2;' },
  });
  assert.equal(runtime.require('./main.js').answer, 42);
  assert.equal(runtime.require('./cycle-a.js').fromB, 'a');
  assert.throws(() => runtime.require('fs'), /Module 'fs' is not available in Airlock/);
  assert.throws(() => runtime.require('./missing'), /Cannot find module '\.\/missing'/);
  assert.deepEqual(Object.keys(runtime.require('buffer')).includes('Buffer'), true);
});

test('crypto hashes match Node\'s and randomUUID is a v4 UUID', () => {
  const crypto = require('node:crypto');
  const code = "(() => { const c = require('crypto'); return [c.createHash('sha256').update('abc').digest('hex'), c.createHmac('sha1', 'key').update('msg').digest('base64')]; })()";
  const { runtime, run } = createRuntime({ files: { 'h.js': `module.exports = ${code};` } });
  // Arrays from the context's realm: compared by their items.
  assert.deepEqual([...runtime.require('./h.js')], [
    crypto.createHash('sha256').update('abc').digest('hex'), crypto.createHmac('sha1', 'key').update('msg').digest('base64'),
  ]);
  assert.match(run('crypto.randomUUID()'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('console formats like util.format and timers go to the host', () => {
  const { run, logs, timers } = createRuntime();
  run("console.log('%s is %d years', 'Ann', 42, { a: [1, 2] })");
  run("console.warn('careful')");
  assert.deepEqual(logs, ['info Ann is 42 years { a: [ 1, 2 ] }', 'warn careful']);
  run('setTimeout(() => {}, 25)');
  assert.deepEqual([...timers.values()], [25]);
});

test('an app patching built-ins does not change how the runtime loads modules', () => {
  const { runtime, run } = createRuntime({ files: { 'a.js': "exports.ok = require('./b').ok;", 'b.js': 'exports.ok = true;' } });
  run('String.prototype.startsWith = () => false; Array.prototype.join = () => "x"; JSON.parse = () => ({})');
  assert.equal(runtime.require('./a.js').ok, true);
});
