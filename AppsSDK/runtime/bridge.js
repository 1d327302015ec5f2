'use strict';
// The app side of Airlock's bridge protocol (Sources/AppsEngine/Bridge/BridgeProtocol.swift).
//
// Engine -> app: one entry point, `dispatch({id, type, ...})` answering `{id, result}`, registered before any app code loads (so the app cannot
// replace it). Messages: construct | initialize | lifecycle. App -> engine: `host.accessor(request)` (async) and
// `host.log(...)`. No message carries the caller's identity: the host knows the app from the VM it runs.
const host = require('airlock:host');
// Captured before app code runs: an app that patches the host object or the SDK changes only what its own code
// sees; every permission check happens in Swift on the other side of these functions anyway.
const hostAccessor = host.accessor;
const hostLog = host.log;
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { PermissionDeniedError } = require('@rocket.chat/apps-engine/definition/exceptions');

let app = null;
let registrations = null;
let nextAccessorId = 0;

/// Calls an accessor on the host; permission denials arrive as PermissionDeniedError the app can catch.
async function accessor(name, ...args) {
  try {
    const answer = await hostAccessor(JSON.stringify({ id: ++nextAccessorId, name, args }));
    return answer === undefined || answer === null ? undefined : JSON.parse(answer);
  } catch (error) {
    if (error && error.name === 'PermissionDeniedError') throw new PermissionDeniedError(error.message);
    throw error;
  }
}

class AppLogger {
  constructor(method) { this.method = method; }
  write(level, args) {
    const parts = args.map((a) => (typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch (e) { return String(a); } })()));
    hostLog(level, this.method, parts.join(' '));
  }
  debug(...args) { this.write('debug', args); }
  info(...args) { this.write('info', args); }
  log(...args) { this.write('info', args); }
  success(...args) { this.write('success', args); }
  warn(...args) { this.write('warn', args); }
  error(...args) { this.write('error', args); }
}

function environmentRead() {
  return {
    getSettings: () => ({
      getById: (id) => accessor('settings.getById', id),
      getValueById: (id) => accessor('settings.getValueById', id),
    }),
    getServerSettings: () => ({
      getOneById: (id) => accessor('serverSettings.getOneById', id),
      getValueById: (id) => accessor('serverSettings.getValueById', id),
    }),
    getEnvironmentVariables: () => ({
      getValueByName: (name) => accessor('environment.getValueByName', name),
      isReadable: (name) => accessor('environment.isReadable', name),
      isSet: (name) => accessor('environment.isSet', name),
    }),
  };
}

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'head', 'options', 'patch'];

/// What `extendConfiguration` registers, described as data for the engine (functions stay in the VM).
function configurationExtend() {
  const describe = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => typeof v !== 'function'));
  const methodsOf = (object) => {
    const names = new Set();
    for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const n of Object.getOwnPropertyNames(o)) if (typeof object[n] === 'function' && n !== 'constructor') names.add(n);
    }
    return [...names];
  };
  registrations = { settings: [], slashCommands: [], apis: [], processors: [], buttons: [] };
  const r = registrations;
  r.objects = { slashCommands: new Map(), apis: [], processors: new Map() };
  return {
    settings: { provideSetting: async (setting) => { r.settings.push(describe(setting)); } },
    slashCommands: {
      provideSlashCommand: async (command) => {
        r.slashCommands.push({ ...describe(command), methods: methodsOf(command) });
        r.objects.slashCommands.set(command.command, command);
      },
    },
    api: {
      provideApi: async (api) => {
        r.apis.push({ visibility: api.visibility, security: api.security, endpoints: (api.endpoints || []).map((e) => ({ path: e.path, methods: methodsOf(e).filter((m) => HTTP_METHODS.includes(m)), authRequired: !!e.authRequired })) });
        r.objects.apis.push(api);
      },
    },
    scheduler: {
      registerProcessors: async (processors = []) => {
        for (const p of processors) { r.processors.push({ id: p.id, startupSetting: p.startupSetting }); r.objects.processors.set(p.id, p); }
      },
    },
    ui: { registerButton: async (button) => { r.buttons.push(describe(button)); } },
    http: { providePreRequestHandler: async () => {}, providePreResponseHandler: async () => {} },
    externalComponents: { register: async () => {} },
    videoConfProviders: { provideVideoConfProvider: async () => {} },
  };
}

function mainClass(exports) {
  if (typeof exports === 'function') return exports;
  for (const key of Object.keys(exports || {})) if (typeof exports[key] === 'function') return exports[key];
  return undefined;
}

/// Every request's reply echoes its id.
const registered = host.register('dispatch', async (message) => ({ id: message.id, result: await handle(message) }));

async function handle(message) {
  switch (message.type) {
    case 'construct': {
      const Main = mainClass(require('/' + message.mainFile));
      if (!Main) throw new TypeError(`${message.mainFile} exports no class`);
      const accessors = { environmentReader: environmentRead() };
      const instance = new Main(message.info, new AppLogger('constructor'), accessors);
      if (!(instance instanceof App)) throw new TypeError(`The main export of ${message.mainFile} is not an App`);
      app = instance;
      const methods = new Set();
      for (let o = Object.getPrototypeOf(app); o && o !== App.prototype && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
        for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor' && typeof app[n] === 'function') methods.add(n);
      }
      return { className: Main.name, methods: [...methods] };
    }
    case 'initialize': {
      if (!app) throw new Error('app not constructed');
      app.logger = new AppLogger('initialize');
      await app.initialize(configurationExtend(), environmentRead());
      const { objects, ...described } = registrations;
      return described;
    }
    case 'lifecycle': {
      if (!app) throw new Error('app not constructed');
      app.logger = new AppLogger(message.method);
      const environment = environmentRead();
      const read = { getEnvironmentReader: () => environment };
      const configurationModify = { scheduler: {}, slashCommands: {}, serverSettings: {} };
      const args = {
        onEnable: [environment, configurationModify],
        onDisable: [configurationModify],
        onInstall: [message.context || {}, read, {}, {}, {}],
        onUninstall: [message.context || {}, read, {}, {}, {}],
        onUpdate: [message.context || {}, read, {}, {}, {}],
        onSettingUpdated: [message.setting, configurationModify, read, {}],
        onPreSettingUpdate: [message.context || {}, configurationModify, read, {}],
      }[message.method];
      if (!args) throw new TypeError(`unknown lifecycle method ${message.method}`);
      const value = await app[message.method](...args);
      return { value: value === undefined ? null : value };
    }
    default:
      throw new TypeError(`unknown bridge message ${message.type}`);
  }
}
if (!registered) throw new Error('the bridge must load before any app code');
