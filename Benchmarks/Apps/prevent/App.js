'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
exports.PreventApp = class PreventApp extends App {
  async executePreMessageSentPrevent(message) { return message.text.includes('forbidden-word'); }
};
