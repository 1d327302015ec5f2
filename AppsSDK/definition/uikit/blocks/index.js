'use strict';
// The (Rocket.Chat-deprecated but still widely used) BlockBuilder. BlockType, BlockElementType, TextObjectType,
// ButtonStyle, ... are enums, built from the definition surface.
const { randomUUID } = require('crypto');
const { BlockType } = require('@rocket.chat/apps-engine/definition/uikit/blocks/Blocks');
const { BlockElementType } = require('@rocket.chat/apps-engine/definition/uikit/blocks/Elements');
const { TextObjectType } = require('@rocket.chat/apps-engine/definition/uikit/blocks/Objects');

/// Builds a list of blocks for a message or a view; every block gets the app's id and a block id, every
/// interactive element an action id, when the app gives none.
class BlockBuilder {
  constructor(appId) { this.appId = appId; this.blocks = []; }
  addSectionBlock(block) { this.addBlock({ type: BlockType.SECTION, ...block }); return this; }
  addImageBlock(block) { this.addBlock({ type: BlockType.IMAGE, ...block }); return this; }
  addDividerBlock() { this.addBlock({ type: BlockType.DIVIDER }); return this; }
  addActionsBlock(block) { this.addBlock({ type: BlockType.ACTIONS, ...block }); return this; }
  addContextBlock(block) { this.addBlock({ type: BlockType.CONTEXT, ...block }); return this; }
  addInputBlock(block) { this.addBlock({ type: BlockType.INPUT, ...block }); return this; }
  addConditionalBlock(inner, when) {
    this.addBlock({ type: BlockType.CONDITIONAL, render: inner instanceof BlockBuilder ? inner.getBlocks() : inner, when });
    return this;
  }
  getBlocks() { return this.blocks; }
  newPlainTextObject(text, emoji = false) { return { type: TextObjectType.PLAINTEXT, text, emoji }; }
  newMarkdownTextObject(text) { return { type: TextObjectType.MARKDOWN, text }; }
  newButtonElement(info) { return this.newInteractiveElement({ type: BlockElementType.BUTTON, ...info }); }
  newImageElement(info) { return { type: BlockElementType.IMAGE, ...info }; }
  newOverflowMenuElement(info) { return this.newInteractiveElement({ type: BlockElementType.OVERFLOW_MENU, ...info }); }
  newPlainTextInputElement(info) { return this.newInputElement({ type: BlockElementType.PLAIN_TEXT_INPUT, ...info }); }
  newStaticSelectElement(info) { return this.newSelectElement({ type: BlockElementType.STATIC_SELECT, ...info }); }
  newMultiStaticElement(info) { return this.newSelectElement({ type: BlockElementType.MULTI_STATIC_SELECT, ...info }); }
  // Private in TypeScript, reachable from JavaScript: kept with Rocket.Chat's names.
  newInteractiveElement(element) { return this.withActionId(element); }
  newInputElement(element) { return this.withActionId(element); }
  newSelectElement(element) { return this.withActionId(element); }
  withActionId(element) { if (!element.actionId) element.actionId = this.generateActionId(); return element; }
  addBlock(block) {
    if (!block.blockId) block.blockId = this.generateBlockId();
    block.appId = this.appId;
    this.blocks.push(block);
  }
  generateBlockId() { return randomUUID(); }
  generateActionId() { return randomUUID(); }
}

module.exports = { BlockBuilder };
