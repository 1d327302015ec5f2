// @ts-check
'use strict';
const crypto = require('crypto');
const { ApiEndpoint } = require('@rocket.chat/apps-engine/definition/api');
const { HttpStatusCode } = require('@rocket.chat/apps-engine/definition/accessors');
const { RocketChatAssociationModel, RocketChatAssociationRecord } = require('@rocket.chat/apps-engine/definition/metadata');
const { EventStore } = require('./store');
const { renderCalendar } = require('./ics');

/** `GET /api/apps/public/<app id>/calendar.ics?room=<id>&token=<secret>`: a room's events for calendar clients. */
class FeedEndpoint extends ApiEndpoint {
    /** @param {import('@rocket.chat/apps-engine/definition/IApp').IApp} app */
    constructor(app) {
        super(app);
        this.path = 'calendar.ics';
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiRequest} request
     * @param {import('@rocket.chat/apps-engine/definition/api').IApiEndpointInfo} endpoint
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     */
    async get(request, endpoint, read) {
        const roomId = String((request.query || {}).room || '');
        const token = String((request.query || {}).token || '');
        const store = new EventStore(read.getPersistenceReader());
        const known = roomId ? await store.reader.readByAssociations(feedKeys(roomId)) : [];
        const expected = known[0] ? Buffer.from(String(known[0].token)) : Buffer.alloc(0);
        const given = Buffer.from(token);
        // The same answer for an unknown room and a wrong token: the feed does not tell which rooms exist.
        if (!expected.length || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
            return { status: HttpStatusCode.NOT_FOUND, content: { error: 'no such calendar' } };
        }
        const room = await read.getRoomReader().getById(roomId);
        const events = await store.inRoom(roomId);
        return {
            status: HttpStatusCode.OK,
            headers: { 'content-type': 'text/calendar; charset=utf-8' },
            content: renderCalendar(room ? `#${room.slugifiedName}` : 'Team calendar', events, new Date()),
        };
    }
}

/** @param {string} roomId */
function feedKeys(roomId) {
    return [new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, roomId), new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'feed')];
}

module.exports = { FeedEndpoint };
