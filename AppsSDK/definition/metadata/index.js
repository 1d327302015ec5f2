'use strict';
exports.AppMethod = Object.freeze({
  INITIALIZE: 'initialize', ONENABLE: 'onEnable', ONDISABLE: 'onDisable', ONINSTALL: 'onInstall',
  ONUNINSTALL: 'onUninstall', ONUPDATE: 'onUpdate', ONSETTINGUPDATED: 'onSettingUpdated',
  ON_PRE_SETTING_UPDATE: 'onPreSettingUpdate', SETSTATUS: 'setStatus',
});
