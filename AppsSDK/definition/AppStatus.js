'use strict';
// Rocket.Chat's AppStatus values.
const AppStatus = Object.freeze({
  UNKNOWN: 'unknown',
  CONSTRUCTED: 'constructed',
  INITIALIZED: 'initialized',
  AUTO_ENABLED: 'auto_enabled',
  MANUALLY_ENABLED: 'manually_enabled',
  COMPILER_ERROR_DISABLED: 'compiler_error_disabled',
  INVALID_LICENSE_DISABLED: 'invalid_license_disabled',
  INVALID_INSTALLATION_DISABLED: 'invalid_installation_disabled',
  ERROR_DISABLED: 'error_disabled',
  MANUALLY_DISABLED: 'manually_disabled',
  INVALID_SETTINGS_DISABLED: 'invalid_settings_disabled',
  DISABLED: 'disabled',
});
const enabled = [AppStatus.AUTO_ENABLED, AppStatus.MANUALLY_ENABLED];
const AppStatusUtils = {
  isEnabled: (status) => enabled.includes(status),
  isDisabled: (status) => !enabled.includes(status) && status !== AppStatus.UNKNOWN && status !== AppStatus.CONSTRUCTED && status !== AppStatus.INITIALIZED,
  isError: (status) => [AppStatus.ERROR_DISABLED, AppStatus.COMPILER_ERROR_DISABLED, AppStatus.INVALID_LICENSE_DISABLED, AppStatus.INVALID_INSTALLATION_DISABLED, AppStatus.INVALID_SETTINGS_DISABLED].includes(status),
};
exports.AppStatus = AppStatus;
exports.AppStatusUtils = AppStatusUtils;
