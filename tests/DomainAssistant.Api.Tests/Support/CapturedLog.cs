using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Keeps every log line the host writes, so tests can check what an operator would read.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    readonly ConcurrentQueue<string> _lines = new();
    readonly ConcurrentQueue<string> _traces = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The lines at Warning or above that carried an exception (a stack trace in the operator's log).</summary>
    public IReadOnlyList<string> Traces => [.. _traces];

    public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            log._lines.Enqueue(line);
            if (exception is not null && logLevel >= LogLevel.Warning) log._traces.Enqueue($"{line} ({exception.GetType().Name})");
        }
    }
}
