'use strict';
// AppInterface, AppMethod and RocketChatAssociationModel are enums, built from the definition surface.

/// One association of a persisted record: a model and an id within it.
class RocketChatAssociationRecord {
  constructor(model, id) { this.model = model; this.id = id; }
  getModel() { return this.model; }
  getID() { return this.id; }
}

module.exports = { RocketChatAssociationRecord };
