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
    ConnectionArguments Connection,
    string? Record = null,
    int ReconnectAttempts = 5,
    double ReconnectDelaySeconds = 2,
    double SendTimeoutSeconds = 15,
    bool NoTcpNoDelay = false,
    int SocketBuffer = 0,
    int BufferSize = 4 * 1024 * 1024,
    int PacketSize = 64 * 1024,
    bool Live = false,
    double? TimecodeSeconds = null,
    bool SmpteTimecode = false,
    bool NoBFrames = false,
    bool Quiet = false,
    bool WaitForServer = false,
    bool EnhancedH264 = false);
