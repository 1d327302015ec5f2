'use strict';
// What a UIKit handler receives and answers with: the interaction contexts, the responder and the payload
// formatters, plus two type guards. Every UIKit enum is built from the definition surface.
const { randomUUID } = require('crypto');
const { UIKitInteractionType } = require('@rocket.chat/apps-engine/definition/uikit/IUIKitInteractionType');
const { UIKitSurfaceType } = require('@rocket.chat/apps-engine/definition/uikit/IUIKitSurface');
const { UIActionButtonContext } = require('@rocket.chat/apps-engine/definition/ui/UIActionButtonContext');

const modalTypes = [UIKitInteractionType.MODAL_OPEN, UIKitInteractionType.MODAL_UPDATE, UIKitInteractionType.MODAL_CLOSE];
const barTypes = [UIKitInteractionType.CONTEXTUAL_BAR_OPEN, UIKitInteractionType.CONTEXTUAL_BAR_UPDATE, UIKitInteractionType.CONTEXTUAL_BAR_CLOSE];

/// A view the app opens or updates, as the client receives it: the app's id, the surface type and an id (one is
/// made when the app gives none).
function surface(view, context, type) {
  return { appId: context.appId, type, id: view.id ? view.id : randomUUID(), ...view, showIcon: true };
}
function formatModalInteraction(view, context) {
  if (!modalTypes.includes(context.type)) throw new Error(`Invalid type "${context.type}" for modal interaction`);
  return { type: context.type, triggerId: context.triggerId, appId: context.appId, view: surface(view, context, UIKitSurfaceType.MODAL) };
}
function formatContextualBarInteraction(view, context) {
  if (!barTypes.includes(context.type)) throw new Error(`Invalid type "${context.type}" for contextual bar interaction`);
  return { type: context.type, triggerId: context.triggerId, appId: context.appId, view: surface(view, context, UIKitSurfaceType.CONTEXTUAL_BAR) };
}
function formatErrorInteraction(errorInteraction, context) {
  if (context.type !== UIKitInteractionType.ERRORS) throw new Error(`Invalid type "${context.type}" for error interaction`);
  return { appId: context.appId, type: UIKitInteractionType.ERRORS, errors: errorInteraction.errors, viewId: errorInteraction.viewId, triggerId: context.triggerId };
}

/// The answers a handler returns (`context.getInteractionResponder()`).
class UIKitInteractionResponder {
  constructor(baseContext) { this.baseContext = baseContext; }
  successResponse() { return { success: true }; }
  errorResponse() { return { success: false }; }
  openModalViewResponse(view) { return this.respond(formatModalInteraction, view, UIKitInteractionType.MODAL_OPEN); }
  updateModalViewResponse(view) { return this.respond(formatModalInteraction, view, UIKitInteractionType.MODAL_UPDATE); }
  openContextualBarViewResponse(view) { return this.respond(formatContextualBarInteraction, view, UIKitInteractionType.CONTEXTUAL_BAR_OPEN); }
  updateContextualBarViewResponse(view) { return this.respond(formatContextualBarInteraction, view, UIKitInteractionType.CONTEXTUAL_BAR_UPDATE); }
  viewErrorResponse(errorInteraction) {
    const { appId, triggerId } = this.baseContext;
    return { appId, triggerId, success: false, type: UIKitInteractionType.ERRORS, viewId: errorInteraction.viewId, errors: errorInteraction.errors };
  }
  respond(format, view, type) {
    const { appId, triggerId } = this.baseContext;
    return { success: true, ...format(view, { appId, triggerId, type }) };
  }
}

/// The base of every interaction context: the interaction's data and a responder for it.
class UIKitInteractionContext {
  constructor(baseContext) {
    const { appId, actionId, room, user, triggerId, threadId } = baseContext;
    this.baseContext = { appId, actionId, room, user, triggerId, threadId };
    this.responder = new UIKitInteractionResponder(this.baseContext);
  }
  getInteractionResponder() { return this.responder; }
}
/// One context class per interaction kind, each holding what the client sent.
class InteractionDataContext extends UIKitInteractionContext {
  constructor(interactionData) { super(interactionData); this.interactionData = interactionData; }
}
class UIKitBlockInteractionContext extends InteractionDataContext { getInteractionData() { return this.interactionData; } }
class UIKitViewSubmitInteractionContext extends InteractionDataContext { getInteractionData() { return this.interactionData; } }
class UIKitViewCloseInteractionContext extends InteractionDataContext { getInteractionData() { return this.interactionData; } }
class UIKitActionButtonInteractionContext extends InteractionDataContext { getInteractionData() { return this.interactionData; } }

const isMessageBoxIncomingInteraction = (interaction) => interaction.buttonContext === UIActionButtonContext.MESSAGE_BOX_ACTION;
const isUIKitIncomingInteractionActionButtonMessageBox = (interaction) => interaction.payload.context === 'messageBoxAction';

module.exports = {
  formatModalInteraction, formatContextualBarInteraction, formatErrorInteraction, UIKitInteractionResponder,
  UIKitInteractionContext, UIKitBlockInteractionContext, UIKitViewSubmitInteractionContext, UIKitViewCloseInteractionContext,
  UIKitActionButtonInteractionContext, isMessageBoxIncomingInteraction, isUIKitIncomingInteractionActionButtonMessageBox,
};
