'use strict';
exports.UserType = Object.freeze({ APP: 'app', USER: 'user', BOT: 'bot', UNKNOWN: 'unknown' });
exports.UserStatusConnection = Object.freeze({ OFFLINE: 'offline', ONLINE: 'online', AWAY: 'away', BUSY: 'busy', UNDEFINED: 'undefined' });
