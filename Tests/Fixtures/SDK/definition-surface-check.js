'use strict';
// Loads every module of the Apps-Engine definition surface the way an app does and compares what it exports with
// what the real package exports (AppsSDK/runtime/definition-surface.json): the same names, the same kinds, every
// enum member with its value, every class with its methods and statics, every re-export the very same value.
// Leaves the list of differences in `globalThis.surfaceProblems` (empty when Airlock matches).
const surface = require('@airlock/definition-surface.json').modules;
const prefix = '@rocket.chat/apps-engine/definition/';
const problems = [];
const isClass = (value) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

for (const id of Object.keys(surface)) {
  let module;
  try {
    module = require(prefix + id);
  } catch (error) {
    problems.push(`${id}: does not load (${error.message})`);
    continue;
  }
  for (const [name, described] of Object.entries(surface[id])) {
    const value = module[name];
    const where = `${id}.${name}`;
    if (value === undefined) { problems.push(`${where}: missing`); continue; }
    if (typeof described === 'string') {
      const [home, original = name] = described.split('#');
      if (value !== require(prefix + home)[original]) problems.push(`${where}: not the value ${described} defines`);
      continue;
    }
    switch (described.kind) {
      case 'enum':
        if (typeof value !== 'object' || !same(value, described.members)) problems.push(`${where}: members differ`);
        break;
      case 'class':
        if (!isClass(value)) { problems.push(`${where}: not a class`); break; }
        for (const method of described.methods) {
          if (typeof value.prototype[method] !== 'function') problems.push(`${where}: no method ${method}`);
        }
        for (const member of described.statics || []) if (!(member in value)) problems.push(`${where}: no static ${member}`);
        break;
      case 'function':
        if (typeof value !== 'function' || isClass(value)) problems.push(`${where}: not a function`);
        break;
      case 'instance':
        if (!(module[described.of] && value instanceof module[described.of])) problems.push(`${where}: not an instance of ${described.of}`);
        break;
      default:
        problems.push(`${where}: unknown kind ${described.kind}`);
    }
  }
}
globalThis.surfaceProblems = problems;
