using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Keeps every log line the host writes, so tests can check what an operator would read.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

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
            if (IsEnabled(logLevel)) log._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}
