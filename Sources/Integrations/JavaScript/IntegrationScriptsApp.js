'use strict';
// The app every integration script runs in (one per server; a worker process of its own in worker mode). Each
// script is the package's `scripts/<integration id>.js`, its Rocket.Chat-style `class Script` exported by the wrapper
// the host adds; the host calls `run` with the script's id, the method and its argument.
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiEndpoint, ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');

class RunEndpoint extends ApiEndpoint {
  constructor(app) {
    super(app);
    this.path = 'run';
  }

  /// `{id, method, argument}` → `{result}`, `{missing: true}` (the script has no such method) or `{error}` (it does
  /// not load or defines no class). What the script throws fails the call itself.
  async post(request) {
    const { id, method, argument } = request.content || {};
    let Script;
    try {
      Script = require(`./scripts/${id}.js`);
    } catch (error) {
      return this.success({ error: `the script does not load: ${error && error.message}` });
    }
    if (typeof Script !== 'function') return this.success({ error: 'the script defines no class Script' });
    const instance = new Script();
    if (typeof instance[method] !== 'function') return this.success({ missing: true });
    const result = await instance[method](argument);
    return this.success({ result: result === undefined ? null : result });
  }
}

class IntegrationScriptsApp extends App {
  async extendConfiguration(configuration) {
    await configuration.api.provideApi({
      visibility: ApiVisibility.PUBLIC,
      security: ApiSecurity.UNSECURE,
      endpoints: [new RunEndpoint(this)],
    });
  }
}

module.exports = { IntegrationScriptsApp };
