// @ts-check
'use strict';
const { RocketChatAssociationModel, RocketChatAssociationRecord } = require('@rocket.chat/apps-engine/definition/metadata');
const { RoomType } = require('@rocket.chat/apps-engine/definition/rooms');
const { readSettings } = require('./settings');

/** @param {string} key */
const misc = (key) => new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, key);
/** @param {string} roomId */
const roomKey = (roomId) => new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, roomId);

/** Reactions that show WhatsApp's delivery statuses on a bridged message. */
const STATUS_REACTIONS = { sent: ':white_check_mark:', delivered: ':ballot_box_with_check:', read: ':eyes:', failed: ':x:' };

/**
 * What the bridge keeps (persistence): contact ↔ room, outbound WhatsApp message id → chat message, seen inbound
 * ids (WhatsApp retries webhooks), counters for `/whatsapp status`.
 */
class Bridge {
    /**
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    constructor(read, persistence, modify) {
        this.read = read;
        this.persistence = persistence;
        this.modify = modify;
    }

    /** @param {string} roomId */
    async contactOfRoom(roomId) {
        const records = await this.read.getPersistenceReader().readByAssociations([roomKey(roomId), misc('contact')]);
        return /** @type {{waId: string, name: string, roomId: string} | undefined} */ (records[0]);
    }

    /**
     * The contact's room, created (and announced in the bridge room) the first time the contact writes.
     * @param {string} waId
     * @param {string} name
     */
    async roomOfContact(waId, name) {
        const [known] = await this.read.getPersistenceReader().readByAssociation(misc(`contact:${waId}`));
        if (known) {
            const room = await this.read.getRoomReader().getById(known.roomId);
            if (room) return room;
        }
        const appUser = await this.read.getUserReader().getAppUser();
        if (!appUser) throw new Error('the app has no bot user');
        const settings = await readSettings(this.read);
        const bridgeRoom = settings.bridgeRoom ? await this.read.getRoomReader().getByName(settings.bridgeRoom) : undefined;
        const members = bridgeRoom ? (await this.read.getRoomReader().getMembers(bridgeRoom.id)).map((user) => user.username) : [];
        const builder = this.modify.getCreator().startRoom()
            .setType(RoomType.CHANNEL)
            .setSlugifiedName(`whatsapp-${waId}`)
            .setDisplayName(`WhatsApp: ${name}`)
            .setCreator(appUser)
            .setMembersToBeAddedByUsernames(members.filter((username) => username !== appUser.username));
        const roomId = await this.modify.getCreator().finish(builder);
        await this.persistence.createWithAssociations({ waId, name, roomId }, [misc(`contact:${waId}`), misc('contact'), roomKey(roomId)]);
        const room = await this.read.getRoomReader().getById(roomId);
        if (!room) throw new Error('the conversation room was not created');
        if (bridgeRoom) {
            await this.post(bridgeRoom, `New WhatsApp conversation with ${name} (+${waId}): #${room.slugifiedName}`);
        }
        return room;
    }

    /**
     * Posts as the app's bot, optionally under another name (the contact's).
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {string} text
     * @param {string} [alias]
     */
    async post(room, text, alias) {
        const appUser = await this.read.getUserReader().getAppUser();
        const builder = this.modify.getCreator().startMessage().setRoom(room).setText(text);
        if (appUser) builder.setSender(appUser);
        if (alias) builder.setUsernameAlias(alias);
        return this.modify.getCreator().finish(builder);
    }

    /**
     * An ephemeral message only `user` sees.
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {string} text
     */
    async notice(user, room, text) {
        const notifier = this.modify.getNotifier();
        const appUser = await this.read.getUserReader().getAppUser();
        const builder = notifier.getMessageBuilder().setRoom(room).setText(text);
        if (appUser) builder.setSender(appUser);
        await notifier.notifyUser(user, builder.getMessage());
    }

    /**
     * @param {string} wamid
     * @param {string} messageId
     * @param {string} roomId
     * @param {string} senderId
     */
    async rememberOutbound(wamid, messageId, roomId, senderId) {
        await this.persistence.createWithAssociation({ wamid, messageId, roomId, senderId }, misc(`wamid:${wamid}`));
    }

    /**
     * Shows a delivery status on the message it is about; a failure is also told to its sender.
     * @param {{id: string, status: string, errors?: Array<{title?: string, message?: string}>}} status
     */
    async applyStatus(status) {
        const [outbound] = await this.read.getPersistenceReader().readByAssociation(misc(`wamid:${status.id}`));
        if (!outbound) return false;
        const reaction = STATUS_REACTIONS[/** @type {keyof typeof STATUS_REACTIONS} */ (status.status)];
        const appUser = await this.read.getUserReader().getAppUser();
        if (reaction && appUser && outbound.messageId) {
            await this.modify.getUpdater().getMessageUpdater().addReaction(outbound.messageId, appUser.id, reaction);
        }
        if (status.status === 'failed') {
            const sender = await this.read.getUserReader().getById(outbound.senderId);
            const room = await this.read.getRoomReader().getById(outbound.roomId);
            const reason = (status.errors || []).map((e) => e.title || e.message).filter(Boolean).join('; ') || 'unknown error';
            if (sender && room) await this.notice(sender, room, `⚠️ WhatsApp could not deliver your message: ${reason}`);
        }
        return true;
    }

    /**
     * Records an inbound WhatsApp message id; answers false when it was seen before (a retried webhook).
     * @param {string} wamid
     */
    async firstSight(wamid) {
        const [seen] = await this.read.getPersistenceReader().readByAssociation(misc(`inbound:${wamid}`));
        if (seen) return false;
        await this.persistence.createWithAssociation({ wamid }, misc(`inbound:${wamid}`));
        return true;
    }

    /** @param {'inbound' | 'outbound' | 'failed' | 'statuses'} counter */
    async count(counter) {
        const stats = await this.stats();
        stats[counter] = (stats[counter] || 0) + 1;
        if (counter === 'inbound' || counter === 'statuses') stats.lastWebhookAt = new Date().toISOString();
        await this.persistence.updateByAssociation(misc('stats'), stats, true);
    }

    /** @returns {Promise<Record<string, any>>} */
    async stats() {
        const [stats] = await this.read.getPersistenceReader().readByAssociation(misc('stats'));
        return stats || { inbound: 0, outbound: 0, failed: 0, statuses: 0 };
    }

    async contactCount() {
        return (await this.read.getPersistenceReader().readByAssociation(misc('contact'))).length;
    }
}

module.exports = { Bridge, STATUS_REACTIONS };
