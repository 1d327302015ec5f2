// @ts-check
'use strict';
const { Bridge } = require('./bridge');
const { CloudApi } = require('./cloudApi');
const { readSettings, reason } = require('./settings');

const USAGE = 'Usage: `/whatsapp send <phone> <text>` or `/whatsapp status`';

/** `/whatsapp send <phone> <text>` and `/whatsapp status`. */
class WhatsAppCommand {
    /** @param {import('@rocket.chat/apps-engine/definition/IApp').IApp} app */
    constructor(app) {
        this.app = app;
        this.command = 'whatsapp';
        this.i18nParamsExample = 'send <phone> <text> | status';
        this.i18nDescription = 'Send a WhatsApp message, or show the bridge status';
        this.providesPreview = false;
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/slashcommands').SlashCommandContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     */
    async executor(context, read, modify, http, persistence) {
        const [action, ...rest] = context.getArguments();
        const bridge = new Bridge(read, persistence, modify);
        const user = context.getSender();
        const here = context.getRoom();
        if (action === 'status') {
            const settings = await readSettings(read);
            const stats = await bridge.stats();
            const configured = (/** @type {string} */ value) => (value ? 'set' : 'NOT SET');
            const lines = [
                `WhatsApp bridge — phone number id: ${settings.phoneNumberId || 'NOT SET'}, access token: ${configured(settings.accessToken)}, app secret: ${configured(settings.appSecret)}, verify token: ${configured(settings.verifyToken)}`,
                `API: ${settings.apiBaseUrl}; bridge room: ${settings.bridgeRoom ? '#' + settings.bridgeRoom : '(none)'}`,
                `Contacts: ${await bridge.contactCount()}; messages in: ${stats.inbound || 0}, out: ${stats.outbound || 0}, failed: ${stats.failed || 0}; last webhook: ${stats.lastWebhookAt || 'never'}`,
            ];
            return bridge.notice(user, here, lines.join('\n'));
        }
        if (action === 'send') {
            const phone = (rest[0] || '').replace(/[^0-9]/g, '');
            const text = rest.slice(1).join(' ');
            if (phone.length < 6 || !text) return bridge.notice(user, here, USAGE);
            const room = await bridge.roomOfContact(phone, `+${phone}`);
            try {
                const wamid = await (await CloudApi.from(read, http)).sendText(phone, text);
                const messageId = await bridge.post(room, `${user.name || user.username} → WhatsApp: ${text}`);
                await bridge.rememberOutbound(wamid, messageId, room.id, user.id);
                await bridge.count('outbound');
                return bridge.notice(user, here, `Sent to +${phone} (${wamid}); the conversation is in #${room.slugifiedName}`);
            } catch (error) {
                await bridge.count('failed');
                return bridge.notice(user, here, `⚠️ Not sent: ${reason(error)}`);
            }
        }
        return bridge.notice(user, here, USAGE);
    }
}

module.exports = { WhatsAppCommand };
