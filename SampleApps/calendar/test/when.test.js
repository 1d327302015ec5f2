'use strict';
// node --test SampleApps/calendar/test/ — the calendar's pure parts, without a server.
const test = require('node:test');
const assert = require('node:assert');
const { parseWhen, formatWhen } = require('../src/when');
const { renderCalendar, fold } = require('../src/ics');

const now = new Date('2026-12-02T22:15:00Z');

test('relative times', () => {
    assert.deepStrictEqual(parseWhen(['in', '2h', 'Standup'], now), { date: new Date('2026-12-03T00:15:00Z'), rest: ['Standup'] });
    assert.deepStrictEqual(parseWhen(['in', '30', 'min', 'Tea'], now), { date: new Date('2026-12-02T22:45:00Z'), rest: ['Tea'] });
    assert.ok('error' in parseWhen(['in', 'a', 'while'], now));
});

test('days and clock times, in the team zone', () => {
    assert.deepStrictEqual(parseWhen(['tomorrow', '10:00', 'Planning'], now).date, new Date('2026-12-03T10:00:00Z'));
    assert.deepStrictEqual(parseWhen(['tomorrow', 'Planning'], now), { date: new Date('2026-12-03T09:00:00Z'), rest: ['Planning'] });
    assert.deepStrictEqual(parseWhen(['2026-12-01', '14:30', 'Retro'], now).date, new Date('2026-12-01T14:30:00Z'));
    // At 22:15 UTC it is already the 3rd at UTC+2: "today 10:00" there is 08:00 UTC on the 3rd.
    assert.deepStrictEqual(parseWhen(['today', '10:00'], now, 120).date, new Date('2026-12-03T08:00:00Z'));
    assert.ok('error' in parseWhen(['2026-02-30', '10:00'], now));
    assert.ok('error' in parseWhen(['tomorrow', '25:00'], now));
    assert.ok('error' in parseWhen(['someday'], now));
    assert.strictEqual(formatWhen(new Date('2026-12-03T10:00:00Z'), 60), 'Thu 2026-12-03 11:00 UTC+01:00');
});

test('ics feed: escaping, folding, CRLF', () => {
    const ics = renderCalendar('#team', [{ id: 'e1', title: 'Plan; review, ship', start: '2026-12-03T10:00:00Z', rsvp: { yes: ['ana'] } }], now);
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.match(ics, /\r\nDTSTART:20261203T100000Z\r\n/);
    assert.match(ics, /\r\nSUMMARY:Plan\\; review\\, ship\r\n/);
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    const long = fold('SUMMARY:' + 'é'.repeat(80));
    for (const line of long.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75);
});
