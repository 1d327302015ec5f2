'use strict';
/// Thrown by an app to refuse an action with its own message (the engine turns it into the refusal).
class AppsEngineException extends Error {
  constructor(message) { super(message); this.name = 'AppsEngineException'; }
  getErrorInfo() { return { name: this.name, message: this.message }; }
}
/// The JSON-RPC error code Rocket.Chat's runtime reports these exceptions with.
AppsEngineException.JSONRPC_ERROR_CODE = -32070;
class UserNotAllowedException extends AppsEngineException { constructor(message) { super(message); this.name = 'UserNotAllowedException'; } }
class FileUploadNotAllowedException extends AppsEngineException { constructor(message) { super(message); this.name = 'FileUploadNotAllowedException'; } }
class EssentialAppDisabledException extends AppsEngineException { constructor(message) { super(message); this.name = 'EssentialAppDisabledException'; } }
class InvalidSettingValueException extends AppsEngineException { constructor(message) { super(message); this.name = 'InvalidSettingValueException'; } }
/// What an app sees when it calls something its permissions do not grant (Airlock throws; Rocket.Chat returns undefined).
class PermissionDeniedError extends Error { constructor(message) { super(message); this.name = 'PermissionDeniedError'; } }
/// What an app sees when it calls an accessor for a feature Airlock does not have (yet, or by design): a clear error
/// it can catch, where Rocket.Chat would do the work.
class NotSupportedError extends Error { constructor(message) { super(message); this.name = 'NotSupportedError'; } }
module.exports = {
  AppsEngineException, UserNotAllowedException, FileUploadNotAllowedException, EssentialAppDisabledException,
  InvalidSettingValueException, PermissionDeniedError, NotSupportedError,
};
