import {
    IAppAccessors, IConfigurationExtend, IConfigurationModify, IEnvironmentRead, IHttp, ILogger, IModify, IPersistence, IRead,
} from '@rocket.chat/apps-engine/definition/accessors';
import { ApiSecurity, ApiVisibility } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IMessage, IPostSystemMessageSent } from '@rocket.chat/apps-engine/definition/messages';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { createOAuth2Client } from '@rocket.chat/apps-engine/definition/oauth2/OAuth2';
import { ISetting, SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { UIActionButtonContext } from '@rocket.chat/apps-engine/definition/ui';
import { IPostUserStatusChanged, IUserStatusContext } from '@rocket.chat/apps-engine/definition/users';
import { IUIKitResponse, UIKitActionButtonInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';

import { CompatCommand, SwitchableCommand } from './src/CompatCommand';
import { SurfaceEndpoint } from './src/SurfaceEndpoint';

export class CompatApp extends App implements IPostSystemMessageSent, IPostUserStatusChanged {
    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, environmentRead: IEnvironmentRead): Promise<void> {
        await configuration.settings.provideSetting({
            id: 'mode', type: SettingType.STRING, packageValue: 'quiet', required: true, public: true, i18nLabel: 'Mode',
        });
        await configuration.slashCommands.provideSlashCommand(new CompatCommand(this));
        await configuration.slashCommands.provideSlashCommand(new SwitchableCommand());
        await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new SurfaceEndpoint(this)] });
        await createOAuth2Client(this, {
            alias: 'compat', accessTokenUri: 'https://auth.example.org/token', authUri: 'https://auth.example.org/authorize',
            refreshTokenUri: 'https://auth.example.org/token', revokeTokenUri: 'https://auth.example.org/revoke',
        }).setup(configuration);
        await configuration.ui.registerButton({ actionId: 'compat-button', labelI18n: 'Compat', context: UIActionButtonContext.MESSAGE_ACTION });
        await configuration.videoConfProviders.provideVideoConfProvider({ name: 'compat-video' } as any);
        await configuration.videoConfProviders.provideVideoConfProvider({ name: 'compat-video-2' } as any);
    }

    public async onSettingUpdated(setting: ISetting, configurationModify: IConfigurationModify, read: IRead, http: IHttp): Promise<void> {
        this.getLogger().info(`mode is now ${setting.value}`);
        if (setting.value === 'locked') await configurationModify.slashCommands.disableSlashCommand('compatx');
        if (setting.value === 'open') await configurationModify.slashCommands.enableSlashCommand('compatx');
    }

    public async executePostSystemMessageSent(message: IMessage, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<void> {
        const type = (message as any)._unmappedProperties_?.t;
        this.getLogger().info(`system ${type} ${message.text} in ${message.room.slugifiedName}`);
    }

    public async executePostUserStatusChanged(context: IUserStatusContext, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<void> {
        this.getLogger().info(`status ${context.user.username} ${context.previousStatus} -> ${context.currentStatus} (${context.user.statusText})`);
    }

    public async executeActionButtonHandler(context: UIKitActionButtonInteractionContext, read: IRead, http: IHttp, persistence: IPersistence, modify: IModify): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        return context.getInteractionResponder().openModalViewResponse({
            title: { type: 'plain_text' as any, text: `${data.actionId} in ${data.buttonContext}` },
            blocks: modify.getCreator().getBlockBuilder().addDividerBlock().getBlocks(),
        });
    }
}
