'use strict';
exports.RoomType = Object.freeze({ CHANNEL: 'c', PRIVATE_GROUP: 'p', DIRECT_MESSAGE: 'd', LIVE_CHAT: 'l' });
