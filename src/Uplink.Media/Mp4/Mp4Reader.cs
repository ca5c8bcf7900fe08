using System.Buffers.Binary;
using Uplink.Media.Mp4;

namespace Uplink.Media;

/// <summary>
/// Reads video (H.264, HEVC, AV1, VP9) and audio (AAC, Opus, FLAC, AC-3, E-AC-3, MP3) frames from an MP4 or MOV file,
/// progressive or fragmented, from a file or a pipe.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OpenAsync"/> reads forward to the index (moov) and parses it, so <see cref="Video"/>,
/// <see cref="Audio"/> and <see cref="Duration"/> are known before the first frame. The first video track in
/// avc1/avc3, hvc1/hev1, av01 or vp09 and the first audio track in mp4a (AAC, or MP3 by objectTypeIndication 0x69/0x6B),
/// Opus, fLaC, ac-3, ec-3 or .mp3 are used; further video or audio tracks are ignored with a warning (with
/// <see cref="MediaReaderOptions.AllTracks"/> they are read too, and listed in file order in <see cref="VideoTracks"/> and
/// <see cref="AudioTracks"/>, a track RTMP cannot carry skipped with a warning), text, subtitle, timecode and other tracks
/// silently. Samples are passed as stored (length-prefixed H.264/HEVC, AV1 temporal units,
/// VP9 frames, audio packets). A video or audio track whose codec RTMP cannot carry (MPEG-4 Part 2, VP8, ALAC, PCM,
/// Vorbis …) is a <see cref="NotSupportedException"/> when no other track of its kind can be used.
/// </para>
/// <para>
/// Samples are returned in file-offset order across the tracks (so each track's decode times rise and
/// memory stays bounded; the writer interleaves by timestamp), read sequentially: bytes of other tracks and
/// other boxes are skipped, without seeking on a pipe. A file whose moov follows its media needs a seekable
/// stream (the reader seeks to the moov and back); on a pipe it is an <see cref="InvalidDataException"/>.
/// Fragmented MP4 (moov with mvex, then moof + mdat pairs) streams on pipes.
/// </para>
/// <para>
/// Times are the raw sample-table (stts/ctts) or track-run (tfdt/trun) times converted exactly from the
/// track's timescale; edit lists are ignored (as <c>ffprobe -ignore_editlist 1</c> shows them), so a video
/// track written with B-frames starts with Pts &gt; Dts and an AAC track includes its priming frame. Composition
/// offsets may be negative (ctts version 1; decode times then move back by the most negative one, as FFmpeg's dts_shift, so PTS ≥ DTS). Empty (zero-size) samples are skipped. A stream that ends inside a sample or box (a recording cut short)
/// ends cleanly after the last complete sample, with a warning. The sample tables stay in the buffered moov and
/// are walked with cursors, so steady-state reading does not allocate. An instance is not thread-safe.
/// </para>
/// </remarks>
public sealed partial class Mp4Reader : IMediaReader, IDisposable, IBufferedFrameParser
{
    /// <summary>The largest moov or moof box accepted.</summary>
    internal const int MaxIndexBoxSize = 128 * 1024 * 1024;

    private const int BoxHeaderSize = 8;
    private const int LargeBoxHeaderSize = 16;

    private static readonly MediaReaderOptions DefaultOptions = new();

    private readonly Stream _stream;
    private readonly Action<string>? _onWarning;
    private readonly bool _canSeek;
    private readonly long _origin;
    private readonly Mp4FragmentSamples _fragment = new();

    private readonly StreamReadBuffer _input;

    private readonly bool _allTracks;
    private Mp4Track[] _tracks = [];
    private IReadOnlyList<VideoMediaType> _videoTypes = [];
    private IReadOnlyList<AudioMediaType> _audioTypes = [];
    private bool _fragmented;
    private ReaderState _state;
    private long _boxOffset;
    private long _mdatEnd;
    private bool _progressiveDone;

    // The next moov sample of each used track (by slot), read ahead so the one lowest in the file goes first.
    private bool[] _peeked = [];
    private bool[] _hasNext = [];
    private Mp4Sample[] _next = [];
    private int _droppedSamples;

    private Mp4Reader(Stream stream, MediaReaderOptions options)
    {
        _stream = stream;
        _onWarning = options.OnWarning;
        _allTracks = options.AllTracks;
        _canSeek = stream.CanSeek;
        _origin = _canSeek ? stream.Position : 0;
        _input = new StreamReadBuffer(stream, ownsStream: !options.LeaveOpen);
    }

    private enum ReaderState
    {
        BoxHeader,
        InMdat,
        Ended,
    }

    private enum SkipResult
    {
        Reached,
        NeedMoreData,
        EndOfStream,
    }

    /// <inheritdoc/>
    public string FormatName => _fragmented ? "fragmented MP4" : "MP4";

    /// <inheritdoc/>
    public VideoMediaType? Video { get; private set; }

    /// <inheritdoc/>
    public AudioMediaType? Audio { get; private set; }

    /// <inheritdoc/>
    /// <remarks>
    /// With <see cref="MediaReaderOptions.AllTracks"/> every video track RTMP can carry, in file order; without it
    /// just the default one (the only one read).
    /// </remarks>
    public IReadOnlyList<VideoMediaType> VideoTracks => _videoTypes;

    /// <inheritdoc/>
    /// <remarks>As <see cref="VideoTracks"/>.</remarks>
    public IReadOnlyList<AudioMediaType> AudioTracks => _audioTypes;

    /// <summary>The frame read by the last successful <see cref="ReadAsync"/>. Its data is valid until the next read.</summary>
    public MediaFrame Current { get; private set; }

    /// <summary>The byte offset in the stream of the sample that <see cref="Current"/> came from.</summary>
    public long CurrentOffset { get; private set; }

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// The movie's duration from the moov (mvhd, or mehd for a fragmented file), if it declares one; edit
    /// lists are not applied.
    /// </summary>
    public TimeSpan? Duration { get; private set; }

    /// <inheritdoc/>
    /// <remarks>MP4 declares none that the writer takes: both are null.</remarks>
    public MediaDataRates DataRates => default;

    /// <summary>Reads forward to the index (moov) of <paramref name="stream"/> and parses it.</summary>
    /// <param name="stream">
    /// The MP4/MOV data, positioned at its first byte. It need not be seekable unless the moov follows the media.
    /// </param>
    /// <param name="options">Whether to leave the stream open, and where warnings go; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A reader positioned before the first frame.</returns>
    /// <exception cref="InvalidDataException">
    /// The data is not MP4, the index is malformed, or the index follows the media on a non-seekable stream.
    /// </exception>
    /// <exception cref="NotSupportedException">The video or audio track holds a codec RTMP cannot carry.</exception>
    public static async ValueTask<Mp4Reader> OpenAsync(Stream stream, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new Mp4Reader(stream, options ?? DefaultOptions);
        try
        {
            await reader.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="InvalidDataException">A fragment or sample is malformed (the message names the offset).</exception>
    /// <remarks>Stays synchronous (and allocation-free) as long as the data is buffered or the stream's reads complete synchronously.</remarks>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => _input.ReadNextAsync(this, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_input.Close())
        {
            Current = default;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (await _input.CloseAsync().ConfigureAwait(false))
        {
            Current = default;
        }
    }

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed) => TryReadBuffered(out needed);

    /// <summary>
    /// Walks boxes and samples from the buffer until a sample is complete (then it is <see cref="Current"/>),
    /// the buffer runs short (then <paramref name="needed"/> bytes from <see cref="StreamReadBuffer.Start"/> must be buffered)
    /// or the input ends.
    /// </summary>
    private ReadStep TryReadBuffered(out int needed)
    {
        while (true)
        {
            needed = 0;
            if (_state == ReaderState.Ended)
            {
                return ReadStep.End;
            }

            if (_state == ReaderState.BoxHeader)
            {
                if (!_fragmented && !TryPeekSample(out _))
                {
                    return Finish();
                }

                switch (TrySkipTo(_boxOffset))
                {
                    case SkipResult.NeedMoreData:
                        needed = BoxHeaderSize;
                        return ReadStep.NeedMoreData;
                    case SkipResult.EndOfStream:
                        return Finish();
                }

                int available = _input.Available;
                if (available < BoxHeaderSize
                    || (available < LargeBoxHeaderSize && BinaryPrimitives.ReadUInt32BigEndian(_input.Buffered) == 1))
                {
                    if (!_input.EndOfStream)
                    {
                        needed = available < BoxHeaderSize ? BoxHeaderSize : LargeBoxHeaderSize;
                        return ReadStep.NeedMoreData;
                    }

                    if (available > 0)
                    {
                        Warn($"the stream ends at offset {_input.StartOffset + available}, inside the header of the box at offset {_boxOffset}");
                    }

                    return Finish();
                }

                ReadBoxHeader(_input.Buffered, _boxOffset, out uint type, out int headerSize, out long boxEnd);
                if (type == Mp4FourCc.Mdat)
                {
                    _input.Consume(headerSize);
                    _mdatEnd = boxEnd;
                    _state = ReaderState.InMdat;
                    continue;
                }

                if (type == Mp4FourCc.Moof && _fragmented)
                {
                    long size = boxEnd - _boxOffset;
                    if (boxEnd == long.MaxValue || size > MaxIndexBoxSize)
                    {
                        throw Mp4Errors.Invalid($"box 'moof' at offset {_boxOffset} claims {(boxEnd == long.MaxValue ? "the rest of the stream" : $"{size} bytes")}, more than the limit of {MaxIndexBoxSize}");
                    }

                    if (available < size)
                    {
                        if (!_input.EndOfStream)
                        {
                            needed = (int)size;
                            return ReadStep.NeedMoreData;
                        }

                        Warn($"the stream ends at offset {_input.StartOffset + available}, inside the moof box at offset {_boxOffset}");
                        return Finish();
                    }

                    StartFragment((int)size);
                    _input.Consume((int)size);
                    _boxOffset = boxEnd;
                    continue;
                }

                if (boxEnd == long.MaxValue)
                {
                    return Finish();
                }

                _boxOffset = boxEnd;
                continue;
            }

            if (!TryPeekSample(out Mp4Sample sample) || sample.Offset >= _mdatEnd)
            {
                if (_mdatEnd == long.MaxValue || (!_fragmented && !TryPeekSample(out _)))
                {
                    return Finish();
                }

                _state = ReaderState.BoxHeader;
                _boxOffset = _mdatEnd;
                continue;
            }

            if (sample.Size == 0)
            {
                AdvanceSample(sample); // an empty sample carries nothing to send
                continue;
            }

            if (sample.Offset < _input.StartOffset)
            {
                if (!_progressiveDone)
                {
                    throw Mp4Errors.Invalid($"{Label(sample.Slot)} sample at offset {sample.Offset} is not inside an mdat box in file order (the reader is at offset {_input.StartOffset}); such a file cannot be streamed");
                }

                _droppedSamples++;
                AdvanceSample(sample);
                continue;
            }

            if (sample.Offset + sample.Size > _mdatEnd)
            {
                throw Mp4Errors.Invalid($"{Label(sample.Slot)} sample at offset {sample.Offset} ({sample.Size} bytes) runs past the end of its mdat box at offset {_mdatEnd}");
            }

            switch (TrySkipTo(sample.Offset))
            {
                case SkipResult.NeedMoreData:
                    needed = sample.Size;
                    return ReadStep.NeedMoreData;
                case SkipResult.EndOfStream:
                    Warn($"the stream ends at offset {_input.StartOffset}, before the {Label(sample.Slot)} sample at offset {sample.Offset}; the frames from there on are lost");
                    return Finish();
            }

            if (_input.Available < sample.Size)
            {
                if (!_input.EndOfStream)
                {
                    needed = sample.Size;
                    return ReadStep.NeedMoreData;
                }

                Warn($"the stream ends at offset {_input.StartOffset + _input.Available}, inside the {Label(sample.Slot)} sample at offset {sample.Offset}; the frames from there on are lost");
                return Finish();
            }

            Mp4Track track = _tracks[sample.Slot];
            TimeSpan dts = Mp4Time.ToTimeSpan(sample.Dts - track.DtsShift, track.Timescale);
            TimeSpan pts = sample.CompositionOffset == 0 && track.DtsShift == 0 ? dts : Mp4Time.ToTimeSpan(sample.Dts + sample.CompositionOffset, track.Timescale);
            Current = new MediaFrame(sample.Track, dts, pts, sample.IsSync, false, new ReadOnlyMemory<byte>(_input.Array, _input.Start, sample.Size), track.Index);
            CurrentOffset = sample.Offset;
            FramesRead++;
            _input.Consume(sample.Size);
            AdvanceSample(sample);
            return ReadStep.Frame;
        }
    }

    private void StartFragment(int size)
    {
        if (!_progressiveDone)
        {
            // TryPeekSample marks the moov's samples done when none are left.
            if (TryPeekSample(out _) && !_progressiveDone)
            {
                Warn($"the moof box at offset {_boxOffset} comes before samples the moov's tables index were found; they are skipped");
            }

            _progressiveDone = true;
        }

        WarnDroppedSamples();
        if (_fragment.Remaining > 0)
        {
            Warn($"{_fragment.Remaining} samples of the previous fragment lie outside its mdat box; they are skipped (at the moof box at offset {_boxOffset})");
        }

        _fragment.Load(_input.Array.AsSpan(_input.Start, size), _boxOffset, _tracks);
    }

    private ReadStep Finish()
    {
        _state = ReaderState.Ended;
        WarnDroppedSamples();
        foreach (Mp4Track track in _tracks)
        {
            if (track.Samples?.EndedEarly == true)
            {
                Warn($"{track.Label}: the chunk table (stsc/stco) ends before the sample count the stsz box declares; the remaining samples are lost");
            }
        }

        return ReadStep.End;
    }

    private void WarnDroppedSamples()
    {
        if (_droppedSamples > 0)
        {
            Warn($"{_droppedSamples} fragment samples were not inside an mdat box after their moof; they are skipped");
            _droppedSamples = 0;
        }
    }

    /// <summary>The next sample in file order: the moov's samples first (merged across the tracks), then the current fragment's.</summary>
    private bool TryPeekSample(out Mp4Sample sample)
    {
        if (!_progressiveDone)
        {
            // Each track's table is in file order already, so the lowest head is the next sample in the file; the few
            // tracks make a scan cheaper than a heap.
            int best = -1;
            for (int i = 0; i < _tracks.Length; i++)
            {
                if (!_peeked[i])
                {
                    _peeked[i] = true;
                    _hasNext[i] = _tracks[i].Samples is { } samples && samples.TryRead(out _next[i]);
                }

                if (_hasNext[i] && (best < 0 || _next[i].Offset < _next[best].Offset))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                sample = _next[best];
                return true;
            }

            _progressiveDone = true;
        }

        return _fragment.TryPeek(out sample);
    }

    private void AdvanceSample(in Mp4Sample sample)
    {
        if (_progressiveDone)
        {
            _fragment.Advance();
        }
        else
        {
            _peeked[sample.Slot] = false;
        }
    }

    private string Label(int slot) => _tracks[slot].Label;

    private void Warn(string message) => _onWarning?.Invoke("MP4: " + message);
}
