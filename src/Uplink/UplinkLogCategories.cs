using Uplink.Session;

namespace Uplink;

/// <summary>
/// The logger category names the library logs under, for filter rules (per-category minimum levels) in an
/// <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> given as <see cref="RtmpWriterOptions.LoggerFactory"/>.
/// </summary>
public static class UplinkLogCategories
{
    /// <summary>The prefix of every category the library logs under: a rule for it covers them all.</summary>
    public const string Root = "Uplink";

    /// <summary>Connection events, and at Trace every message sent and received and every socket write.</summary>
    public const string Session = RtmpConnector.SessionCategory;

    /// <summary>Every chunk sent, at Trace.</summary>
    public const string Chunks = RtmpConnector.ChunkCategory;
}
