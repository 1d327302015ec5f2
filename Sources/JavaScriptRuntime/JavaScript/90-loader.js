// CommonJS module loader
const nodeBuiltins = ['assert', 'async_hooks', 'child_process', 'cluster', 'console', 'constants', 'dgram', 'diagnostics_channel',
  'dns', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'perf_hooks',
  'process', 'punycode', 'readline', 'repl', 'stream', 'string_decoder', 'sys', 'timers', 'tls', 'trace_events', 'tty', 'v8',
  'vm', 'wasi', 'worker_threads', 'zlib'];
const providedBuiltins = {
  buffer: () => ({ Buffer, atob, btoa, constants: { MAX_LENGTH: 2 ** 32 } }),
  crypto: () => nodeCrypto,
  url: () => ({ URL, URLSearchParams, parse: (u) => { const x = new URL(u); return { protocol: x.protocol, host: x.host, hostname: x.hostname, port: x.port || null, pathname: x.pathname, search: x.search || null, query: x.search ? StringSlice(x.search, 1) : null, hash: x.hash || null, href: x.href }; }, format: (u) => StringCtor(u) }),
  querystring: () => querystring,
  path: () => path,
  util: () => util,
  uuid: () => uuid,
  'airlock:host': () => publicHost,
};
const builtinCache = new MapCtor();
const registered = new MapCtor();   // specifier -> source (AppsSDK modules)
const providers = [];               // [prefix, provider specifier]: modules under prefix built by the provider
let files = ObjectCreate(null);     // '/path/in/package.js' -> source
const moduleCache = new MapCtor();

function loadBuiltin(name) {
  if (MapHas(builtinCache, name)) return MapGet(builtinCache, name);
  const exports = providedBuiltins[name]();
  MapSet(builtinCache, name, exports);
  return exports;
}
function registeredPath(specifier) {
  for (const candidate of [specifier, specifier + '.js', specifier + '/index.js']) if (MapHas(registered, candidate)) return candidate;
  return undefined;
}
function filePath(resolved) {
  for (const candidate of [resolved, resolved + '.js', resolved + '.json', resolved + '/index.js', resolved + '/index.json']) {
    if (hasOwn(files, candidate)) return candidate;
  }
  return undefined;
}
function notFound(specifier, from) {
  const error = new ErrorCtor("Cannot find module '" + specifier + "' from '" + from + "'");
  error.code = 'MODULE_NOT_FOUND';
  return error;
}
function makeRequire(from, fromDir) {
  function require(specifier) {
    if (typeof specifier !== 'string' || specifier === '') throw new TypeErrorCtor('The "id" argument must be a non-empty string');
    const bare = StringStartsWith(specifier, 'node:') ? StringSlice(specifier, 5) : specifier;
    if (hasOwn(providedBuiltins, bare)) return loadBuiltin(bare);
    if (nodeBuiltins.includes(bare)) {
      throw new ErrorCtor("Module '" + bare + "' is not available in Airlock (apps use IHttp/IPersistence)");
    }
    const reg = registeredPath(specifier);
    if (reg !== undefined) return loadModule('registered:' + reg, MapGet(registered, reg), reg);
    for (let i = 0; i < providers.length; i++) {
      const prefix = providers[i][0];
      if (StringStartsWith(specifier, prefix)) return provided(providers[i][1], StringSlice(specifier, prefix.length), specifier, from);
    }
    if (StringStartsWith(specifier, './') || StringStartsWith(specifier, '../') || StringStartsWith(specifier, '/')) {
      const found = filePath(path.resolve(fromDir, specifier));
      if (found === undefined) throw notFound(specifier, from);
      return loadModule(found, files[found], found);
    }
    // A registered module asking for a sibling by relative path inside the SDK tree.
    throw notFound(specifier, from);
  }
  return require;
}
/// A module a provider builds (no source to compile): the provider's `provide(path, exports)` fills the module's
/// exports, or answers false when it has no such module.
function provided(provider, path, specifier, from) {
  const key = 'provided:' + specifier;
  if (MapHas(moduleCache, key)) return MapGet(moduleCache, key).exports;
  const module = { exports: {}, id: key, filename: specifier, loaded: false, children: [] };
  MapSet(moduleCache, key, module);
  try {
    const found = makeRequire('/', '/')(provider).provide(path, module.exports);
    if (!found) throw notFound(specifier, from);
    module.loaded = true;
  } catch (error) {
    MapDelete(moduleCache, key);
    throw error;
  }
  return module.exports;
}
function loadModule(key, source, filename) {
  if (MapHas(moduleCache, key)) return MapGet(moduleCache, key).exports;
  const module = { exports: {}, id: key, filename, loaded: false, children: [] };
  // Cached before running: a cycle sees the partial exports, as in Node.
  MapSet(moduleCache, key, module);
  try {
    if (StringEndsWith(filename, '.json')) {
      module.exports = JSONParse(source);
    } else {
      const dir = StringStartsWith(key, 'registered:') ? path.dirname('/' + filename) : path.dirname(filename);
      const wrapper = h.compile(source, StringStartsWith(key, 'registered:') ? filename : StringSlice(filename, 1));
      const localRequire = StringStartsWith(key, 'registered:') ? makeRegisteredRequire(filename) : makeRequire(StringSlice(filename, 1), dir);
      apply(wrapper, module.exports, [module.exports, localRequire, module, filename, dir]);
    }
    module.loaded = true;
  } catch (error) {
    MapDelete(moduleCache, key);
    throw error;
  }
  return module.exports;
}
/// Registered (SDK) modules resolve relative specifiers against their own specifier path.
function makeRegisteredRequire(specifier) {
  const base = makeRequire(specifier, '/');
  return function require(request) {
    if (StringStartsWith(request, './') || StringStartsWith(request, '../')) {
      const resolved = StringSlice(path.resolve('/' + path.dirname(specifier), request), 1);
      const reg = registeredPath(resolved);
      if (reg === undefined) throw notFound(request, specifier);
      return loadModule('registered:' + reg, MapGet(registered, reg), reg);
    }
    return base(request);
  };
}
