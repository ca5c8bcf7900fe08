namespace Uplink.Cli;

/// <summary>The parsed <c>uplink publish</c> command line.</summary>
internal sealed record PublishSettings(
    string Input,
    string Url,
    bool Realtime,
    int Loop,
    int ChunkSize,
    bool Json,
    bool Verbose,
    TimeSpan ConnectTimeout);
