using Npgsql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>A receiver of one PostgreSQL notification channel, served by the host's one <see cref="PostgreSqlListener"/>.</summary>
public interface IPostgreSqlChannelSubscriber
{
    /// <summary>The channel's name, as in <c>LISTEN</c> and <c>pg_notify</c>.</summary>
    string Channel { get; }

    /// <summary>The listener listens again (at start and after a reconnection): what was sent while it did not is lost.</summary>
    void OnListening();

    /// <summary>A notification on <see cref="Channel"/>, from any replica (this one too).</summary>
    void OnNotification(string payload);
}

/// <summary>
/// The host's one <c>LISTEN</c> connection: it listens on every subscriber's channel and hands each
/// notification to the subscribers of its channel; when the connection drops, it reconnects after
/// <see cref="Reconnect"/> and tells the subscribers, who catch up in their own way.
/// </summary>
public sealed class PostgreSqlListener(
    PostgreSqlDatabase database,
    IEnumerable<IPostgreSqlChannelSubscriber> subscribers,
    ILogger<PostgreSqlListener> logger) : BackgroundService
{
    /// <summary>How long the listener waits before it opens a new connection after losing one.</summary>
    public static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var byChannel = subscribers.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.ToArray());
        if (byChannel.Count == 0)
        {
            return;
        }

        var listen = string.Concat(byChannel.Keys.Select(channel => $"LISTEN {channel};"));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Dispatch(byChannel, e.Channel, e.Payload);
                await using (var command = new NpgsqlCommand(listen, connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }

                foreach (var subscriber in byChannel.Values.SelectMany(s => s))
                {
                    subscriber.OnListening();
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // An error here must never end the loop, which would stop the host.
                logger.LogWarning(ex, "Not listening for {Channels} on {Database}; retrying in {Delay}", string.Join(", ", byChannel.Keys), database.Name, Reconnect);
                await Task.Delay(Reconnect, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Dispatch(Dictionary<string, IPostgreSqlChannelSubscriber[]> byChannel, string channel, string payload)
    {
        if (!byChannel.TryGetValue(channel, out var receivers))
        {
            return;
        }

        foreach (var receiver in receivers)
        {
            try
            {
                receiver.OnNotification(payload);
            }
            catch (Exception ex)
            {
                // One subscriber's fault must not drop the connection the others listen on.
                logger.LogError(ex, "The subscriber {Subscriber} of {Channel} failed on a notification", receiver.GetType().Name, channel);
            }
        }
    }
}
