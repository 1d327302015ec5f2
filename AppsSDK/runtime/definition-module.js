'use strict';
// Provides each `@rocket.chat/apps-engine/definition/<path>` module an app can require (the runtime's module
// provider for that prefix: no source is compiled per module), from the definition surface
// (`definition-surface.json`: every module path of the Apps-Engine definition tree with the runtime values it
// exports, read from the real package). The surface is the single source of truth:
// - an enum is built from its listed members (Airlock writes none of them by hand);
// - a class, function or instance comes from Airlock's implementation, `@airlock/definition/<path>` or, when the
//   path has no file of its own, the folder's `@airlock/definition/<folder>/index`;
// - a name a module only re-exports is taken from the module that defines it (`path` or `path#name`), so both are
//   the same value;
// - a type-only module exports nothing (a stray `require` of it still works).
//
// The host registers the surface one module at a time (`./definition-surface/<path>.json`, and the list of paths):
// parsing the whole file in every app's VM showed as the largest part of an app's start-up.
const paths = new Set(require('./definition-surface-paths.json'));
/// The surface's entry for `id` (its exports), or undefined when the definition has no such module.
const entry = (id) => (paths.has(id) ? require(`./definition-surface/${id}.json`) : undefined);

const prefix = '@rocket.chat/apps-engine/definition/';

/// Airlock's implementation files (`definition/...` paths without `.js`), listed by the host: looking a file up here
/// is cheap, where a failed `require` costs an exception.
const implementations = new Set(require('./definition-implementations.json'));
const implementation = (id) => (implementations.has(id) ? require(`@airlock/definition/${id}`) : undefined);

/// Defines `name` on `exports` as a getter that loads the value on first use and then keeps it: an index module
/// re-exports dozens of values, and most apps read a few.
function lazily(exports, name, load) {
  Object.defineProperty(exports, name, {
    enumerable: true, configurable: true,
    get() {
      const value = load();
      Object.defineProperty(exports, name, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
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
  const exported = entry(id);
  if (!exported) throw new Error(`${prefix}${id} is not part of the Apps-Engine definition`);
  const implemented = [];
  for (const name of Object.keys(exported)) {
    const described = exported[name];
    if (typeof described === 'string') lazily(exports, name, () => reexported(described, name));
    else if (described.kind === 'enum') exports[name] = Object.freeze({ ...described.members });
    else implemented.push(name);
  }
  const own = implementation(id);
  if (implemented.length > 0) {
    const source = own || implementation(`${folderOf(id)}index`) || {};
    for (const name of implemented) {
      if (source[name] === undefined) throw new Error(`Airlock does not implement ${name} of ${prefix}${id}`);
      exports[name] = source[name];
    }
  }
  // Airlock's own additions (e.g. PermissionDeniedError) appear in the module whose file defines them.
  if (own) for (const name of Object.keys(own)) if (!(name in exports)) exports[name] = own[name];
  return exports;
}

/// The module provider's entry: fills `exports` for `path` (`accessors/IHttp`, `accessors`, `api/index.js`, ...), or
/// answers false when the definition has no such module.
function provide(path, exports) {
  const id = path.replace(/\.js$/, '');
  const found = entry(id) ? id : entry(`${id}/index`) ? `${id}/index` : undefined;
  if (found === undefined) return false;
  fillDefinitionModule(exports, found);
  return true;
}

module.exports = { provide };
