'use strict';
/// Thrown by an app to refuse an action with its own message (the engine turns it into the refusal).
class AppsEngineException extends Error {
  constructor(message) { super(message); this.name = 'AppsEngineException'; }
  getErrorInfo() { return { name: this.name, message: this.message }; }
}
class UserNotAllowedException extends AppsEngineException { constructor(message) { super(message); this.name = 'UserNotAllowedException'; } }
class FileUploadNotAllowedException extends AppsEngineException { constructor(message) { super(message); this.name = 'FileUploadNotAllowedException'; } }
class EssentialAppDisabledException extends AppsEngineException { constructor(message) { super(message); this.name = 'EssentialAppDisabledException'; } }
class InvalidSettingValueException extends AppsEngineException { constructor(message) { super(message); this.name = 'InvalidSettingValueException'; } }
/// What an app sees when it calls something its permissions do not grant (Airlock throws; Rocket.Chat returns undefined).
class PermissionDeniedError extends Error { constructor(message) { super(message); this.name = 'PermissionDeniedError'; } }
Object.assign(exports, { AppsEngineException, UserNotAllowedException, FileUploadNotAllowedException, EssentialAppDisabledException, InvalidSettingValueException, PermissionDeniedError });
