using Uplink.Codecs;
using Uplink.Media.MpegTs;

namespace Uplink.Media;

/// <summary>
/// Reads H.264 or HEVC video and AAC, AC-3, E-AC-3 or MP3 audio frames from an MPEG transport stream (a file, a capture card, or a pipe such as
/// <c>ffmpeg … -f mpegts -</c>), packet by packet, without seeking.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OpenAsync"/> finds the packet size (188, or 192 for M2TS with a 4-byte prefix) and looks ahead
/// (at most 4 MiB or 5 s of PES timestamps, and no further than the PMT of the first program in the PAT and the start
/// of a PES on each stream read) to learn which video (H.264 0x1B, HEVC 0x24) and audio (AAC ADTS 0x0F; AC-3 0x81 or
/// private data 0x06 with an AC-3 descriptor or registration; E-AC-3 0x87/0x84 or 0x06 likewise; MPEG audio 0x03/0x04 when
/// its first frame is layer III) the program carries.
/// The look-ahead packets stay buffered and are read again by <see cref="ReadAsync"/>, so nothing is lost.
/// </para>
/// <para>
/// Video frames are whole PES payloads: one H.264 or HEVC access unit in Annex-B with its in-band parameter sets, as
/// ffmpeg and hardware encoders write them (a PES holding several access units is not split); a keyframe holds an IDR
/// (H.264) or IRAP (HEVC) picture. AAC frames are single ADTS frames, header included, timed PES PTS + k × 1024 / sample
/// rate. AC-3, E-AC-3 and MP3 frames are whole PES payloads (often several syncframes, which the writer splits) at the
/// PES PTS. Timestamps are the PES DTS (or PTS
/// when there is no DTS), unwrapped past 2^33 on one timeline shared by both tracks and converted exactly
/// (ticks = 90 kHz value × 1000 / 9, rounded to nearest).
/// </para>
/// <para>
/// Damage is skipped and reported through <see cref="MediaReaderOptions.OnWarning"/>: a lost sync byte (resync where
/// 0x47 repeats three times at packet steps; every PES in progress is dropped), a continuity counter gap (the PES
/// in progress on that PID is dropped; one duplicate packet is allowed), a PES over 16 MiB, a PES or ADTS frame
/// that does not parse, a PSI section with a bad CRC-32, a stream that ends inside a packet or PES. A PMT or PAT
/// whose version changes is read again; a stream kind (video or audio) the program did not have at open is ignored.
/// When a kind has several streams the first supported one is read; a kind whose only streams use codecs RTMP
/// cannot carry (MPEG-2 video, MPEG audio layer II, Opus, DTS, …) is refused with <see cref="NotSupportedException"/>,
/// and so is a later PMT that switches a kind to another codec.
/// </para>
/// <para>
/// With <see cref="MediaReaderOptions.AllTracks"/> every program the PAT lists is read (the look-ahead waits for each
/// PMT and a PES start on each stream), and every supported stream of each: <see cref="VideoTracks"/> and
/// <see cref="AudioTracks"/> list them in PAT order, then PMT order, the default tracks (<see cref="Video"/>,
/// <see cref="Audio"/>) first of each kind; a stream RTMP cannot carry is skipped with a warning unless its kind has no
/// other. A later PMT moves each stream to the PID that then carries its codec. Frames of all the streams come as their
/// PES packets complete, in file order.
/// Private data, subtitles, SCTE-35 and metadata streams are ignored. An instance is not thread-safe.
/// </para>
/// </remarks>
public sealed partial class MpegTsReader : IMediaReader, IDisposable, IBufferedFrameParser
{
    /// <summary>The largest PES accepted; a larger one is dropped with a warning.</summary>
    internal const int DefaultMaxPesSize = 16 * 1024 * 1024;

    private const int PacketSize = 188;
    private const int M2tsPacketSize = 192;
    private const byte SyncByte = PacketSync.SyncByte;
    private const int SyncRepeats = PacketSync.SyncRepeats;
    private const int NullPid = 0x1FFF;
    private const int MaxPrograms = 64;
    private const int MaxStreams = 64;
    private const int PatPid = 0;
    private const int SyncSearchMaxBytes = 256 * 1024;
    private const int LookAheadMaxBytes = 4 * 1024 * 1024;
    private const long LookAheadMaxDuration = 5 * 90_000;
    private const int AacSamplesPerBlock = 1024;
    private const byte CcValid = 0x10;
    private const byte CcDuplicateSeen = 0x20;
    private const string SupportedCodecs = "supported are H.264 (0x1B) and HEVC (0x24) video, AAC ADTS (0x0F), AC-3, E-AC-3 and MP3 audio";

    private readonly Action<string>? _onWarning;
    private readonly int _maxPesSize;
    private readonly bool _allTracks;
    private readonly SectionBuffer _patSection = new();
    private readonly byte[] _continuity = new byte[8192];

    // The programs read (the first in the PAT, or with AllTracks each of them) and the streams read, in PMT order.
    private readonly List<MpegTsProgram> _programs = [];
    private readonly List<MpegTsStream> _streamList = [];
    private readonly MpegTsStream?[] _streamByPid = new MpegTsStream?[8192];
    private readonly List<(int Program, MediaTrack Track, string Refusal, string Warning)> _refused = [];
    private MpegTsStream[] _streams = [];
    private MpegTsStream? _defaultVideo;
    private MpegTsStream? _defaultAudio;
    private MpegTsStream? _iterating;
    private IReadOnlyList<VideoMediaType> _videoTypes = [];
    private IReadOnlyList<AudioMediaType> _audioTypes = [];

    private readonly StreamReadBuffer _input;
    private bool _finished;
    private int _packetSize = PacketSize;
    private int _prefix;
    private bool _scanning;
    private long _lostSyncOffset = -1;

    private bool _patSeen;
    private int _patVersion = -1;
    private long _lookAheadFirstPts = -1;
    private string? _unsupported;
    private bool _lookAheadTimedOut;

    /// <summary>PTS and DTS are 33-bit 90 kHz counts.</summary>
    private const int MpegTimestampBits = 33;

    private TimestampUnwrapper _timestamps = new(MpegTimestampBits);

    private MpegTsReader(Stream stream, MediaReaderOptions options, int maxPesSize)
    {
        _onWarning = options.OnWarning;
        _allTracks = options.AllTracks;
        _maxPesSize = maxPesSize;
        _input = new StreamReadBuffer(stream, ownsStream: !options.LeaveOpen);
    }

    /// <inheritdoc/>
    public string FormatName => "MPEG-TS";

    /// <inheritdoc/>
    public VideoMediaType? Video => _defaultVideo is { } stream ? VideoType(stream.Kind) : null;

    /// <inheritdoc/>
    public AudioMediaType? Audio => _defaultAudio is { } stream ? AudioType(stream.Kind) : null;

    /// <inheritdoc/>
    /// <remarks>
    /// With <see cref="MediaReaderOptions.AllTracks"/> every video stream read, in PMT order (programs in PAT order, then
    /// streams in their PMT's order); without it just the default one (the first of the first program).
    /// </remarks>
    public IReadOnlyList<VideoMediaType> VideoTracks => _videoTypes;

    /// <inheritdoc/>
    /// <remarks>As <see cref="VideoTracks"/>.</remarks>
    public IReadOnlyList<AudioMediaType> AudioTracks => _audioTypes;

    /// <summary>The frame read by the last successful <see cref="ReadAsync"/>. Its data is valid until the next read.</summary>
    public MediaFrame Current { get; private set; }

    /// <inheritdoc/>
    /// <remarks>A stream with no header declares no duration: always null.</remarks>
    TimeSpan? IMediaReader.Duration => null;

    /// <inheritdoc/>
    /// <remarks>A stream with no header declares no data rates: both null.</remarks>
    MediaDataRates IMediaReader.DataRates => default;

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>How many transport packets <see cref="ReadAsync"/> has processed (all PIDs, null packets included).</summary>
    public long PacketsRead { get; private set; }

    /// <summary>How many continuity counter gaps were found on the PIDs read (PAT, PMT, video, audio).</summary>
    public int ContinuityErrors { get; private set; }

    /// <summary>How many times the sync byte was lost (garbage before the first packet included).</summary>
    public int SyncLosses { get; private set; }

    /// <summary>The transport packet size: 188, or 192 for M2TS (a 4-byte timestamp before each packet).</summary>
    internal int TransportPacketSize => _packetSize;

    /// <summary>The PID of the video stream read, or -1.</summary>
    internal int VideoPid => _defaultVideo?.Pes.Pid ?? -1;

    /// <summary>The PID of the audio stream read, or -1.</summary>
    internal int AudioPid => _defaultAudio?.Pes.Pid ?? -1;

    /// <summary>The byte offset of the transport packet that started the PES <see cref="Current"/> came from.</summary>
    internal long CurrentPesOffset { get; private set; }

    /// <summary>
    /// Finds the packet size and looks ahead at the first packets of <paramref name="stream"/> for the PAT, the PMT
    /// and the start of each stream.
    /// </summary>
    /// <param name="stream">The transport stream, positioned at its first byte; it need not be seekable.</param>
    /// <param name="options">Leave-open and the warning sink; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A reader positioned before the first frame.</returns>
    /// <exception cref="InvalidDataException">
    /// The data is not a transport stream, or has no PAT, PMT, or video or audio stream it reads within the look-ahead.
    /// </exception>
    /// <exception cref="NotSupportedException">The program's video or audio uses a codec RTMP cannot carry.</exception>
    public static ValueTask<MpegTsReader> OpenAsync(Stream stream, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
        => OpenWithLimitAsync(stream, options, DefaultMaxPesSize, cancellationToken);

    /// <summary>Opens a reader that drops PES packets larger than <paramref name="maxPesSize"/> bytes.</summary>
    internal static async ValueTask<MpegTsReader> OpenWithLimitAsync(
        Stream stream, MediaReaderOptions? options, int maxPesSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPesSize, 16);
        var reader = new MpegTsReader(stream, options ?? new MediaReaderOptions(), maxPesSize);
        try
        {
            await reader.FindPacketSizeAsync(cancellationToken).ConfigureAwait(false);
            await reader.LookAheadAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Advances to the next frame.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> with the frame in <see cref="Current"/>; <see langword="false"/> at the end of the stream.</returns>
    /// <exception cref="NotSupportedException">A new PMT switched the video or audio to a codec RTMP cannot carry.</exception>
    /// <remarks>Stays synchronous (and allocation-free) as long as the data is buffered or the stream's reads complete synchronously.</remarks>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => _input.ReadNextAsync(this, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_input.Close())
        {
            ReleaseAssemblers();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (await _input.CloseAsync().ConfigureAwait(false))
        {
            ReleaseAssemblers();
        }
    }

    private void ReleaseAssemblers()
    {
        Current = default;
        _iterating = null;
        foreach (MpegTsStream stream in _streamList)
        {
            stream.Dispose();
        }

        _streamList.Clear();
        _streams = [];
    }

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed) => TryReadBuffered(out needed);

    /// <summary>
    /// Delivers what is ready (ADTS frames of the current audio PES, completed PES packets) and otherwise
    /// processes buffered packets, until a frame is ready, the buffer runs short (then <paramref name="needed"/> is
    /// how many bytes from <see cref="StreamReadBuffer.Start"/> must be buffered) or the stream ends.
    /// </summary>
    private ReadStep TryReadBuffered(out int needed)
    {
        needed = 0;
        if (_unsupported is not null)
        {
            throw new NotSupportedException(_unsupported); // every read after the refusal fails the same way
        }

        while (true)
        {
            if (_iterating is { } adts && TryNextAdtsFrame(adts))
            {
                return ReadStep.Frame;
            }

            if (TryDeliverCompleted(out bool progressed))
            {
                return ReadStep.Frame;
            }

            if (progressed)
            {
                continue;
            }

            if (_finished)
            {
                return ReadStep.End;
            }

            int available = _input.Available;
            if (_lostSyncOffset < 0 && available > _prefix && _input.Array[_input.Start + _prefix] != SyncByte)
            {
                _lostSyncOffset = _input.StartOffset;
                SyncLosses++;
                DropPesInProgress();
            }

            if (_lostSyncOffset >= 0)
            {
                int found = PacketSync.Find(_input.Buffered, _packetSize, _prefix, _input.EndOfStream, out int ruledOut);
                if (found < 0)
                {
                    _input.Consume(ruledOut);
                    if (!_input.EndOfStream)
                    {
                        needed = SyncRepeats * _packetSize;
                        return ReadStep.NeedMoreData;
                    }

                    Warn($"MPEG-TS: lost sync at offset {_lostSyncOffset} and found no packet after it before the end at offset {_input.StartOffset + _input.Available}");
                    _input.Consume(_input.Available);
                    _lostSyncOffset = -1;
                    FinishStream();
                    continue;
                }

                _input.Consume(found);
                Warn(_lostSyncOffset == 0
                    ? $"MPEG-TS: skipped {_input.StartOffset} bytes before the first packet at offset {_input.StartOffset}"
                    : $"MPEG-TS: lost sync at offset {_lostSyncOffset}; skipped {_input.StartOffset - _lostSyncOffset} bytes to the next packet at offset {_input.StartOffset} (frames in progress dropped)");
                _lostSyncOffset = -1;
                available = _input.Available;
            }

            if (available < _packetSize)
            {
                if (!_input.EndOfStream)
                {
                    needed = _packetSize;
                    return ReadStep.NeedMoreData;
                }

                FinishStream();
                continue;
            }

            ProcessPacket(_input.Start, _input.StartOffset);
            _input.Consume(_packetSize);
        }
    }

    /// <summary>
    /// Delivers a completed PES of any stream (true when it gave a frame), or completes a PES whose declared length is
    /// reached; <paramref name="progressed"/> says whether either happened (then the caller looks again).
    /// </summary>
    private bool TryDeliverCompleted(out bool progressed)
    {
        foreach (MpegTsStream stream in _streams)
        {
            if (stream.Pes.HasCompleted)
            {
                stream.Pes.HasCompleted = false;
                progressed = true;
                return stream.Track == MediaTrack.Video ? TryDeliverVideo(stream) : StartAudioPes(stream);
            }
        }

        foreach (MpegTsStream stream in _streams)
        {
            if (stream.Pes.IsCompleteByLength)
            {
                stream.Pes.Complete();
                progressed = true;
                return false;
            }
        }

        progressed = false;
        return false;
    }

    /// <summary>At the end of the stream: reports a partial last packet, then completes or drops the PES packets in progress.</summary>
    private void FinishStream()
    {
        _finished = true;
        int available = _input.Available;
        if (available > 0)
        {
            int pid = available >= _prefix + 3 ? ((_input.Array[_input.Start + _prefix + 1] & 0x1F) << 8) | _input.Array[_input.Start + _prefix + 2] : -2;
            Warn($"MPEG-TS: the stream ends inside a packet at offset {_input.StartOffset} ({available} of {_packetSize} bytes)");

            // The stream was cut: a PES without a declared length may have lost its end too.
            foreach (MpegTsStream stream in _streams)
            {
                PesAssembler pes = stream.Pes;
                if (pes.IsCollecting && (pes.DeclaredLength == 0 || pid == pes.Pid))
                {
                    DropWithWarning(pes, "the stream was cut inside a packet, so its end may be missing");
                }
            }

            _input.Consume(available);
        }

        foreach (MpegTsStream stream in _streams)
        {
            FinishPes(stream.Pes);
        }
    }

    /// <summary>
    /// Finds the first position where 0x47 repeats three times at 188-byte steps (TS) or, 4 bytes
    /// in, at 192-byte steps (M2TS), searching at most the first <see cref="SyncSearchMaxBytes"/> bytes (a stream
    /// shorter than three packets needs only the repeats that fit). Bytes before it are skipped later, by the read
    /// loop, as a lost sync.
    /// </summary>
    private async ValueTask FindPacketSizeAsync(CancellationToken cancellationToken)
    {
        await _input.FillAsync(SyncRepeats * M2tsPacketSize, cancellationToken).ConfigureAwait(false);
        if (_input.Available == 0)
        {
            throw new InvalidDataException("not an MPEG-TS stream: the stream is empty");
        }

        while (true)
        {
            int available = _input.Available;
            ReadOnlySpan<byte> data = _input.Buffered;
            int ts = PacketSync.FindFirst(data, PacketSize, 0, _input.EndOfStream, out int tsRuledOut);
            int m2ts = PacketSync.FindFirst(data, M2tsPacketSize, 4, _input.EndOfStream, out int m2tsRuledOut);
            if (ts >= 0 && (m2ts >= 0 ? ts <= m2ts : m2tsRuledOut > ts))
            {
                return;
            }

            if (m2ts >= 0 && (ts >= 0 ? m2ts < ts : tsRuledOut > m2ts))
            {
                _packetSize = M2tsPacketSize;
                _prefix = 4;
                return;
            }

            if (_input.EndOfStream || available >= SyncSearchMaxBytes)
            {
                throw new InvalidDataException(
                    $"not an MPEG-TS stream: no sync byte pattern (0x47 every 188 or 192 bytes) in the first {available} bytes");
            }

            await _input.FillAsync(Math.Min(SyncSearchMaxBytes, available + StreamReadBuffer.MinReadSize), cancellationToken).ConfigureAwait(false);
        }
    }

    private static VideoMediaType VideoType(MpegTsStreamKind kind) =>
        kind == MpegTsStreamKind.Hevc ? VideoMediaType.HevcAnnexB : VideoMediaType.H264AnnexB;

    private static AudioMediaType AudioType(MpegTsStreamKind kind) => kind switch
    {
        MpegTsStreamKind.Ac3 => AudioMediaType.Ac3,
        MpegTsStreamKind.Eac3 => AudioMediaType.Eac3,
        MpegTsStreamKind.MpegAudio or MpegTsStreamKind.Mp3 => AudioMediaType.Mp3,
        _ => AudioMediaType.AacAdts,
    };

    private void Warn(string message)
    {
        if (!_scanning)
        {
            _onWarning?.Invoke(message);
        }
    }
}
