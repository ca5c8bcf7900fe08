namespace Uplink.Cli;

/// <summary>
/// Where <c>uplink publish</c> sends the stream: the command line's URLs, then the config file's destinations (none:
/// the embedded server). The first is the writer's <see cref="RtmpWriterOptions.Url"/>, the rest its
/// <see cref="RtmpWriterOptions.Destinations"/>, each with every setting spelled out — the flags', or its own from the
/// file — so the first destination's own settings, which become the writer's, never leak into the others.
/// </summary>
internal sealed class PublishTargets
{
    private readonly PublishSettings _settings;

    private PublishTargets(PublishSettings settings, IReadOnlyList<DestinationSetting> all)
    {
        _settings = settings;
        All = all;
    }

    /// <summary>Every destination, the command line's first; empty for the embedded server.</summary>
    public IReadOnlyList<DestinationSetting> All { get; }

    /// <summary>Whether the stream goes to more than one server.</summary>
    public bool Several => All.Count > 1;

    /// <summary>Collects and checks the destinations.</summary>
    /// <exception cref="InputException">A URL is invalid (named by its position and masked form), or there are too many.</exception>
    public static PublishTargets Create(PublishSettings settings)
    {
        List<DestinationSetting> all = [.. settings.Urls.Select(u => new DestinationSetting(u)), .. settings.FileDestinations ?? []];
        for (int i = 0; i < all.Count; i++)
        {
            if (!RtmpUrl.TryParse(all[i].Url, out _, out string? error))
            {
                string which = all.Count == 1 ? "" : $"URL {i + 1} of {all.Count}: ";
                throw new InputException($"{which}{DestinationSetting.Mask(all[i].Url)}: {error}");
            }
        }

        if (all.Count > RtmpWriterOptions.MaxDestinations)
        {
            throw new InputException($"{all.Count} destinations: at most {RtmpWriterOptions.MaxDestinations}");
        }

        return new PublishTargets(settings, all);
    }

    /// <summary>The writer's options with the first destination's own settings in place (after <paramref name="output"/> warnings).</summary>
    public RtmpWriterOptions ApplyFirst(RtmpWriterOptions options, CommandOutput output)
    {
        DestinationSetting first = All[0];
        if (first.Name is not null)
        {
            output.Warn($"the first destination is named by its URL ({first.MaskedUrl}); its Name '{first.Name}' is not used");
        }

        return options with
        {
            Url = first.Url,
            LiveMode = first.Live ?? options.LiveMode,
            Reconnect = Reconnect(first),
            OutputBufferSize = first.BufferSize ?? options.OutputBufferSize,
            ChunkSize = first.ChunkSize ?? options.ChunkSize,
            SendTimeout = first.SendTimeout is double send ? TimeSpan.FromSeconds(send) : options.SendTimeout,
            ConnectTimeout = first.ConnectTimeout is double connect ? TimeSpan.FromSeconds(connect) : options.ConnectTimeout,
        };
    }

    /// <summary>The other destinations, each with every setting given: its own, else the flag's.</summary>
    public IReadOnlyList<RtmpDestinationOptions> Others(ConnectionArguments connection) =>
    [
        .. All.Skip(1).Select(d => new RtmpDestinationOptions
        {
            Url = d.Url,
            Name = d.Name,
            Credentials = connection.User is null ? null : connection.CredentialsFor(RtmpUrl.Parse(d.Url)),
            LiveMode = d.Live ?? _settings.Live,
            Reconnect = Reconnect(d),
            OutputBufferSize = d.BufferSize ?? _settings.BufferSize,
            ChunkSize = d.ChunkSize ?? _settings.ChunkSize,
            SendTimeout = TimeSpan.FromSeconds(d.SendTimeout ?? _settings.SendTimeoutSeconds),
            ConnectTimeout = d.ConnectTimeout is double connect ? TimeSpan.FromSeconds(connect) : connection.ConnectTimeout,
        }),
    ];

    private RtmpReconnectOptions Reconnect(DestinationSetting d) =>
        new(d.ReconnectAttempts ?? _settings.ReconnectAttempts, TimeSpan.FromSeconds(d.ReconnectDelay ?? _settings.ReconnectDelaySeconds)) { RetryFirstConnect = _settings.WaitForServer };
}
