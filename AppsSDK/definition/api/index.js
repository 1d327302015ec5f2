'use strict';
const { HttpStatusCode } = require('../accessors');

/// Who may call an app endpoint: anyone with the URL, or only callers who know the app's private hash.
const ApiVisibility = Object.freeze({ PUBLIC: 0, PRIVATE: 1, 0: 'PUBLIC', 1: 'PRIVATE' });
/// Apps-Engine defines a single value.
const ApiSecurity = Object.freeze({ UNSECURE: 0, 0: 'UNSECURE' });

/// Base class of an app endpoint; subclasses set `path` and define get/post/put/delete/... handlers.
class ApiEndpoint {
  constructor(app) { this.app = app; }
  success(content) { return { status: HttpStatusCode.OK, content }; }
  json(response) {
    if (!response.headers) response.headers = {};
    response.headers['content-type'] = 'application/json';
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

Object.assign(exports, { ApiVisibility, ApiSecurity, ApiEndpoint, example });
