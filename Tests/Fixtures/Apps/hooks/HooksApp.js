'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { UserNotAllowedException } = require('@rocket.chat/apps-engine/definition/exceptions');

// No `implements` in app.json: the engine derives the interfaces from these handler methods.
class HooksApp extends App {
  async checkPreMessageSentPrevent(message) {
    return typeof message.text === 'string' && !message.text.startsWith('skip-checks');
  }

  async executePreMessageSentPrevent(message) {
    if (message.text.includes('forbidden')) return true;
    if (message.text.includes('not allowed')) throw new UserNotAllowedException('You may not say that here');
    if (message.text.includes('crash')) throw new Error('the prevent handler crashed');
    return false;
  }

  async executePreMessageSentExtend(message, extend) {
    if (message.text.includes('attach')) extend.addAttachment({ text: 'added by the hooks app', color: '#00ff00' });
    return extend.getMessage();
  }

  async executePreMessageSentModify(message, builder) {
    return builder.setText(message.text.replace(/darn/g, 'd**n')).getMessage();
  }

  async executePostMessageSent(message, read, http, persistence, modify) {
    const creator = modify.getCreator();
    if (message.text.startsWith('!echo ')) {
      await creator.finish(creator.startMessage().setRoom(message.room).setText('echo: ' + message.text.slice(6)));
    }
    // Answers its own replies too: only the hook depth limit ends this.
    if (message.text.startsWith('loop')) {
      await creator.finish(creator.startMessage().setRoom(message.room).setText('loop again'));
    }
  }

  async executePostMessageSentToBot(message, read, http, persistence, modify) {
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom(message.room).setText('bot got: ' + message.text));
  }
}

exports.HooksApp = HooksApp;
