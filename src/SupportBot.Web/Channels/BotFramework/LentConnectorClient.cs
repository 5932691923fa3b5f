using Microsoft.Bot.Connector;
using Microsoft.Rest;
using Newtonsoft.Json;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>A kept connector client lent to one turn: the adapter disposes what its factory gave it, which must not close the kept client.</summary>
public sealed class LentConnectorClient(IConnectorClient client) : IConnectorClient
{
    public Uri BaseUri
    {
        get => client.BaseUri;
        set => throw new NotSupportedException("A kept connector client's service URL cannot change.");
    }

    public JsonSerializerSettings SerializationSettings => client.SerializationSettings;

    public JsonSerializerSettings DeserializationSettings => client.DeserializationSettings;

    public ServiceClientCredentials Credentials => client.Credentials;

    public IAttachments Attachments => client.Attachments;

    public IConversations Conversations => client.Conversations;

    public void Dispose()
    {
    }
}
