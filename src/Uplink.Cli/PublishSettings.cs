namespace Uplink.Cli;

/// <summary>The parsed <c>uplink publish</c> command line.</summary>
internal sealed record PublishSettings(
    string Input,
    string? Url,
    string? Audio,
    double? FrameRate,
    bool Realtime,
    int Loop,
    int ChunkSize,
    bool Json,
    bool Verbose,
    TimeSpan ConnectTimeout,
    string? TlsCaFile = null,
    bool TlsInsecure = false,
    string? User = null,
    string? Password = null,
    string? Record = null,
    bool DigestHandshake = false,
    string? FlashVersion = null,
    IReadOnlyList<string>? ConnectArguments = null);
