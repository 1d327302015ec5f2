'use strict';
// Livechat is out of Airlock's scope: no livechat interaction ever reaches an app, but apps import these classes.
const { UIKitInteractionResponder } = require('@rocket.chat/apps-engine/definition/uikit/UIKitInteractionResponder');

class UIKitLivechatInteractionContext {
  constructor(baseContext) {
    const { appId, actionId, room, visitor, triggerId } = baseContext;
    this.baseContext = { appId, actionId, room, visitor, triggerId };
    this.responder = new UIKitInteractionResponder(this.baseContext);
  }
  getInteractionResponder() { return this.responder; }
}
class UIKitLivechatBlockInteractionContext extends UIKitLivechatInteractionContext {
  constructor(interactionData) { super(interactionData); this.interactionData = interactionData; }
  getInteractionData() { return this.interactionData; }
}

module.exports = { UIKitLivechatInteractionContext, UIKitLivechatBlockInteractionContext };
