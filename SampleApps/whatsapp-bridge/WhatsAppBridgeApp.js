// @ts-check
'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');
const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');
const { WebhookEndpoint } = require('./src/webhook');
const { WhatsAppCommand } = require('./src/command');
const { CloudApi } = require('./src/cloudApi');
const { Bridge } = require('./src/bridge');
const { SETTINGS, reason } = require('./src/settings');

/**
 * A WhatsApp Business bridge: WhatsApp's Cloud API calls the public webhook (`GET` for the verification handshake,
 * `POST` for messages and statuses, signed with the app secret); each contact gets a room; what people write in
 * that room is sent back to the contact, and the delivery statuses WhatsApp reports appear as reactions.
 */
class WhatsAppBridgeApp extends App {
    /** @param {import('@rocket.chat/apps-engine/definition/accessors').IConfigurationExtend} configuration */
    async extendConfiguration(configuration) {
        const settings = [
            { id: SETTINGS.phoneNumberId, type: SettingType.STRING, packageValue: '', required: true, i18nLabel: 'Phone number ID',
              i18nDescription: 'The WhatsApp Business phone number id messages are sent from.' },
            { id: SETTINGS.accessToken, type: SettingType.PASSWORD, packageValue: '', required: true, i18nLabel: 'Access token',
              i18nDescription: 'A system user access token with whatsapp_business_messaging.' },
            { id: SETTINGS.appSecret, type: SettingType.PASSWORD, packageValue: '', required: true, i18nLabel: 'App secret',
              i18nDescription: 'Signs the webhook calls (X-Hub-Signature-256); calls without a valid signature are refused.' },
            { id: SETTINGS.verifyToken, type: SettingType.STRING, packageValue: '', required: true, i18nLabel: 'Verify token',
              i18nDescription: 'The token you typed in the webhook configuration; answers the verification handshake.' },
            { id: SETTINGS.bridgeRoom, type: SettingType.STRING, packageValue: 'whatsapp', required: false, i18nLabel: 'Bridge room',
              i18nDescription: 'New conversations are announced here, and its members join each conversation room.' },
            { id: SETTINGS.apiBaseUrl, type: SettingType.STRING, packageValue: 'https://graph.facebook.com/v19.0', required: true,
              i18nLabel: 'API base URL', i18nDescription: 'The Graph API base URL (point it at a test double in development).' },
        ];
        for (const setting of settings) await configuration.settings.provideSetting({ public: false, ...setting });
        await configuration.api.provideApi({
            visibility: ApiVisibility.PUBLIC,
            security: ApiSecurity.UNSECURE,
            endpoints: [new WebhookEndpoint(this)],
        });
        await configuration.slashCommands.provideSlashCommand(new WhatsAppCommand(this));
    }

    /**
     * A person's message in a bridged room goes to the contact on WhatsApp.
     * @param {import('@rocket.chat/apps-engine/definition/messages').IMessage} message
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executePostMessageSent(message, read, http, persistence, modify) {
        const appUser = await read.getUserReader().getAppUser();
        if (!message.text || !message.room || (appUser && message.sender.id === appUser.id)) return;
        const bridge = new Bridge(read, persistence, modify);
        const contact = await bridge.contactOfRoom(message.room.id);
        if (!contact) return;
        const api = await CloudApi.from(read, http);
        try {
            const wamid = await api.sendText(contact.waId, message.text);
            await bridge.rememberOutbound(wamid, message.id || '', message.room.id, message.sender.id);
            await bridge.count('outbound');
        } catch (error) {
            await bridge.count('failed');
            this.getLogger().warn('send to WhatsApp failed', reason(error));
            await bridge.notice(message.sender, message.room, `⚠️ Not delivered to WhatsApp: ${reason(error)}`);
        }
    }
}

module.exports = { WhatsAppBridgeApp };
