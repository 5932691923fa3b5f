using System.Net;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Schema;
using Microsoft.Rest;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine.Connector;

/// <summary>
/// The Bot Connector's conversation operations as the bot calls them for a Direct Line
/// conversation of this host: a reply or a new message goes straight into the conversation's
/// history. Everything else, and a message the history refuses, goes through
/// <see cref="BotConnectorHandler"/>, which answers as before (404 for an unknown conversation,
/// 405 for updates and deletes, as Azure's Direct Line does).
/// </summary>
/// <remarks>
/// Through the handler, each reply was serialised by the connector client, parsed by the handler
/// and serialised again for the store: three passes of Newtonsoft over every reply (docs/performance.md).
/// </remarks>
public sealed class DirectLineConversations(IConversations viaHandler, ActivityHistory history) : IConversations
{
    public Task<HttpOperationResponse<ResourceResponse>> SendToConversationWithHttpMessagesAsync(
        string conversationId, Activity activity, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        AppendAsync(conversationId, activity, () => viaHandler.SendToConversationWithHttpMessagesAsync(conversationId, activity, customHeaders, cancellationToken), cancellationToken);

    public Task<HttpOperationResponse<ResourceResponse>> ReplyToActivityWithHttpMessagesAsync(
        string conversationId, string activityId, Activity activity, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        AppendAsync(conversationId, activity, () => viaHandler.ReplyToActivityWithHttpMessagesAsync(conversationId, activityId, activity, customHeaders, cancellationToken), cancellationToken);

    public Task<HttpOperationResponse<ConversationsResult>> GetConversationsWithHttpMessagesAsync(
        string? continuationToken = null, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.GetConversationsWithHttpMessagesAsync(continuationToken, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<ConversationResourceResponse>> CreateConversationWithHttpMessagesAsync(
        ConversationParameters parameters, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.CreateConversationWithHttpMessagesAsync(parameters, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<ResourceResponse>> SendConversationHistoryWithHttpMessagesAsync(
        string conversationId, Transcript transcript, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.SendConversationHistoryWithHttpMessagesAsync(conversationId, transcript, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<ResourceResponse>> UpdateActivityWithHttpMessagesAsync(
        string conversationId, string activityId, Activity activity, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.UpdateActivityWithHttpMessagesAsync(conversationId, activityId, activity, customHeaders, cancellationToken);

    public Task<HttpOperationResponse> DeleteActivityWithHttpMessagesAsync(
        string conversationId, string activityId, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.DeleteActivityWithHttpMessagesAsync(conversationId, activityId, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<IList<ChannelAccount>>> GetConversationMembersWithHttpMessagesAsync(
        string conversationId, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.GetConversationMembersWithHttpMessagesAsync(conversationId, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<PagedMembersResult>> GetConversationPagedMembersWithHttpMessagesAsync(
        string conversationId, int? pageSize = null, string? continuationToken = null, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.GetConversationPagedMembersWithHttpMessagesAsync(conversationId, pageSize, continuationToken, customHeaders, cancellationToken);

    public Task<HttpOperationResponse> DeleteConversationMemberWithHttpMessagesAsync(
        string conversationId, string memberId, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.DeleteConversationMemberWithHttpMessagesAsync(conversationId, memberId, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<IList<ChannelAccount>>> GetActivityMembersWithHttpMessagesAsync(
        string conversationId, string activityId, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.GetActivityMembersWithHttpMessagesAsync(conversationId, activityId, customHeaders, cancellationToken);

    public Task<HttpOperationResponse<ResourceResponse>> UploadAttachmentWithHttpMessagesAsync(
        string conversationId, AttachmentData attachmentUpload, Dictionary<string, List<string>>? customHeaders = null, CancellationToken cancellationToken = default) =>
        viaHandler.UploadAttachmentWithHttpMessagesAsync(conversationId, attachmentUpload, customHeaders, cancellationToken);

    private async Task<HttpOperationResponse<ResourceResponse>> AppendAsync(
        string conversationId, Activity activity, Func<Task<HttpOperationResponse<ResourceResponse>>> throughHandler, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(activity.Type))
        {
            return await throughHandler();
        }

        activity.Conversation = new ConversationAccount(id: conversationId);
        try
        {
            await history.AppendAsync(conversationId, activity, cancellationToken);
        }
        catch (ConversationNotFoundException)
        {
            // The handler's answer for it: a 404 the connector client throws as it always did.
            return await throughHandler();
        }

        return new HttpOperationResponse<ResourceResponse>
        {
            Body = new ResourceResponse(activity.Id),
            Response = new HttpResponseMessage(HttpStatusCode.OK),
        };
    }
}
