// @ts-check
'use strict';
const { Calendar } = require('./calendar');
const { EventStore } = require('./store');
const { parseWhen, formatWhen } = require('./when');
const { newEventModal } = require('./views');
const { SlashCommandPreviewItemType } = require('@rocket.chat/apps-engine/definition/slashcommands');

const USAGE = 'Usage: `/event add <when> <title>` (when: tomorrow 10:00, 2026-12-01 14:30, in 2h), `/event list`, `/event cancel <id>`, `/event feed`, `/event new` (a form), `/agenda`';

/** `/event add|list|cancel|feed|new`. */
class EventCommand {
    /** @param {import('@rocket.chat/apps-engine/definition/IApp').IApp} app */
    constructor(app) {
        this.app = app;
        this.command = 'event';
        this.i18nParamsExample = 'add tomorrow 10:00 Planning | list | cancel <id> | feed | new';
        this.i18nDescription = 'Team events in this room';
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
        const [action = 'new', ...rest] = context.getArguments();
        const calendar = new Calendar(read, modify, persistence);
        const user = context.getSender();
        const room = context.getRoom();
        switch (action.toLowerCase()) {
            case 'add': {
                const { offset } = await calendar.settings();
                const parsed = parseWhen(rest, new Date(), offset);
                if ('error' in parsed) return calendar.tell(user, room, `${parsed.error}\n${USAGE}`);
                const title = parsed.rest.join(' ').trim();
                if (!title) return calendar.tell(user, room, `The event needs a title.\n${USAGE}`);
                if (parsed.date.getTime() < Date.now() - 60e3) return calendar.tell(user, room, `${formatWhen(parsed.date, offset)} is in the past.`);
                const event = await calendar.create(room, user, title.slice(0, 200), parsed.date);
                return calendar.tell(user, room, `Created "${event.title}" (event ${event.id}).`);
            }
            case 'list':
                return calendar.tell(user, room, await calendar.agenda(room.id, 365, user.username));
            case 'cancel':
                return calendar.tell(user, room, await calendar.cancel(rest[0], user));
            case 'feed': {
                const token = await new EventStore(read.getPersistenceReader(), persistence).feedToken(room.id);
                const site = String((await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url')) || '').replace(/\/+$/, '');
                const url = `${site}/api/apps/public/${this.app.getID()}/calendar.ics?room=${encodeURIComponent(room.id)}&token=${token}`;
                return calendar.tell(user, room, `Subscribe to this room's calendar: ${url}`);
            }
            case 'new': {
                const modal = newEventModal(modify.getCreator().getBlockBuilder(), room.id);
                return modify.getUiController().openModalView(modal, { triggerId: context.getTriggerId() || '' }, user);
            }
            default:
                return calendar.tell(user, room, USAGE);
        }
    }
}

/**
 * `/agenda`: the next 7 days in this room, with your answers. While you type it, the client previews the
 * upcoming events; picking one shares it in the room.
 */
class AgendaCommand {
    constructor() {
        this.command = 'agenda';
        this.i18nParamsExample = '';
        this.i18nDescription = 'Events of the next 7 days in this room';
        this.providesPreview = true;
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/slashcommands').SlashCommandContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     * @returns {Promise<{ i18nTitle: string, items: Array<{ id: string, type: string, value: string }> }>}
     */
    async previewer(context, read, modify) {
        const calendar = new Calendar(read, modify);
        const { offset } = await calendar.settings();
        const events = await calendar.upcoming(context.getRoom().id, 7);
        return {
            i18nTitle: 'Share an event',
            items: events.slice(0, 10).map((e) => ({ id: e.id, type: SlashCommandPreviewItemType.TEXT, value: `${formatWhen(new Date(e.start), offset)} — ${e.title}` })),
        };
    }

    /**
     * @param {{ id: string }} item
     * @param {import('@rocket.chat/apps-engine/definition/slashcommands').SlashCommandContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executePreviewItem(item, context, read, modify) {
        await new Calendar(read, modify).share(item.id, context.getRoom(), context.getSender());
    }

    /**
     * @param {import('@rocket.chat/apps-engine/definition/slashcommands').SlashCommandContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executor(context, read, modify) {
        const calendar = new Calendar(read, modify);
        const agenda = await calendar.agenda(context.getRoom().id, 7, context.getSender().username);
        return calendar.tell(context.getSender(), context.getRoom(), `Agenda for the next 7 days:\n${agenda}`);
    }
}

module.exports = { EventCommand, AgendaCommand, USAGE };
