'use strict';
// AppStatus itself is an enum, built from the definition surface.
const { AppStatus } = require('@rocket.chat/apps-engine/definition/AppStatus');

const enabled = [AppStatus.AUTO_ENABLED, AppStatus.MANUALLY_ENABLED];
// As in Rocket.Chat: only these two count as errors, though every *_DISABLED status is disabled.
const errors = [AppStatus.ERROR_DISABLED, AppStatus.COMPILER_ERROR_DISABLED];
const disabled = [
  ...errors, AppStatus.MANUALLY_DISABLED, AppStatus.INVALID_SETTINGS_DISABLED, AppStatus.INVALID_LICENSE_DISABLED,
  AppStatus.INVALID_INSTALLATION_DISABLED, AppStatus.DISABLED,
];

/// What a status means: Rocket.Chat exports the class and one instance of it.
class AppStatusUtilsDef {
  isEnabled(status) { return enabled.includes(status); }
  isDisabled(status) { return disabled.includes(status); }
  isError(status) { return errors.includes(status); }
}

module.exports = { AppStatusUtilsDef, AppStatusUtils: new AppStatusUtilsDef() };
