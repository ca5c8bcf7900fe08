using System.Buffers;
using Uplink.Media.Matroska;

namespace Uplink.Media;

/// <summary>
/// Reads video and audio frames (H.264, HEVC, AV1, VP9; AAC, Opus, FLAC, AC-3, E-AC-3, MP3) from a Matroska (MKV, as OBS records) or WebM file, from a file or a pipe, including live
/// recordings whose Segment and Clusters have unknown sizes.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OpenAsync"/> reads the EBML header (DocType "matroska" or "webm"), then the Segment's elements up to the
/// first Cluster: Info (TimestampScale, Duration) and Tracks; SeekHead, Cues, Tags, Chapters, Attachments and Void are
/// skipped without being buffered (seeked past in a file, read past on a pipe). Of the enabled tracks, those with
/// FlagDefault first, the first video and the first audio track RTMP can carry are read (AAC also from the old
/// A_AAC/MPEG4/LC style IDs, whose configuration is built from the track's sampling frequency and channels); other video and audio tracks are ignored with a warning, subtitle and other tracks
/// silently (with <see cref="MediaReaderOptions.AllTracks"/> every video and audio track that can be published is read,
/// frames naming their track in <see cref="MediaFrame.TrackIndex"/>, and the others skipped with a warning). A kind whose tracks all use codecs RTMP cannot carry (VP8, Vorbis, DTS …) or
/// compressed or encrypted frames is a <see cref="NotSupportedException"/>; header stripping (old mkvmerge files) is
/// undone.
/// </para>
/// <para>
/// Frames come in file order (each track's blocks are in decode order), from SimpleBlocks and BlockGroups, laced or not
/// (Xiph, fixed-size, EBML). PTS is the block's timestamp (cluster timestamp plus the signed relative one, times
/// TimestampScale); a laced frame after the first adds BlockDuration ÷ frames, else the DefaultDuration, else (AAC) its
/// samples ÷ sample rate. Audio DTS = PTS, and every audio frame is a keyframe. Matroska stores no video DTS: it is
/// derived by FFmpeg's rule (see <c>DecodeTimeDeriver</c>) with the reorder delay of the SPS's max_num_reorder_frames,
/// or where the SPS does not say, the deepest reordering among the first video frames (0 for Baseline) — so video DTS
/// rises monotonically, never passes PTS, and equals ffprobe's from the delay-th frame on; the first frames' DTS may be
/// negative. A video keyframe is a SimpleBlock with its keyframe flag, or a BlockGroup without ReferenceBlock.
/// </para>
/// <para>
/// Damage inside the clusters (an element that does not parse, runs past its cluster, or cannot be there) is skipped
/// to the next Cluster with a warning; so are a block with bad lacing, a block before its cluster's Timestamp and an
/// audio frame whose time goes back. A stream that ends inside an element (a recording cut short) ends cleanly after
/// the last complete frame, with a warning. Steady-state reading does not allocate. An instance is not thread-safe.
/// </para>
/// </remarks>
public sealed partial class MatroskaReader : IMediaReader, IDisposable, IBufferedFrameParser
{
    /// <summary>The largest SimpleBlock or BlockGroup buffered; a larger one is skipped with a warning.</summary>
    internal const int MaxBlockSize = 64 * 1024 * 1024;

    /// <summary>The largest EBML header, Info or Tracks element buffered.</summary>
    internal const int MaxHeaderElementSize = 16 * 1024 * 1024;

    private static readonly MediaReaderOptions DefaultOptions = new();

    private readonly Stream _stream;
    private readonly Action<string>? _onWarning;
    private readonly bool _allTracks;
    private readonly bool _canSeek;
    private readonly long _origin;
    private readonly StreamReadBuffer _input;
    private byte[] _scratch = [];
    private IReadOnlyList<VideoMediaType> _videoTypes = [];
    private IReadOnlyList<AudioMediaType> _audioTypes = [];

    private MatroskaReader(Stream stream, MediaReaderOptions options)
    {
        _stream = stream;
        _onWarning = options.OnWarning;
        _allTracks = options.AllTracks;
        _canSeek = stream.CanSeek;
        _origin = _canSeek ? stream.Position : 0;
        _input = new StreamReadBuffer(stream, ownsStream: !options.LeaveOpen);
    }

    private enum SkipResult
    {
        Reached,
        NeedMoreData,
        EndOfStream,
    }

    /// <inheritdoc/>
    /// <remarks>"WebM" when the EBML header's DocType is webm, else "Matroska".</remarks>
    public string FormatName { get; private set; } = "Matroska";

    /// <inheritdoc/>
    public VideoMediaType? Video { get; private set; }

    /// <inheritdoc/>
    public AudioMediaType? Audio { get; private set; }

    /// <inheritdoc/>
    /// <remarks>
    /// With <see cref="MediaReaderOptions.AllTracks"/> every enabled video track RTMP can carry, those with FlagDefault
    /// first, then in file order; without it just the default one (the only one read).
    /// </remarks>
    public IReadOnlyList<VideoMediaType> VideoTracks => _videoTypes;

    /// <inheritdoc/>
    /// <remarks>As <see cref="VideoTracks"/>.</remarks>
    public IReadOnlyList<AudioMediaType> AudioTracks => _audioTypes;

    /// <summary>The segment's duration from its Info element; null when it declares none (live and unfinished recordings).</summary>
    public TimeSpan? Duration { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Matroska declares none that the writer takes: both are null.</remarks>
    public MediaDataRates DataRates => default;

    /// <summary>The frame read by the last successful <see cref="ReadAsync"/>. Its data is valid until the next read.</summary>
    public MediaFrame Current { get; private set; }

    /// <summary>The byte offset in the stream of the data of the block <see cref="Current"/> came from (where ffprobe's pos points).</summary>
    public long CurrentOffset { get; private set; }

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>The video reorder delay in frames that decode times are derived with (see the remarks); 0 without video.</summary>
    internal int VideoReorderDelay => _tracks.Length > 0 && _tracks[0].Kind == MediaTrack.Video ? _tracks[0].Times!.Delay : 0;

    /// <summary>Reads the header of <paramref name="stream"/> up to its first Cluster.</summary>
    /// <param name="stream">The Matroska or WebM data, positioned at its first byte; it need not be seekable.</param>
    /// <param name="options">Whether to leave the stream open, and where warnings go; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A reader positioned before the first frame.</returns>
    /// <exception cref="InvalidDataException">
    /// The data is not Matroska or WebM, its header is malformed, or it has no Tracks element before its first Cluster.
    /// </exception>
    /// <exception cref="NotSupportedException">
    /// The video or audio tracks hold only codecs RTMP cannot carry, or compressed or encrypted frames.
    /// </exception>
    public static async ValueTask<MatroskaReader> OpenAsync(Stream stream, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new MatroskaReader(stream, options ?? DefaultOptions);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Advances to the next frame in file order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> with the frame in <see cref="Current"/>; <see langword="false"/> at the end.</returns>
    /// <remarks>Stays synchronous (and allocation-free) as long as the data is buffered or the stream's reads complete synchronously.</remarks>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => _input.ReadNextAsync(this, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_input.Close())
        {
            ReleaseScratch();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (await _input.CloseAsync().ConfigureAwait(false))
        {
            ReleaseScratch();
        }
    }

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed) => TryReadBuffered(out needed);

    void IBufferedFrameParser.OnBufferShifted(int by) => _laceIndex -= by;

    private void ReleaseScratch()
    {
        Current = default;
        _laceCount = 0;
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    /// <summary>
    /// Moves the read position forward to <paramref name="target"/>: drops buffered bytes, seeks on a seekable stream,
    /// or empties the buffer and asks for more on a pipe — so a skipped element is never buffered whole.
    /// </summary>
    private SkipResult TrySkipTo(long target)
    {
        long ahead = target - _input.StartOffset;
        int available = _input.Available;
        if (ahead >= 0 && ahead <= available)
        {
            _input.Consume((int)ahead);
            return ahead == available && _input.EndOfStream ? SkipResult.EndOfStream : SkipResult.Reached;
        }

        if (ahead < 0)
        {
            throw MatroskaErrors.Invalid($"offset {target} lies before offset {_input.StartOffset}, already read");
        }

        if (_canSeek)
        {
            long length = _stream.Length - _origin;
            if (target >= length)
            {
                _input.Reposition(Math.Max(length, _input.StartOffset + available), endOfStream: true);
                return SkipResult.EndOfStream;
            }

            _input.Reposition(target, endOfStream: false);
            _stream.Seek(_origin + target, SeekOrigin.Begin);
            return SkipResult.Reached;
        }

        _input.Consume(available);
        return _input.EndOfStream ? SkipResult.EndOfStream : SkipResult.NeedMoreData;
    }

    private async ValueTask SkipToAsync(long target, CancellationToken cancellationToken)
    {
        while (TrySkipTo(target) == SkipResult.NeedMoreData)
        {
            _input.MakeRoom(1);
            _input.CompleteRead(await _input.StartRead(cancellationToken).ConfigureAwait(false));
        }
    }

    private void Warn(string message) => _onWarning?.Invoke("Matroska: " + message);
}
