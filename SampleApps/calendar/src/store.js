// @ts-check
'use strict';
const crypto = require('crypto');
const { RocketChatAssociationModel, RocketChatAssociationRecord } = require('@rocket.chat/apps-engine/definition/metadata');

/** @param {string} key */
const misc = (key) => new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, key);
/** @param {string} roomId */
const roomKey = (roomId) => new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, roomId);
/** @param {string} userId */
const userKey = (userId) => new RocketChatAssociationRecord(RocketChatAssociationModel.USER, userId);

/**
 * @typedef {{id: string, roomId: string, title: string, start: string, createdBy: {id: string, username: string},
 *   rsvp: {yes: string[], maybe: string[], no: string[]}, messageId?: string, jobId?: string, cancelled?: boolean}} CalendarEvent
 */

/** Events in persistence, associated with their room (lists and feeds), their creator and their own key. */
class EventStore {
    /**
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistenceRead} reader
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} [writer]
     */
    constructor(reader, writer) {
        this.reader = reader;
        this.writer = writer;
    }

    static newId() {
        return crypto.randomBytes(3).toString('hex');
    }

    /**
     * @param {string} id
     * @returns {Promise<CalendarEvent | undefined>}
     */
    async get(id) {
        const [event] = await this.reader.readByAssociation(misc(`event:${id.toLowerCase()}`));
        return event;
    }

    /**
     * @param {string} roomId
     * @returns {Promise<CalendarEvent[]>}
     */
    async inRoom(roomId) {
        const events = await this.reader.readByAssociations([roomKey(roomId), misc('event')]);
        return events.sort((a, b) => a.start.localeCompare(b.start));
    }

    /** @param {CalendarEvent} event */
    async save(event) {
        if (!this.writer) throw new Error('read-only event store');
        await this.writer.updateByAssociations([misc(`event:${event.id}`), misc('event'), roomKey(event.roomId), userKey(event.createdBy.id)], event, true);
    }

    /**
     * The secret of a room's feed, made on first use.
     * @param {string} roomId
     */
    async feedToken(roomId) {
        const [known] = await this.reader.readByAssociations([roomKey(roomId), misc('feed')]);
        if (known) return String(known.token);
        if (!this.writer) throw new Error('read-only event store');
        const token = crypto.randomBytes(18).toString('base64url');
        await this.writer.createWithAssociations({ token }, [roomKey(roomId), misc('feed')]);
        return token;
    }
}

module.exports = { EventStore };
