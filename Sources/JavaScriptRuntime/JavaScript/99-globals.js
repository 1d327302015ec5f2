// globals
const globals = {
  console: consoleObject,
  setTimeout: (cb, ms, ...args) => addTimer(cb, ms, args, false),
  setInterval: (cb, ms, ...args) => addTimer(cb, ms, args, true),
  setImmediate: (cb, ...args) => addTimer(cb, 0, args, false),
  clearTimeout: clearTimer, clearInterval: clearTimer, clearImmediate: clearTimer,
  queueMicrotask: (cb) => { if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function'); PromiseThen(PromiseResolve(undefined), () => cb()); },
  TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, Buffer,
  crypto: webcrypto,
};
for (const name of ObjectKeys(globals)) {
  ObjectDefineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true, enumerable: false });
}
function queueMicrotask(cb) { globals.queueMicrotask(cb); }

return {
  fireTimer,
  registerModules(map) { for (const specifier of ObjectKeys(map)) MapSet(registered, specifier, map[specifier]); },
  registerProvider(prefix, provider) { ArrayPush(providers, [prefix, provider]); },
  setFiles(map) {
    files = ObjectCreate(null);
    for (const name of ObjectKeys(map)) files[path.resolve('/', name)] = map[name];
    moduleCache.clear();
  },
  requireRoot(specifier) {
    const exports = makeRequire('/', '/')(StringStartsWith(specifier, '/') || StringStartsWith(specifier, '.') ? specifier : './' + specifier);
    return exports !== null && typeof exports === 'object' || typeof exports === 'function' ? ObjectKeys(exports) : [];
  },
  require(specifier) { return makeRequire('/', '/')(specifier); },
  load(specifier) { makeRequire('/', '/')(specifier); },
  // Calls fn and reports its (awaited) result to the host as settled(id, ok, value), in the same VM entry: a
  // separate then() call would be one more entry, and each entry pays for the time limit's CPU-clock reads.
  watch(fn, thisArg, args, id) {
    let result;
    try { result = apply(fn, thisArg, args); } catch (error) { h.settled(id, false, error); return; }
    if (result instanceof PromiseCtor) PromiseThen(result, (v) => h.settled(id, true, v), (e) => h.settled(id, false, e));
    else h.settled(id, true, result);
  },
};
