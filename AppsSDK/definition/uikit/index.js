'use strict';
// UIKit values apps use at run time: block and element kinds, and the (Rocket.Chat-deprecated but still widely used)
// BlockBuilder. Interfaces (IUIKitResponse, IBlock, ...) are TypeScript-only and vanish when an app is compiled.
const { randomUUID } = require('crypto');

const BlockType = Object.freeze({
  SECTION: 'section', DIVIDER: 'divider', IMAGE: 'image', ACTIONS: 'actions', CONTEXT: 'context', INPUT: 'input', CONDITIONAL: 'conditional',
});
const BlockElementType = Object.freeze({
  BUTTON: 'button', IMAGE: 'image', OVERFLOW_MENU: 'overflow', PLAIN_TEXT_INPUT: 'plain_text_input',
  STATIC_SELECT: 'static_select', MULTI_STATIC_SELECT: 'multi_static_select',
});
const TextObjectType = Object.freeze({ MARKDOWN: 'mrkdwn', PLAINTEXT: 'plain_text' });
const ButtonStyle = Object.freeze({ PRIMARY: 'primary', DANGER: 'danger' });
const UIKitSurfaceType = Object.freeze({ MODAL: 'modal', CONTEXTUAL_BAR: 'contextualBar', BANNER: 'banner' });
const UIKitViewType = UIKitSurfaceType;
const UIKitInteractionType = Object.freeze({
  MODAL_OPEN: 'modal.open', MODAL_CLOSE: 'modal.close', MODAL_UPDATE: 'modal.update',
  CONTEXTUAL_BAR_OPEN: 'contextual_bar.open', CONTEXTUAL_BAR_CLOSE: 'contextual_bar.close', CONTEXTUAL_BAR_UPDATE: 'contextual_bar.update',
  ERRORS: 'errors',
});

/// Builds a list of blocks for a message or a view; every block gets the app's id and a block id, every
/// interactive element an action id, when the app gives none.
class BlockBuilder {
  constructor(appId) { this.appId = appId; this.blocks = []; }
  addSectionBlock(block) { return this.addBlock({ type: BlockType.SECTION, ...block }); }
  addImageBlock(block) { return this.addBlock({ type: BlockType.IMAGE, ...block }); }
  addDividerBlock() { return this.addBlock({ type: BlockType.DIVIDER }); }
  addActionsBlock(block) { return this.addBlock({ type: BlockType.ACTIONS, ...block }); }
  addContextBlock(block) { return this.addBlock({ type: BlockType.CONTEXT, ...block }); }
  addInputBlock(block) { return this.addBlock({ type: BlockType.INPUT, ...block }); }
  addConditionalBlock(inner, when) {
    return this.addBlock({ type: BlockType.CONDITIONAL, render: inner instanceof BlockBuilder ? inner.getBlocks() : inner, when });
  }
  getBlocks() { return this.blocks; }
  newPlainTextObject(text, emoji = false) { return { type: TextObjectType.PLAINTEXT, text, emoji }; }
  newMarkdownTextObject(text) { return { type: TextObjectType.MARKDOWN, text }; }
  newButtonElement(info) { return this.withActionId({ type: BlockElementType.BUTTON, ...info }); }
  newImageElement(info) { return { type: BlockElementType.IMAGE, ...info }; }
  newOverflowMenuElement(info) { return this.withActionId({ type: BlockElementType.OVERFLOW_MENU, ...info }); }
  newPlainTextInputElement(info) { return this.withActionId({ type: BlockElementType.PLAIN_TEXT_INPUT, ...info }); }
  newStaticSelectElement(info) { return this.withActionId({ type: BlockElementType.STATIC_SELECT, ...info }); }
  newMultiStaticElement(info) { return this.withActionId({ type: BlockElementType.MULTI_STATIC_SELECT, ...info }); }
  withActionId(element) { if (!element.actionId) element.actionId = randomUUID(); return element; }
  addBlock(block) {
    if (!block.blockId) block.blockId = randomUUID();
    block.appId = this.appId;
    this.blocks.push(block);
    return this;
  }
}

module.exports = {
  BlockBuilder, BlockType, BlockElementType, TextObjectType, ButtonStyle, UIKitSurfaceType, UIKitViewType, UIKitInteractionType,
};
