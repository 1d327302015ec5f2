'use strict';
// Builds each `@rocket.chat/apps-engine/definition/<path>` module an app can require, from the definition surface
// (`definition-surface.json`: every module path of the Apps-Engine definition tree with the runtime values it
// exports, read from the real package). The surface is the single source of truth:
// - an enum is built from its listed members (Airlock writes none of them by hand);
// - a class, function or instance comes from Airlock's implementation, `@airlock/definition/<path>` or, when the
//   path has no file of its own, the folder's `@airlock/definition/<folder>/index`;
// - a name a module only re-exports is taken from the module that defines it (`path` or `path#name`), so both are
//   the same value;
// - a type-only module exports nothing (a stray `require` of it still works).
const surface = require('./definition-surface.json').modules;

const prefix = '@rocket.chat/apps-engine/definition/';

/// `require(specifier)`, or undefined when exactly that module does not exist.
function optional(specifier) {
  try {
    return require(specifier);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(`'${specifier}'`)) return undefined;
    throw error;
  }
}

/// A value the surface lists as re-exported: `module` (same name) or `module#name`.
function reexported(described, name) {
  const [home, original = name] = described.split('#');
  return require(prefix + home)[original];
}

function folderOf(id) {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? '' : id.slice(0, slash + 1);
}

/// Fills `exports` (the module's own, so a cycle sees a partial module as in Node) with the values of the module at
/// `id` (a path in the surface, e.g. `accessors/IHttp`). Enums and re-exports come first: an implementation file may
/// require the very module it implements for its enums.
function fillDefinitionModule(exports, id) {
  const entry = surface[id];
  if (!entry) throw new Error(`${prefix}${id} is not part of the Apps-Engine definition`);
  const implemented = [];
  for (const name of Object.keys(entry)) {
    const described = entry[name];
    if (typeof described === 'string') exports[name] = reexported(described, name);
    else if (described.kind === 'enum') exports[name] = Object.freeze({ ...described.members });
    else implemented.push(name);
  }
  const own = optional(`@airlock/definition/${id}`);
  if (implemented.length > 0) {
    const implementation = own || optional(`@airlock/definition/${folderOf(id)}index`) || {};
    for (const name of implemented) {
      if (implementation[name] === undefined) throw new Error(`Airlock does not implement ${name} of ${prefix}${id}`);
      exports[name] = implementation[name];
    }
  }
  // Airlock's own additions (e.g. PermissionDeniedError) appear in the module whose file defines them.
  if (own) for (const name of Object.keys(own)) if (!(name in exports)) exports[name] = own[name];
  return exports;
}

module.exports = { fillDefinitionModule, surface };
