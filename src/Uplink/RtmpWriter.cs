using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Uplink.Destinations;
using Uplink.Flv;
using Uplink.Status;
using Uplink.Streaming;

namespace Uplink;

/// <summary>
/// Publishes video and audio (H.264, HEVC, AV1, VP9; AAC, Opus, FLAC, AC-3, E-AC-3, MP3) as a live RTMP stream, one
/// track of each kind or several (Enhanced RTMP Multitrack: <see cref="RtmpWriterOptions.AdditionalVideoTracks"/>). Connect first (the connection test) or let the
/// first write connect; write access units and audio frames from one or two threads; disconnect to end the
/// stream cleanly. What reaches the server is interleaved by timestamp; each track's DTS must not go backwards.
/// </summary>
/// <example>
/// <code>
/// await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/demo" });
/// writer.StatusChanged += (_, e) => Console.WriteLine(e.Status);
/// await writer.ConnectAsync();
/// await writer.WriteVideoAsync(accessUnit, dts, pts);
/// await writer.WriteAudioAsync(adtsFrame, pts);
/// await writer.DisconnectAsync();
/// </code>
/// </example>
/// <remarks>
/// A facade over a stream and its destination: the <c>MediaStream</c> turns writes into messages once, the
/// <c>RtmpDestination</c> carries them to the server and keeps the connection alive, and a
/// <c>StatusReporter</c> raises what happens. One write lock orders every call.
/// </remarks>
public sealed class RtmpWriter : IAsyncDisposable
{
    private readonly RtmpWriterOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly MediaStream _stream;
    private readonly DestinationSet _destinations;
    private readonly StatusReporter _status;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Creates a writer; nothing connects until <see cref="ConnectAsync"/> or the first write.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it and the allowed range).</exception>
    public RtmpWriter(RtmpWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = RtmpDestinationOptions.WithCredentialsFromUrl(options);
        _logger = options.LoggerFactory?.CreateLogger("Uplink.RtmpWriter") ?? NullLogger.Instance;
        _status = new StatusReporter(this, _options.OnStatusChanged, _logger);
        _stream = new MediaStream(_options, _logger);
        _destinations = new DestinationSet(_options, _stream, _status, _logger);
        _stream.Attach(_destinations);
        UplinkMetrics.Track(this);
    }

    /// <summary>Raised (off the I/O path, in order) when the connection state changes. A throwing handler is logged and ignored.</summary>
    public event EventHandler<RtmpWriterStatusChangedEventArgs>? StatusChanged
    {
        add => _status.StatusChanged += value;
        remove => _status.StatusChanged -= value;
    }

    /// <summary>Raised for every <c>onStatus</c> the server sends (level, code, description).</summary>
    public event EventHandler<RtmpServerStatus>? ServerStatusReceived
    {
        add => _status.ServerStatusReceived += value;
        remove => _status.ServerStatusReceived -= value;
    }

    /// <summary>The current connection state.</summary>
    public RtmpWriterStatus Status => _status.Current;

    /// <summary>Raised (off the I/O path, in order) when one destination's connection state changes;
    /// <see cref="RtmpWriterStatusChangedEventArgs.Destination"/> names it. A throwing handler is logged and ignored.</summary>
    public event EventHandler<RtmpWriterStatusChangedEventArgs>? DestinationStatusChanged
    {
        add => _status.DestinationStatusChanged += value;
        remove => _status.DestinationStatusChanged -= value;
    }

    /// <summary>What the server said about itself when the current (or last) connection was made; null before connecting.
    /// With several destinations, the first one still taking the stream.</summary>
    public RtmpServerInfo? ServerInfo => _destinations.Primary.ServerInfo;

    /// <summary>The stream's destinations (<see cref="RtmpWriterOptions.Url"/> first, then <see cref="RtmpWriterOptions.Destinations"/>
    /// and those added since), the failed ones included; a snapshot.</summary>
    public IReadOnlyList<RtmpWriterDestination> Destinations => [.. _destinations.All.Select(d => new RtmpWriterDestination(d, _stream))];

    /// <summary>The options this writer was made with.</summary>
    public RtmpWriterOptions Options => _options;

    /// <summary>
    /// Connects and starts publishing: TCP, handshake, <c>connect</c>, <c>createStream</c>, <c>publish</c>.
    /// Returns once the server said <c>NetStream.Publish.Start</c>. Calling it while connected does nothing.
    /// </summary>
    /// <exception cref="RtmpException">The server is unreachable, or refused the connection or the stream.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await _destinations.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one video frame: an H.264 or HEVC access unit (all NAL units of one picture), an AV1 temporal unit, a VP9 frame or superframe.</summary>
    /// <param name="accessUnit">In the form the video media type declares: Annex-B or length-prefixed NAL units (H.264, HEVC), low-overhead OBUs (AV1), a VP9 frame.</param>
    /// <param name="decodeTime">Decode timestamp (DTS); must not go backwards.</param>
    /// <param name="presentationTime">Presentation timestamp (PTS); differs from DTS when B-frames reorder pictures.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    /// <exception cref="ArgumentException">The access unit is empty, the DTS went backwards, PTS is before DTS, PTS − DTS does not
    /// fit the composition offset, or PTS differs from DTS while <see cref="RtmpWriterOptions.AllowBFrames"/> is false (nothing
    /// of the frame is sent; the writer stays usable).</exception>
    /// <exception cref="InvalidDataException">The access unit is malformed or not in the form the video media type declares (the
    /// message names the frame).</exception>
    /// <exception cref="NotSupportedException">The frame is valid for its codec but RTMP cannot describe it (a VP9 4:4:0 key
    /// frame; the message names the frame).</exception>
    /// <exception cref="RtmpException">The connection failed or was lost.</exception>
    public ValueTask WriteVideoAsync(ReadOnlyMemory<byte> accessUnit, TimeSpan decodeTime, TimeSpan presentationTime, CancellationToken cancellationToken = default)
    {
        VideoTagBuilder video = _stream.Video ?? throw new InvalidOperationException("This writer has no video input (RtmpWriterOptions.Video is null).");
        return WriteVideoCoreAsync(video, accessUnit, decodeTime, presentationTime, cancellationToken);
    }

    /// <summary>Writes one video frame to video track <paramref name="track"/> (0, <see cref="RtmpWriterOptions.Video"/>; 1 and up, <see cref="RtmpWriterOptions.AdditionalVideoTracks"/>).</summary>
    /// <param name="track">The track: its DTS order, configuration and keyframes are its own.</param>
    /// <param name="accessUnit">In the form the track's media type declares.</param>
    /// <param name="decodeTime">Decode timestamp (DTS); must not go backwards within the track.</param>
    /// <param name="presentationTime">Presentation timestamp (PTS).</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    /// <exception cref="ArgumentOutOfRangeException">The writer has no such video track.</exception>
    public ValueTask WriteVideoAsync(int track, ReadOnlyMemory<byte> accessUnit, TimeSpan decodeTime, TimeSpan presentationTime, CancellationToken cancellationToken = default) =>
        WriteVideoCoreAsync(_stream.VideoTrack(track), accessUnit, decodeTime, presentationTime, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteVideoCoreAsync(VideoTagBuilder video, ReadOnlyMemory<byte> accessUnit, TimeSpan decodeTime, TimeSpan presentationTime, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            bool keyframe = _stream.BeginVideo(video, accessUnit.Span, decodeTime, presentationTime);
            try
            {
                if (keyframe)
                {
                    await _destinations.BeforeKeyframeAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                _stream.AbandonVideo();
                throw;
            }

            _stream.CommitVideo(video, decodeTime);
            _stream.Flush(drain: false);
            await _destinations.SendAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one video frame whose presentation time equals its decode time (no B-frames).</summary>
    public ValueTask WriteVideoAsync(ReadOnlyMemory<byte> accessUnit, TimeSpan timestamp, CancellationToken cancellationToken = default)
        => WriteVideoAsync(accessUnit, timestamp, timestamp, cancellationToken);

    /// <summary>Writes one video frame to video track <paramref name="track"/>, its presentation time equal to its decode time (no B-frames).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The writer has no such video track.</exception>
    public ValueTask WriteVideoAsync(int track, ReadOnlyMemory<byte> accessUnit, TimeSpan timestamp, CancellationToken cancellationToken = default)
        => WriteVideoAsync(track, accessUnit, timestamp, timestamp, cancellationToken);

    /// <summary>Writes audio: one frame (raw AAC, Opus, FLAC), or one or more self-delimiting frames (ADTS, AC-3, E-AC-3, MP3), each sent as its own message.</summary>
    /// <param name="frame">In the form the audio media type declares.</param>
    /// <param name="timestamp">Presentation time of the (first) frame; must not go backwards.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    public ValueTask WriteAudioAsync(ReadOnlyMemory<byte> frame, TimeSpan timestamp, CancellationToken cancellationToken = default)
    {
        AudioTagBuilder audio = _stream.Audio ?? throw new InvalidOperationException("This writer has no audio input (RtmpWriterOptions.Audio is null).");
        return WriteAudioCoreAsync(audio, frame, timestamp, cancellationToken);
    }

    /// <summary>Writes audio to audio track <paramref name="track"/> (0, <see cref="RtmpWriterOptions.Audio"/>; 1 and up, <see cref="RtmpWriterOptions.AdditionalAudioTracks"/>).</summary>
    /// <param name="track">The track: its timestamp order and configuration are its own.</param>
    /// <param name="frame">In the form the track's media type declares.</param>
    /// <param name="timestamp">Presentation time of the (first) frame; must not go backwards within the track.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    /// <exception cref="ArgumentOutOfRangeException">The writer has no such audio track.</exception>
    public ValueTask WriteAudioAsync(int track, ReadOnlyMemory<byte> frame, TimeSpan timestamp, CancellationToken cancellationToken = default) =>
        WriteAudioCoreAsync(_stream.AudioTrack(track), frame, timestamp, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAudioCoreAsync(AudioTagBuilder audio, ReadOnlyMemory<byte> frame, TimeSpan timestamp, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            _stream.CheckAudioOrder(audio, frame.Span, timestamp);
            if (_stream.Video is null)
            {
                // Audio alone: every frame is a place to follow a server's ReconnectRequest.
                await _destinations.BeforeKeyframeAsync(cancellationToken).ConfigureAwait(false);
            }

            _stream.WriteAudio(audio, frame.Span, timestamp);
            _stream.Flush(drain: false);
            await _destinations.SendAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the stream cleanly: sends what is still queued, then <c>FCUnpublish</c>, <c>deleteStream</c>, and closes
    /// so the server reads everything. Later writes fail until <see cref="ConnectAsync"/> is called again. While the
    /// connection is being restored, it first waits up to <see cref="RtmpWriterOptions.CloseTimeout"/> for it, so what was
    /// written meanwhile is delivered too.
    /// </summary>
    /// <exception cref="RtmpException">The connection did not come back in time: the reconnection is stopped and the
    /// message says how many bytes and frames were not delivered (the status change says the same).</exception>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EndAsync("disconnected by the caller", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Replaces the video configuration record (avcC, hvcC, av1C, vpcC) mid-stream; a new sequence header goes out before the next frame.</summary>
    public ValueTask SetVideoConfigurationAsync(ReadOnlyMemory<byte> decoderConfigurationRecord, CancellationToken cancellationToken = default)
    {
        VideoTagBuilder video = _stream.Video ?? throw new InvalidOperationException("This writer has no video input (RtmpWriterOptions.Video is null).");
        return SetVideoConfigurationCoreAsync(video, decoderConfigurationRecord, cancellationToken);
    }

    /// <summary>Replaces video track <paramref name="track"/>'s configuration record mid-stream (see <see cref="SetVideoConfigurationAsync(ReadOnlyMemory{byte}, CancellationToken)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The writer has no such video track.</exception>
    public ValueTask SetVideoConfigurationAsync(int track, ReadOnlyMemory<byte> decoderConfigurationRecord, CancellationToken cancellationToken = default) =>
        SetVideoConfigurationCoreAsync(_stream.VideoTrack(track), decoderConfigurationRecord, cancellationToken);

    private async ValueTask SetVideoConfigurationCoreAsync(VideoTagBuilder video, ReadOnlyMemory<byte> decoderConfigurationRecord, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            video.SetConfiguration(decoderConfigurationRecord.Span);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Replaces the audio configuration (AAC AudioSpecificConfig, OpusHead, FLAC STREAMINFO) mid-stream; a new sequence header goes out before the next frame.</summary>
    public ValueTask SetAudioConfigurationAsync(ReadOnlyMemory<byte> audioSpecificConfig, CancellationToken cancellationToken = default)
    {
        AudioTagBuilder audio = _stream.Audio ?? throw new InvalidOperationException("This writer has no audio input (RtmpWriterOptions.Audio is null).");
        return SetAudioConfigurationCoreAsync(audio, audioSpecificConfig, cancellationToken);
    }

    /// <summary>Replaces audio track <paramref name="track"/>'s configuration mid-stream (see <see cref="SetAudioConfigurationAsync(ReadOnlyMemory{byte}, CancellationToken)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The writer has no such audio track.</exception>
    public ValueTask SetAudioConfigurationAsync(int track, ReadOnlyMemory<byte> audioSpecificConfig, CancellationToken cancellationToken = default) =>
        SetAudioConfigurationCoreAsync(_stream.AudioTrack(track), audioSpecificConfig, cancellationToken);

    private async ValueTask SetAudioConfigurationCoreAsync(AudioTagBuilder audio, ReadOnlyMemory<byte> audioSpecificConfig, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            audio.SetConfiguration(audioSpecificConfig.Span);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Adds a destination to the stream: connects and publishes to it (while the stream goes on), then sends it the
    /// stream from the next keyframe of each video track, after onMetaData and the sequence headers.
    /// </summary>
    /// <returns>The destination, for its status and stats.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="RtmpException">It could not connect; it was not added and the stream goes on without it.</exception>
    /// <exception cref="InvalidOperationException">The stream has <see cref="RtmpWriterOptions.MaxDestinations"/> destinations.</exception>
    public async Task<RtmpWriterDestination> AddDestinationAsync(RtmpDestinationOptions destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Validate(_options);
        RtmpDestination added;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            added = _destinations.Create(destination, joinsMidStream: true);
        }
        finally
        {
            _writeLock.Release();
        }

        // Connecting takes as long as the server does: the stream goes on meanwhile (the write lock is not held).
        await added.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                _destinations.Join(added);
                return new RtmpWriterDestination(added, _stream);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        await CloseAloneAsync(added, "writer disposed").ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(RtmpWriter));
    }

    /// <summary>
    /// Takes a destination out of the stream: it gets nothing more, sends what it holds, unpublishes and closes; the
    /// others go on untouched.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is the stream's last destination (end the stream with <see cref="DisconnectAsync"/>).</exception>
    /// <exception cref="ArgumentException">It is not one of this writer's destinations.</exception>
    public async Task RemoveDestinationAsync(RtmpWriterDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_destinations.All.Count == 1 && _destinations.All[0] == destination.Inner)
            {
                throw new InvalidOperationException("This is the stream's last destination: end the stream with DisconnectAsync.");
            }

            if (!_destinations.Leave(destination.Inner))
            {
                throw new ArgumentException($"{destination.Name} is not one of this writer's destinations.", nameof(destination));
            }
        }
        finally
        {
            _writeLock.Release();
        }

        await CloseAloneAsync(destination.Inner, "removed from the stream").ConfigureAwait(false);
    }

    /// <summary>Ends a destination that is no longer part of the stream (outside the write lock: it waits for its server).</summary>
    private static async Task CloseAloneAsync(RtmpDestination destination, string reason)
    {
        try
        {
            await destination.DisconnectAsync(reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RtmpException)
        {
            // Its Failure and status say so; the stream is not concerned.
        }

        await destination.CloseAsync().ConfigureAwait(false);
        await destination.WaitClosedAsync().ConfigureAwait(false);
    }

    /// <summary>Before a write (under the write lock): the destinations start on the first one; once every one failed, so does the write.</summary>
    private async ValueTask EnsureWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _destinations.EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException)
        {
            // Nothing carries the stream any more: what it held is of no use to a later ConnectAsync.
            _stream.Clear();
            throw;
        }
    }

    /// <summary>Ends the stream (under the write lock): the end of each video sequence and whatever the stream held go to every destination, which then end.</summary>
    private async Task EndAsync(string reason, CancellationToken cancellationToken)
    {
        _stream.EndSequence();
        _stream.Flush(drain: true);
        try
        {
            await _destinations.DisconnectAsync(reason, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _stream.Clear();
        }
    }

    /// <summary>A snapshot of bytes and frames sent.</summary>
    public RtmpWriterStats GetStats()
    {
        RtmpWriterStats stats = _destinations.GetStats();
        return stats with
        {
            VideoFramesDropped = stats.VideoFramesDropped + _stream.VideoFramesDropped,
            AudioFramesDropped = stats.AudioFramesDropped + _stream.AudioFramesDropped,
            VideoFramesWritten = _stream.VideoFramesAccepted,
            AudioFramesWritten = _stream.AudioFramesAccepted,
        };
    }

    /// <summary>
    /// The stats now and then every <paramref name="interval"/> (on the options' <see cref="RtmpWriterOptions.TimeProvider"/>),
    /// for a dashboard or a log line without a polling loop of one's own. Ends when the writer is disposed; cancelling
    /// <paramref name="cancellationToken"/> ends it with <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <example><code>
    /// await foreach (RtmpWriterStats stats in writer.WatchStatsAsync(TimeSpan.FromSeconds(1), stopping))
    /// {
    ///     Console.WriteLine($"{stats.BytesSent} bytes, {stats.Reconnects} reconnects");
    /// }
    /// </code></example>
    public IAsyncEnumerable<RtmpWriterStats> WatchStatsAsync(TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return WatchStatsCoreAsync(interval, cancellationToken);
    }

    private async IAsyncEnumerable<RtmpWriterStats> WatchStatsCoreAsync(TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _options.TimeProvider);
        do
        {
            if (Volatile.Read(ref _disposed))
            {
                yield break;
            }

            yield return GetStats();
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Disconnects cleanly if connected, then releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                await EndAsync("writer disposed", CancellationToken.None).ConfigureAwait(false);
            }
            catch (RtmpException)
            {
                // Disposal never throws for a connection that already failed.
            }

            _disposed = true;
            await _destinations.CloseAsync().ConfigureAwait(false);
            _stream.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }

        await _destinations.WaitClosedAsync().ConfigureAwait(false);
        UplinkMetrics.Untrack(this);
        await _status.DisposeAsync().ConfigureAwait(false);
    }
}
