using Microsoft.Extensions.Logging;

namespace Uplink.Cli;

/// <summary>
/// <c>--trace 0..9</c> and <c>--log-file</c> (or <c>UPLINK_TRACE</c>, <c>UPLINK_LOG_FILE</c>): the portable form of the
/// original filter's TRACE and LogToFile registry values, as per-category minimum levels of
/// Microsoft.Extensions.Logging.
/// <list type="table">
/// <item><term>0</term><description>errors only</description></item>
/// <item><term>1</term><description>and warnings (dropped frames, failed reconnection attempts)</description></item>
/// <item><term>2</term><description>and connection life: connecting, connected, publishing, status changes, server statuses (the default with a log file)</description></item>
/// <item><term>3</term><description>and the publish statistics every 10 s</description></item>
/// <item><term>4–5</term><description>and protocol details: sequence headers, the server's chunk size and window, ignored commands (4: the writer, 5: the connection too)</description></item>
/// <item><term>6</term><description>and the writer's every step (Trace)</description></item>
/// <item><term>7–8</term><description>and every message sent and received, every socket write (<c>Uplink.Session</c> at Trace)</description></item>
/// <item><term>9</term><description>and every chunk (<c>Uplink.Chunks</c> at Trace)</description></item>
/// </list>
/// Levels 0–3 log nothing per frame, so they cost nothing on the write path.
/// </summary>
internal static class TraceLogging
{
    /// <summary>The trace level used when a log file is given without one.</summary>
    public const int DefaultLevel = 2;

    /// <summary>The CLI's own log category (statistics, input warnings).</summary>
    public const string CliCategory = "Uplink.Cli";

    /// <summary>A logger factory for the trace level writing to <paramref name="logFile"/> (or stderr); null when neither is asked for.</summary>
    public static ILoggerFactory? Create(int? trace, string? logFile, TextWriter stderr)
    {
        if (trace is null && logFile is null)
        {
            return null;
        }

        int level = trace ?? DefaultLevel;
        ILoggerProvider provider = logFile is null ? new TextLoggerProvider(stderr, ownsWriter: false) : TextLoggerProvider.OpenFile(logFile);
        var filters = new LoggerFilterOptions { MinLevel = LogLevel.None };
        // "Uplink" covers the writer, the server and the CLI's own category; the session and chunk rules are narrower.
        filters.Rules.Add(new LoggerFilterRule(null, UplinkLogCategories.Root, MinimumFor(level, debugFrom: 4, traceFrom: 6), null));
        filters.Rules.Add(new LoggerFilterRule(null, UplinkLogCategories.Session, MinimumFor(level, debugFrom: 5, traceFrom: 7), null));
        filters.Rules.Add(new LoggerFilterRule(null, UplinkLogCategories.Chunks, level >= 9 ? LogLevel.Trace : LogLevel.None, null));
        var factory = new LoggerFactory([], filters);

        // Added to the factory itself (not through a builder), so disposing the factory flushes and closes the file.
        factory.AddProvider(provider);
        return factory;
    }

    /// <summary>0 → Error, 1 → Warning, 2–3 → Information, then Debug from <paramref name="debugFrom"/> and Trace from <paramref name="traceFrom"/>.</summary>
    private static LogLevel MinimumFor(int level, int debugFrom, int traceFrom) => level switch
    {
        0 => LogLevel.Error,
        1 => LogLevel.Warning,
        _ when level >= traceFrom => LogLevel.Trace,
        _ when level >= debugFrom => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}
