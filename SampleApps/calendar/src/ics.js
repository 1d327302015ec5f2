// @ts-check
'use strict';

/**
 * An iCalendar (RFC 5545) feed of events: CRLF line ends, text escaped, lines folded at 75 octets.
 * @param {string} name the calendar's name
 * @param {Array<{id: string, title: string, start: string, durationMinutes?: number, cancelled?: boolean, rsvp?: {yes: string[]}}>} events
 * @param {Date} now
 */
function renderCalendar(name, events, now) {
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Airlock//Team Calendar//EN', 'CALSCALE:GREGORIAN', `X-WR-CALNAME:${escapeText(name)}`];
    for (const event of events) {
        const start = new Date(event.start);
        const end = new Date(start.getTime() + (event.durationMinutes || 60) * 60e3);
        lines.push(
            'BEGIN:VEVENT',
            `UID:${event.id}@team-calendar.airlock`,
            `DTSTAMP:${stamp(now)}`,
            `DTSTART:${stamp(start)}`,
            `DTEND:${stamp(end)}`,
            `SUMMARY:${escapeText(event.title)}`,
            `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
        );
        const going = (event.rsvp && event.rsvp.yes) || [];
        if (going.length) lines.push(`DESCRIPTION:${escapeText(`Going: ${going.map((u) => '@' + u).join(', ')}`)}`);
        lines.push('END:VEVENT');
    }
    lines.push('END:VCALENDAR');
    return lines.map(fold).join('\r\n') + '\r\n';
}

/** @param {Date} date */
function stamp(date) {
    return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** @param {string} text */
function escapeText(text) {
    return String(text).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/**
 * Folds a content line longer than 75 octets (continuations start with a space), never inside a UTF-8 sequence.
 * @param {string} line
 */
function fold(line) {
    const parts = [];
    let current = '';
    let size = 0;
    for (const char of line) {
        const bytes = Buffer.byteLength(char, 'utf8');
        if (size + bytes > (parts.length ? 74 : 75)) {
            parts.push(current);
            current = '';
            size = 0;
        }
        current += char;
        size += bytes;
    }
    parts.push(current);
    return parts.join('\r\n ');
}

module.exports = { renderCalendar, escapeText, fold };
