// Precise declarations for the Apps-Engine surface apps use most. `scripts/sdk-typings.js` places each block in its
// module (the `// @module` line above it) inside AppsSDK/types/apps-engine.d.ts, adds the imports each needs, and
// generates the rest of the 1.57 surface (enums with their values, classes with their methods, accessor interfaces
// with their members) from AppsSDK/runtime/*.json.

// @module App
export declare abstract class App implements IApp {
    constructor(info: IAppInfo, logger: ILogger, accessors?: IAppAccessors);
    getID(): string;
    getName(): string;
    getNameSlug(): string;
    getAppUserUsername(): string;
    getVersion(): string;
    getDescription(): string;
    getRequiredApiVersion(): string;
    getAuthorInfo(): IAppAuthorInfo;
    getInfo(): IAppInfo;
    getLogger(): ILogger;
    getAccessors(): IAppAccessors;
    getStatus(): Promise<string>;
    initialize(configurationExtend: IConfigurationExtend, environmentRead: IEnvironmentRead): Promise<void>;
    onEnable(environment: IEnvironmentRead, configurationModify: IConfigurationModify): Promise<boolean>;
    onDisable(configurationModify: IConfigurationModify): Promise<void>;
    onInstall(context: IAppInstallationContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<void>;
    onUninstall(context: IAppUninstallationContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<void>;
    onUpdate(context: IAppUpdateContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<void>;
    onSettingUpdated(setting: ISetting, configurationModify: IConfigurationModify, read: IRead, http: IHttp): Promise<void>;
    onPreSettingUpdate(context: ISettingUpdateContext, configurationModify: IConfigurationModify, read: IRead, http: IHttp): Promise<ISetting>;
    protected extendConfiguration(configuration: IConfigurationExtend, environmentRead: IEnvironmentRead): Promise<void>;
}

// @module IApp
export interface IApp {
    getID(): string;
    getName(): string;
    getNameSlug(): string;
    getVersion(): string;
    getLogger(): ILogger;
    getAccessors(): IAppAccessors;
    getInfo(): IAppInfo;
}

// @module metadata/IAppInfo
export interface IAppInfo {
    id: string;
    name: string;
    nameSlug: string;
    version: string;
    description: string;
    requiredApiVersion: string;
    author: IAppAuthorInfo;
    classFile: string;
    iconFile: string;
    implements: Array<string>;
    permissions?: Array<{ name: string; required?: boolean }>;
    essentials?: Array<string>;
}

// @module metadata/IAppAuthorInfo
export interface IAppAuthorInfo {
    name: string;
    support: string;
    homepage?: string;
}

// @module metadata/RocketChatAssociations
export declare enum RocketChatAssociationModel {
    ROOM = 'room',
    DISCUSSION = 'discussion',
    MESSAGE = 'message',
    LIVECHAT_MESSAGE = 'livechat-message',
    USER = 'user',
    FILE = 'file',
    MISC = 'misc',
    VIDEO_CONFERENCE = 'video-conference',
}
export declare class RocketChatAssociationRecord {
    constructor(model: RocketChatAssociationModel, id: string);
    getModel(): RocketChatAssociationModel;
    getID(): string;
}

// @module accessors/ILogger
export interface ILogger {
    method: string;
    debug(...items: Array<any>): void;
    info(...items: Array<any>): void;
    log(...items: Array<any>): void;
    warn(...items: Array<any>): void;
    error(...items: Array<any>): void;
    success(...items: Array<any>): void;
}

// @module accessors/IAppAccessors
export interface IAppAccessors {
    readonly environmentReader: IEnvironmentRead;
    readonly environmentWriter: IEnvironmentWrite;
    readonly reader: IRead;
    readonly http: IHttp;
    readonly providedApiEndpoints: Array<IApiEndpointMetadata>;
}

// @module accessors/IRead
export interface IRead {
    getEnvironmentReader(): IEnvironmentRead;
    getMessageReader(): IMessageRead;
    getPersistenceReader(): IPersistenceRead;
    getRoomReader(): IRoomRead;
    getUserReader(): IUserRead;
    getThreadReader(): IThreadRead;
    getNotifier(): INotifier;
    getRoleReader(): IRoleRead;
    getExperimentalReader(): IExperimentalRead;
}

// @module accessors/IEnvironmentRead
export interface IEnvironmentRead {
    getSettings(): ISettingRead;
    getServerSettings(): IServerSettingRead;
    getEnvironmentVariables(): IEnvironmentalVariableRead;
}

// @module accessors/IEnvironmentWrite
export interface IEnvironmentWrite {
    getSettings(): ISettingUpdater;
}

// @module accessors/ISettingRead
export interface ISettingRead {
    getById(id: string): Promise<ISetting>;
    getValueById(id: string): Promise<any>;
}

// @module accessors/ISettingUpdater
export interface ISettingUpdater {
    updateValue(id: ISetting['id'], value: ISetting['value']): Promise<void>;
    updateSelectOptions(id: ISetting['id'], values: ISetting['values']): Promise<void>;
}

// @module accessors/IServerSettingRead
export interface IServerSettingRead {
    getOneById(id: string): Promise<ISetting>;
    getValueById(id: string): Promise<any>;
    getAll(): Promise<IterableIterator<ISetting>>;
    isReadableById(id: string): Promise<boolean>;
}

// @module accessors/IEnvironmentalVariableRead
export interface IEnvironmentalVariableRead {
    getValueByName(envVarName: string): Promise<string>;
    isReadable(envVarName: string): Promise<boolean>;
    isSet(envVarName: string): Promise<boolean>;
}

// @module accessors/IPersistence
export interface IPersistence {
    create(data: object): Promise<string>;
    createWithAssociation(data: object, association: RocketChatAssociationRecord): Promise<string>;
    createWithAssociations(data: object, associations: Array<RocketChatAssociationRecord>): Promise<string>;
    update(id: string, data: object, upsert?: boolean): Promise<string>;
    updateByAssociation(association: RocketChatAssociationRecord, data: object, upsert?: boolean): Promise<string>;
    updateByAssociations(associations: Array<RocketChatAssociationRecord>, data: object, upsert?: boolean): Promise<string>;
    remove(id: string): Promise<object | undefined>;
    removeByAssociation(association: RocketChatAssociationRecord): Promise<Array<object> | undefined>;
    removeByAssociations(associations: Array<RocketChatAssociationRecord>): Promise<Array<object> | undefined>;
}

// @module accessors/IPersistenceRead
export interface IPersistenceRead {
    read(id: string): Promise<any>;
    readByAssociation(association: RocketChatAssociationRecord): Promise<Array<any>>;
    readByAssociations(associations: Array<RocketChatAssociationRecord>): Promise<Array<any>>;
}

// @module accessors/IUserRead
export interface IUserRead {
    getById(id: string): Promise<IUser>;
    getByUsername(username: string): Promise<IUser>;
    getAppUser(appId?: string): Promise<IUser | undefined>;
    getUserUnreadMessageCount(uid: string): Promise<number | undefined>;
}

// @module accessors/IRoomRead
export interface IRoomRead {
    getById(id: string): Promise<IRoom | undefined>;
    getCreatorUserById(id: string): Promise<IUser | undefined>;
    getByName(name: string): Promise<IRoom | undefined>;
    getCreatorUserByName(name: string): Promise<IUser | undefined>;
    getMessages(roomId: string, options?: { limit?: number; skip?: number; sort?: Record<string, 'asc' | 'desc'> }): Promise<Array<IMessageRaw>>;
    getMembers(roomId: string): Promise<Array<IUser>>;
    getDirectByUsernames(usernames: Array<string>): Promise<IRoom | undefined>;
    getModerators(roomId: string): Promise<Array<IUser>>;
    getOwners(roomId: string): Promise<Array<IUser>>;
    getLeaders(roomId: string): Promise<Array<IUser>>;
    getUnreadByUser(roomId: string, uid: string, options?: { limit?: number; skip?: number }): Promise<Array<IMessageRaw>>;
    getUserUnreadMessageCount(roomId: string, uid: string): Promise<number | undefined>;
}

// @module accessors/IMessageRead
export interface IMessageRead {
    getById(id: string): Promise<IMessage | undefined>;
    getSenderUser(messageId: string): Promise<IUser | undefined>;
    getRoom(messageId: string): Promise<IRoom | undefined>;
}

// @module accessors/IThreadRead
export interface IThreadRead {
    getThreadById(id: string): Promise<Array<IMessage> | undefined>;
}

// @module accessors/IHttp
export interface IHttp {
    get(url: string, options?: IHttpRequest): Promise<IHttpResponse>;
    post(url: string, options?: IHttpRequest): Promise<IHttpResponse>;
    put(url: string, options?: IHttpRequest): Promise<IHttpResponse>;
    del(url: string, options?: IHttpRequest): Promise<IHttpResponse>;
    patch(url: string, options?: IHttpRequest): Promise<IHttpResponse>;
}
export interface IHttpRequest {
    content?: string;
    data?: any;
    query?: string;
    params?: Record<string, string>;
    auth?: string;
    headers?: Record<string, string>;
    timeout?: number;
    encoding?: string | null;
    strictSSL?: boolean;
    rejectUnauthorized?: boolean;
}
export interface IHttpResponse {
    url: string;
    method: RequestMethod;
    statusCode: HttpStatusCode | number;
    headers?: Record<string, string>;
    content?: string;
    data?: any;
}
export interface IHttpExtend {
    provideDefaultHeader(key: string, value: string): void;
    provideDefaultHeaders(headers: Record<string, string>): void;
    provideDefaultParam(key: string, value: string): void;
    provideDefaultParams(params: Record<string, string>): void;
    providePreRequestHandler(handler: IHttpPreRequestHandler): void;
    providePreResponseHandler(handler: IHttpPreResponseHandler): void;
}
export interface IHttpPreRequestHandler {
    executePreHttpRequest(url: string, request: IHttpRequest, read: IRead, persistence: IPersistence): Promise<IHttpRequest>;
}
export interface IHttpPreResponseHandler {
    executePreHttpResponse(response: IHttpResponse, read: IRead, persistence: IPersistence): Promise<IHttpResponse>;
}

// @module accessors/IModify
export interface IModify {
    getCreator(): IModifyCreator;
    getDeleter(): IModifyDeleter;
    getExtender(): IModifyExtender;
    getUpdater(): IModifyUpdater;
    getNotifier(): INotifier;
    getUiController(): IUIController;
    getScheduler(): ISchedulerModify;
}

// @module accessors/IModifyCreator
export interface IModifyCreator {
    getBlockBuilder(): BlockBuilder;
    startMessage(data?: IMessage): IMessageBuilder;
    startRoom(data?: IRoom): IRoomBuilder;
    startDiscussion(data?: Partial<IRoom>): IDiscussionBuilder;
    startBotUser(data?: Partial<IUser>): IUserBuilder;
    finish(builder: IMessageBuilder | IRoomBuilder | IDiscussionBuilder | IUserBuilder): Promise<string>;
}

// @module accessors/IModifyUpdater
export interface IModifyUpdater {
    getMessageUpdater(): IMessageUpdater;
    getUserUpdater(): IUserUpdater;
    message(messageId: string, updater: IUser): Promise<IMessageBuilder>;
    room(roomId: string, updater: IUser): Promise<IRoomBuilder>;
    finish(builder: IMessageBuilder | IRoomBuilder): Promise<void>;
}

// @module accessors/IModifyDeleter
export interface IModifyDeleter {
    deleteRoom(roomId: string): Promise<void>;
    deleteUsers(appId: string, userType: string): Promise<boolean>;
    deleteMessage(message: IMessage, user: IUser): Promise<void>;
    removeUsersFromRoom(roomId: string, usernames: Array<string>): Promise<void>;
}

// @module accessors/IMessageUpdater
export interface IMessageUpdater {
    addReaction(messageId: string, userId: string, reaction: string): Promise<void>;
    removeReaction(messageId: string, userId: string, reaction: string): Promise<void>;
}

// @module accessors/IMessageBuilder
export interface IMessageBuilder {
    kind: string;
    setData(message: IMessage): IMessageBuilder;
    setThreadId(threadId: string): IMessageBuilder;
    getThreadId(): string;
    setRoom(room: IRoom): IMessageBuilder;
    getRoom(): IRoom;
    setSender(sender: IUser): IMessageBuilder;
    getSender(): IUser;
    setText(text: string): IMessageBuilder;
    getText(): string;
    setEmojiAvatar(emoji: string): IMessageBuilder;
    setAvatarUrl(avatarUrl: string): IMessageBuilder;
    setUsernameAlias(alias: string): IMessageBuilder;
    getUsernameAlias(): string;
    addAttachment(attachment: IMessageAttachment): IMessageBuilder;
    setAttachments(attachments: Array<IMessageAttachment>): IMessageBuilder;
    getAttachments(): Array<IMessageAttachment>;
    setGroupable(groupable: boolean): IMessageBuilder;
    setParseUrls(parseUrls: boolean): IMessageBuilder;
    addBlocks(blocks: BlockBuilder | Array<any>): IMessageBuilder;
    setBlocks(blocks: BlockBuilder | Array<any>): IMessageBuilder;
    getBlocks(): Array<any>;
    addCustomField(key: string, value: any): IMessageBuilder;
    getMessage(): IMessage;
}

// @module accessors/IRoomBuilder
export interface IRoomBuilder {
    kind: string;
    setData(room: Partial<IRoom>): IRoomBuilder;
    setDisplayName(name: string): IRoomBuilder;
    getDisplayName(): string;
    setSlugifiedName(name: string): IRoomBuilder;
    getSlugifiedName(): string;
    setType(type: RoomType): IRoomBuilder;
    getType(): RoomType;
    setCreator(creator: IUser): IRoomBuilder;
    getCreator(): IUser;
    addUsername(username: string): IRoomBuilder;
    setUsernames(usernames: Array<string>): IRoomBuilder;
    getUsernames(): Array<string>;
    addMemberToBeAddedByUsername(username: string): IRoomBuilder;
    setMembersToBeAddedByUsernames(usernames: Array<string>): IRoomBuilder;
    getMembersToBeAddedUsernames(): Array<string>;
    setDefault(isDefault: boolean): IRoomBuilder;
    setReadOnly(isReadOnly: boolean): IRoomBuilder;
    setDescription(description: string): IRoomBuilder;
    addCustomField(key: string, value: object): IRoomBuilder;
    setCustomFields(fields: Record<string, any>): IRoomBuilder;
    getRoom(): IRoom;
}

// @module accessors/IDiscussionBuilder
export interface IDiscussionBuilder extends IRoomBuilder {
    setParentRoom(parentRoom: IRoom): IDiscussionBuilder;
    getParentRoom(): IRoom;
    setParentMessage(parentMessage: IMessage): IDiscussionBuilder;
    getParentMessage(): IMessage;
    setReply(reply: string): IDiscussionBuilder;
    getReply(): string;
}

// @module accessors/IUserBuilder
export interface IUserBuilder {
    kind: string;
    setData(user: Partial<IUser>): IUserBuilder;
    setEmails(emails: Array<{ address: string; verified: boolean }>): IUserBuilder;
    setDisplayName(name: string): IUserBuilder;
    setUsername(username: string): IUserBuilder;
    getUser(): Partial<IUser>;
}

// @module accessors/IUserUpdater
export interface IUserUpdater {
    updateStatusText(user: IUser, statusText: string): Promise<boolean>;
    updateStatus(user: IUser, statusText: string, status: string): Promise<boolean>;
    updateBio(user: IUser, bio: string): Promise<boolean>;
    updateCustomFields(user: IUser, customFields: Record<string, any>): Promise<boolean>;
    deactivate(userId: string, confirmRelinquish: boolean): Promise<boolean>;
}

// @module accessors/INotifier
export interface INotifier {
    notifyUser(user: IUser, message: IMessage): Promise<void>;
    notifyRoom(room: IRoom, message: IMessage): Promise<void>;
    typing(options: { id: string; username: string; scope?: TypingScope }): Promise<() => Promise<void>>;
    getMessageBuilder(): IMessageBuilder;
}

// @module accessors/IUIController
export interface IUIController {
    openModalView(view: IUIKitSurfaceView, context: { triggerId: string }, user: IUser): Promise<void>;
    updateModalView(view: IUIKitSurfaceView, context: { triggerId: string }, user: IUser): Promise<void>;
    openContextualBarView(view: IUIKitSurfaceView, context: { triggerId: string }, user: IUser): Promise<void>;
    updateContextualBarView(view: IUIKitSurfaceView, context: { triggerId: string }, user: IUser): Promise<void>;
    setViewError(errorInteraction: { viewId: string; errors: Record<string, string> }, context: { triggerId: string }, user: IUser): Promise<void>;
}

// @module accessors/ISchedulerModify
export interface ISchedulerModify {
    scheduleOnce(job: IOnetimeSchedule): Promise<void | string>;
    scheduleRecurring(job: IRecurringSchedule): Promise<void | string>;
    cancelJob(jobId: string): Promise<void>;
    cancelAllJobs(): Promise<void>;
}

// @module accessors/ISchedulerExtend
export interface ISchedulerExtend {
    registerProcessors(processors: Array<IProcessor>): Promise<void | Array<string>>;
}

// @module accessors/IConfigurationExtend
export interface IConfigurationExtend {
    readonly http: IHttpExtend;
    readonly settings: ISettingsExtend;
    readonly slashCommands: ISlashCommandsExtend;
    readonly api: IApiExtend;
    readonly externalComponents: { register(externalComponent: object): Promise<void> };
    readonly scheduler: ISchedulerExtend;
    readonly ui: IUIExtend;
}

// @module accessors/IConfigurationModify
export interface IConfigurationModify {
    readonly slashCommands: ISlashCommandsModify;
    readonly scheduler: ISchedulerModify;
}

// @module accessors/ISettingsExtend
export interface ISettingsExtend {
    provideSetting(setting: ISetting): Promise<void>;
}

// @module accessors/ISlashCommandsExtend
export interface ISlashCommandsExtend {
    provideSlashCommand(slashCommand: ISlashCommand): Promise<void>;
}

// @module accessors/ISlashCommandsModify
export interface ISlashCommandsModify {
    modifySlashCommand(slashCommand: ISlashCommand): Promise<void>;
    disableSlashCommand(command: string): Promise<void>;
    enableSlashCommand(command: string): Promise<void>;
}

// @module accessors/IApiExtend
export interface IApiExtend {
    provideApi(api: IApi): Promise<void>;
}

// @module accessors/IUIExtend
export interface IUIExtend {
    registerButton(button: { actionId: string; labelI18n: string; context: string; when?: object }): void;
}

// @module settings/ISetting
export interface ISetting {
    id: string;
    type: SettingType;
    packageValue: any;
    value?: any;
    values?: Array<{ key: string; i18nLabel: string }>;
    required: boolean;
    public: boolean;
    hidden?: boolean;
    multiline?: boolean;
    section?: string;
    i18nLabel: string;
    i18nDescription?: string;
    i18nAlert?: string;
    i18nPlaceholder?: string;
    createdAt?: Date;
    updatedAt?: Date;
}

// @module settings/ISettingUpdateContext
export interface ISettingUpdateContext {
    oldSetting: ISetting;
    newSetting: ISetting;
}

// @module slashcommands/ISlashCommand
export interface ISlashCommand {
    command: string;
    i18nParamsExample: string;
    i18nDescription: string;
    permission?: string;
    providesPreview: boolean;
    executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void>;
    previewer?(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<any>;
    executePreviewItem?(item: any, context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void>;
}

// @module slashcommands/SlashCommandContext
export declare class SlashCommandContext {
    constructor(sender: IUser, room: IRoom, params: Array<string>, threadId?: string, triggerId?: string);
    getSender(): IUser;
    getRoom(): IRoom;
    getArguments(): Array<string>;
    getThreadId(): string | undefined;
    getTriggerId(): string | undefined;
}

// @module scheduler/IProcessor
export interface IProcessor {
    id: string;
    processor(jobContext: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void>;
    startupSetting?: IOnetimeStartup | IRecurringStartup;
}
export interface IJobContext {
    [key: string]: any;
}
export interface IOnetimeStartup {
    type: 'onetime';
    when: string;
    data?: object;
}
export interface IRecurringStartup {
    type: 'recurring';
    interval: number | string;
    skipImmediate?: boolean;
    data?: object;
}

// @module scheduler/IOnetimeSchedule
export interface IOnetimeSchedule {
    id: string;
    when: string | Date;
    data?: object;
}

// @module scheduler/IRecurringSchedule
export interface IRecurringSchedule {
    id: string;
    interval: number | string;
    skipImmediate?: boolean;
    data?: object;
}

// @module api/IApi
export interface IApi {
    visibility: ApiVisibility;
    security: ApiSecurity;
    endpoints: Array<IApiEndpoint>;
}

// @module api/IApiEndpoint
export interface IApiEndpoint {
    path: string;
    example?: object;
    authRequired?: boolean;
    get?(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse>;
    post?(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse>;
    put?(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse>;
    delete?(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse>;
}

// @module api/IApiEndpointInfo
export interface IApiEndpointInfo {
    basePath: string;
    fullPath: string;
    appId: string;
    hash?: string;
}

// @module api/IApiEndpointMetadata
export interface IApiEndpointMetadata {
    path: string;
    computedPath: string;
    methods: Array<string>;
    examples?: Record<string, object>;
}

// @module api/IRequest
export interface IApiRequest {
    method: string;
    headers: Record<string, string>;
    query: Record<string, string>;
    params: Record<string, string>;
    content: any;
    privateHash?: string;
    user?: IUser;
    /** Airlock's addition: the body exactly as it arrived (for signature checks). */
    rawBody?: Buffer;
}

// @module api/IResponse
export interface IApiResponse {
    status: HttpStatusCode | number;
    headers?: Record<string, string>;
    content?: any;
}

// @module api/ApiEndpoint
export declare abstract class ApiEndpoint implements IApiEndpoint {
    path: string;
    constructor(app: IApp);
    protected app: IApp;
    protected success(content?: any): IApiResponse;
    protected json(response: IApiResponse): IApiResponse;
}

// @module messages/IMessage
export interface IMessage {
    id?: string;
    threadId?: string;
    room: IRoom;
    sender: IUser;
    text?: string;
    createdAt?: Date;
    updatedAt?: Date;
    editor?: IUser;
    editedAt?: Date;
    emoji?: string;
    avatarUrl?: string;
    alias?: string;
    attachments?: Array<IMessageAttachment>;
    reactions?: Record<string, Array<string>>;
    groupable?: boolean;
    parseUrls?: boolean;
    customFields?: Record<string, any>;
    blocks?: Array<any>;
}

// @module messages/IMessageRaw
export interface IMessageRaw {
    id: string;
    roomId: string;
    sender: { _id: string; username: string; name?: string };
    text?: string;
    createdAt: Date;
    updatedAt?: Date;
    threadId?: string;
    blocks?: Array<any>;
    attachments?: Array<IMessageAttachment>;
}

// @module messages/IMessageAttachment
export interface IMessageAttachment {
    collapsed?: boolean;
    color?: string;
    text?: string;
    timestamp?: Date;
    thumbnailUrl?: string;
    author?: { name?: string; link?: string; icon?: string };
    title?: { value?: string; link?: string; displayDownloadLink?: boolean };
    imageUrl?: string;
    audioUrl?: string;
    videoUrl?: string;
    fields?: Array<{ short?: boolean; title: string; value: string }>;
    actions?: Array<object>;
    type?: string;
    description?: string;
}

// @module messages/IPostMessageSent
export interface IPostMessageSent {
    checkPostMessageSent?(message: IMessage, read: IRead, http: IHttp): Promise<boolean>;
    executePostMessageSent(message: IMessage, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<void>;
}

// @module messages/IPreMessageSentPrevent
export interface IPreMessageSentPrevent {
    checkPreMessageSentPrevent?(message: IMessage, read: IRead, http: IHttp): Promise<boolean>;
    executePreMessageSentPrevent(message: IMessage, read: IRead, http: IHttp, persistence: IPersistence): Promise<boolean>;
}

// @module messages/IPreMessageSentModify
export interface IPreMessageSentModify {
    checkPreMessageSentModify?(message: IMessage, read: IRead, http: IHttp): Promise<boolean>;
    executePreMessageSentModify(message: IMessage, builder: IMessageBuilder, read: IRead, http: IHttp, persistence: IPersistence): Promise<IMessage>;
}

// @module rooms/IRoom
export interface IRoom {
    id: string;
    displayName?: string;
    slugifiedName: string;
    type: RoomType;
    creator: IUser;
    userIds?: Array<string>;
    isDefault?: boolean;
    isReadOnly?: boolean;
    displaySystemMessages?: boolean;
    messageCount?: number;
    createdAt?: Date;
    updatedAt?: Date;
    lastModifiedAt?: Date;
    description?: string;
    customFields?: Record<string, any>;
    parentRoom?: IRoom;
}

// @module users/IUser
export interface IUser {
    id: string;
    username: string;
    emails: Array<{ address: string; verified: boolean }>;
    type: UserType;
    isEnabled: boolean;
    name: string;
    roles: Array<string>;
    status: UserStatusConnection | string;
    statusConnection: UserStatusConnection;
    utcOffset: number;
    createdAt: Date;
    updatedAt: Date;
    lastLoginAt?: Date;
    appId?: string;
    customFields?: Record<string, any>;
    bio?: string;
}

// @module uikit/blocks/BlockBuilder
export declare class BlockBuilder {
    constructor(appId: string);
    addSectionBlock(block: { text?: object; blockId?: string; accessory?: object; fields?: Array<object> }): BlockBuilder;
    addImageBlock(block: { imageUrl: string; altText: string; title?: object; blockId?: string }): BlockBuilder;
    addDividerBlock(): BlockBuilder;
    addActionsBlock(block: { elements: Array<object>; blockId?: string }): BlockBuilder;
    addContextBlock(block: { elements: Array<object>; blockId?: string }): BlockBuilder;
    addInputBlock(block: { label: object; element: object; blockId?: string; optional?: boolean; hint?: object }): BlockBuilder;
    addConditionalBlock(innerBlocks: BlockBuilder | Array<object>, condition?: object): BlockBuilder;
    getBlocks(): Array<any>;
    newPlainTextObject(text: string, emoji?: boolean): { type: 'plain_text'; text: string; emoji?: boolean };
    newMarkdownTextObject(text: string): { type: 'mrkdwn'; text: string };
    newButtonElement(info: { text: object; actionId?: string; value?: string; url?: string; style?: string }): any;
    newImageElement(info: { imageUrl: string; altText: string }): any;
    newOverflowMenuElement(info: { options: Array<object>; actionId?: string }): any;
    newPlainTextInputElement(info: { actionId?: string; placeholder?: object; initialValue?: string; multiline?: boolean }): any;
    newStaticSelectElement(info: { options: Array<object>; placeholder?: object; actionId?: string; initialValue?: string }): any;
    newMultiStaticElement(info: { options: Array<object>; placeholder?: object; actionId?: string; initialValue?: Array<string> }): any;
}

// @module uikit/IUIKitSurface
export interface IUIKitSurfaceView {
    id?: string;
    type?: string;
    appId?: string;
    title: object;
    blocks: Array<any> | BlockBuilder;
    close?: object;
    submit?: object;
    state?: object;
    clearOnClose?: boolean;
    notifyOnClose?: boolean;
}

// @module uikit/UIKitInteractionResponder
export declare class UIKitInteractionResponder {
    successResponse(): IUIKitResponse;
    errorResponse(): IUIKitResponse;
    openModalViewResponse(view: IUIKitSurfaceView): IUIKitResponse;
    updateModalViewResponse(view: IUIKitSurfaceView): IUIKitResponse;
    openContextualBarViewResponse(view: IUIKitSurfaceView): IUIKitResponse;
    updateContextualBarViewResponse(view: IUIKitSurfaceView): IUIKitResponse;
    viewErrorResponse(errorInteraction: { viewId: string; errors: Record<string, string> }): IUIKitResponse;
}
export interface IUIKitResponse {
    success: boolean;
    [key: string]: any;
}

// @module uikit/UIKitInteractionContext
export declare abstract class UIKitInteractionContext {
    getInteractionResponder(): UIKitInteractionResponder;
}
export declare class UIKitBlockInteractionContext extends UIKitInteractionContext {
    getInteractionData(): IUIKitBlockIncomingInteraction;
}
export declare class UIKitViewSubmitInteractionContext extends UIKitInteractionContext {
    getInteractionData(): IUIKitViewSubmitIncomingInteraction;
}
export declare class UIKitViewCloseInteractionContext extends UIKitInteractionContext {
    getInteractionData(): IUIKitViewSubmitIncomingInteraction & { isCleared?: boolean };
}
export declare class UIKitActionButtonInteractionContext extends UIKitInteractionContext {
    getInteractionData(): IUIKitBlockIncomingInteraction & { buttonContext?: string; text?: string; tmid?: string };
}

// @module uikit/IUIKitIncomingInteraction
export interface IUIKitBlockIncomingInteraction {
    appId: string;
    actionId: string;
    blockId?: string;
    value?: string;
    triggerId: string;
    user: IUser;
    room?: IRoom;
    message?: IMessage;
    container: { type: string; id: string };
}
export interface IUIKitViewSubmitIncomingInteraction {
    appId: string;
    actionId?: string;
    triggerId: string;
    user: IUser;
    view: IUIKitSurfaceView & { id: string; state?: Record<string, Record<string, any>> };
}

// @module uikit/IUIKitActionHandler
export interface IUIKitInteractionHandler {
    executeBlockActionHandler?(context: UIKitBlockInteractionContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<IUIKitResponse>;
    executeViewSubmitHandler?(context: UIKitViewSubmitInteractionContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<IUIKitResponse>;
    executeViewClosedHandler?(context: UIKitViewCloseInteractionContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<IUIKitResponse>;
    executeActionButtonHandler?(context: UIKitActionButtonInteractionContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<IUIKitResponse>;
}
