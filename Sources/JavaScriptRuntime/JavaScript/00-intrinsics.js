// The runtime's own JavaScript, one concern per file, concatenated in file-name order inside
// `(function (host, publicHost) { ... })` at build time (the EmbedJavaScript plugin). The function takes the private
// host object and the public one and returns the runtime object Swift keeps (never reachable from app code).
// Tests/JavaScript runs these files under `node --test` against stubbed host functions.
'use strict';
// Intrinsics the runtime relies on, captured before any app code runs: an app that patches built-ins changes
// what its own code sees, not how modules load, timers fire or logs reach the host.
const apply = Reflect.apply;
const uncurry = (fn) => (self, ...args) => apply(fn, self, args);
const ObjectCreate = Object.create, ObjectKeys = Object.keys, ObjectFreeze = Object.freeze;
const ObjectDefineProperty = Object.defineProperty, ObjectAssign = Object.assign;
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const JSONParse = JSON.parse, JSONStringify = JSON.stringify;
const StringSlice = uncurry(String.prototype.slice), StringStartsWith = uncurry(String.prototype.startsWith);
const StringEndsWith = uncurry(String.prototype.endsWith), StringSplit = uncurry(String.prototype.split);
const StringLastIndexOf = uncurry(String.prototype.lastIndexOf), StringIndexOf = uncurry(String.prototype.indexOf);
const StringReplace = uncurry(String.prototype.replace), StringCharCodeAt = uncurry(String.prototype.charCodeAt);
const ArrayPush = uncurry(Array.prototype.push), ArrayPop = uncurry(Array.prototype.pop), ArrayJoin = uncurry(Array.prototype.join);
const ArrayMap = uncurry(Array.prototype.map), ArraySlice = uncurry(Array.prototype.slice), ArrayIsArray = Array.isArray;
const PromiseCtor = Promise, PromiseResolve = (v) => apply(Promise.resolve, Promise, [v]);
const PromiseThen = uncurry(Promise.prototype.then);
const MapCtor = Map, MapGet = uncurry(Map.prototype.get), MapSet = uncurry(Map.prototype.set);
const MapHas = uncurry(Map.prototype.has), MapDelete = uncurry(Map.prototype.delete);
const Uint8ArrayCtor = Uint8Array, ErrorCtor = Error, TypeErrorCtor = TypeError, StringCtor = String;
const h = ObjectFreeze(ObjectAssign(ObjectCreate(null), host));
