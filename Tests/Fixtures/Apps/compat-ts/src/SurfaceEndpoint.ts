import { HttpStatusCode, IHttp, IModify, IPersistence, IRead, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint } from '@rocket.chat/apps-engine/definition/api/ApiEndpoint';
import { IApiEndpointInfo } from '@rocket.chat/apps-engine/definition/api/IApiEndpointInfo';
import { IApiRequest } from '@rocket.chat/apps-engine/definition/api/IRequest';
import { IApiResponse } from '@rocket.chat/apps-engine/definition/api/IResponse';
import { AppStatusUtils, AppStatus } from '@rocket.chat/apps-engine/definition/AppStatus';
import { MessageActionButtonsAlignment, MessageActionType, MessageProcessingType } from '@rocket.chat/apps-engine/definition/messages';
import { AppInterface, AppMethod } from '@rocket.chat/apps-engine/definition/metadata';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata/RocketChatAssociations';
import { UIKitIncomingInteractionContainerType } from '@rocket.chat/apps-engine/definition/uikit/UIKitIncomingInteractionContainer';
import { BlockBuilder, BlockElementType, ButtonStyle, TextObjectType } from '@rocket.chat/apps-engine/definition/uikit/blocks';
import { UserStatusConnection } from '@rocket.chat/apps-engine/definition/users';

/// Answers what the definition modules hold, as the app sees them, so the test compares them with Rocket.Chat's.
export class SurfaceEndpoint extends ApiEndpoint {
    public path = 'surface';

    public async get(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        const blocks = new BlockBuilder('compat')
            .addSectionBlock({ text: { type: TextObjectType.MARKDOWN, text: '*hi*' } })
            .addActionsBlock({ elements: [{ type: BlockElementType.BUTTON, text: { type: TextObjectType.PLAINTEXT, text: 'Go' }, style: ButtonStyle.PRIMARY, actionId: 'go' }] });
        const record = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'surface');
        return this.json({
            status: HttpStatusCode.OK,
            content: {
                paymentRequired: HttpStatusCode.PAYMENT_REQUIRED, name504: (HttpStatusCode as any)[504], patch: RequestMethod.PATCH,
                invisible: UserStatusConnection.INVISIBLE, button: MessageActionType.BUTTON, horizontal: MessageActionButtonsAlignment.HORIZONTAL,
                respond: MessageProcessingType.RespondWithMessage, systemMessage: AppInterface.IPostSystemMessageSent,
                statusChanged: AppMethod.EXECUTE_POST_USER_STATUS_CHANGED, container: UIKitIncomingInteractionContainerType.VIEW,
                enabled: AppStatusUtils.isEnabled(AppStatus.AUTO_ENABLED), blocks: blocks.getBlocks().map((b) => b.type),
                record: [record.getModel(), record.getID()],
                endpoints: (this.app as any).getAccessors().providedApiEndpoints.map((e: any) => e.computedPath),
            },
        });
    }
}
