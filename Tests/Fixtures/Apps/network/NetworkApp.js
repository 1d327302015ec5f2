'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiEndpoint, ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');

/// `POST fetch` with `{method, url, options}`: makes the request through IHttp and answers what the app saw, or the
/// error it caught (name and message), so the tests can drive every outbound rule from outside.
class FetchEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'fetch'; }
  async post(request, endpoint, read, modify, http) {
    const { method, url, options } = request.content;
    try {
      const response = await http[method || 'get'](url, options || {});
      const content = Buffer.isBuffer(response.content) ? { bytes: [...response.content] } : response.content;
      return this.success({ ok: true, url: response.url, statusCode: response.statusCode, headers: response.headers, content, data: response.data || null });
    } catch (error) {
      return this.success({ ok: false, name: error.name, message: error.message });
    }
  }
}

class NetworkApp extends App {
  async extendConfiguration(configuration) {
    configuration.http.provideDefaultHeaders({ 'X-Default': 'from-defaults', 'X-Overridden': 'default' });
    configuration.http.provideDefaultParam('fromDefaults', '1');
    configuration.http.providePreRequestHandler({
      executePreHttpRequest: async (url, request) => ({ ...request, headers: { ...request.headers, 'X-Pre-Request': url } }),
    });
    configuration.http.providePreResponseHandler({
      executePreHttpResponse: async (response) => ({ ...response, headers: { ...response.headers, 'x-seen-by-app': 'yes' } }),
    });
    await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new FetchEndpoint(this)] });
  }
}
module.exports = { NetworkApp };
