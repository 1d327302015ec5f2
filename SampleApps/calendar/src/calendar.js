// @ts-check
'use strict';
const { RoomType } = require('@rocket.chat/apps-engine/definition/rooms');
const { EventStore } = require('./store');
const { eventText, eventBlocks } = require('./views');
const { formatWhen } = require('./when');

const SETTINGS = { reminderSeconds: 'reminder_seconds', offsetMinutes: 'utc_offset_minutes' };
const REMINDER = 'event-reminder';

/**
 * The calendar's operations, over one call's accessors: create an event (message with RSVP buttons, reminder
 * job), answer an RSVP, cancel, list, remind.
 */
class Calendar {
    /**
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} [persistence]
     */
    constructor(read, modify, persistence) {
        this.read = read;
        this.modify = modify;
        this.store = new EventStore(read.getPersistenceReader(), persistence);
    }

    async settings() {
        const settings = this.read.getEnvironmentReader().getSettings();
        return {
            reminderSeconds: Number(await settings.getValueById(SETTINGS.reminderSeconds)) || 0,
            offset: Number(await settings.getValueById(SETTINGS.offsetMinutes)) || 0,
        };
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     * @param {string} title
     * @param {Date} start
     */
    async create(room, user, title, start) {
        const { reminderSeconds, offset } = await this.settings();
        /** @type {import('./store').CalendarEvent} */
        const event = {
            id: EventStore.newId(), roomId: room.id, title, start: start.toISOString(),
            createdBy: { id: user.id, username: user.username }, rsvp: { yes: [], maybe: [], no: [] },
        };
        const appUser = await this.read.getUserReader().getAppUser();
        const message = this.modify.getCreator().startMessage().setRoom(room).setText(eventText(event, offset))
            .setBlocks(eventBlocks(this.modify.getCreator().getBlockBuilder(), event, offset));
        if (appUser) message.setSender(appUser);
        event.messageId = await this.modify.getCreator().finish(message);
        const remindAt = new Date(Math.max(Date.now() + 1000, start.getTime() - reminderSeconds * 1000));
        event.jobId = (await this.modify.getScheduler().scheduleOnce({ id: REMINDER, when: remindAt, data: { eventId: event.id } })) || undefined;
        await this.store.save(event);
        return event;
    }

    /**
     * @param {string} eventId
     * @param {'yes' | 'maybe' | 'no'} answer
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     */
    async rsvp(eventId, answer, user) {
        const event = await this.store.get(eventId);
        if (!event || event.cancelled) return undefined;
        for (const key of /** @type {const} */ (['yes', 'maybe', 'no'])) event.rsvp[key] = event.rsvp[key].filter((name) => name !== user.username);
        event.rsvp[answer].push(user.username);
        await this.store.save(event);
        await this.refresh(event);
        return event;
    }

    /**
     * @param {string} eventId
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     * @returns {Promise<string>} what to tell the user
     */
    async cancel(eventId, user) {
        const event = await this.store.get(eventId || '');
        if (!event || event.cancelled) return `No event ${eventId || '(give its id)'}.`;
        if (event.createdBy.id !== user.id) return `Only @${event.createdBy.username}, who created it, can cancel "${event.title}".`;
        event.cancelled = true;
        if (event.jobId) await this.modify.getScheduler().cancelJob(event.jobId);
        await this.store.save(event);
        await this.refresh(event);
        return `Cancelled "${event.title}".`;
    }

    /**
     * Rewrites the event's message (text, RSVP lists, buttons).
     * @param {import('./store').CalendarEvent} event
     */
    async refresh(event) {
        if (!event.messageId) return;
        const { offset } = await this.settings();
        const appUser = await this.read.getUserReader().getAppUser();
        if (!appUser) return;
        const builder = await this.modify.getUpdater().message(event.messageId, appUser);
        builder.setText(eventText(event, offset)).setBlocks(eventBlocks(this.modify.getCreator().getBlockBuilder(), event, offset));
        await this.modify.getUpdater().finish(builder);
    }

    /**
     * Upcoming events of a room within `days`, one line each, with `username`'s answer.
     * @param {string} roomId
     * @param {number} days
     * @param {string} username
     */
    async agenda(roomId, days, username) {
        const { offset } = await this.settings();
        const events = await this.upcoming(roomId, days);
        if (!events.length) return `No events in the next ${days} days.`;
        return events.map((e) => {
            const answer = e.rsvp.yes.includes(username) ? 'going' : e.rsvp.maybe.includes(username) ? 'maybe' : e.rsvp.no.includes(username) ? 'not going' : 'no answer';
            return `• ${formatWhen(new Date(e.start), offset)} — ${e.title} [${e.id}] (${e.rsvp.yes.length} going; you: ${answer})`;
        }).join('\n');
    }

    /**
     * A room's events that have not ended (started less than an hour ago) within `days`, soonest first.
     * @param {string} roomId
     * @param {number} days
     */
    async upcoming(roomId, days) {
        const now = Date.now();
        return (await this.store.inRoom(roomId))
            .filter((e) => !e.cancelled && Date.parse(e.start) >= now - 3600e3 && Date.parse(e.start) <= now + days * 86400e3)
            .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    }

    /**
     * Shares an event in a room as `user` (the `/agenda` preview item they picked): its title, time and id.
     * @param {string} eventId
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     */
    async share(eventId, room, user) {
        const event = await this.store.get(eventId);
        if (!event || event.cancelled || event.roomId !== room.id) return this.tell(user, room, `No event ${eventId} in this room.`);
        const { offset } = await this.settings();
        return this.post(room, user, `📅 *${event.title}* — ${formatWhen(new Date(event.start), offset)} (event ${event.id}): who's coming?`);
    }

    /**
     * The reminder job: a line in the room, and a direct message to everyone going or maybe going.
     * @param {string} eventId
     */
    async remind(eventId) {
        const event = await this.store.get(eventId);
        if (!event || event.cancelled) return;
        const { offset } = await this.settings();
        const room = await this.read.getRoomReader().getById(event.roomId);
        const appUser = await this.read.getUserReader().getAppUser();
        if (!room || !appUser) return;
        const minutes = Math.max(0, Math.round((Date.parse(event.start) - Date.now()) / 60e3));
        const text = `⏰ Reminder: *${event.title}* starts ${minutes > 0 ? `in ${minutes} min` : 'now'} (${formatWhen(new Date(event.start), offset)})`;
        await this.post(room, appUser, text);
        for (const username of [...event.rsvp.yes, ...event.rsvp.maybe]) {
            const direct = this.modify.getCreator().startRoom().setType(RoomType.DIRECT_MESSAGE).setCreator(appUser)
                .setUsernames([appUser.username, username]);
            const directId = await this.modify.getCreator().finish(direct);
            const dm = await this.read.getRoomReader().getById(directId);
            if (dm) await this.post(dm, appUser, `${text} in #${room.slugifiedName}`);
        }
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} sender
     * @param {string} text
     */
    async post(room, sender, text) {
        const message = this.modify.getCreator().startMessage().setRoom(room).setSender(sender).setText(text);
        return this.modify.getCreator().finish(message);
    }

    /**
     * An ephemeral message for one user.
     * @param {import('@rocket.chat/apps-engine/definition/users').IUser} user
     * @param {import('@rocket.chat/apps-engine/definition/rooms').IRoom} room
     * @param {string} text
     */
    async tell(user, room, text) {
        const notifier = this.modify.getNotifier();
        await notifier.notifyUser(user, notifier.getMessageBuilder().setRoom(room).setText(text).getMessage());
    }
}

module.exports = { Calendar, SETTINGS, REMINDER };
