'use strict';
// ApiVisibility and ApiSecurity are enums, built from the definition surface.
const { HttpStatusCode } = require('@rocket.chat/apps-engine/definition/accessors/IHttp');

/// Base class of an app endpoint; subclasses set `path` and define get/post/put/delete/... handlers.
class ApiEndpoint {
  constructor(app) { this.app = app; }
  success(content) { return { status: HttpStatusCode.OK, content }; }
  /// Marks the response as JSON unless it already names a content type.
  json(response) {
    if (!response.headers || !response.headers['content-type']) {
      response.headers = response.headers || {};
      response.headers['content-type'] = 'application/json';
    }
    return response;
  }
}

/// `@example({...})` decorator: documents a handler's example request.
function example(options) {
  return (target, propertyKey) => {
    if (!target.examples) target.examples = {};
    target.examples[propertyKey] = options;
  };
}

module.exports = { ApiEndpoint, example };
