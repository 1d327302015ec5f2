import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

/// `/compat <what> [argument]`: each sub-command exercises one family of the Apps-Engine surface. The command keeps
/// `this.app`, as real apps do (a registration pointing back at the app).
export class CompatCommand implements ISlashCommand {
    public command = 'compat';
    public i18nParamsExample = 'blocks|direct|mode|unsupported';
    public i18nDescription = 'Compatibility checks';
    public providesPreview = false;

    constructor(private readonly app: App) {}

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
        const [what, argument] = context.getArguments();
        const bot = await read.getUserReader().getAppUser();
        const reply = async (room: IRoom, text: string) => {
            await modify.getCreator().finish(modify.getCreator().startMessage().setRoom(room).setSender(bot!).setText(text));
        };
        switch (what) {
            case 'blocks': {
                // Blocks and no text, as the bot, in a room it never joined (read-only included).
                const room = await read.getRoomReader().getByName(argument);
                const blocks = modify.getCreator().getBlockBuilder().addSectionBlock({ text: { type: 'mrkdwn' as any, text: 'From *compat*' } });
                const message = modify.getCreator().startMessage().setRoom(room!).setSender(bot!).setBlocks(blocks);
                await modify.getCreator().finish(message);
                return;
            }
            case 'direct': {
                const builder = modify.getCreator().startRoom()
                    .setType(RoomType.DIRECT_MESSAGE)
                    .setCreator(bot!)
                    .setMembersToBeAddedByUsernames([bot!.username, argument]);
                const roomId = await modify.getCreator().finish(builder);
                const room = await read.getRoomReader().getById(roomId);
                await reply(room!, `direct ${roomId}`);
                return;
            }
            case 'room': {
                // The room handed to a command is Rocket.Chat's Room: `value`, `getUsernames()`, `toJSON()`.
                const room = context.getRoom() as any;
                const usernames = await room.getUsernames();
                await reply(room, `room ${room.value.slugifiedName} ${usernames.includes('admin')} ${JSON.stringify(room) === JSON.stringify(room.value)}`);
                return;
            }
            case 'discuss': {
                // A discussion off this room, started by the bot, with a first reply.
                const builder = modify.getCreator().startDiscussion()
                    .setParentRoom(context.getRoom())
                    .setDisplayName(argument)
                    .setReply('first reply')
                    .setMembersToBeAddedByUsernames([context.getSender().username]);
                const discussionId = await modify.getCreator().finish(builder);
                const discussion = await read.getRoomReader().getById(discussionId);
                await reply(context.getRoom(), `discussion ${discussionId} of ${(discussion as any).parentRoom.id} named ${discussion!.displayName}`);
                return;
            }
            case 'status':
                await modify.getUpdater().getUserUpdater().updateStatus(context.getSender(), argument, 'busy');
                return;
            case 'bot': {
                const id = await modify.getCreator().finish(modify.getCreator().startBotUser().setUsername(argument).setDisplayName('Helper') as any);
                await reply(context.getRoom(), `bot ${id}`);
                return;
            }
            case 'unbot':
                await modify.getDeleter().deleteUsers(this.app.getID(), 'bot' as any);
                return;
            case 'mode':
                await this.app.getAccessors().environmentWriter.getSettings().updateValue('mode', argument);
                return;
            case 'unsupported': {
                try {
                    await read.getUploadReader().getById('x');
                    await reply(context.getRoom(), 'uploads answered');
                } catch (error) {
                    await reply(context.getRoom(), `${(error as Error).name}: ${(error as Error).message}`);
                }
                return;
            }
            default:
                await reply(context.getRoom(), `unknown: ${what} (${this.app.getName()})`);
        }
    }
}

/// A second command the app turns off and on again from `onSettingUpdated` (IConfigurationModify).
export class SwitchableCommand implements ISlashCommand {
    public command = 'compatx';
    public i18nParamsExample = '';
    public i18nDescription = 'Switched by the mode setting';
    public providesPreview = false;

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify): Promise<void> {
        const message: Partial<IMessage> = { room: context.getRoom(), text: 'compatx ran' };
        await modify.getCreator().finish(modify.getCreator().startMessage(message as IMessage));
    }
}
