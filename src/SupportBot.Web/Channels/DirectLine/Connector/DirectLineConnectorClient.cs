using Microsoft.Bot.Connector;
using Microsoft.Rest;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine.Connector;

/// <summary>A connector client of this host's Direct Line: its conversation operations are <see cref="DirectLineConversations"/>.</summary>
/// <remarks>Disposing it disposes <paramref name="client"/>: a kept client comes as a <see cref="LentConnectorClient"/>, whose dispose does nothing.</remarks>
public sealed class DirectLineConnectorClient(IConnectorClient client, ActivityHistory history) : IConnectorClient
{
    public Uri BaseUri
    {
        get => client.BaseUri;
        set => throw new NotSupportedException("A Direct Line connector client's service URL cannot change.");
    }

    public Newtonsoft.Json.JsonSerializerSettings SerializationSettings => client.SerializationSettings;

    public Newtonsoft.Json.JsonSerializerSettings DeserializationSettings => client.DeserializationSettings;

    public ServiceClientCredentials Credentials => client.Credentials;

    public IAttachments Attachments => client.Attachments;

    public IConversations Conversations { get; } = new DirectLineConversations(client.Conversations, history);

    public void Dispose() => client.Dispose();
}
