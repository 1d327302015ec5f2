'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { AppsEngineException, UserNotAllowedException } = require('@rocket.chat/apps-engine/definition/exceptions');
const { ApiEndpoint, ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');
const { RocketChatAssociationModel, RocketChatAssociationRecord } = require('@rocket.chat/apps-engine/definition/metadata');
const { RoomType } = require('@rocket.chat/apps-engine/definition/rooms');
const crypto = require('crypto');

/// `POST notes` with `{op, ...}`: drives IPersistence / IPersistenceRead for the tests.
class NotesEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'notes'; }
  async post(request, endpoint, read, modify, http, persistence) {
    const { op, id, room, data, upsert } = request.content;
    const inRoom = new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, room || 'r1');
    const notes = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'notes');
    const reader = read.getPersistenceReader();
    switch (op) {
      case 'create': return this.success({ id: await persistence.createWithAssociations(data, [inRoom, notes]) });
      case 'createPlain': return this.success({ id: await persistence.create(data) });
      case 'read': return this.success({ data: (await reader.read(id)) || null });
      case 'byRoom': return this.success({ data: await reader.readByAssociation(inRoom) });
      case 'byRoomAndNotes': return this.success({ data: await reader.readByAssociations([inRoom, notes]) });
      case 'update': return this.success({ id: await persistence.update(id, data, !!upsert) });
      case 'updateByRoom': return this.success({ id: await persistence.updateByAssociation(inRoom, data, !!upsert) });
      case 'remove': return this.success({ data: (await persistence.remove(id)) || null });
      case 'removeByRoom': return this.success({ data: (await persistence.removeByAssociation(inRoom)) || null });
      default:
        try { await persistence.create('not an object'); } catch (e) { return this.success({ error: `${e.name}: ${e.message}` }); }
        return this.success({ error: null });
    }
  }
}

/// `POST webhook/:channel`: posts the JSON body's text into the room it names, answers what it received.
class WebhookEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'webhook/:channel'; }
  async post(request, endpoint, read, modify) {
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom({ id: request.content.roomId }).setText(`[${request.params.channel}] ${request.content.text}`));
    return this.json({
      status: 201,
      headers: { 'x-handled-by': 'hooks' },
      content: {
        rawContent: request.rawContent,
        rawSha256: crypto.createHash('sha256').update(request.rawBody).digest('hex'),
        signature: request.headers['x-signature'] || null,
        query: request.query,
        basePath: endpoint.basePath,
      },
    });
  }
  async get() { throw new Error('GET is broken on purpose'); }
}

/// `POST rooms` with `{op, ...}`: rooms through IModify (create, update, extend, delete) as the app's bot.
class RoomsEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'rooms'; }
  async post(request, endpoint, read, modify) {
    const { op, id, name, members, readOnly, field, value, member, userId } = request.content;
    try {
      switch (op) {
        case 'create': {
          const builder = modify.getCreator().startRoom().setType('c').setSlugifiedName(name).setMembersToBeAddedByUsernames(members || [])
            .setCustomFields({ createdBy: 'hooks' });
          return this.success({ id: await modify.getCreator().finish(builder) });
        }
        case 'direct': {
          const builder = modify.getCreator().startRoom().setType(RoomType.DIRECT_MESSAGE)
            .setCreator(await read.getUserReader().getAppUser()).setMembersToBeAddedByUsernames(members || []);
          return this.success({ id: await modify.getCreator().finish(builder) });
        }
        case 'update': {
          const builder = await modify.getUpdater().room(id, await read.getUserReader().getAppUser());
          await modify.getUpdater().finish(builder.setReadOnly(!!readOnly).setDescription('changed by an app'));
          return this.success({});
        }
        case 'extend': {
          const extender = await modify.getExtender().extendRoom(id);
          extender.addCustomField(field, value);
          if (member) extender.addMember({ username: member });
          await modify.getExtender().finish(extender);
          return this.success({});
        }
        case 'delete': await modify.getDeleter().deleteRoom(id); return this.success({});
        case 'roles': {
          const rooms = read.getRoomReader();
          const names = (users) => users.map((u) => u.username).sort();
          return this.success({
            owners: names(await rooms.getOwners(id)), moderators: names(await rooms.getModerators(id)), leaders: names(await rooms.getLeaders(id)),
            role: await read.getRoleReader().getOneByIdOrName('moderator', this.app.getID()),
            unknownRole: (await read.getRoleReader().getOneByIdOrName('no-such-role', this.app.getID())) || null,
            unread: await rooms.getUserUnreadMessageCount(id, userId),
            unreadTexts: (await rooms.getUnreadByUser(id, userId)).map((m) => m.text),
          });
        }
        case 'unmapped': {
          const room = await read.getRoomReader().getById(id);
          const builder = modify.getCreator().startMessage().setRoom(room).setText('mapped text');
          builder.getMessage()._unmappedProperties_ = { alias: 'raw alias', customFields: { raw: true } };
          return this.success({ id: await modify.getCreator().finish(builder) });
        }
        case 'react': {
          await modify.getUpdater().getMessageUpdater().addReaction(field, userId, value);
          return this.success({});
        }
        case 'remove': await modify.getDeleter().removeUsersFromRoom(id, members); return this.success({});
        default: return this.success({ error: `unknown op ${op}` });
      }
    } catch (error) {
      return this.success({ error: error.message });
    }
  }
}

/// `GET status` behind the private hash: plain text.
class StatusEndpoint extends ApiEndpoint {
  constructor(app) { super(app); this.path = 'status'; }
  async get(request) { return { status: 200, content: `ok for ${request.user ? request.user.username : 'anonymous'}` }; }
}

/// `/greet <words>`: answers in the room as the app bot; previews offer greeting styles.
class GreetCommand {
  constructor() {
    this.command = 'Greet';
    this.i18nParamsExample = 'your words';
    this.i18nDescription = 'Greets the sender';
    this.providesPreview = true;
  }
  async previewer(context) {
    const words = context.getArguments().join(' ');
    return { i18nTitle: 'Greeting styles', items: [{ id: 'loud', type: 'text', value: words.toUpperCase() }, { id: 'soft', type: 'text', value: words.toLowerCase() }] };
  }
  async executePreviewItem(item, context, read, modify) {
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom(context.getRoom()).setText(`${item.id}: ${item.value}`));
  }
  async executor(context, read, modify) {
    const creator = modify.getCreator();
    const text = `Hello, ${context.getSender().username}: ${context.getArguments().join(' ')}`;
    await creator.finish(creator.startMessage().setRoom(context.getRoom()).setText(text));
  }
}

// No `implements` in app.json: the engine derives the interfaces from these handler methods.
class HooksApp extends App {
  async extendConfiguration(configuration) {
    const post = async (modify, roomId, text) => {
      const creator = modify.getCreator();
      await creator.finish(creator.startMessage().setRoom({ id: roomId }).setText(text));
    };
    await configuration.ui.registerButton({ actionId: 'open-form', labelI18n: 'Open the form', context: 'roomAction' });
    await configuration.scheduler.registerProcessors([
      { id: 'once', processor: async (job, read, modify) => post(modify, job.roomId, `once: ${job.text}`) },
      { id: 'tick', processor: async (job, read, modify) => post(modify, job.roomId, 'tick') },
    ]);
    // `/remind <text>` in one second; `/ticker start|stop` every second.
    await configuration.slashCommands.provideSlashCommand({
      command: 'remind', i18nParamsExample: 'text', i18nDescription: 'Reminds you in a second', providesPreview: false,
      executor: async (context, read, modify) => {
        await modify.getScheduler().scheduleOnce({ id: 'once', when: 'in 1 second', data: { roomId: context.getRoom().id, text: context.getArguments().join(' ') } });
      },
    });
    await configuration.slashCommands.provideSlashCommand({
      command: 'ticker', i18nParamsExample: 'start|stop', i18nDescription: 'Ticks every second', providesPreview: false,
      executor: async (context, read, modify) => {
        if (context.getArguments()[0] === 'stop') return modify.getScheduler().cancelJob('tick');
        if (context.getArguments()[0] === 'bogus') return modify.getScheduler().scheduleRecurring({ id: 'tick', interval: 'sometimes', data: {} });
        await modify.getScheduler().scheduleRecurring({ id: 'tick', interval: '1 second', data: { roomId: context.getRoom().id } });
      },
    });
    await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new WebhookEndpoint(this), new NotesEndpoint(this), new RoomsEndpoint(this)] });
    await configuration.api.provideApi({ visibility: ApiVisibility.PRIVATE, security: ApiSecurity.UNSECURE, endpoints: [new StatusEndpoint(this)] });
    await configuration.slashCommands.provideSlashCommand(new GreetCommand());
    await configuration.slashCommands.provideSlashCommand({
      command: 'audit', i18nParamsExample: '', i18nDescription: 'Admins only', providesPreview: false, permission: 'manage-apps',
      executor: async () => { throw new Error('audit is not implemented'); },
    });
    // `/whisper`: an ephemeral message only the sender sees.
    await configuration.slashCommands.provideSlashCommand({
      command: 'whisper', i18nParamsExample: '', i18nDescription: 'Only you see the answer', providesPreview: false,
      executor: async (context, read, modify) => {
        const notifier = modify.getNotifier();
        await notifier.notifyUser(context.getSender(), notifier.getMessageBuilder().setRoom(context.getRoom()).setText('only for you').getMessage());
      },
    });
    // `/inspect`: reads through IRead's readers (threads.read is not granted: that one is refused).
    await configuration.slashCommands.provideSlashCommand({
      command: 'inspect', i18nParamsExample: '', i18nDescription: 'Reads rooms, users and messages', providesPreview: false,
      executor: async (context, read, modify) => {
        const rooms = read.getRoomReader();
        const room = await rooms.getById(context.getRoom().id);
        const me = await read.getUserReader().getByUsername(context.getSender().username);
        const bot = await read.getUserReader().getAppUser();
        const members = (await rooms.getMembers(room.id)).map((m) => m.username).sort().join(',');
        const last = await rooms.getMessages(room.id, { limit: 1 });
        const byName = await rooms.getByName(room.slugifiedName);
        let thread = 'allowed';
        try { await read.getThreadReader().getThreadById('x'); } catch (e) { thread = e.name; }
        const text = `room=${room.slugifiedName}/${byName.id === room.id} me=${me.username} bot=${bot.username} members=${members} last=${last.length ? last[0].text : '-'} thread=${thread}`;
        const creator = modify.getCreator();
        await creator.finish(creator.startMessage().setRoom(room).setText(text));
      },
    });
  }

  async checkPreMessageSentPrevent(message) {
    return typeof message.text === 'string' && !message.text.startsWith('skip-checks');
  }

  async executePreMessageSentPrevent(message) {
    if (message.text.includes('forbidden')) return true;
    if (message.text.includes('not allowed')) throw new UserNotAllowedException('You may not say that here');
    if (message.text.includes('crash')) throw new Error('the prevent handler crashed');
    // A refusal is an AppsEngineException by class, the app's own subclasses included; a name is not enough.
    if (message.text.includes('own refusal')) throw new (class NotToday extends AppsEngineException { constructor(m) { super(m); this.name = 'NotToday'; } })('Not today');
    if (message.text.includes('fake refusal')) { const e = new Error('only pretends'); e.name = 'AppsEngineException'; throw e; }
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
    // Edits and deletes through the updater and deleter.
    if (message.text.startsWith('!fix ')) {
      const updater = modify.getUpdater();
      const builder = await updater.message(message.id, message.sender);
      await updater.finish(builder.setText(message.text.slice(5) + ' (fixed by the app)'));
    }
    if (message.text.startsWith('!tag')) {
      const extender = await modify.getExtender().extendMessage(message.id, message.sender);
      await modify.getExtender().finish(extender.addCustomField('taggedBy', 'hooks').addAttachment({ text: 'tag added later' }));
    }
    if (message.text.startsWith('!drop')) {
      await modify.getDeleter().deleteMessage(message, message.sender);
    }
    // Answers its own replies too: only the hook depth limit ends this.
    if (message.text.startsWith('loop')) {
      await creator.finish(creator.startMessage().setRoom(message.room).setText('loop again'));
    }
  }

  async executePreMessageUpdatedModify(message, builder) {
    if (message.text === 'who?') return builder.setText(`sender=${message.sender.username} editor=${message.editor && message.editor.username}`).getMessage();
    return builder.setText(message.text.replace(/darn/g, 'd**n')).getMessage();
  }

  async executePreMessageDeletePrevent(message) {
    return message.text.includes('keep');
  }

  async executePreRoomCreatePrevent(room) {
    return (room.slugifiedName || '').startsWith('blocked-');
  }

  // `team-*` rooms get a custom field and the user `buddy`; `ro-*` rooms become read-only.
  async executePreRoomCreateExtend(room, extender) {
    if (!(room.slugifiedName || '').startsWith('team-')) return room;
    return extender.addCustomField('team', true).addMember({ username: 'buddy' }).getRoom();
  }

  async executePreRoomCreateModify(room, builder) {
    if (!(room.slugifiedName || '').startsWith('ro-')) return room;
    return builder.setReadOnly(true).addCustomField('modified', true).getRoom();
  }

  async executePostRoomCreate(room, read, http, persistence, modify) {
    if (!(room.slugifiedName || '').startsWith('welcome-')) return;
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom(room).setText(`welcome to #${room.slugifiedName}`));
  }

  async executePreRoomUserJoined(context) {
    if (context.joiningUser.username === 'mallory') throw new UserNotAllowedException('mallory is not welcome here');
  }

  // UIKit: a button opens a form; submitting it posts the answer (or reports a missing field).
  // `show-progress`: typing in the room while a contextual bar built with BlockBuilder is pushed through IUIController.
  async executeActionButtonHandler(context, read, http, persistence, modify) {
    const data = context.getInteractionData();
    this.getLogger().info(`button ${data.actionId} in ${data.buttonContext} of ${data.room ? data.room.slugifiedName : 'no room'} with "${data.text}"`);
    return context.getInteractionResponder().successResponse();
  }

  async executeBlockActionHandler(context, read, http, persistence, modify) {
    const data = context.getInteractionData();
    if (data.actionId === 'show-progress') {
      const stopTyping = await modify.getNotifier().typing({ id: data.room.id });
      const blocks = modify.getCreator().getBlockBuilder();
      blocks.addSectionBlock({ text: blocks.newMarkdownTextObject('*Working*'), accessory: blocks.newButtonElement({ text: blocks.newPlainTextObject('Stop') }) });
      await modify.getUiController().openContextualBarView({ title: blocks.newPlainTextObject('Progress'), blocks }, { triggerId: data.triggerId }, data.user);
      await modify.getUiController().setViewError({ viewId: 'form', errors: { answer: 'Too late' } }, { triggerId: data.triggerId }, data.user);
      await stopTyping();
      try { await modify.getNotifier().typing({ id: 'no-such-room' }); } catch (e) { this.getLogger().warn('typing:', e.message); }
      try { await modify.getUiController().openModalView({ blocks: [] }, { triggerId: data.triggerId }, { id: 'nobody' }); } catch (e) { this.getLogger().warn('view:', e.message); }
      return context.getInteractionResponder().successResponse();
    }
    if (data.actionId !== 'open-form') return context.getInteractionResponder().successResponse();
    return context.getInteractionResponder().openModalViewResponse({
      id: 'form', title: { type: 'plain_text', text: 'Tell us' },
      blocks: [{ type: 'input', blockId: 'answer', element: { type: 'plain_text_input', actionId: 'text' } }],
    });
  }

  async executeViewSubmitHandler(context, read, http, persistence, modify) {
    const data = context.getInteractionData();
    const text = data.view && data.view.state && data.view.state.answer && data.view.state.answer.text;
    if (!text) return context.getInteractionResponder().viewErrorResponse({ viewId: data.view.id, errors: { answer: 'Required' } });
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom({ id: data.view.roomId }).setText(`${data.user.username} answered: ${text}`));
    return context.getInteractionResponder().successResponse();
  }

  async executePostMessageSentToBot(message, read, http, persistence, modify) {
    const creator = modify.getCreator();
    await creator.finish(creator.startMessage().setRoom(message.room).setText('bot got: ' + message.text));
  }
}

exports.HooksApp = HooksApp;
