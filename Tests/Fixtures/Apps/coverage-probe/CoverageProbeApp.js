'use strict';
// Reaches every accessor interface an app is handed (IRead, IModify, IHttp, IPersistence, getAccessors(), the
// configuration objects of extendConfiguration and onEnable) and reports, for each member the Apps-Engine declares
// (AppsSDK/runtime/accessor-interfaces.json), whether Airlock supplies it: "supported", a not-supported mark (the
// accessor answers a NotSupportedError: "yet" or the reason it is left out by design), or "missing".
const { App } = require('@rocket.chat/apps-engine/definition/App');
const declared = require('@airlock/accessor-interfaces.json').interfaces;

const NOT_SUPPORTED = Symbol.for('airlock.notSupported');
let configurationExtend;
let configurationModify;

class CoverageProbeApp extends App {
  async extendConfiguration(configuration) { configurationExtend = configuration; }
  async onEnable(environment, modify) { configurationModify = modify; return true; }
  async executePostMessageSent(message, read, http, persistence, modify) {
    const accessors = this.getAccessors();
    const environment = read.getEnvironmentReader();
    const creator = modify.getCreator();
    const updater = modify.getUpdater();
    const reach = {
      IAppAccessors: accessors, IEnvironmentRead: environment, ISettingRead: environment.getSettings(),
      IServerSettingRead: environment.getServerSettings(), IEnvironmentalVariableRead: environment.getEnvironmentVariables(),
      IRead: read, IMessageRead: read.getMessageReader(), IPersistenceRead: read.getPersistenceReader(), IRoomRead: read.getRoomReader(),
      IUserRead: read.getUserReader(), INotifier: read.getNotifier(), ILivechatRead: read.getLivechatReader(),
      IUploadRead: read.getUploadReader(), ICloudWorkspaceRead: read.getCloudWorkspaceReader(),
      IVideoConferenceRead: read.getVideoConferenceReader(), IOAuthAppsReader: read.getOAuthAppsReader(), IThreadRead: read.getThreadReader(),
      IRoleRead: read.getRoleReader(), IContactRead: read.getContactReader(), IExperimentalRead: read.getExperimentalReader(),
      IModify: modify, IModifyCreator: creator, IModifyUpdater: updater, IModifyExtender: modify.getExtender(),
      IModifyDeleter: modify.getDeleter(), IUIController: modify.getUiController(), ISchedulerModify: modify.getScheduler(),
      IOAuthAppsModify: modify.getOAuthAppsModifier(), IModerationModify: modify.getModerationModifier(),
      ILivechatCreator: creator.getLivechatCreator(), IUploadCreator: creator.getUploadCreator(), IEmailCreator: creator.getEmailCreator(),
      IContactCreator: creator.getContactCreator(), ILivechatUpdater: updater.getLivechatUpdater(), IUserUpdater: updater.getUserUpdater(),
      IMessageUpdater: updater.getMessageUpdater(),
      IMessageBuilder: creator.startMessage(), IRoomBuilder: creator.startRoom(), IDiscussionBuilder: creator.startDiscussion(),
      IUserBuilder: creator.startBotUser(),
      IHttp: http, IPersistence: persistence, IEnvironmentWrite: accessors.environmentWriter,
      ISettingUpdater: accessors.environmentWriter.getSettings(), IServerSettingUpdater: accessors.environmentWriter.getServerSettings(),
      IConfigurationModify: configurationModify, ISlashCommandsModify: configurationModify.slashCommands,
      IServerSettingsModify: configurationModify.serverSettings,
      IConfigurationExtend: configurationExtend, ISettingsExtend: configurationExtend.settings,
      ISlashCommandsExtend: configurationExtend.slashCommands, IApiExtend: configurationExtend.api, IHttpExtend: configurationExtend.http,
      ISchedulerExtend: configurationExtend.scheduler, IUIExtend: configurationExtend.ui,
      IExternalComponentsExtend: configurationExtend.externalComponents, IVideoConfProvidersExtend: configurationExtend.videoConfProviders,
    };
    const report = {};
    for (const [name, members] of Object.entries(declared)) {
      const object = reach[name];
      if (object === undefined) continue;
      report[name] = {};
      for (const member of members) {
        let value;
        try { value = object[member]; } catch (error) { value = undefined; }
        report[name][member] = value === undefined ? 'missing' : (value && value[NOT_SUPPORTED]) || 'supported';
      }
    }
    this.getLogger().info(JSON.stringify(report));
  }
}
exports.CoverageProbeApp = CoverageProbeApp;
