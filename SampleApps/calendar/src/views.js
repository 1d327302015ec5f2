// @ts-check
'use strict';
const { formatWhen } = require('./when');

/**
 * What an event's message says: title, time, who answered what.
 * @param {import('./store').CalendarEvent} event
 * @param {number} offset
 */
function eventText(event, offset) {
    const when = formatWhen(new Date(event.start), offset);
    if (event.cancelled) return `📅 ~${event.title}~ — ${when} — cancelled`;
    const list = (/** @type {string[]} */ names) => (names.length ? names.map((n) => '@' + n).join(', ') : '—');
    return `📅 *${event.title}* — ${when} (event ${event.id})\nGoing: ${list(event.rsvp.yes)} · Maybe: ${list(event.rsvp.maybe)} · Not going: ${list(event.rsvp.no)}`;
}

/**
 * The message's blocks: the text, and the RSVP buttons while the event stands.
 * @param {import('@rocket.chat/apps-engine/definition/uikit').BlockBuilder} blocks
 * @param {import('./store').CalendarEvent} event
 * @param {number} offset
 */
function eventBlocks(blocks, event, offset) {
    blocks.addSectionBlock({ blockId: `event-${event.id}`, text: blocks.newMarkdownTextObject(eventText(event, offset)) });
    if (!event.cancelled) {
        blocks.addActionsBlock({
            blockId: `rsvp-${event.id}`,
            elements: [
                blocks.newButtonElement({ actionId: 'rsvp', text: blocks.newPlainTextObject('Going'), value: `yes:${event.id}` }),
                blocks.newButtonElement({ actionId: 'rsvp', text: blocks.newPlainTextObject('Maybe'), value: `maybe:${event.id}` }),
                blocks.newButtonElement({ actionId: 'rsvp', text: blocks.newPlainTextObject('Not going'), value: `no:${event.id}` }),
            ],
        });
    }
    return blocks.getBlocks();
}

/**
 * The id of the "new event" modal for a room (the submit handler reads the room from it).
 * @param {string} roomId
 */
const modalId = (roomId) => `calendar-new-event:${roomId}`;

/**
 * The "new event" modal: a title (prefilled when the event is made from a message) and a time.
 * @param {import('@rocket.chat/apps-engine/definition/uikit').BlockBuilder} blocks
 * @param {string} roomId
 * @param {string} [title]
 */
function newEventModal(blocks, roomId, title) {
    blocks.addInputBlock({
        blockId: 'title', label: blocks.newPlainTextObject('Title'),
        element: blocks.newPlainTextInputElement({
            actionId: 'title', placeholder: blocks.newPlainTextObject('Sprint planning'), initialValue: title ? title.slice(0, 200) : undefined,
        }),
    });
    blocks.addInputBlock({
        blockId: 'when', label: blocks.newPlainTextObject('When'),
        element: blocks.newPlainTextInputElement({ actionId: 'when', placeholder: blocks.newPlainTextObject('tomorrow 10:00, 2026-12-01 14:30, in 2h') }),
    });
    return {
        id: modalId(roomId),
        title: blocks.newPlainTextObject('New event'),
        submit: blocks.newButtonElement({ actionId: 'create', text: blocks.newPlainTextObject('Create') }),
        close: blocks.newButtonElement({ actionId: 'cancel', text: blocks.newPlainTextObject('Cancel') }),
        blocks: blocks.getBlocks(),
    };
}

/**
 * The room's contextual bar: its upcoming events, one section each, with the viewer's answer.
 * @param {import('@rocket.chat/apps-engine/definition/uikit').BlockBuilder} blocks
 * @param {string} roomId
 * @param {import('./store').CalendarEvent[]} events upcoming, in order
 * @param {number} offset
 * @param {string} username
 */
function agendaBar(blocks, roomId, events, offset, username) {
    if (!events.length) blocks.addSectionBlock({ text: blocks.newPlainTextObject('No upcoming events. Type /event new to plan one.') });
    for (const event of events) {
        const answer = event.rsvp.yes.includes(username) ? 'going' : event.rsvp.maybe.includes(username) ? 'maybe' : event.rsvp.no.includes(username) ? 'not going' : 'no answer';
        blocks.addSectionBlock({
            blockId: `agenda-${event.id}`,
            text: blocks.newMarkdownTextObject(`*${event.title}*\n${formatWhen(new Date(event.start), offset)} · ${event.rsvp.yes.length} going · you: ${answer}`),
        });
    }
    return { id: `calendar-agenda:${roomId}`, title: blocks.newPlainTextObject('Upcoming events'), blocks: blocks.getBlocks() };
}

module.exports = { eventText, eventBlocks, newEventModal, modalId, agendaBar };
