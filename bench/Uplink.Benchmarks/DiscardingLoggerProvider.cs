using Microsoft.Extensions.Logging;

namespace Uplink.Benchmarks;

/// <summary>A log sink that formats nothing and keeps nothing: what is measured is the cost of logging calls on the path.</summary>
internal sealed class DiscardingLoggerProvider : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
    }

    public void Dispose()
    {
    }
}
