#!/usr/bin/env node
// Writes AppsSDK/runtime/accessor-interfaces.json: the members (methods and properties) of every interface in the
// Apps-Engine definition's `accessors/` folder, read from its TypeScript sources. It is the list the coverage table
// (AppsSDK/README.md) is checked against. Usage:
//   node scripts/accessor-interfaces.js <definition source dir> <apps-engine version> [Interface.member ...] \
//     > AppsSDK/runtime/accessor-interfaces.json
// The sources are plain declarations (`name(...)`, `name?(...)`, `readonly name: T`), which a line scan reads exactly.
'use strict';
const fs = require('fs');
const path = require('path');

const [root, version] = process.argv.slice(2);
if (!root || !version) { console.error('usage: accessor-interfaces.js <definition source dir> <version>'); process.exit(2); }

const interfaces = {};
const dir = path.join(root, 'accessors');
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  let current = null;
  let depth = 0;
  let comment = false;
  for (const line of lines) {
    if (/^\s*\/\*/.test(line)) comment = true;
    if (comment) { if (/\*\//.test(line)) comment = false; continue; }
    const start = /^export interface (\w+)/.exec(line);
    if (start && !current) { current = start[1]; interfaces[current] = []; depth = 0; }
    if (!current) continue;
    // Members sit at depth 1 of the interface body.
    if (depth === 1) {
      const member = /^\s+(?:readonly\s+)?(\w+)\??\s*(?:<[^>]*>)?\s*[(:]/.exec(line);
      if (member && !interfaces[current].includes(member[1])) interfaces[current].push(member[1]);
    }
    for (const ch of line) { if (ch === '{') depth++; else if (ch === '}') depth--; }
    if (depth === 0 && line.includes('}')) current = null;
  }
}
// Members added after the sources at hand, given as `Interface.member` arguments after the version (see
// AppsSDK/README.md for the provenance of the current file).
for (const added of process.argv.slice(4)) {
  const [name, member] = added.split('.');
  interfaces[name] = interfaces[name] || [];
  if (!interfaces[name].includes(member)) interfaces[name].push(member);
}
for (const name of Object.keys(interfaces)) if (interfaces[name].length === 0) delete interfaces[name];
const lines = Object.keys(interfaces).sort().map((name) => `  ${JSON.stringify(name)}: ${JSON.stringify(interfaces[name])}`);
process.stdout.write(`{\n "appsEngine": ${JSON.stringify(version)},\n "interfaces": {\n${lines.join(',\n')}\n }\n}\n`);
