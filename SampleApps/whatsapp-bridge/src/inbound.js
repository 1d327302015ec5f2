// @ts-check
'use strict';

/**
 * The chat text of one inbound WhatsApp message (text, image with caption, location; other kinds are named).
 * @param {any} message a `messages[]` item of the webhook payload
 */
function textOf(message) {
    switch (message.type) {
        case 'text':
            return String((message.text && message.text.body) || '');
        case 'image': {
            const caption = message.image && message.image.caption;
            return caption ? `📷 ${caption}` : '📷 (image)';
        }
        case 'location': {
            const location = message.location || {};
            const label = [location.name, location.address].filter(Boolean).join(', ');
            const where = `${location.latitude}, ${location.longitude}`;
            return `📍 ${label ? `${label} ` : ''}(${where}) https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}`;
        }
        default:
            return `(${message.type || 'unknown'} message: not shown here)`;
    }
}

/**
 * Messages and statuses in a webhook payload (`entry[].changes[].value`), with each sender's profile name.
 * @param {any} payload
 */
function parseWebhook(payload) {
    /** @type {Array<{id: string, from: string, name: string, text: string}>} */
    const messages = [];
    /** @type {Array<{id: string, status: string, recipient: string, errors?: any[]}>} */
    const statuses = [];
    if (!payload || payload.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) {
        throw new Error('not a WhatsApp Business Account webhook payload');
    }
    for (const entry of payload.entry) {
        for (const change of (entry && entry.changes) || []) {
            const value = (change && change.value) || {};
            /** @type {Record<string, string>} */
            const names = {};
            for (const contact of value.contacts || []) names[contact.wa_id] = (contact.profile && contact.profile.name) || contact.wa_id;
            for (const message of value.messages || []) {
                if (!message || !message.id || !message.from) continue;
                messages.push({ id: message.id, from: String(message.from), name: names[message.from] || `+${message.from}`, text: textOf(message) });
            }
            for (const status of value.statuses || []) {
                if (status && status.id && status.status) statuses.push({ id: status.id, status: status.status, recipient: status.recipient_id, errors: status.errors });
            }
        }
    }
    return { messages, statuses };
}

module.exports = { parseWebhook, textOf };
