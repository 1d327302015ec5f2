'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
exports.PostApp = class PostApp extends App {
  async executePostMessageSent(message) { this.seen = (this.seen || 0) + 1; }
};
