using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Uplink.Cli;

/// <summary>
/// Log lines to a file or stderr: <c>2026-11-24T12:00:00.123Z INFO  Uplink.Session[1001] Connected to …</c>, one per
/// event, exceptions on the lines after. Buffered; flushed at warnings and errors and when disposed. Thread-safe.
/// What the library logs never holds a secret (URLs and server descriptions are redacted before they are logged).
/// </summary>
internal sealed class TextLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly Lock _lock = new();
    private bool _disposed;

    public TextLoggerProvider(TextWriter writer, bool ownsWriter)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    /// <summary>Appends to <paramref name="path"/> (made if missing).</summary>
    /// <exception cref="InputException">The file cannot be opened (the message names it and why).</exception>
    public static TextLoggerProvider OpenFile(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
            return new TextLoggerProvider(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)), ownsWriter: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"--log-file {path}: {ex.Message}");
        }
    }

    public ILogger CreateLogger(string categoryName) => new TextLogger(this, categoryName);

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Flush();
            if (_ownsWriter)
            {
                _writer.Dispose();
            }
        }
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Name(level)} {category}[{eventId.Id}] {message.ReplaceLineEndings(" ")}");
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _writer.WriteLine(line);
            if (exception is not null)
            {
                _writer.WriteLine("    " + exception.ToString().ReplaceLineEndings(Environment.NewLine + "    "));
            }

            if (level >= LogLevel.Warning)
            {
                _writer.Flush();
            }
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "CRIT ",
    };

    private sealed class TextLogger(TextLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The factory's filters decide; a logger asked directly is on.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
