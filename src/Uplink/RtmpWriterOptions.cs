using Microsoft.Extensions.Logging;

namespace Uplink;

/// <summary>
/// Everything the writer is told, as one immutable record; change it with <c>with</c>.
/// Only <see cref="Url"/> is required; every other setting has a working default.
/// </summary>
public sealed record RtmpWriterOptions
{
    /// <summary>The smallest outgoing chunk size (the protocol's default).</summary>
    public const int MinChunkSize = 128;

    /// <summary>The largest outgoing chunk size (what the protocol and Adobe servers accept).</summary>
    public const int MaxChunkSize = 65536;

    /// <summary>The longest <see cref="SendTimeout"/>, in seconds (1 hour).</summary>
    public const int MaxSendTimeoutSeconds = 3600;

    /// <summary>The largest <see cref="OutputBufferSize"/> (1 GiB).</summary>
    public const int MaxOutputBufferSize = 1 << 30;

    /// <summary>The smallest <see cref="OutputPacketSize"/> (1 KiB).</summary>
    public const int MinOutputPacketSize = 1024;

    /// <summary>The largest <see cref="OutputPacketSize"/> (4 MiB).</summary>
    public const int MaxOutputPacketSize = 4 << 20;

    /// <summary>The send buffer live mode uses when <see cref="OutputBufferSize"/> is 0 (8 MiB).</summary>
    public const int DefaultLiveOutputBufferSize = 8 * 1024 * 1024;

    /// <summary>The most destinations one stream may have (<see cref="Url"/> and <see cref="Destinations"/>, and those added while streaming).</summary>
    public const int MaxDestinations = 64;

    /// <summary>Where to publish: <c>rtmp://host[:port]/app[/instance]/stream[?query]</c>, <c>rtmps://…</c>, or <c>rtmp:host/app+stream</c>.</summary>
    public required string Url { get; init; }

    /// <summary>User name and password for servers that authenticate publishers (Adobe/Wowza, Limelight); null to take them from
    /// the URL's <c>user:pass@</c>, if any. The method is chosen from the server's refusal.</summary>
    public RtmpCredentials? Credentials { get; init; }

    /// <summary>
    /// More servers the same stream goes to, besides <see cref="Url"/> (at most <see cref="MaxDestinations"/> in all). The
    /// stream is made once and shared; each destination connects, buffers, drops (in live mode), reconnects and fails on
    /// its own, and a write waits only for healthy destinations not in live mode. With several destinations every one of
    /// them has a send loop, and a write fails only once every destination has failed for good.
    /// </summary>
    public IReadOnlyList<RtmpDestinationOptions> Destinations { get; init; } = [];

    /// <summary>Automatic reconnection (off by default: <c>Attempts = 0</c>).</summary>
    public RtmpReconnectOptions Reconnect { get; init; } = new();

    /// <summary>The clock for reconnection delays; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The video input's media type; null when there is no video. Default: H.264 Annex-B with in-band parameter sets.</summary>
    public VideoMediaType? Video { get; init; } = VideoMediaType.H264AnnexB;

    /// <summary>
    /// Send H.264 in the Enhanced RTMP form (FourCC <c>avc1</c>: SequenceStart, CodedFrames or CodedFramesX, SequenceEnd)
    /// instead of the legacy tag with codec id 7. Off by default: every server reads the legacy tag, while Node-Media-Server
    /// 4.4.3 misfiles the extended one as audio and nginx-rtmp drops it (the publish is refused there, as for HEVC).
    /// </summary>
    public bool EnhancedH264 { get; init; }

    /// <summary>The audio input's media type; null when there is no audio. Default: AAC in ADTS (set null for a video-only stream:
    /// the writer otherwise holds the stream's first <see cref="InterleaveWindow"/> of video waiting for audio, then sends
    /// video as it comes until audio is written).</summary>
    public AudioMediaType? Audio { get; init; } = AudioMediaType.AacAdts;

    /// <summary>
    /// Video tracks beside <see cref="Video"/> (track 0, the default): tracks 1, 2, … in list order, each with its own codec
    /// and media type — a rendition ladder, another camera. They go out as Enhanced RTMP Multitrack packets (the default
    /// track stays in the form every server reads); write them with <see cref="RtmpWriter.WriteVideoAsync(int, ReadOnlyMemory{byte}, TimeSpan, TimeSpan, CancellationToken)"/>.
    /// A server that cannot take Multitrack (nginx-rtmp, or one whose connect answer lacks the capability) is sent the
    /// default tracks only, with a warning. In live mode, congestion drops the highest-bitrate video tracks first. At most 255.
    /// </summary>
    public IReadOnlyList<VideoMediaType> AdditionalVideoTracks { get; init; } = [];

    /// <summary>Audio tracks beside <see cref="Audio"/> (track 0, the default): another language, a commentary (see <see cref="AdditionalVideoTracks"/>).</summary>
    public IReadOnlyList<AudioMediaType> AdditionalAudioTracks { get; init; } = [];

    /// <summary>Outgoing chunk size, sent to the server before <c>connect</c> (<see cref="MinChunkSize"/> to <see cref="MaxChunkSize"/>; default 4096).</summary>
    public int ChunkSize { get; init; } = 4096;

    /// <summary>
    /// The Window Acknowledgement Size we announce: the server acknowledges every this many bytes, and a reconnect replays
    /// from the GOP holding the first frame not acknowledged. Null (the default) sizes it to about a hundredth of a second of
    /// the stream's media, 4 KiB to 2.5 MB, announcing a new size as the measured rate changes; a value fixes it
    /// (4096 to 2147483647).
    /// </summary>
    public uint? WindowAcknowledgementSize { get; init; }

    /// <summary>Time allowed for TCP connect, handshake, <c>connect</c> and <c>publish</c> (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one socket write may take before the connection counts as lost (default 15 s): no write blocks forever on a server that stopped reading.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long closing waits for the server to read what was sent and close its side (default 3 s). Also how long
    /// <see cref="RtmpWriter.DisconnectAsync"/> waits, while the connection is being restored, for it to come back so
    /// the backlog is delivered; past that it stops trying and says what was not delivered.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How <c>rtmps://</c> checks the server's certificate (system roots by default; a private CA; or an explicit opt-out).</summary>
    public RtmpTlsOptions Tls { get; init; } = new();

    /// <summary>Set TCP_NODELAY (disable Nagle's algorithm). Default on.</summary>
    public bool TcpNoDelay { get; init; } = true;

    /// <summary>Socket send buffer size in bytes; 0 leaves the system default.</summary>
    public int SocketSendBufferSize { get; init; }

    /// <summary>
    /// The application-level send buffer, in bytes of media not yet sent. 0 (the default) sends
    /// on the caller's thread: a write returns once its bytes are in the socket. Above 0, one send loop owns the socket and a
    /// write only queues; when the buffer is full a write waits for room (backpressure) up to <see cref="SendTimeout"/>, or,
    /// in <see cref="LiveMode"/>, never waits and frames are dropped by <see cref="LiveDropPolicy"/>. At most <see cref="MaxOutputBufferSize"/>.
    /// </summary>
    public int OutputBufferSize { get; init; }

    /// <summary>Bytes per socket write: chunks are coalesced up to this size before they are handed to the socket (default 64 KiB; <see cref="MinOutputPacketSize"/> to <see cref="MaxOutputPacketSize"/>).</summary>
    public int OutputPacketSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Live mode: a write never blocks. Frames wait in the send buffer (<see cref="OutputBufferSize"/>, or
    /// <see cref="DefaultLiveOutputBufferSize"/> when that is 0) for the send loop; under congestion they are dropped by
    /// <see cref="LiveDropPolicy"/> and counted. Off by default: writes wait for the network instead, nothing is dropped.
    /// A reconnect's backlog is not subject to it: what was written while reconnecting goes out in full. Live mode paces
    /// nothing: frames written faster than real time (a file read as fast as it goes) count as media waiting and are
    /// dropped as congestion would be — write at the frames' timestamps (<c>PublishAsync</c> does). The first drop is
    /// logged as a warning.
    /// </summary>
    public bool LiveMode { get; init; }

    /// <summary>When live mode drops what (OBS's defaults: non-reference frames past 700 ms buffered, inter frames past 900 ms).</summary>
    public RtmpLiveDropPolicy LiveDropPolicy { get; init; } = new();

    /// <summary>Whether a send loop owns the socket (an output buffer, or live mode).</summary>
    internal bool UsesSendLoop => OutputBufferSize > 0 || LiveMode;

    /// <summary>The send buffer's bound in bytes when a send loop is used.</summary>
    internal long EffectiveOutputBufferSize => OutputBufferSize > 0 ? OutputBufferSize : DefaultLiveOutputBufferSize;

    /// <summary>
    /// How far one track may run ahead of the other while the writer waits to interleave them by timestamp
    /// (default 1 s). A track silent for longer no longer holds the other back, until it writes again.
    /// </summary>
    public TimeSpan InterleaveWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>flashVer</c> sent in <c>connect</c>; null for <c>FMLE/3.0 (compatible; Uplink/VERSION)</c>.</summary>
    public string? FlashVersion { get; init; }

    /// <summary>Optional <c>swfUrl</c> sent in <c>connect</c>.</summary>
    public string? SwfUrl { get; init; }

    /// <summary>Optional <c>pageUrl</c> sent in <c>connect</c>.</summary>
    public string? PageUrl { get; init; }

    /// <summary>Use the Flash Player 9 handshake (a digest-signed C1, as FFmpeg sends) for servers that demand it. Default off: the simple handshake, which every server we test accepts.</summary>
    public bool DigestHandshake { get; init; }

    /// <summary>Extra properties for the <c>connect</c> command object (like FFmpeg's <c>-rtmp_conn</c>), after the standard
    /// ones; a name that is already there replaces it. Values: string, number, bool, null, or nested <c>IEnumerable&lt;KeyValuePair&lt;string, object?&gt;&gt;</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>>? ConnectProperties { get; init; }

    /// <summary>Video data rate for <c>onMetaData</c> in kbit/s, when the caller knows it.</summary>
    public double? VideoDataRate { get; init; }

    /// <summary>Audio data rate for <c>onMetaData</c> in kbit/s, when the caller knows it.</summary>
    public double? AudioDataRate { get; init; }

    /// <summary>
    /// Timecode in the stream: an <c>onFI</c> data message (date, time, optionally SMPTE timecode) at an interval of
    /// media time, as Flash Media Live Encoder sends it. Null (the default) sends none.
    /// </summary>
    public RtmpTimecodeOptions? Timecode { get; init; }

    /// <summary>
    /// Whether video frames may be reordered (B-frames: PTS differs from DTS). Default true. When the host promises it
    /// will not produce B-frames, set false: a video frame whose PTS differs from its DTS is then refused by
    /// <see cref="RtmpWriter.WriteVideoAsync(ReadOnlyMemory{byte}, TimeSpan, TimeSpan, CancellationToken)"/> with an
    /// <see cref="ArgumentException"/> naming the frame's number and both times; nothing of that frame is sent and the
    /// writer stays usable.
    /// </summary>
    public bool AllowBFrames { get; init; } = true;

    /// <summary>Called (off the I/O path, in order) on every status change, like the event. A throwing callback is logged and ignored.</summary>
    public Action<RtmpWriterStatusChangedEventArgs>? OnStatusChanged { get; init; }

    /// <summary>Where the writer logs; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks every setting, throwing <see cref="ArgumentException"/> naming the setting and its allowed range.</summary>
    public void Validate()
    {
        if (!RtmpUrl.TryParse(Url, out _, out string? error))
        {
            throw new ArgumentException($"{nameof(Url)}: {error}", nameof(Url));
        }

        if (ChunkSize is < MinChunkSize or > MaxChunkSize)
        {
            throw new ArgumentException($"{nameof(ChunkSize)} must be {MinChunkSize} to {MaxChunkSize}, got {ChunkSize}.", nameof(ChunkSize));
        }

        if (WindowAcknowledgementSize is < 4096 or > 0x7FFFFFFF)
        {
            throw new ArgumentException($"{nameof(WindowAcknowledgementSize)} must be 4096 to 2147483647, got {WindowAcknowledgementSize}.", nameof(WindowAcknowledgementSize));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ConnectTimeout)} must be positive.", nameof(ConnectTimeout));
        }

        if (SendTimeout <= TimeSpan.Zero || SendTimeout > TimeSpan.FromSeconds(MaxSendTimeoutSeconds))
        {
            throw new ArgumentException($"{nameof(SendTimeout)} must be more than 0 and at most 1 hour, got {SendTimeout}.", nameof(SendTimeout));
        }

        if (CloseTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(CloseTimeout)} must not be negative.", nameof(CloseTimeout));
        }

        if (InterleaveWindow < TimeSpan.Zero || InterleaveWindow > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentException($"{nameof(InterleaveWindow)} must be 0 to 60 s, got {InterleaveWindow}.", nameof(InterleaveWindow));
        }

        if (SocketSendBufferSize < 0)
        {
            throw new ArgumentException($"{nameof(SocketSendBufferSize)} must not be negative.", nameof(SocketSendBufferSize));
        }

        if (OutputBufferSize is < 0 or > MaxOutputBufferSize)
        {
            throw new ArgumentException($"{nameof(OutputBufferSize)} must be 0 (no buffer) to {MaxOutputBufferSize} bytes, got {OutputBufferSize}.", nameof(OutputBufferSize));
        }

        if (OutputPacketSize is < MinOutputPacketSize or > MaxOutputPacketSize)
        {
            throw new ArgumentException($"{nameof(OutputPacketSize)} must be {MinOutputPacketSize} to {MaxOutputPacketSize} bytes, got {OutputPacketSize}.", nameof(OutputPacketSize));
        }

        if (LiveDropPolicy is null || LiveDropPolicy.DisposableFrames <= TimeSpan.Zero || LiveDropPolicy.InterFrames < LiveDropPolicy.DisposableFrames)
        {
            throw new ArgumentException($"{nameof(LiveDropPolicy)}: DisposableFrames must be positive and InterFrames at least as long.", nameof(LiveDropPolicy));
        }

        if (Reconnect.Attempts < 0 || Reconnect.Delay < TimeSpan.Zero || Reconnect.BufferSize < 0)
        {
            throw new ArgumentException($"{nameof(Reconnect)}: Attempts, Delay and BufferSize must not be negative.", nameof(Reconnect));
        }

        Timecode?.Validate();

        if (Video is null && Audio is null)
        {
            throw new ArgumentException("At least one of Video and Audio must be set.", nameof(Video));
        }

        if (Destinations is null || Destinations.Count + 1 > MaxDestinations)
        {
            throw new ArgumentException($"{nameof(Destinations)} must be a list of at most {MaxDestinations - 1} destinations (an empty list for none), got {Destinations?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.", nameof(Destinations));
        }

        for (int i = 0; i < Destinations.Count; i++)
        {
            (Destinations[i] ?? throw new ArgumentException($"{nameof(Destinations)}[{i}] is null.", nameof(Destinations))).Validate(this);
        }

        ValidateTracks(AdditionalVideoTracks, Video is not null, nameof(AdditionalVideoTracks), nameof(Video));
        ValidateTracks(AdditionalAudioTracks, Audio is not null, nameof(AdditionalAudioTracks), nameof(Audio));
    }

    private static void ValidateTracks<T>(IReadOnlyList<T>? tracks, bool hasDefault, string name, string defaultName)
        where T : class
    {
        if (tracks is null)
        {
            throw new ArgumentException($"{name} must not be null (an empty list for none).", name);
        }

        if (tracks.Count > 0 && !hasDefault)
        {
            throw new ArgumentException($"{name} needs {defaultName} set: track 0 is the default track, which every server is sent.", name);
        }

        if (tracks.Count > byte.MaxValue)
        {
            throw new ArgumentException($"{name} holds {tracks.Count} tracks; Enhanced RTMP track ids go up to 255.", name);
        }

        for (int i = 0; i < tracks.Count; i++)
        {
            if (tracks[i] is null)
            {
                throw new ArgumentException($"{name}[{i}] (track {i + 1}) is null.", name);
            }
        }
    }

    /// <summary>Shows the settings without secrets (the URL's password and stream name are masked).</summary>
    public override string ToString()
    {
        string url = RtmpUrl.TryParse(Url, out RtmpUrl? parsed, out _) ? parsed.ToString() : "(invalid URL)";
        return $"RtmpWriterOptions {{ Url = {url}, Video = {Video?.ToString() ?? "none"}, Audio = {Audio?.ToString() ?? "none"}, {(AdditionalVideoTracks.Count + AdditionalAudioTracks.Count > 0 ? $"AdditionalVideoTracks = {AdditionalVideoTracks.Count}, AdditionalAudioTracks = {AdditionalAudioTracks.Count}, " : "")}{(Destinations.Count > 0 ? $"Destinations = {Destinations.Count}, " : "")}ChunkSize = {ChunkSize}, TcpNoDelay = {TcpNoDelay}, OutputBufferSize = {OutputBufferSize}, LiveMode = {LiveMode} }}";
    }
}
