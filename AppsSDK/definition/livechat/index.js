'use strict';
// Airlock has no livechat (out of scope): these type guards exist because apps import them, and answer false for
// every room Airlock hands an app.
const { RoomType } = require('@rocket.chat/apps-engine/definition/rooms/RoomType');

const isLivechatRoom = (room) => room.type === RoomType.LIVE_CHAT;
const isLivechatFromApp = (room) => room.source && room.source.type === 'app';

module.exports = { isLivechatRoom, isLivechatFromApp };
