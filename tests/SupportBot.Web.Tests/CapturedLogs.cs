using Microsoft.Extensions.Logging;

namespace SupportBot.Web.Tests;

/// <summary>A log provider that keeps every record with its category and structured fields, for tests that read what the host logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public List<(string Category, string Message, Dictionary<string, object?> Fields)> Records { get; } = [];

    /// <summary>The records of one category, copied under the lock.</summary>
    public List<(string Category, string Message, Dictionary<string, object?> Fields)> Of(string category)
    {
        lock (Records)
        {
            return [.. Records.Where(r => r.Category == category)];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            lock (logs.Records)
            {
                logs.Records.Add((category, formatter(state, exception), fields));
            }
        }
    }
}
