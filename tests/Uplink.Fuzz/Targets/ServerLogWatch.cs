using Microsoft.Extensions.Logging;

namespace Uplink.Fuzz.Targets;

/// <summary>
/// The server target's view of the server: a logger factory that waits for a connection's close (event 3009, its reason)
/// and turns an unexpected failure (3013) or a publish handler failure (3017) into a <see cref="FuzzFindingException"/>.
/// One connection at a time.
/// </summary>
internal sealed class ServerLogWatch : ILoggerFactory, ILogger
{
    private const int PublishEnded = 3008;
    private const int Closed = 3009;
    private const int Unexpected = 3013;
    private const int PublishHandlerFailed = 3017;

    private readonly Lock _gate = new();
    private TaskCompletionSource<string>? _closed;
    private Exception? _failure;
    private string? _publishEnded;

    /// <summary>Whether the close reason carries the publish's summary (<c>UPLINK_FUZZ_VERBOSE=1</c>).</summary>
    public static bool Verbose { get; } = Environment.GetEnvironmentVariable("UPLINK_FUZZ_VERBOSE") == "1";

    /// <summary>The close reason of the next connection, or a finding.</summary>
    public Task<string> Expect()
    {
        lock (_gate)
        {
            _failure = null;
            _publishEnded = null;
            _closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _closed.Task;
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            switch (eventId.Id)
            {
                case Unexpected or PublishHandlerFailed:
                    _failure ??= new FuzzFindingException("server: " + formatter(state, exception), exception ?? new InvalidOperationException("no exception logged"));
                    break;
                case PublishEnded:
                    _publishEnded = formatter(state, exception);
                    break;
                case Closed:
                    string reason = Reason(state) ?? formatter(state, exception);
                    if (Verbose && _publishEnded is not null)
                    {
                        reason += " (" + _publishEnded + ")";
                    }

                    if (_failure is { } failure)
                    {
                        _closed?.TrySetException(failure);
                    }
                    else
                    {
                        _closed?.TrySetResult(reason);
                    }

                    break;
            }
        }
    }

    private static string? Reason<TState>(TState state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> properties)
        {
            foreach (KeyValuePair<string, object?> property in properties)
            {
                if (property.Key == "Reason")
                {
                    return property.Value as string;
                }
            }
        }

        return null;
    }
}
