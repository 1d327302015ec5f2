'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiEndpoint, ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// `GET|POST probe/:what`: each `what` is one way of hurting the host, answered with what happened.
class ProbeEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'probe/:what'; }
  async get(request, endpoint, read, modify, http, persistence) { return this.post(request, endpoint, read, modify, http, persistence); }
  async post(request, endpoint, read, modify, http, persistence) {
    const q = request.query;
    switch (request.params.what) {
      // What reached the app: headers (credentials must not) and the caller.
      case 'echo':
        return {
          status: 200,
          headers: { 'content-type': 'text/html', 'set-cookie': 'session=stolen; Path=/', connection: 'close', 'x-app': 'yes', 'transfer-encoding': 'chunked' },
          content: `<p>${JSON.stringify({ headers: request.headers, user: request.user ? request.user.username : null })}</p>`,
        };
      // Values no host should try to allocate for.
      case 'huge-array': return this.success({ items: new Array(2 ** 32 - 1) });
      case 'huge-string': return this.success({ text: 'x'.repeat(20 << 20) });
      case 'big': return this.success({ text: 'x'.repeat(Number(q.kb || 256) << 10) });
      case 'deep': {
        let value = {};
        for (let i = 0; i < 500; i++) value = { value };
        return this.success(value);
      }
      case 'huge-argument':
        try { await persistence.create({ items: new Array(2 ** 32 - 1) }); return this.success({ error: null }); } catch (e) { return this.success({ error: `${e.name}: ${e.message}` }); }
      // Quotas: create records, schedule jobs, fetch concurrently; answer how many went through and the first refusal.
      case 'fill': {
        let created = 0, error = null;
        for (let i = 0; i < Number(q.n || 10); i++) {
          try { await persistence.create({ i, pad: 'p'.repeat(Number(q.size || 10)) }); created++; } catch (e) { error = error || e.message; }
        }
        return this.success({ created, error });
      }
      case 'jobs': {
        let scheduled = 0, error = null;
        for (let i = 0; i < Number(q.n || 5); i++) {
          try { await modify.getScheduler().scheduleRecurring({ id: 'noop', interval: Number(q.interval || 60000) }); scheduled++; } catch (e) { error = error || e.message; }
        }
        return this.success({ scheduled, error });
      }
      case 'fetch': {
        const results = await Promise.allSettled([0, 1, 2].map(() => http.get(q.url)));
        return this.success({ ok: results.filter((r) => r.status === 'fulfilled').length, errors: results.filter((r) => r.status === 'rejected').map((r) => r.reason.message) });
      }
      case 'slow': await sleep(Number(q.ms || 500)); return this.success({ slept: true });
      case 'schedule': await modify.getScheduler().scheduleOnce({ id: q.processor, when: new Date(), data: {} }); return this.success({ scheduled: true });
      // Resources growing behind the host's back.
      case 'grow': {
        globalThis.kept = globalThis.kept || [];
        for (let i = 0; i < Number(q.mb || 8); i++) globalThis.kept.push(new Array(131072).fill(i + 0.5));
        return this.success({ arrays: globalThis.kept.length });
      }
      case 'spin-timer': setInterval(() => { for (;;) {} }, 5); return this.success({ started: true });
      // Ways of never answering.
      case 'spin': for (;;) {} // eslint-disable-line no-constant-condition
      case 'microtasks': for (;;) await null; // eslint-disable-line no-constant-condition
      // One allocation far past any cap, touched so it is resident.
      case 'alloc-huge': { const bytes = new Uint8Array(Number(q.mb || 1024) << 20); bytes.fill(7); return this.success({ length: bytes.length }); }
      // Failing on purpose, many times over, and loudly.
      case 'throw': throw new Error(`storm ${q.n || 0}`);
      case 'log-flood': {
        const logger = this.app.getLogger();
        for (let i = 0; i < Number(q.n || 100000); i++) logger.info(`flood line ${i}`);
        return this.success({ logged: Number(q.n || 100000) });
      }
      case 'recurse': {
        const down = (n) => down(n + 1) + 1;
        try { down(0); return this.success({ overflowed: false }); } catch (e) { return this.success({ overflowed: true, error: e.name }); }
      }
      // Dynamic code and the runtime's own objects.
      case 'eval': {
        const attempts = {};
        try { attempts.eval = String(eval('1 + 1')); } catch (e) { attempts.eval = `${e.name}: ${e.message}`; }
        try { attempts.Function = String(new Function('return 2')()); } catch (e) { attempts.Function = `${e.name}: ${e.message}`; }
        try { attempts.AsyncFunction = String(Object.getPrototypeOf(async function () {}).constructor('return 3')); } catch (e) { attempts.AsyncFunction = `${e.name}: ${e.message}`; }
        return this.success(attempts);
      }
      case 'tamper': {
        const results = {};
        const attempt = (name, fn) => { try { fn(); results[name] = 'done'; } catch (e) { results[name] = `${e.name}: ${e.message}`; } };
        attempt('Object.prototype', () => { Object.prototype.polluted = 'yes'; });
        attempt('JSON.stringify', () => { JSON.stringify = () => '{"hijacked":true}'; });
        attempt('Promise.then', () => { Promise.prototype.then = function () { return this; }; });
        attempt('App.prototype', () => { Object.getPrototypeOf(Object.getPrototypeOf(this)).getLogger = () => null; });
        attempt('host', () => { const host = require('airlock:host'); host.accessor = () => 'forged'; host.log = () => {}; });
        return { status: 200, content: { success: true, results } };
      }
      case 'probe-host': {
        const seen = {};
        for (const name of ['process', 'Deno', 'Bun', 'fetch', 'XMLHttpRequest', 'WebSocket', 'require', 'module', 'global', 'Buffer', 'setImmediate', 'WebAssembly', 'SharedArrayBuffer', 'Atomics']) {
          seen[name] = typeof globalThis[name];
        }
        for (const name of ['fs', 'child_process', 'net', 'http', 'os', 'worker_threads']) {
          try { require(name); seen[`require:${name}`] = 'loaded'; } catch (e) { seen[`require:${name}`] = e.name; }
        }
        return this.success(seen);
      }
      default: return this.success({ unknown: request.params.what });
    }
  }
}

class HostileApp extends App {
  /// A pre-send hook that outlives its deadline, then tries to write: the write must be refused.
  async executePreMessageSentPrevent(message, read, http, persistence) {
    if (message.text !== 'late write') return false;
    await sleep(Number(message.customFields && message.customFields.delay) || 2500);
    try {
      await persistence.create({ late: true });
      this.getLogger().warn('late write went through');
    } catch (e) {
      this.getLogger().warn(`late write refused: ${e.message}`);
    }
    return false;
  }

  /// Reports who the host says clicked, and where.
  async executeBlockActionHandler(context) {
    const data = context.getInteractionData();
    return { success: true, who: data.user && data.user.username, room: data.room ? data.room.id : null, value: data.value || null };
  }

  async extendConfiguration(configuration) {
    await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new ProbeEndpoint(this)] });
    await configuration.scheduler.registerProcessors([
      { id: 'noop', processor: async () => {} },
      { id: 'slow', processor: async () => { this.getLogger().info('slow job started'); await sleep(3000); this.getLogger().info('slow job done'); } },
      { id: 'quick', processor: async () => { this.getLogger().info('quick job ran'); } },
    ]);
  }
}

exports.HostileApp = HostileApp;
