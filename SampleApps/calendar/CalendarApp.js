// @ts-check
'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');
const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');
const { Calendar, SETTINGS, REMINDER } = require('./src/calendar');
const { EventCommand, AgendaCommand } = require('./src/commands');
const { FeedEndpoint } = require('./src/feed');
const { parseWhen } = require('./src/when');
const { UIActionButtonContext } = require('@rocket.chat/apps-engine/definition/ui');
const { agendaBar, newEventModal } = require('./src/views');

/** The action buttons' ids. */
const BUTTONS = { agenda: 'calendar-agenda', fromMessage: 'calendar-from-message' };

/**
 * A team calendar in chat: events belong to rooms, everyone answers with the buttons on the event's message,
 * reminders go to the room and to each attendee by direct message, and each room has an iCalendar feed.
 */
class CalendarApp extends App {
    /** @param {import('@rocket.chat/apps-engine/definition/accessors').IConfigurationExtend} configuration */
    async extendConfiguration(configuration) {
        await configuration.settings.provideSetting({
            id: SETTINGS.reminderSeconds, type: SettingType.NUMBER, packageValue: 900, required: true, public: false,
            i18nLabel: 'Reminder lead (seconds)', i18nDescription: 'How long before an event the reminder goes out (900: a quarter of an hour).',
        });
        await configuration.settings.provideSetting({
            id: SETTINGS.offsetMinutes, type: SettingType.NUMBER, packageValue: 0, required: true, public: false,
            i18nLabel: 'Team time zone (minutes east of UTC)', i18nDescription: 'Clock times people type and read are in this zone.',
        });
        await configuration.slashCommands.provideSlashCommand(new EventCommand(this));
        await configuration.slashCommands.provideSlashCommand(new AgendaCommand());
        await configuration.ui.registerButton({ actionId: BUTTONS.agenda, labelI18n: 'Upcoming events', context: UIActionButtonContext.ROOM_ACTION });
        await configuration.ui.registerButton({ actionId: BUTTONS.fromMessage, labelI18n: 'Make an event', context: UIActionButtonContext.MESSAGE_ACTION });
        await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new FeedEndpoint(this)] });
        await configuration.scheduler.registerProcessors([
            {
                id: REMINDER,
                processor: async (job, read, modify, http, persistence) => new Calendar(read, modify, persistence).remind(String(job.eventId)),
            },
        ]);
    }

    /**
     * The RSVP buttons (`actionId` rsvp, value `<answer>:<event id>`).
     * @param {import('@rocket.chat/apps-engine/definition/uikit').UIKitBlockInteractionContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executeBlockActionHandler(context, read, http, persistence, modify) {
        const data = context.getInteractionData();
        const responder = context.getInteractionResponder();
        if (data.actionId !== 'rsvp') return responder.successResponse();
        const [answer, eventId] = String(data.value || '').split(':');
        if (!['yes', 'maybe', 'no'].includes(answer) || !eventId) return responder.errorResponse();
        const event = await new Calendar(read, modify, persistence).rsvp(eventId, /** @type {'yes' | 'maybe' | 'no'} */ (answer), data.user);
        return event ? responder.successResponse() : responder.errorResponse();
    }

    /**
     * The action buttons: "Upcoming events" on a room opens its agenda in the contextual bar; "Make an event" on a
     * message opens the new-event form with the message's text as the title.
     * @param {import('@rocket.chat/apps-engine/definition/uikit').UIKitActionButtonInteractionContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executeActionButtonHandler(context, read, http, persistence, modify) {
        const data = context.getInteractionData();
        const responder = context.getInteractionResponder();
        const room = data.room;
        if (!room) return responder.errorResponse();
        const blocks = modify.getCreator().getBlockBuilder();
        if (data.actionId === BUTTONS.agenda) {
            const calendar = new Calendar(read, modify, persistence);
            const { offset } = await calendar.settings();
            return responder.openContextualBarViewResponse(agendaBar(blocks, room.id, await calendar.upcoming(room.id, 30), offset, data.user.username));
        }
        if (data.actionId === BUTTONS.fromMessage) return responder.openModalViewResponse(newEventModal(blocks, room.id, data.message && data.message.text));
        return responder.successResponse();
    }

    /**
     * The "new event" modal's submit: creates the event, or answers which field is wrong.
     * @param {import('@rocket.chat/apps-engine/definition/uikit').UIKitViewSubmitInteractionContext} context
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IHttp} http
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IPersistence} persistence
     * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
     */
    async executeViewSubmitHandler(context, read, http, persistence, modify) {
        const data = context.getInteractionData();
        const responder = context.getInteractionResponder();
        const view = data.view;
        const [kind, roomId] = String((view && view.id) || '').split(':');
        if (!view || kind !== 'calendar-new-event' || !roomId) return responder.successResponse();
        const state = /** @type {Record<string, Record<string, string>>} */ (view.state || {});
        const title = String((state.title && state.title.title) || '').trim();
        const calendar = new Calendar(read, modify, persistence);
        const { offset } = await calendar.settings();
        const parsed = parseWhen(String((state.when && state.when.when) || '').trim().split(/\s+/), new Date(), offset);
        /** @type {Record<string, string>} */
        const errors = {};
        if (!title) errors.title = 'Give the event a title';
        if ('error' in parsed) errors.when = parsed.error;
        else if (parsed.rest.length) errors.when = `Not understood: "${parsed.rest.join(' ')}"`;
        else if (parsed.date.getTime() < Date.now() - 60e3) errors.when = 'That is in the past';
        const room = await read.getRoomReader().getById(roomId);
        if (!room) errors.title = 'The room is gone';
        if (Object.keys(errors).length || !room || 'error' in parsed) return responder.viewErrorResponse({ viewId: view.id, errors });
        await calendar.create(room, data.user, title.slice(0, 200), parsed.date);
        return responder.successResponse();
    }
}

module.exports = { CalendarApp };
