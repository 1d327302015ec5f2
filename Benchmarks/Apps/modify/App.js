'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
exports.ModifyApp = class ModifyApp extends App {
  async executePreMessageSentModify(message, builder) { return builder.setText(message.text.replace(/a/g, 'A')).getMessage(); }
};
