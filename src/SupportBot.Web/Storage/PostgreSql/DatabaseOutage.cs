using Npgsql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Tells a PostgreSQL database that is away for a while (down, restarting, unreachable) from an error in the request itself.</summary>
public static class DatabaseOutage
{
    /// <summary>
    /// True when the exception, or one it wraps, is an error that Npgsql calls transient: a
    /// socket or timeout error, or the server shutting down. Retrying later is then the answer;
    /// other database errors (a constraint, bad SQL) are bugs and stay 500s.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true })
            {
                return true;
            }

            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsOutage);
            }
        }

        return false;
    }
}
