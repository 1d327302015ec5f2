#!/usr/bin/env node
// Writes AppsSDK/runtime/definition-surface.json: every module path of the Apps-Engine definition tree and the
// runtime values it exports (enums with their members, classes with their methods, functions), read from the real
// package. Usage: compile Rocket.Chat's `packages/apps-engine/src/definition` (at the tag of the Rocket.Chat release
// we are compatible with) file by file to CommonJS (`esbuild X.ts --format=cjs > X.js`), then
//   node scripts/definition-surface.js <compiled definition dir> <apps-engine version> > AppsSDK/runtime/definition-surface.json
// Type-only modules are listed with no exports (a stray `require` of them must still work). A name a module only
// re-exports is recorded as the path of the module that defines it ("path#name" when renamed), so each value is
// described once.
'use strict';
const fs = require('fs');
const path = require('path');

const [root, version] = process.argv.slice(2);
if (!root || !version) { console.error('usage: definition-surface.js <compiled definition dir> <version>'); process.exit(2); }

const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (entry.name !== 'node_modules') walk(full); } else if (full.endsWith('.js')) files.push(full);
  }
})(root);

const isClass = (f) => /^class\b/.test(Function.prototype.toString.call(f));
function describe(value) {
  if (typeof value === 'function') {
    if (!isClass(value)) return { kind: 'function' };
    const methods = Object.getOwnPropertyNames(value.prototype).filter((n) => n !== 'constructor').sort();
    const statics = Object.getOwnPropertyNames(value).filter((n) => !['length', 'name', 'prototype'].includes(n)).sort();
    return { kind: 'class', methods, ...(statics.length ? { statics } : {}) };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto && proto !== Object.prototype && isClass(proto.constructor)) return { kind: 'instance', of: proto.constructor.name };
  const entries = Object.entries(value);
  if (entries.every(([, v]) => v === null || (typeof v !== 'object' && typeof v !== 'function'))) return { kind: 'enum', members: value };
  return { kind: 'object', members: Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'function' ? 'function' : typeof v])) };
}

const modules = {};
const definer = new Map();   // value -> [module path that defines it (a non-index module when there is one), name there]
const loaded = files.sort().map((file) => {
  const id = path.relative(root, file).replace(/\.js$/, '');
  const exported = require(file);
  // esbuild cannot tell a re-exported interface from a value: an interface re-export reads as undefined.
  const names = Object.keys(exported).filter((n) => n !== '__esModule' && exported[n] !== undefined).sort();
  return { id, exported, names };
});
for (const { id, exported, names } of loaded) {
  if (path.basename(id) === 'index') continue;
  for (const n of names) if (!definer.has(exported[n])) definer.set(exported[n], [id, n]);
}
for (const { id, exported, names } of loaded) {
  const entry = {};
  for (const n of names) {
    const [home, original] = definer.get(exported[n]) || [];
    // A re-export reads "module", or "module#name" when the module defines it under another name.
    entry[n] = home && home !== id ? (original === n ? home : `${home}#${original}`) : describe(exported[n]);
  }
  modules[id] = entry;
}
// One module per line: a change to the definition tree reads as a small diff.
const lines = Object.keys(modules).map((id) => `  ${JSON.stringify(id)}: ${JSON.stringify(modules[id])}`);
process.stdout.write(`{\n "appsEngine": ${JSON.stringify(version)},\n "modules": {\n${lines.join(',\n')}\n }\n}\n`);
