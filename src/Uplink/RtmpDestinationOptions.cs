using Uplink.Session;

namespace Uplink;

/// <summary>
/// One more server the stream goes to (<see cref="RtmpWriterOptions.Destinations"/>, <see cref="RtmpWriter.AddDestinationAsync"/>).
/// The stream is made once and shared; the settings here are this destination's own — its URL, credentials, TLS, send buffer,
/// live mode and reconnection — and each one left null takes the writer's setting. A destination that stalls, refuses,
/// fails authentication or drops never blocks, slows or fails the others.
/// </summary>
/// <example><code>
/// var options = new RtmpWriterOptions
/// {
///     Url = "rtmp://a.example/live/key-a",
///     Destinations = [new RtmpDestinationOptions { Url = "rtmps://b.example/app/key-b", LiveMode = true, Name = "b" }],
/// };
/// </code></example>
public sealed record RtmpDestinationOptions
{
    /// <summary>The server's URL, with the stream key (see <see cref="RtmpWriterOptions.Url"/>).</summary>
    public required string Url { get; init; }

    /// <summary>How status events, stats and the CLI name this destination; defaults to the URL with its secrets masked
    /// (made unique with "#2", "#3" when two destinations would share a name). Never put a secret here: it is logged.</summary>
    public string? Name { get; init; }

    /// <summary>Credentials for Adobe or Limelight authentication; null takes them from the URL (or none).</summary>
    public RtmpCredentials? Credentials { get; init; }

    /// <summary>TLS settings for an <c>rtmps://</c> URL; null takes the writer's.</summary>
    public RtmpTlsOptions? Tls { get; init; }

    /// <summary>Reconnection; null takes the writer's.</summary>
    public RtmpReconnectOptions? Reconnect { get; init; }

    /// <summary>Live mode (never wait for this destination, drop instead); null takes the writer's.</summary>
    public bool? LiveMode { get; init; }

    /// <summary>Live mode's drop thresholds; null takes the writer's.</summary>
    public RtmpLiveDropPolicy? LiveDropPolicy { get; init; }

    /// <summary>The send buffer in bytes; null takes the writer's. With several destinations each always has a send loop,
    /// so 0 here means <see cref="RtmpWriterOptions.DefaultLiveOutputBufferSize"/>.</summary>
    public int? OutputBufferSize { get; init; }

    /// <summary>Chunk size; null takes the writer's.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Connect timeout; null takes the writer's.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Send timeout: after this long without progress the destination is failed (and reconnected); null takes the writer's.</summary>
    public TimeSpan? SendTimeout { get; init; }

    /// <summary>Close timeout; null takes the writer's.</summary>
    public TimeSpan? CloseTimeout { get; init; }

    /// <summary>This destination's settings as writer options: the writer's, with what is set here in their place.</summary>
    /// <param name="stream">The writer's options.</param>
    /// <param name="shared">Whether the stream has (or may get) several destinations: then every destination has a send loop.</param>
    internal RtmpWriterOptions ApplyTo(RtmpWriterOptions stream, bool shared)
    {
        RtmpWriterOptions options = stream with
        {
            Url = Url,
            Credentials = Credentials,
            Tls = Tls ?? stream.Tls,
            Reconnect = Reconnect ?? stream.Reconnect,
            LiveMode = LiveMode ?? stream.LiveMode,
            LiveDropPolicy = LiveDropPolicy ?? stream.LiveDropPolicy,
            OutputBufferSize = OutputBufferSize ?? stream.OutputBufferSize,
            ChunkSize = ChunkSize ?? stream.ChunkSize,
            ConnectTimeout = ConnectTimeout ?? stream.ConnectTimeout,
            SendTimeout = SendTimeout ?? stream.SendTimeout,
            CloseTimeout = CloseTimeout ?? stream.CloseTimeout,
            Destinations = [],
        };
        return WithCredentialsFromUrl(shared && !options.UsesSendLoop ? options with { OutputBufferSize = RtmpWriterOptions.DefaultLiveOutputBufferSize } : options);
    }

    /// <summary>Credentials in the URL become explicit, so they survive a move to another URL the server asks for.</summary>
    internal static RtmpWriterOptions WithCredentialsFromUrl(RtmpWriterOptions options) =>
        options.Credentials is null && RtmpUrl.Parse(options.Url) is { UserName: { } user } url
            ? options with { Credentials = new RtmpCredentials(user, url.Password ?? "") }
            : options;

    /// <summary>Checks the URL and every setting given here (as the writer's own would be checked).</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names the destination by its masked URL.</exception>
    internal void Validate(RtmpWriterOptions stream)
    {
        if (!RtmpUrl.TryParse(Url, out RtmpUrl? url, out string? error))
        {
            throw new ArgumentException($"Destinations: {error}", nameof(Url));
        }

        try
        {
            ApplyTo(stream, shared: true).Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Destination {Name ?? url.ToString()}: {ex.Message}", ex.ParamName, ex);
        }
    }

    /// <summary>Shows the settings without secrets.</summary>
    public override string ToString()
    {
        string url = RtmpUrl.TryParse(Url, out RtmpUrl? parsed, out _) ? parsed.ToString() : "(invalid URL)";
        return $"RtmpDestinationOptions {{ Url = {url}{(Name is null ? "" : $", Name = {Name}")}{(LiveMode is bool live ? $", LiveMode = {live}" : "")}{(OutputBufferSize is int size ? $", OutputBufferSize = {size}" : "")} }}";
    }
}
