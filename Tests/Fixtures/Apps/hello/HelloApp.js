"use strict";
// Shaped like esbuild's CommonJS output for an rc-apps TypeScript app.
var __defProp = Object.defineProperty;
var __export = (target, all) => { for (var name in all) __defProp(target, name, { get: all[name], enumerable: true }); };
var HelloApp_exports = {};
__export(HelloApp_exports, { HelloApp: () => HelloApp });
module.exports = HelloApp_exports;
var import_App = require("@rocket.chat/apps-engine/definition/App");
var import_settings = require("@rocket.chat/apps-engine/definition/settings");
var import_exceptions = require("@rocket.chat/apps-engine/definition/exceptions");
var helper = require("./lib/helper");
class HelloApp extends import_App.App {
  constructor(info, logger, accessors) {
    super(info, logger, accessors);
  }
  async extendConfiguration(configuration) {
    await configuration.settings.provideSetting({
      id: "greeting", type: import_settings.SettingType.STRING, packageValue: "Hello", required: true, public: true,
      i18nLabel: "Greeting",
    });
    await configuration.slashCommands.provideSlashCommand({
      command: "hello", i18nParamsExample: "", i18nDescription: "Says hello", providesPreview: false,
      executor: async () => {},
    });
    this.getLogger().info("configured", { settings: 1 });
  }
  async onEnable(environment) {
    console.log("enabling", helper.shout("hi"));
    try {
      const greeting = await environment.getSettings().getValueById("greeting");
      this.getLogger().info("greeting is", greeting);
    } catch (e) {
      this.getLogger().error("denied:", e instanceof import_exceptions.PermissionDeniedError, e.message);
    }
    return globalThis.ENABLE !== false;
  }
  async executePostMessageSent(message) {}
}
