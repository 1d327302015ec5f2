'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');

/// Posts `text` in the room as the app's bot.
async function post(modify, roomId, text) {
  const creator = modify.getCreator();
  await creator.finish(creator.startMessage().setRoom({ id: roomId }).setText(text));
}

/// Each node runs its own copy of this app: `/motto` answers with the setting as this node's copy reads it,
/// `!echo <text>` is answered by the post-message hook, `/ticker start|stop` runs a job every second (each run
/// posts `tick` with the node-independent time it ran at), `/slow <tag>` runs a one-time job now that posts
/// `slow start <tag>`, waits three seconds and posts `slow done <tag>`.
class ClusterApp extends App {
  async extendConfiguration(configuration) {
    await configuration.settings.provideSetting({
      id: 'motto', type: SettingType.STRING, packageValue: 'one for all', required: true, public: false, i18nLabel: 'Motto',
    });
    await configuration.slashCommands.provideSlashCommand({
      command: 'motto', i18nParamsExample: '', i18nDescription: 'Says the motto', providesPreview: false,
      executor: async (context, read, modify) => {
        const motto = await read.getEnvironmentReader().getSettings().getValueById('motto');
        await post(modify, context.getRoom().id, `motto: ${motto}`);
      },
    });
    await configuration.scheduler.registerProcessors([
      { id: 'tick', processor: async (job, read, modify) => post(modify, job.roomId, `tick ${new Date().toISOString()}`) },
      {
        id: 'slow',
        processor: async (job, read, modify) => {
          await post(modify, job.roomId, `slow start ${job.tag}`);
          await new Promise((resolve) => setTimeout(resolve, 3000));
          await post(modify, job.roomId, `slow done ${job.tag}`);
        },
      },
    ]);
    await configuration.slashCommands.provideSlashCommand({
      command: 'slow', i18nParamsExample: 'tag', i18nDescription: 'A three-second job, now', providesPreview: false,
      executor: async (context, read, modify) => {
        await modify.getScheduler().scheduleOnce({ id: 'slow', when: new Date(), data: { roomId: context.getRoom().id, tag: context.getArguments()[0] } });
      },
    });
    await configuration.slashCommands.provideSlashCommand({
      command: 'ticker', i18nParamsExample: 'start|stop', i18nDescription: 'Ticks every second', providesPreview: false,
      executor: async (context, read, modify) => {
        if (context.getArguments()[0] === 'stop') return modify.getScheduler().cancelJob('tick');
        await modify.getScheduler().scheduleRecurring({ id: 'tick', interval: '1 second', data: { roomId: context.getRoom().id } });
      },
    });
  }

  async executePostMessageSent(message, read, http, persistence, modify) {
    if (message.text && message.text.startsWith('!echo ')) await post(modify, message.room.id, `echo: ${message.text.slice(6)}`);
  }
}

exports.ClusterApp = ClusterApp;
