'use strict';

/// What a slash command's executor receives.
class SlashCommandContext {
  constructor(sender, room, params, threadId, triggerId) {
    this.sender = sender;
    this.room = room;
    this.params = params;
    this.threadId = threadId;
    this.triggerId = triggerId;
  }
  getSender() { return this.sender; }
  getRoom() { return this.room; }
  getArguments() { return this.params; }
  getThreadId() { return this.threadId; }
  getTriggerId() { return this.triggerId; }
}

module.exports = { SlashCommandContext };
