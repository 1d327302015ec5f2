'use strict';
exports.AppMethod = Object.freeze({
  INITIALIZE: 'initialize', ONENABLE: 'onEnable', ONDISABLE: 'onDisable', ONINSTALL: 'onInstall',
  ONUNINSTALL: 'onUninstall', ONUPDATE: 'onUpdate', ONSETTINGUPDATED: 'onSettingUpdated',
  ON_PRE_SETTING_UPDATE: 'onPreSettingUpdate', SETSTATUS: 'setStatus',
});

/// What a persisted record can be associated with (`RocketChatAssociationModel`).
const RocketChatAssociationModel = Object.freeze({
  ROOM: 'room', DISCUSSION: 'discussion', MESSAGE: 'message', LIVECHAT_MESSAGE: 'livechat-message', USER: 'user',
  FILE: 'file', MISC: 'misc', VIDEO_CONFERENCE: 'video-conference',
});

/// One association of a persisted record: a model and an id within it.
class RocketChatAssociationRecord {
  constructor(model, id) { this.model = model; this.id = id; }
  getModel() { return this.model; }
  getID() { return this.id; }
}

Object.assign(exports, { RocketChatAssociationModel, RocketChatAssociationRecord });
