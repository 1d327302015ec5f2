// @ts-check
'use strict';

/** The app's setting ids. */
const SETTINGS = {
    phoneNumberId: 'phone_number_id',
    accessToken: 'access_token',
    appSecret: 'app_secret',
    verifyToken: 'verify_token',
    bridgeRoom: 'bridge_room',
    apiBaseUrl: 'api_base_url',
};

/**
 * The settings, read at once.
 * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
 */
async function readSettings(read) {
    const settings = read.getEnvironmentReader().getSettings();
    /** @type {Record<string, string>} */
    const values = {};
    for (const [key, id] of Object.entries(SETTINGS)) values[key] = String((await settings.getValueById(id)) || '');
    return /** @type {{phoneNumberId: string, accessToken: string, appSecret: string, verifyToken: string, bridgeRoom: string, apiBaseUrl: string}} */ (values);
}

/**
 * What to tell a person about a failure.
 * @param {unknown} error
 */
function reason(error) {
    return error instanceof Error ? error.message : String(error);
}

module.exports = { SETTINGS, readSettings, reason };
