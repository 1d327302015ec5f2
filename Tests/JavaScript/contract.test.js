'use strict';
// The accessor contract (AppsSDK/runtime/accessors.json) and the bridge that calls accessors must agree: every name
// the bridge uses is in the contract, and every accessor of the contract is reachable from the bridge. (The host's
// side is held to the same file by a Swift test.)
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const sdk = path.join(__dirname, '..', '..', 'AppsSDK', 'runtime');
const contract = JSON.parse(fs.readFileSync(path.join(sdk, 'accessors.json'), 'utf8'));
const bridge = fs.readFileSync(path.join(sdk, 'bridge.js'), 'utf8');

test('the bridge calls exactly the accessors of the contract', () => {
  const used = new Set([...bridge.matchAll(/\ba\('([A-Za-z.]+)'/g)].map((m) => m[1]));
  const declared = new Set(Object.keys(contract));
  assert.deepEqual([...used].filter((name) => !declared.has(name)), [], 'called by the bridge but not in the contract');
  assert.deepEqual([...declared].filter((name) => !used.has(name)), [], 'in the contract but never called by the bridge');
});

test('every contract entry names a permission (or null) and argument shapes', () => {
  const shapes = /^(string|object|boolean|any|string\[\])\??$/;
  for (const [name, entry] of Object.entries(contract)) {
    assert.ok(entry.permission === null || typeof entry.permission === 'string', name);
    assert.ok(Array.isArray(entry.args) && entry.args.every((shape) => shapes.test(shape)), name);
  }
});
