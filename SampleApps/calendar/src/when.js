// @ts-check
'use strict';

const UNITS = { m: 60e3, min: 60e3, mins: 60e3, minute: 60e3, minutes: 60e3, h: 3600e3, hour: 3600e3, hours: 3600e3, d: 86400e3, day: 86400e3, days: 86400e3 };

/**
 * Reads a time at the start of `words`: `in 2h`, `in 30 min`, `today 15:00`, `tomorrow 10:00`, `tomorrow`,
 * `2026-12-01 14:30`, `2026-12-01`. Clock times are in the team's zone, `offsetMinutes` east of UTC (a day alone
 * means 09:00). Answers the moment and the words left (the title), or an error naming what was not understood.
 * @param {string[]} words
 * @param {Date} now
 * @param {number} offsetMinutes
 * @returns {{date: Date, rest: string[]} | {error: string}}
 */
function parseWhen(words, now, offsetMinutes = 0) {
    const [first = '', second = '', third = ''] = words.map((w) => w.toLowerCase());
    if (first === 'in') {
        const glued = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(second);
        if (glued && UNITS[/** @type {keyof typeof UNITS} */ (glued[2])]) {
            return { date: new Date(now.getTime() + Number(glued[1]) * UNITS[/** @type {keyof typeof UNITS} */ (glued[2])]), rest: words.slice(2) };
        }
        if (/^\d+(\.\d+)?$/.test(second) && UNITS[/** @type {keyof typeof UNITS} */ (third)]) {
            return { date: new Date(now.getTime() + Number(second) * UNITS[/** @type {keyof typeof UNITS} */ (third)]), rest: words.slice(3) };
        }
        return { error: `"${`in ${second} ${third}`.trim()}" is not a duration (in 2h, in 30m, in 1 day)` };
    }
    const offset = offsetMinutes * 60e3;
    const local = new Date(now.getTime() + offset);
    let day;
    if (first === 'today' || first === 'tomorrow') {
        day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + (first === 'tomorrow' ? 1 : 0));
    } else {
        const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(first);
        if (!date) return { error: `"${words[0] || ''}" is not a time (try: tomorrow 10:00, 2026-12-01 14:30, in 2h)` };
        const [year, month, dayOfMonth] = [Number(date[1]), Number(date[2]), Number(date[3])];
        day = Date.UTC(year, month - 1, dayOfMonth);
        if (new Date(day).getUTCMonth() !== month - 1) return { error: `${words[0]} is not a date` };
    }
    const clock = /^(\d{1,2}):(\d{2})$/.exec(second);
    if (clock) {
        const [hours, minutes] = [Number(clock[1]), Number(clock[2])];
        if (hours > 23 || minutes > 59) return { error: `${words[1]} is not a time of day` };
        return { date: new Date(day + (hours * 60 + minutes) * 60e3 - offset), rest: words.slice(2) };
    }
    return { date: new Date(day + 9 * 3600e3 - offset), rest: words.slice(1) };
}

/**
 * `Thu 2026-12-03 10:00 UTC+01:00` in the team's zone.
 * @param {Date} date
 * @param {number} offsetMinutes
 */
function formatWhen(date, offsetMinutes = 0) {
    const local = new Date(date.getTime() + offsetMinutes * 60e3);
    const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
    const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()];
    const zone = offsetMinutes === 0 ? 'UTC' : `UTC${offsetMinutes > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
    return `${weekday} ${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())} ${zone}`;
}

module.exports = { parseWhen, formatWhen };
