'use strict';
const { AppStatus } = require('@rocket.chat/apps-engine/definition/AppStatus');

/// The base class every app extends. The engine constructs the main class with (info, logger, accessors).
class App {
  constructor(info, logger, accessors) {
    this.info = info;
    this.logger = logger;
    this.accessors = accessors;
    this.status = AppStatus.CONSTRUCTED;
    this.logger.debug(`Constructed the App ${info.name} (${info.id})`, `v${info.version} which depends on the API v${info.requiredApiVersion}!`);
  }
  async getStatus() { return this.status; }
  getName() { return this.info.name; }
  getNameSlug() { return this.info.nameSlug; }
  getAppUserUsername() { return `${this.info.nameSlug}.bot`; }
  getID() { return this.info.id; }
  getVersion() { return this.info.version; }
  getDescription() { return this.info.description; }
  getRequiredApiVersion() { return this.info.requiredApiVersion; }
  getAuthorInfo() { return this.info.author; }
  getInfo() { return this.info; }
  getLogger() { return this.logger; }
  getAccessors() { return this.accessors; }
  async initialize(configurationExtend, environmentRead) { await this.extendConfiguration(configurationExtend, environmentRead); }
  async onEnable(environment, configurationModify) { return true; }
  async onDisable(configurationModify) { }
  async onInstall(context, read, http, persistence, modify) { }
  async onUninstall(context, read, http, persistence, modify) { }
  async onUpdate(context, read, http, persistence, modify) { }
  async onSettingUpdated(setting, configurationModify, read, http) { }
  async onPreSettingUpdate(context, configurationModify, read, http) { return context.newSetting; }
  async extendConfiguration(configuration, environmentRead) { }
  async setStatus(status) { this.logger.debug(`The status is now: ${status}`); this.status = status; }
  toJSON() { return this.info; }
}
exports.App = App;
