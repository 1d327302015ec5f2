'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');
const { InvalidSettingValueException } = require('@rocket.chat/apps-engine/definition/exceptions');

class LifecycleApp extends App {
  async onInstall(context) { this.getLogger().info('call:onInstall by', context.user.username); }

  async extendConfiguration(configuration) {
    this.getLogger().info('call:extendConfiguration');
    await configuration.settings.provideSetting({
      id: 'mode', type: SettingType.SELECT, packageValue: 'quiet', required: true, public: false, i18nLabel: 'Mode',
      values: [{ key: 'quiet', i18nLabel: 'Quiet' }, { key: 'loud', i18nLabel: 'Loud' }],
    });
    await configuration.settings.provideSetting({
      id: 'limit', type: SettingType.NUMBER, packageValue: 10, required: false, public: false, i18nLabel: 'Limit',
    });
    await configuration.settings.provideSetting({
      id: 'token', type: SettingType.PASSWORD, packageValue: '', required: false, public: false, i18nLabel: 'Token',
    });
  }

  async onEnable(environment) {
    this.getLogger().info('call:onEnable');
    this.getLogger().info('site name:', await environment.getServerSettings().getValueById('Site_Name'));
    this.getLogger().info('mode:', await environment.getSettings().getValueById('mode'));
    // env.read is not granted: the SDK path and a direct call to the host function are both refused by the host.
    try {
      await environment.getEnvironmentVariables().getValueByName('NODE_ENV');
    } catch (e) {
      this.getLogger().warn('env via sdk:', e.name);
    }
    try {
      const host = require('airlock:host');
      await host.accessor({ id: 1, name: 'environment.getValueByName', args: ['NODE_ENV'] });
      this.getLogger().error('env via host: allowed');
    } catch (e) {
      this.getLogger().warn('env via host:', e.name);
    }
    return true;
  }

  async onDisable() { this.getLogger().info('call:onDisable'); }

  async onUninstall() { this.getLogger().info('call:onUninstall'); }

  async onUpdate(context) { this.getLogger().info('call:onUpdate from', context.oldAppVersion); }

  async onPreSettingUpdate(context) {
    this.getLogger().info('call:onPreSettingUpdate', context.oldSetting.id);
    const setting = context.newSetting;
    if (setting.id === 'limit' && setting.value > 100) throw new InvalidSettingValueException('limit must be at most 100');
    return setting;
  }

  async onSettingUpdated(setting) {
    // Logs the raw value, password included: the engine masks password values in app logs.
    this.getLogger().info('call:onSettingUpdated', setting.id, setting.value);
  }
}

exports.LifecycleApp = LifecycleApp;
