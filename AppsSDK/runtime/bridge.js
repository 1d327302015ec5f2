'use strict';
// The app side of Airlock's bridge protocol (Sources/AppsRuntime/BridgeProtocol.swift).
//
// Engine -> app: one entry point, `dispatch({id, type, ...})` answering `{id, result}`, registered before any app code loads (so the app cannot
// replace it). Messages: construct | initialize | lifecycle. App -> engine: `host.accessor(request)` (async) and
// `host.log(...)`. No message carries the caller's identity: the host knows the app from the VM it runs.
const host = require('airlock:host');
// Captured before app code runs: an app that patches the host object or the SDK changes only what its own code
// sees; every permission check happens in Swift on the other side of these functions anyway.
const hostAccessor = host.accessor;
const hostLog = host.log;
const { App } = require('@rocket.chat/apps-engine/definition/App');
/// The other SDK modules the bridge uses, loaded on first use (an app's start-up pays only for what it touches; a
/// module is loaded once either way).
const sdk = {
  get exceptions() { return require('@rocket.chat/apps-engine/definition/exceptions'); },
  get SlashCommandContext() { return require('@rocket.chat/apps-engine/definition/slashcommands/SlashCommandContext').SlashCommandContext; },
  get BlockBuilder() { return require('@rocket.chat/apps-engine/definition/uikit/blocks/BlockBuilder').BlockBuilder; },
  get contexts() { return require('@rocket.chat/apps-engine/definition/uikit/UIKitInteractionContext'); },
};
/// The context class each UIKit handler receives, as in Rocket.Chat.
const interactionContexts = {
  executeBlockActionHandler: 'UIKitBlockInteractionContext',
  executeViewSubmitHandler: 'UIKitViewSubmitInteractionContext',
  executeViewClosedHandler: 'UIKitViewCloseInteractionContext',
  executeActionButtonHandler: 'UIKitActionButtonInteractionContext',
};

let app = null;
let registrations = null;
let nextAccessorId = 0;

/// Which engine request's code runs, for the app's one logger (`app.getLogger()`). Requests interleave at await
/// points and JSC has no async context, so the method is set when a request starts and again whenever an
/// accessor's answer resumes a request's code: a line logged after `await read...` is attributed to the method
/// that awaited it, not to whichever request started last. (Code resumed by other awaits, e.g. a timer, keeps the
/// last attribution.)
const requestMethods = new Map();
let currentMethod = 'constructor';
function enter(request, method) {
  requestMethods.set(request, method);
  currentMethod = method;
}
function resume(request) {
  const method = requestMethods.get(request);
  if (method !== undefined) currentMethod = method;
}

/// The accessor contract shared with the host (names, permissions, argument shapes).
const contract = require('./accessors.json');

/// Calls an accessor on the host for the engine's request `call` (the host refuses requests of a call that timed
/// out); permission denials arrive as PermissionDeniedError the app can catch.
async function accessor(call, name, ...args) {
  if (!Object.prototype.hasOwnProperty.call(contract, name)) throw new Error(`Airlock has no accessor ${name}`);
  try {
    // The request and the answer cross as values (no JSON text); `null` answers read as `undefined`, as before.
    const answer = await hostAccessor({ id: ++nextAccessorId, call, name, args });
    resume(call);
    return answer === null ? undefined : answer;
  } catch (error) {
    resume(call);
    if (error && error.name === 'PermissionDeniedError') throw new sdk.exceptions.PermissionDeniedError(error.message);
    throw error;
  }
}

/// `ILogger`. The app's logger has no fixed method: its lines go to the method whose code runs (see `enter`).
class AppLogger {
  constructor(method) { this.method = method; }
  write(level, args) {
    const parts = args.map((a) => (typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch (e) { return String(a); } })()));
    hostLog(level, this.method === undefined ? currentMethod : this.method, parts.join(' '));
  }
  debug(...args) { this.write('debug', args); }
  info(...args) { this.write('info', args); }
  log(...args) { this.write('info', args); }
  success(...args) { this.write('success', args); }
  warn(...args) { this.write('warn', args); }
  error(...args) { this.write('error', args); }
}

/// Every accessor object below is built for one engine request: `a(name, ...args)` is `accessor` bound to it.
function environmentRead(a) {
  return {
    getSettings: () => ({
      getById: (id) => a('settings.getById', id),
      getValueById: (id) => a('settings.getValueById', id),
    }),
    getServerSettings: () => ({
      getOneById: (id) => a('serverSettings.getOneById', id),
      getValueById: (id) => a('serverSettings.getValueById', id),
      isReadableById: (id) => a('serverSettings.isReadableById', id),
      getAll: async () => (await a('serverSettings.getAll'))[Symbol.iterator](),
    }),
    getEnvironmentVariables: () => ({
      getValueByName: (name) => a('environment.getValueByName', name),
      isReadable: (name) => a('environment.isReadable', name),
      isSet: (name) => a('environment.isSet', name),
    }),
  };
}

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'head', 'options', 'patch'];

/// IMessageBuilder: a message being written (by `modify.getCreator().startMessage()` or a pre-message modify handler).
class MessageBuilder {
  constructor(message) { this.kind = 'message'; this.msg = message ? { ...message } : {}; }
  setData(data) { this.msg = { ...data }; return this; }
  /// The message an update starts from, with who edits it (what `modify.getUpdater().message()` does).
  setUpdateData(data, editor) { this.msg = { ...data, editor, editedAt: new Date() }; return this; }
  setThreadId(threadId) { this.msg.threadId = threadId; return this; }
  getThreadId() { return this.msg.threadId; }
  setRoom(room) { this.msg.room = room; return this; }
  getRoom() { return this.msg.room; }
  setSender(sender) { this.msg.sender = sender; return this; }
  getSender() { return this.msg.sender; }
  setText(text) { this.msg.text = text; return this; }
  getText() { return this.msg.text; }
  setEmojiAvatar(emoji) { this.msg.emoji = emoji; return this; }
  getEmojiAvatar() { return this.msg.emoji; }
  setAvatarUrl(url) { this.msg.avatarUrl = url; return this; }
  getAvatarUrl() { return this.msg.avatarUrl; }
  setUsernameAlias(alias) { this.msg.alias = alias; return this; }
  getUsernameAlias() { return this.msg.alias; }
  addAttachment(attachment) { (this.msg.attachments = this.msg.attachments || []).push(attachment); return this; }
  setAttachments(attachments) { this.msg.attachments = attachments; return this; }
  getAttachments() { return this.msg.attachments; }
  replaceAttachment(position, attachment) { this.msg.attachments[position] = attachment; return this; }
  removeAttachment(position) { this.msg.attachments.splice(position, 1); return this; }
  setEditor(user) { this.msg.editor = user; return this; }
  getEditor() { return this.msg.editor; }
  setGroupable(groupable) { this.msg.groupable = groupable; return this; }
  getGroupable() { return this.msg.groupable; }
  setParseUrls(parseUrls) { this.msg.parseUrls = parseUrls; return this; }
  getParseUrls() { return this.msg.parseUrls; }
  addCustomField(key, value) { (this.msg.customFields = this.msg.customFields || {})[key] = value; return this; }
  setBlocks(blocks) { this.msg.blocks = blocks && blocks.getBlocks ? blocks.getBlocks() : blocks; return this; }
  addBlocks(blocks) { const list = blocks && blocks.getBlocks ? blocks.getBlocks() : blocks; this.msg.blocks = (this.msg.blocks || []).concat(list); return this; }
  getBlocks() { return this.msg.blocks; }
  getMessage() {
    if (!this.msg.room) throw new Error('The "room" property is required.');
    return this.msg;
  }
}

/// A room as Rocket.Chat's runtime hands it to an app's handlers: the IRoom fields plus `value` (the plain IRoom),
/// `getUsernames()` (the members' usernames, asked of the host without a permission, as Rocket.Chat's internal
/// bridge does) and `toJSON()`. `usernames` stays what the host sent. The host's plain room object becomes a Room
/// in place (its prototype set): copying it into a new object cost 5 µs of every message hook.
class Room {
  get value() {
    const { id, displayName, slugifiedName, type, creator, isDefault, isReadOnly, displaySystemMessages, messageCount,
      createdAt, updatedAt, lastModifiedAt, customFields, userIds } = this;
    return { id, displayName, slugifiedName, type, creator, isDefault, isReadOnly, displaySystemMessages, messageCount,
      createdAt, updatedAt, lastModifiedAt, customFields, userIds };
  }
  async getUsernames() {
    const a = (name, ...args) => accessor(null, name, ...args);
    return (await a('internal.room.usernames', this.id)) || [];
  }
  toJSON() { return this.value; }
}
const asRoom = (room) => (room && typeof room === 'object' && !(room instanceof Room) ? Object.setPrototypeOf(room, Room.prototype) : room);
/// Puts Room objects where Rocket.Chat's runtime does: the room of a room event, the room of a message.
function withRooms(method, args) {
  const [first] = args;
  if (!first || typeof first !== 'object') return args;
  if (/^(check|execute)(Pre|Post)Room(Create|Delete)/.test(method)) asRoom(first);
  else if (first.room && typeof first.room === 'object') asRoom(first.room);
  return args;
}

/// IMessageExtender: what a pre-message extend handler may add (never change).
class MessageExtender {
  constructor(message) { this.kind = 'message'; this.msg = message; }
  addCustomField(key, value) {
    this.msg.customFields = this.msg.customFields || {};
    if (Object.prototype.hasOwnProperty.call(this.msg.customFields, key)) throw new Error(`The message already contains a custom field by the key: ${key}`);
    this.msg.customFields[key] = value;
    return this;
  }
  addAttachment(attachment) { (this.msg.attachments = this.msg.attachments || []).push(attachment); return this; }
  addAttachments(attachments) { this.msg.attachments = (this.msg.attachments || []).concat(attachments); return this; }
  getMessage() { return this.msg; }
}

/// IRoomExtender: what a pre-create extend handler (or `IModifyExtender.extendRoom`) may add to a room.
class RoomExtender {
  constructor(room) { this.kind = 'room'; this.room = { ...room, usernames: [...(room.usernames || [])] }; }
  addCustomField(key, value) {
    this.room.customFields = this.room.customFields || {};
    if (Object.prototype.hasOwnProperty.call(this.room.customFields, key)) throw new Error(`The room already contains a custom field by the key: ${key}`);
    this.room.customFields[key] = value;
    return this;
  }
  addMember(user) {
    if (this.room.usernames.includes(user.username)) throw new Error('The user is already in the room.');
    this.room.usernames.push(user.username);
    return this;
  }
  getMembersBeingAdded() { return this.room.usernames; }
  getUsernamesOfMembersBeingAdded() { return this.room.usernames; }
  getRoom() { return this.room; }
}

/// IRoomBuilder: a room being created (`startRoom`), changed (`getUpdater().room`) or modified by a pre-create handler.
class RoomBuilder {
  constructor(room) { this.kind = 'room'; this.room = room ? { ...room, usernames: [...(room.usernames || [])] } : { usernames: [] }; }
  setData(data) { this.room = { usernames: [], ...data }; return this; }
  setDisplayName(name) { this.room.displayName = name; return this; }
  getDisplayName() { return this.room.displayName; }
  setSlugifiedName(name) { this.room.slugifiedName = name; return this; }
  getSlugifiedName() { return this.room.slugifiedName; }
  setType(type) { this.room.type = type; return this; }
  getType() { return this.room.type; }
  setCreator(creator) { this.room.creator = creator; return this; }
  getCreator() { return this.room.creator; }
  addUsername(username) { this.room.usernames.push(username); return this; }
  setUsernames(usernames) { this.room.usernames = [...usernames]; return this; }
  getUsernames() { return this.room.usernames; }
  addMemberToBeAddedByUsername(username) { if (!this.room.usernames.includes(username)) this.room.usernames.push(username); return this; }
  setMembersToBeAddedByUsernames(usernames) { for (const u of usernames) this.addMemberToBeAddedByUsername(u); return this; }
  getMembersToBeAddedUsernames() { return this.room.usernames; }
  setDefault(isDefault) { this.room.isDefault = isDefault; return this; }
  getIsDefault() { return this.room.isDefault; }
  setReadOnly(readOnly) { this.room.isReadOnly = readOnly; return this; }
  getIsReadOnly() { return this.room.isReadOnly; }
  setDisplayingOfSystemMessages(display) { this.room.displaySystemMessages = display; return this; }
  getDisplayingOfSystemMessages() { return this.room.displaySystemMessages; }
  setDescription(description) { this.room.description = description; return this; }
  addCustomField(key, value) { (this.room.customFields = this.room.customFields || {})[key] = value; return this; }
  setCustomFields(fields) { this.room.customFields = fields; return this; }
  getCustomFields() { return this.room.customFields; }
  getUserIds() { return this.room.userIds; }
  getRoom() { return this.room; }
}

/// IDiscussionBuilder: a room builder that also takes the parent room, the parent message and a first reply; its
/// title is the display name.
class DiscussionBuilder extends RoomBuilder {
  constructor(data) { super(data); this.kind = 'discussion'; }
  setParentRoom(parentRoom) { this.room.parentRoom = parentRoom; return this; }
  getParentRoom() { return this.room.parentRoom; }
  setParentMessage(parentMessage) { this.room.parentMessage = parentMessage; return this; }
  getParentMessage() { return this.room.parentMessage; }
  setReply(reply) { this.room.reply = reply; return this; }
  getReply() { return this.room.reply; }
}

/// IUserBuilder: a bot user an app creates (`startBotUser`).
class UserBuilder {
  constructor(data) { this.kind = 'user'; this.user = { ...(data || {}) }; }
  setData(data) { this.user = { ...data }; return this; }
  setEmails(emails) { this.user.emails = emails; return this; }
  getEmails() { return this.user.emails; }
  setDisplayName(name) { this.user.name = name; return this; }
  getDisplayName() { return this.user.name; }
  setUsername(username) { this.user.username = username; return this; }
  getUsername() { return this.user.username; }
  getUser() { return this.user; }
}

const NOT_YET = 'yet';
const LIVECHAT = '(livechat and omnichannel are out of its scope)';
const VIDEOCONF = '(video conferencing is out of its scope)';
/// An accessor for a feature Airlock does not have: every method answers a rejected promise with a clear
/// NotSupportedError the app can catch (`why` says whether it is "yet" or by design). `then` stays undefined, so
/// awaiting the accessor itself works.
/// Each such function carries NOT_SUPPORTED (`why`), which the SDK coverage table reads.
const NOT_SUPPORTED = Symbol.for('airlock.notSupported');
const label = (why) => (why === NOT_YET ? 'not supported yet' : `not supported by design ${why}`);
const marked = (fn, why) => Object.defineProperty(fn, NOT_SUPPORTED, { value: label(why) });
function unsupported(name, why) {
  return new Proxy({}, {
    get: (_, key) => {
      if (key === NOT_SUPPORTED) return label(why);
      if (typeof key !== 'string' || key === 'then') return undefined;
      return marked(async () => { throw new sdk.exceptions.NotSupportedError(`${name}.${key} is not supported by Airlock ${why}`); }, why);
    },
  });
}
/// A getter answering such an accessor (`read.getLivechatReader()`), itself marked.
const unsupportedGetter = (name, why) => marked(() => unsupported(name, why), why);
/// The getters of accessors Airlock lacks, made once (they hold no request state).
const missing = Object.freeze({
  serverSettingUpdater: unsupportedGetter('IServerSettingUpdater', '(apps do not change its server settings)'),
  livechatCreator: unsupportedGetter('ILivechatCreator', LIVECHAT),
  uploadCreator: unsupportedGetter('IUploadCreator', NOT_YET),
  emailCreator: unsupportedGetter('IEmailCreator', NOT_YET),
  contactCreator: unsupportedGetter('IContactCreator', LIVECHAT),
  livechatUpdater: unsupportedGetter('ILivechatUpdater', LIVECHAT),
  oAuthAppsModify: unsupportedGetter('IOAuthAppsModify', NOT_YET),
  moderationModify: unsupportedGetter('IModerationModify', NOT_YET),
  livechatRead: unsupportedGetter('ILivechatRead', LIVECHAT),
  uploadRead: unsupportedGetter('IUploadRead', NOT_YET),
  videoConferenceRead: unsupportedGetter('IVideoConferenceRead', VIDEOCONF),
  oAuthAppsReader: unsupportedGetter('IOAuthAppsReader', NOT_YET),
  cloudWorkspaceRead: unsupportedGetter('ICloudWorkspaceRead', '(it has no Rocket.Chat Cloud workspace)'),
  contactRead: unsupportedGetter('IContactRead', LIVECHAT),
});
/// The same for a method that answers at once (a builder's start): it throws.
function unsupportedNow(name, why) {
  return marked(() => { throw new sdk.exceptions.NotSupportedError(`${name} is not supported by Airlock ${why}`); }, why);
}

/// `model:id` keys for the host.
function associationKeys(associations) {
  return associations.map((a) => `${typeof a.getModel === 'function' ? a.getModel() : a.model}:${typeof a.getID === 'function' ? a.getID() : a.id}`);
}

/// IPersistence: app records by id and associations (every check on the host side).
function persistenceOf(a) {
  return Object.freeze({
    create: (data) => a('persistence.create', data, []),
    createWithAssociation: (data, association) => a('persistence.create', data, associationKeys([association])),
    createWithAssociations: (data, associations) => a('persistence.create', data, associationKeys(associations)),
    update: (id, data, upsert = false) => a('persistence.update', id, data, upsert),
    updateByAssociation: (association, data, upsert = false) => a('persistence.updateByAssociations', associationKeys([association]), data, upsert),
    updateByAssociations: (associations, data, upsert = false) => a('persistence.updateByAssociations', associationKeys(associations), data, upsert),
    remove: (id) => a('persistence.remove', id),
    removeByAssociation: (association) => a('persistence.removeByAssociations', associationKeys([association])),
    removeByAssociations: (associations) => a('persistence.removeByAssociations', associationKeys(associations)),
  });
}

/// IRead's readers (rooms, users, messages, threads); each needs its permission on the host side.
function readersOf(a) {
  return Object.freeze({
    room: Object.freeze({
      getById: (id) => a('reader.room.getById', id),
      getByName: (name) => a('reader.room.getByName', name),
      getCreatorUserById: (id) => a('reader.room.getCreatorUserById', id),
      getCreatorUserByName: (name) => a('reader.room.getCreatorUserByName', name),
      getMembers: (roomId) => a('reader.room.getMembers', roomId),
      getMessages: (roomId, options = {}) => a('reader.room.getMessages', roomId, options),
      getDirectByUsernames: (usernames) => a('reader.room.getDirectByUsernames', usernames),
      getModerators: (roomId) => a('reader.room.getModerators', roomId),
      getOwners: (roomId) => a('reader.room.getOwners', roomId),
      getLeaders: (roomId) => a('reader.room.getLeaders', roomId),
      getUnreadByUser: (roomId, uid, options = {}) => a('reader.room.getUnreadByUser', roomId, uid, options),
      getUserUnreadMessageCount: (roomId, uid) => a('reader.room.getUserUnreadMessageCount', roomId, uid),
    }),
    role: Object.freeze({
      getOneByIdOrName: (idOrName, appId) => a('reader.role.getOneByIdOrName', idOrName, appId || null),
      getCustomRoles: (appId) => a('reader.role.getCustomRoles', appId || null),
    }),
    user: Object.freeze({
      getById: (id) => a('reader.user.getById', id),
      getByUsername: (username) => a('reader.user.getByUsername', username),
      getAppUser: (appId) => a('reader.user.getAppUser', appId || null),
      getUserUnreadMessageCount: (uid) => a('reader.user.getUserUnreadMessageCount', uid),
    }),
    experimental: Object.freeze({ getUserRoomIds: (userId) => a('reader.user.getUserRoomIds', userId) }),
    message: Object.freeze({
      getById: (id) => a('reader.message.getById', id),
      getSenderUser: (id) => a('reader.message.getSenderUser', id),
      getRoom: (id) => a('reader.message.getRoom', id),
    }),
    thread: Object.freeze({ getThreadById: (id) => a('reader.thread.getThreadById', id) }),
  });
}

/// IPersistenceRead.
function persistenceReadOf(a) {
  return Object.freeze({
    read: (id) => a('persistence.read', id),
    readByAssociation: (association) => a('persistence.readByAssociations', associationKeys([association])),
    readByAssociations: (associations) => a('persistence.readByAssociations', associationKeys(associations)),
  });
}

/// INotifier: ephemeral messages to a user or a room's members.
function notifierOf(a) {
  return Object.freeze({
    notifyUser: (user, message) => a('notifier.notifyUser', user, message),
    notifyRoom: (room, message) => a('notifier.notifyRoom', room, message),
    getMessageBuilder: () => new MessageBuilder(),
    /// Shows "<username> is typing" in the room (the app bot's name by default); answers the function that stops it.
    typing: async (options) => {
      await a('notifier.typing', options, true);
      return async () => { await a('notifier.typing', options, false); };
    },
  });
}

/// IUIController: views and view errors pushed to one user's client (`<uid>/uiInteraction`). A view without an id
/// gets one; blocks may be given as a BlockBuilder.
function uiController(a) {
  const blocksOf = (view) => (view.blocks && typeof view.blocks.getBlocks === 'function' ? view.blocks.getBlocks() : view.blocks);
  const show = (type, surface) => (view, context, user) =>
    a('ui.notify', user, { type, triggerId: context && context.triggerId, view: { ...view, type: view.type || surface, blocks: blocksOf(view) } });
  const kind = (view) => (view.type === 'contextualBar' ? 'contextual_bar' : 'modal');
  return Object.freeze({
    openSurfaceView: (view, context, user) => show(`${kind(view)}.open`, 'modal')(view, context, user),
    updateSurfaceView: (view, context, user) => show(`${kind(view)}.update`, 'modal')(view, context, user),
    openModalView: show('modal.open', 'modal'),
    updateModalView: show('modal.update', 'modal'),
    openContextualBarView: show('contextual_bar.open', 'contextualBar'),
    updateContextualBarView: show('contextual_bar.update', 'contextualBar'),
    setViewError: (errorInteraction, context, user) =>
      a('ui.notify', user, { type: 'errors', triggerId: context && context.triggerId, viewId: errorInteraction.viewId, errors: errorInteraction.errors }),
  });
}

/// ISchedulerModify (from `modify.getScheduler()` and `IConfigurationModify.scheduler`).
function schedulerOf(a) {
  return Object.freeze({
    scheduleOnce: (job) => a('scheduler.scheduleOnce', { ...job, when: job.when instanceof Date ? job.when.toISOString() : job.when }),
    scheduleRecurring: (job) => a('scheduler.scheduleRecurring', job),
    cancelJob: (jobId) => a('scheduler.cancelJob', jobId),
    cancelAllJobs: () => a('scheduler.cancelAllJobs'),
  });
}

/// The methods an object has (own and inherited, not Object's): what the engine may call on a registration.
function methodsOf(object) {
  const names = new Set();
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const n of Object.getOwnPropertyNames(o)) if (typeof object[n] === 'function' && n !== 'constructor') names.add(n);
  }
  return [...names];
}

/// IConfigurationModify: what an app changes about itself while it runs (onEnable, onSettingUpdated, ...).
function configurationModifyOf(a) {
  const known = (command) => {
    const name = String((command && command.command) || command || '').trim().toLowerCase();
    if (!registrations || !registrations.objects.slashCommands.has(name)) throw new Error(`The app provides no command "${name}"`);
    return name;
  };
  return Object.freeze({
    scheduler: schedulerOf(a),
    slashCommands: Object.freeze({
      modifySlashCommand: async (command) => {
        const name = known(command);
        registrations.objects.slashCommands.set(name, command);
        await a('commands.modify', { ...describe(command), command: name, methods: methodsOf(command) });
      },
      disableSlashCommand: async (command) => a('commands.disable', known(command)),
      enableSlashCommand: async (command) => a('commands.enable', known(command)),
    }),
    serverSettings: unsupported('IServerSettingsModify', '(apps do not change its server settings)'),
  });
}

/// IEnvironmentWrite: the app's own settings (as if an admin changed them: its setting hooks run).
function environmentWriteOf(a) {
  return Object.freeze({
    getSettings: () => Object.freeze({
      updateValue: (id, value) => a('settings.updateValue', id, value),
      updateSelectOptions: (id, values) => a('settings.updateSelectOptions', id, values),
    }),
    getServerSettings: missing.serverSettingUpdater,
  });
}

function modify(a, notifier) {
  return {
    getCreator: () => ({
      getBlockBuilder: () => new sdk.BlockBuilder(app && app.getID ? app.getID() : undefined),
      startMessage: (data) => new MessageBuilder(data),
      startRoom: (data) => new RoomBuilder(data),
      getLivechatCreator: missing.livechatCreator,
      getUploadCreator: missing.uploadCreator,
      getEmailCreator: missing.emailCreator,
      getContactCreator: missing.contactCreator,
      startLivechatMessage: unsupportedNow('IModifyCreator.startLivechatMessage', LIVECHAT),
      startVideoConference: unsupportedNow('IModifyCreator.startVideoConference', VIDEOCONF),
      startDiscussion: (data) => new DiscussionBuilder(data),
      startBotUser: (data) => new UserBuilder(data),
      finish: async (builder) => {
        switch (builder.kind) {
          case 'message': return a('modify.creator.finish', builder.getMessage());
          case 'room': return a('modify.creator.room', builder.getRoom());
          case 'discussion': return a('modify.creator.discussion', builder.getRoom());
          case 'user': return a('modify.creator.botUser', builder.getUser());
          default: throw new Error(`Airlock cannot create a ${builder.kind}`);
        }
      },
    }),
    getUpdater: () => ({
      message: async (messageId, updater) => {
        const builder = new MessageBuilder(await a('modify.updater.message', messageId));
        return builder.setEditor(updater);
      },
      finish: async (builder) => (builder.kind === 'room'
        ? a('modify.updater.room.finish', builder.getRoom())
        : a('modify.updater.finish', builder.getMessage())),
      room: async (roomId, updater) => new RoomBuilder(await a('modify.updater.room', roomId)),
      getLivechatUpdater: missing.livechatUpdater,
      getUserUpdater: () => Object.freeze({
        updateStatusText: (user, statusText) => a('modify.updater.user', user.id, { statusText }),
        updateStatus: (user, statusText, status) => a('modify.updater.user', user.id, { statusText, status }),
        updateBio: (user, bio) => a('modify.updater.user', user.id, { bio }),
        updateCustomFields: (user, customFields) => a('modify.updater.user', user.id, { customFields }),
        deactivate: (userId, confirmRelinquish) => a('modify.updater.user.deactivate', userId, !!confirmRelinquish),
      }),
      getMessageUpdater: () => Object.freeze({
        addReaction: (messageId, userId, reaction) => a('modify.updater.reaction', messageId, userId, reaction, true),
        removeReaction: (messageId, userId, reaction) => a('modify.updater.reaction', messageId, userId, reaction, false),
      }),
    }),
    getExtender: () => ({
      extendMessage: async (messageId) => new MessageExtender(await a('modify.updater.message', messageId)),
      extendRoom: async (roomId) => new RoomExtender(await a('modify.updater.room', roomId)),
      extendVideoConference: unsupported('IModifyExtender', VIDEOCONF).extendVideoConference,
      finish: async (extender) => (extender.kind === 'room'
        ? a('modify.updater.room.finish', extender.getRoom())
        : a('modify.updater.finish', extender.getMessage())),
    }),
    getDeleter: () => ({
      deleteMessage: (message, user) => a('modify.deleter.deleteMessage', message, user),
      deleteRoom: (roomId) => a('modify.deleter.deleteRoom', roomId),
      deleteUsers: (appId, userType) => a('modify.deleter.deleteUsers', appId || null, userType),
      removeUsersFromRoom: (roomId, usernames) => a('modify.deleter.removeUsersFromRoom', roomId, usernames),
    }),
    getNotifier: notifier,
    getUiController: () => uiController(a),
    getScheduler: () => schedulerOf(a),
    getOAuthAppsModifier: missing.oAuthAppsModify,
    getModerationModifier: missing.moderationModify,
  };
}

/// IHttp: the Apps-Engine pipeline runs here, in the app (default headers and params, request wins; each pre-request
/// handler in order; the fetch on the host, which checks `networking` and the admin's address rules; each
/// pre-response handler). `data` is the JSON-parsed body for JSON content types.
function httpClient(read, persistence, a) {
  const none = { headers: {}, params: {}, preRequest: [], preResponse: [] };
  const call = async (method, url, options = {}) => {
    const extend = (registrations && registrations.http) || none;
    let request = { ...options, headers: { ...extend.headers, ...(options.headers || {}) }, params: { ...extend.params, ...(options.params || {}) } };
    for (const handler of extend.preRequest) request = (await handler.executePreHttpRequest(url, request, read, persistence)) || request;
    const raw = await a('http.call', method, url, request);
    let response = { ...raw };
    if (raw.contentBase64 !== undefined) { response.content = Buffer.from(raw.contentBase64, 'base64'); delete response.contentBase64; }
    const type = (raw.headers && raw.headers['content-type']) || '';
    if (typeof response.content === 'string' && /json|javascript/i.test(type)) {
      try { response.data = JSON.parse(response.content); } catch (e) { /* not JSON after all: content stays */ }
    }
    for (const handler of extend.preResponse) response = (await handler.executePreHttpResponse(response, read, persistence)) || response;
    return response;
  };
  return Object.freeze({
    get: (url, options) => call('get', url, options),
    post: (url, options) => call('post', url, options),
    put: (url, options) => call('put', url, options),
    del: (url, options) => call('delete', url, options),
    patch: (url, options) => call('patch', url, options),
    head: (url, options) => call('head', url, options),
  });
}

/// The arguments of an event handler: the event's own, an extender or builder where the Apps-Engine passes one,
/// then the accessors its signature takes (check: read, http; pre: + persistence; post: + modify).
/// The accessors are built for each engine request, so the host can tell which request a write belongs to and
/// refuse the writes of one that timed out; the readers behind `read` are built only when the app asks for them.
function accessors(call) {
  const a = (name, ...args) => accessor(call, name, ...args);
  let environment, persistenceRead, readers, notifier;
  const lazyReaders = () => readers || (readers = readersOf(a));
  const lazyNotifier = () => notifier || (notifier = notifierOf(a));
  const read = Object.freeze({
    getEnvironmentReader: () => environment || (environment = environmentRead(a)),
    getPersistenceReader: () => persistenceRead || (persistenceRead = persistenceReadOf(a)),
    getRoomReader: () => lazyReaders().room, getUserReader: () => lazyReaders().user, getMessageReader: () => lazyReaders().message,
    getThreadReader: () => lazyReaders().thread, getRoleReader: () => lazyReaders().role, getNotifier: lazyNotifier,
    getExperimentalReader: () => lazyReaders().experimental,
    getLivechatReader: missing.livechatRead, getUploadReader: missing.uploadRead,
    getVideoConferenceReader: missing.videoConferenceRead,
    getOAuthAppsReader: missing.oAuthAppsReader,
    getCloudWorkspaceReader: missing.cloudWorkspaceRead,
    getContactReader: missing.contactRead,
  });
  const persistence = persistenceOf(a);
  return { read, persistence, http: httpClient(read, persistence, a), modify: Object.freeze(modify(a, lazyNotifier)) };
}

function hookArguments(call, method, args) {
  const { read, http, persistence, modify: modifier } = accessors(call);
  let helper = null;
  const list = [...args];
  const forRoom = method.startsWith('executePreRoom');
  if (/^executePre\w+Extend$/.test(method)) list.splice(1, 0, (helper = forRoom ? new RoomExtender(list[0]) : new MessageExtender(list[0])));
  else if (/^executePre\w+Modify$/.test(method)) list.splice(1, 0, (helper = forRoom ? new RoomBuilder(list[0]) : new MessageBuilder(list[0])));
  if (method.startsWith('check')) list.push(read, http);
  else if (method.startsWith('executePre')) list.push(read, http, persistence);
  else list.push(read, http, persistence, modifier);
  return { list, helper };
}

/// A registration as data for the engine: functions, the app itself and anything pointing back along the way are
/// left out (Rocket.Chat drops them too when it copies registrations), so a command keeping `this.app` installs.
function describe(value, path = new Set()) {
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof App || path.has(value)) return undefined;
  path.add(value);
  let copy;
  if (Array.isArray(value)) {
    copy = value.map((item) => { const described = describe(item, path); return described === undefined ? null : described; });
  } else {
    copy = {};
    for (const [key, item] of Object.entries(value)) {
      const described = describe(item, path);
      if (described !== undefined) copy[key] = described;
    }
  }
  path.delete(value);
  return copy;
}

/// A provider of a feature Airlock does not have registers without effect; the app's log says so once per kind.
const saidWithoutEffect = new Set();
function withoutEffect(kind, why) {
  if (saidWithoutEffect.has(kind)) return;
  saidWithoutEffect.add(kind);
  hostLog('warn', 'extendConfiguration', `The app registered a ${kind}; it has no effect: Airlock has no such feature ${why}`);
}

/// What `extendConfiguration` registers, described as data for the engine (functions stay in the VM).
function configurationExtend() {
  registrations = { settings: [], slashCommands: [], apis: [], processors: [], buttons: [] };
  const r = registrations;
  // IHttpExtend: kept in the VM (the pipeline runs here); not part of what the engine is told.
  const httpExtend = { headers: {}, params: {}, preRequest: [], preResponse: [] };
  Object.defineProperty(r, 'http', { value: httpExtend, enumerable: false });
  r.objects = { slashCommands: new Map(), endpoints: new Map(), processors: new Map() };
  return {
    settings: { provideSetting: async (setting) => { r.settings.push(describe(setting)); } },
    slashCommands: {
      provideSlashCommand: async (command) => {
        const name = String(command.command || '').trim().toLowerCase();
        if (!name) throw new Error('A slash command needs a name');
        if (r.objects.slashCommands.has(name)) throw new Error(`The command "${name}" is already provided by this app`);
        r.slashCommands.push({ ...describe(command), command: name, methods: methodsOf(command) });
        r.objects.slashCommands.set(name, command);
      },
    },
    api: {
      provideApi: async (api) => {
        const endpoints = (api.endpoints || []).map((e) => {
          const path = String(e.path || '').replace(/^\/+|\/+$/g, '');
          if (r.objects.endpoints.has(path)) throw new Error(`The endpoint "${path}" is already provided by this app`);
          r.objects.endpoints.set(path, e);
          return { path, methods: methodsOf(e).filter((m) => HTTP_METHODS.includes(m)), authRequired: !!e.authRequired, examples: describe(e.examples) };
        });
        r.apis.push({ visibility: api.visibility, security: api.security, endpoints });
      },
    },
    scheduler: {
      registerProcessors: async (processors = []) => {
        for (const p of processors) { r.processors.push({ id: p.id, startupSetting: describe(p.startupSetting) }); r.objects.processors.set(p.id, p); }
      },
    },
    ui: { registerButton: async (button) => { r.buttons.push(describe(button)); } },
    http: {
      provideDefaultHeader: (key, value) => { httpExtend.headers[key] = value; },
      provideDefaultHeaders: (headers) => { Object.assign(httpExtend.headers, headers); },
      provideDefaultParam: (key, value) => { httpExtend.params[key] = value; },
      provideDefaultParams: (params) => { Object.assign(httpExtend.params, params); },
      providePreRequestHandler: (handler) => { httpExtend.preRequest.push(handler); },
      providePreResponseHandler: (handler) => { httpExtend.preResponse.push(handler); },
      getDefaultHeaders: () => new Map(Object.entries(httpExtend.headers)),
      getDefaultParams: () => new Map(Object.entries(httpExtend.params)),
      getPreRequestHandlers: () => [...httpExtend.preRequest],
      getPreResponseHandlers: () => [...httpExtend.preResponse],
    },
    externalComponents: { register: async () => {} },
    videoConfProviders: { provideVideoConfProvider: async () => withoutEffect('video conference provider', VIDEOCONF) },
    outboundCommunication: {
      registerPhoneProvider: async () => withoutEffect('outbound phone provider', LIVECHAT),
      registerEmailProvider: async () => withoutEffect('outbound email provider', LIVECHAT),
    },
  };
}

/// `IAppAccessors` (`this.getAccessors()`): readers and HTTP for the app's whole life, not tied to one engine request
/// (their accessor calls carry no request, so no timed-out call fences them), and the endpoints the app provides
/// with their URLs (`computedPath`), as Rocket.Chat computes them, and `environmentWriter` for its own settings.
function appAccessors(appId, privateHash) {
  const { read, http } = accessors(null);
  return Object.freeze({
    environmentReader: read.getEnvironmentReader(),
    reader: read,
    http,
    environmentWriter: environmentWriteOf((name, ...args) => accessor(null, name, ...args)),
    get providedApiEndpoints() {
      if (!registrations) return [];
      return registrations.apis.flatMap((api) => {
        const base = api.visibility === 1 ? `/api/apps/private/${appId}/${privateHash}` : `/api/apps/public/${appId}`;
        return api.endpoints.map((endpoint) => ({ ...endpoint, computedPath: `${base}/${endpoint.path}` }));
      });
    },
  });
}

function mainClass(exports) {
  if (typeof exports === 'function') return exports;
  for (const key of Object.keys(exports || {})) if (typeof exports[key] === 'function') return exports[key];
  return undefined;
}

/// Every request's reply echoes its id. An app refusing the action (an `AppsEngineException`, its subclasses and the
/// app's own subclasses: checked with `instanceof`, never by name) answers `refused` instead of failing.
const registered = host.register('dispatch', async (message) => {
  try {
    return { id: message.id, result: await handle(message) };
  } catch (error) {
    if (error instanceof sdk.exceptions.AppsEngineException) return { id: message.id, refused: { name: String(error.name), message: String(error.message) } };
    throw error;
  } finally {
    requestMethods.delete(message.id);
  }
});

async function handle(message) {
  switch (message.type) {
    case 'construct': {
      const Main = mainClass(require('/' + message.mainFile));
      if (!Main) throw new TypeError(`${message.mainFile} exports no class`);
      const instance = new Main(message.info, new AppLogger('constructor'), appAccessors(message.info.id, message.privateHash));
      if (!(instance instanceof App)) throw new TypeError(`The main export of ${message.mainFile} is not an App`);
      app = instance;
      app.logger = new AppLogger();
      const methods = new Set();
      for (let o = Object.getPrototypeOf(app); o && o !== App.prototype && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
        for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor' && typeof app[n] === 'function') methods.add(n);
      }
      return { className: Main.name, methods: [...methods] };
    }
    case 'initialize': {
      if (!app) throw new Error('app not constructed');
      enter(message.id, 'initialize');
      await app.initialize(configurationExtend(), environmentRead((name, ...args) => accessor(message.id, name, ...args)));
      const { objects, ...described } = registrations;
      return described;
    }
    case 'hook': {
      if (!app) throw new Error('app not constructed');
      const handler = app[message.method];
      if (typeof handler !== 'function') throw new TypeError(`the app has no ${message.method}`);
      enter(message.id, message.method);
      const { list, helper } = hookArguments(message.id, message.method, withRooms(message.method, message.args || []));
      let value = await handler.apply(app, list);
      if ((value === undefined || value === null) && helper) value = helper.msg || helper.room;
      // The host takes only a message's content back: leave the room and users out of the reply.
      if (value && typeof value === 'object' && value.room) {
        const { room, sender, editor, ...content } = value;
        value = content;
      }
      return { value: value === undefined ? null : value };
    }
    case 'command': {
      if (!app || !registrations) throw new Error('app not initialized');
      const command = registrations.objects.slashCommands.get(message.name);
      if (!command) throw new TypeError(`the app provides no command ${message.name}`);
      const handler = command[message.method];
      if (typeof handler !== 'function') throw new TypeError(`the command ${message.name} has no ${message.method}`);
      enter(message.id, `slashcommand:${message.name}:${message.method}`);
      const c = message.context;
      const context = new sdk.SlashCommandContext(c.sender, asRoom(c.room), c.params || [], c.threadId, c.triggerId);
      const { list } = hookArguments(message.id, 'executePost', []);
      const [read, http, persistence, modifier] = list;
      const args = message.method === 'executePreviewItem'
        ? [message.item, context, read, modifier, http, persistence]
        : [context, read, modifier, http, persistence];
      const value = await handler.apply(command, args);
      return { value: value === undefined ? null : value };
    }
    case 'uikit': {
      if (!app) throw new Error('app not constructed');
      const handler = app[message.method];
      if (typeof handler !== 'function') throw new TypeError(`the app has no ${message.method}`);
      enter(message.id, message.method);
      const Context = sdk.contexts[interactionContexts[message.method]];
      if (!Context) throw new TypeError(`unknown UIKit handler ${message.method}`);
      const data = message.context;
      if (data && data.room) asRoom(data.room);
      const context = new Context(data);
      const { list } = hookArguments(message.id, 'executePost', []);
      const [read, http, persistence, modifier] = list;
      const value = await handler.call(app, context, read, http, persistence, modifier);
      return { value: value === undefined || value === null ? { success: true } : value };
    }
    case 'job': {
      if (!app || !registrations) throw new Error('app not initialized');
      const processor = registrations.objects.processors.get(message.processor);
      if (!processor || typeof processor.processor !== 'function') throw new TypeError(`no processor ${message.processor}`);
      enter(message.id, `scheduler:${message.processor}`);
      const { list } = hookArguments(message.id, 'executePost', []);
      const [read, http, persistence, modifier] = list;
      await processor.processor.call(processor, message.context, read, modifier, http, persistence);
      return { value: null };
    }
    case 'api': {
      if (!app || !registrations) throw new Error('app not initialized');
      const endpoint = registrations.objects.endpoints.get(message.path);
      const handler = endpoint && endpoint[message.method];
      if (typeof handler !== 'function') throw new TypeError(`no ${message.method} handler for ${message.path}`);
      enter(message.id, `api:${message.path}:${message.method}`);
      const request = { ...message.request };
      // The body exactly as it arrived, for signature checks (Airlock's addition to IApiRequest).
      request.rawBody = Buffer.from(request.rawBody || '', 'base64');
      const { list } = hookArguments(message.id, 'executePost', []);
      const [read, http, persistence, modifier] = list;
      const response = await handler.call(endpoint, request, message.endpoint, read, modifier, http, persistence);
      return { value: response === undefined ? null : response };
    }
    case 'lifecycle': {
      if (!app) throw new Error('app not constructed');
      enter(message.id, message.method);
      const { list } = hookArguments(message.id, 'executePost', []);
      const environment = list[0].getEnvironmentReader();
      const [read, http, persist, modifier] = list;
      const configurationModify = configurationModifyOf((name, ...args) => accessor(message.id, name, ...args));
      const context = message.context || {};
      const args = {
        onEnable: [environment, configurationModify],
        onDisable: [configurationModify],
        onInstall: [context, read, http, persist, modifier],
        onUninstall: [context, read, http, persist, modifier],
        onUpdate: [context, read, http, persist, modifier],
        onSettingUpdated: [message.setting, configurationModify, read, http],
        onPreSettingUpdate: [context, configurationModify, read, http],
      }[message.method];
      if (!args) throw new TypeError(`unknown lifecycle method ${message.method}`);
      const value = await app[message.method](...args);
      return { value: value === undefined ? null : value };
    }
    default:
      throw new TypeError(`unknown bridge message ${message.type}`);
  }
}
if (!registered) throw new Error('the bridge must load before any app code');
