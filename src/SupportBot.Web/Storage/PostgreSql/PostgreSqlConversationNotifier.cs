using System.Globalization;
using System.Threading.Channels;
using Npgsql;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Notifications across replicas through PostgreSQL's LISTEN/NOTIFY: an append on one replica
/// wakes the WebSockets of its conversation on every replica.
/// </summary>
/// <remarks>
/// The database every replica already shares carries the notifications, so scaling out needs no
/// broker of its own. This replica's own streams are told at once, in process; the others hear it
/// on the channel <see cref="Channel"/>, where a background sender publishes what gathered in one
/// statement, and the host's one <see cref="PostgreSqlListener"/> hands over what it hears there. A notification carries only the conversation and
/// the watermark (streams read the activities from the store, from their own watermark), so late,
/// coalesced or reordered notifications cannot make a stream skip or repeat an activity. While the
/// listening connection is down, other replicas' appends wake this replica's streams only when it
/// is back (or at their next local append).
/// </remarks>
public sealed class PostgreSqlConversationNotifier(
    InProcessConversationNotifier local,
    PostgreSqlDatabase database,
    ILogger<PostgreSqlConversationNotifier> logger) : BackgroundService, IConversationNotifier, IPostgreSqlChannelSubscriber
{
    /// <summary>The PostgreSQL notification channel of Direct Line appends.</summary>
    public const string Channel = "supportbot_directline";

    private const int MaxBatch = 256;

    // Told apart from the other replicas' notifications, which are the only ones this one relays.
    private readonly string _replica = Guid.NewGuid().ToString("N");

    private readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Completes once this replica listens (for tests, and for a start that waits for it).</summary>
    public Task Listening => _listening.Task;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IConversationSubscription Subscribe(string conversationId) => local.Subscribe(conversationId);

    public void Publish(string conversationId, long watermark)
    {
        local.Publish(conversationId, watermark);
        if (!_outgoing.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"{_replica} {watermark} {conversationId}")))
        {
            logger.LogWarning("Direct Line notification of conversation {ConversationId} at watermark {Watermark} not sent to other replicas: the queue is full", conversationId, watermark);
        }
    }

    string IPostgreSqlChannelSubscriber.Channel => Channel;

    void IPostgreSqlChannelSubscriber.OnListening() => _listening.TrySetResult();

    void IPostgreSqlChannelSubscriber.OnNotification(string payload) => Relay(payload);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => SendAsync(stoppingToken);

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var batch = new List<string>(MaxBatch);
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _outgoing.Reader.TryRead(out var payload))
                {
                    batch.Add(payload);
                }

                try
                {
                    await using var connection = await database.OpenConnectionAsync(stoppingToken);
                    await using var notify = connection.Command("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", Channel, batch.ToArray());
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
                {
                    logger.LogWarning(ex, "Could not tell other replicas of {Count} Direct Line appends", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Relay(string payload)
    {
        // "{replica} {watermark} {conversationId}": the conversation id last, as it may hold spaces.
        var parts = payload.Split(' ', 3);
        if (parts.Length == 3 && parts[0] != _replica && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var watermark))
        {
            local.Publish(parts[2], watermark);
        }
    }
}
