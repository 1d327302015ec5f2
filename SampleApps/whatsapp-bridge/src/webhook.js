// @ts-check
'use strict';
const crypto = require('crypto');
const { ApiEndpoint } = require('@rocket.chat/apps-engine/definition/api');
const { HttpStatusCode } = require('@rocket.chat/apps-engine/definition/accessors');
const { readSettings, reason } = require('./settings');
const { parseWebhook } = require('./inbound');
const { Bridge } = require('./bridge');

/**
 * `GET|POST /api/apps/public/<app id>/webhook`: WhatsApp Cloud API's webhook.
 */
class WebhookEndpoint extends ApiEndpoint {
    /** @param {import('@rocket.chat/apps-engine/definition/IApp').IApp} app */
    constructor(app) {
        super(app);
        this.path = 'webhook';
    }

    /**
     * The verification handshake: echoes `hub.challenge` when `hub.verify_token` is the configured one.
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiRequest} request
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiEndpointInfo} endpoint
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     */
    async get(request, endpoint, read) {
        const query = request.query || {};
        const { verifyToken } = await readSettings(read);
        if (query['hub.mode'] === 'subscribe' && verifyToken && safeEqual(String(query['hub.verify_token'] || ''), verifyToken)) {
            return { status: HttpStatusCode.OK, headers: { 'content-type': 'text/plain' }, content: String(query['hub.challenge'] || '') };
        }
        return { status: HttpStatusCode.FORBIDDEN, content: { error: 'verification failed' } };
    }

    /**
     * Messages and statuses, signed with the app secret (`X-Hub-Signature-256: sha256=<hex HMAC of the raw body>`).
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiRequest & {rawBody?: Buffer}} request
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiEndpointInfo} endpoint
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     */
    async post(request, endpoint, read, modify, http, persistence) {
        const { appSecret } = await readSettings(read);
        const signature = header(request.headers, 'x-hub-signature-256');
        const raw = request.rawBody || Buffer.from('');
        if (!appSecret || !signature.startsWith('sha256=')) return this.refuse('missing signature');
        const expected = 'sha256=' + crypto.createHmac('sha256', appSecret).update(raw).digest('hex');
        if (!safeEqual(signature, expected)) return this.refuse('bad signature');
        let parsed;
        try {
            parsed = parseWebhook(JSON.parse(raw.toString('utf8')));
        } catch (error) {
            return { status: HttpStatusCode.BAD_REQUEST, content: { error: reason(error) } };
        }
        const bridge = new Bridge(read, persistence, modify);
        let posted = 0;
        for (const message of parsed.messages) {
            if (!(await bridge.firstSight(message.id))) continue;
            const room = await bridge.roomOfContact(message.from, message.name);
            await bridge.post(room, message.text, message.name);
            await bridge.count('inbound');
            posted += 1;
        }
        let statuses = 0;
        for (const status of parsed.statuses) {
            if (await bridge.applyStatus(status)) statuses += 1;
            await bridge.count('statuses');
        }
        return this.success({ received: parsed.messages.length, posted, statuses });
    }

    /** @param {string} reason */
    refuse(reason) {
        this.app.getLogger().warn('webhook refused:', reason);
        return { status: HttpStatusCode.FORBIDDEN, content: { error: reason } };
    }
}

/**
 * @param {Record<string, string> | undefined} headers
 * @param {string} name lower-case
 */
function header(headers, name) {
    for (const [key, value] of Object.entries(headers || {})) if (key.toLowerCase() === name) return String(value);
    return '';
}

/**
 * Constant-time comparison (the length is not secret).
 * @param {string} a
 * @param {string} b
 */
function safeEqual(a, b) {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    return left.length === right.length && crypto.timingSafeEqual(left, right);
}

module.exports = { WebhookEndpoint, safeEqual };
