// @ts-check
'use strict';
const { readSettings } = require('./settings');

/** WhatsApp Cloud API calls: `POST {base}/{phone-number-id}/messages` with the bearer token. */
class CloudApi {
    /**
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {{phoneNumberId: string, accessToken: string, apiBaseUrl: string}} settings
     */
    constructor(http, settings) {
        this.http = http;
        this.settings = settings;
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     */
    static async from(read, http) {
        return new CloudApi(http, await readSettings(read));
    }

    /**
     * Sends a text message; answers WhatsApp's message id (`wamid...`).
     * @param {string} to the contact's WhatsApp id (phone number, digits only)
     * @param {string} text
     * @returns {Promise<string>}
     */
    async sendText(to, text) {
        const { phoneNumberId, accessToken, apiBaseUrl } = this.settings;
        if (!phoneNumberId || !accessToken) throw new Error('the phone number id and access token settings are not set');
        const response = await this.http.post(`${apiBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(phoneNumberId)}/messages`, {
            headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
            data: { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { preview_url: false, body: text } },
            timeout: 15000,
        });
        const body = response.data || {};
        if (response.statusCode < 200 || response.statusCode >= 300) {
            const reason = body.error && body.error.message ? body.error.message : `HTTP ${response.statusCode}`;
            throw new Error(`WhatsApp refused the message: ${reason}`);
        }
        const id = body.messages && body.messages[0] && body.messages[0].id;
        if (!id) throw new Error('WhatsApp answered without a message id');
        return id;
    }
}

module.exports = { CloudApi };
