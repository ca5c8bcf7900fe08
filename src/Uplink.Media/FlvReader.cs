using System.Buffers.Binary;

namespace Uplink.Media;

/// <summary>
/// Reads frames from an FLV file or pipe, one tag at a time, without seeking: H.264 and AAC, and the Enhanced FLV codecs
/// (HEVC, AV1, VP9, Opus, FLAC, AC-3, E-AC-3, MP3) as FFmpeg writes them and RTMP servers record them.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OpenAsync(Stream, bool, CancellationToken)"/> reads the header and looks ahead at the first tags (at most 8 MiB, 500 tags or
/// 5 s of media, and no further than needed to see both sequence headers and a frame of each track), so
/// <see cref="HasVideo"/>, <see cref="HasAudio"/>, the configurations and the metadata are known before the
/// first frame is read. Those tags stay buffered and are returned by <see cref="ReadAsync"/> like any other.
/// </para>
/// <para>
/// Enhanced RTMP multitrack (as FFmpeg 8.1 writes several tracks: track 0 plain, the others OneTrack packets; any
/// multitrack type is read): the tracks are those the look-ahead finds, which in a multitrack file also spans at least
/// 1 s of media; <see cref="VideoTracks"/> and <see cref="AudioTracks"/> list them in trackId order, and a frame's
/// <see cref="MediaFrame.TrackIndex"/> is its track's place there (index 0, the default track, is trackId 0 when present).
/// Frames of the other tracks come only with <see cref="MediaReaderOptions.AllTracks"/>. A track first seen after the
/// look-ahead is skipped with a warning, and an extra track in a codec the reader does not take is left out. ModEx
/// TimestampOffsetNano (sub-millisecond) is ignored.
/// </para>
/// <para>
/// The stream is only ever read forward (never Seek, Length or Position), in large reads into one pooled
/// buffer; frames are slices of that buffer, so steady-state reading does not allocate.
/// A stream that holds only the FLV header (or the header and PreviousTagSize0) is valid: it has no video,
/// no audio and no frames. An empty stream, or one shorter than the 9-byte header, is an error.
/// A stream that ends inside a tag (a recording cut short) ends cleanly after the last complete tag and sets
/// <see cref="TruncatedAtOffset"/>. PreviousTagSize fields are not checked, as FFmpeg does not check them.
/// Script tags other than the first onMetaData, end-of-sequence tags, video command frames, Enhanced RTMP Metadata
/// and MultichannelConfig packets and empty audio/video tags are skipped. H.264 and AAC sequence headers are returned as
/// configuration frames; for the other codecs the media type carries the first, its repeats are skipped, and one that
/// differs is refused (<see cref="NotSupportedException"/>). An instance is not thread-safe: one read at a time.
/// </para>
/// </remarks>
public sealed partial class FlvReader : IMediaReader, IDisposable, IBufferedFrameParser
{
    /// <summary>The largest tag data size accepted (the 24-bit field allows up to 16 MiB - 1).</summary>
    internal const int DefaultMaxTagDataSize = 16 * 1024 * 1024;

    private const int FileHeaderSize = 9;
    private const int TagHeaderSize = 11;
    private const int PreviousTagSizeLength = 4;
    private const int MaxFileHeaderSize = 1024 * 1024;
    private const int LookAheadMaxBytes = 8 * 1024 * 1024;
    private const int LookAheadMaxTags = 500;
    private const uint LookAheadMaxMilliseconds = 5000;
    private const uint MultitrackLookAheadMilliseconds = 1000;
    private const int AudioTagType = 8;
    private const int VideoTagType = 9;
    private const int ScriptTagType = 18;

    private Action<string>? _onWarning;
    private bool _truncationReported;
    private readonly int _maxTagDataSize;

    private readonly StreamReadBuffer _input;
    private TimestampUnwrapper _timestamps = new(32);
    private byte[]? _metadata;
    private int _resumeAt;

    private FlvReader(Stream stream, bool leaveOpen, int maxTagDataSize)
    {
        _maxTagDataSize = maxTagDataSize;
        _input = new StreamReadBuffer(stream, ownsStream: !leaveOpen);
    }

    private enum TagContent
    {
        Ignored,
        VideoFrame,
        VideoConfiguration,
        AudioFrame,
        AudioConfiguration,
    }

    /// <summary>
    /// <see langword="true"/> when a video tag with content was seen (in the look-ahead, or later while
    /// reading). The FLV header's flags are not trusted: they are often wrong.
    /// </summary>
    public bool HasVideo => _videoTracks.Count > 0;

    /// <summary>
    /// <see langword="true"/> when an audio tag with content was seen (in the look-ahead, or later while
    /// reading). The FLV header's flags are not trusted: they are often wrong.
    /// </summary>
    public bool HasAudio => _audioTracks.Count > 0;

    /// <summary>The default video track's first sequence header record (avcC, hvcC, av1C or vpcC), or empty if none was seen yet.</summary>
    public ReadOnlyMemory<byte> VideoConfiguration => HasVideo ? _videoTracks[0].Configuration : default;

    /// <summary>The default audio track's first sequence header configuration (AudioSpecificConfig, OpusHead or FLAC STREAMINFO), or empty if none was seen yet.</summary>
    public ReadOnlyMemory<byte> AudioConfiguration => HasAudio ? _audioTracks[0].Configuration : default;

    /// <summary>
    /// The whole body of the first onMetaData script tag (AMF0: the string "onMetaData" then its value),
    /// or empty if none was seen yet.
    /// </summary>
    public ReadOnlyMemory<byte> Metadata => _metadata;

    /// <summary>The duration announced by the onMetaData tag, if it announces a positive one.</summary>
    public TimeSpan? Duration { get; private set; }

    /// <summary>The videodatarate and audiodatarate announced by the onMetaData tag, those above 0.</summary>
    public MediaDataRates DataRates { get; private set; }

    /// <summary>The frame read by the last successful <see cref="ReadAsync"/>. Its data is valid until the next read.</summary>
    public MediaFrame Current { get; private set; }

    /// <inheritdoc/>
    public string FormatName => "FLV";

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">The file's H.264 or HEVC video has no sequence header before its frames.</exception>
    public VideoMediaType? Video => !HasVideo ? null : _videoTracks[0].MediaType ??= CreateVideoMediaType(_videoTracks[0]);

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">The file's AAC, Opus or FLAC audio has no sequence header before its frames.</exception>
    public AudioMediaType? Audio => !HasAudio ? null : _audioTracks[0].MediaType ??= CreateAudioMediaType(_audioTracks[0]);

    /// <summary>The byte offset in the stream of the tag that <see cref="Current"/> came from.</summary>
    public long CurrentTagOffset { get; private set; }

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// The byte offset of the incomplete tag (or incomplete trailing PreviousTagSize) the stream ended in,
    /// or <see langword="null"/> while the stream has ended cleanly or not ended yet.
    /// </summary>
    public long? TruncatedAtOffset { get; private set; }

    /// <summary>
    /// Reads the FLV header and looks ahead at the first tags of <paramref name="stream"/>.
    /// </summary>
    /// <param name="stream">The FLV data, positioned at its first byte; it need not be seekable.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave the stream open when the reader is disposed.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A reader positioned before the first frame.</returns>
    /// <exception cref="InvalidDataException">The data is not FLV, or a tag in the look-ahead is malformed.</exception>
    /// <exception cref="NotSupportedException">A tag in the look-ahead holds a codec the reader does not take, or is encrypted.</exception>
    public static ValueTask<FlvReader> OpenAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
        => OpenWithLimitAsync(stream, leaveOpen, DefaultMaxTagDataSize, cancellationToken);

    /// <summary>Reads the FLV header and looks ahead, reporting a truncated last tag to <see cref="MediaReaderOptions.OnWarning"/>.</summary>
    /// <param name="stream">The FLV data, positioned at its first byte; it need not be seekable.</param>
    /// <param name="options">Whether to leave the stream open, and where warnings go.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async ValueTask<FlvReader> OpenAsync(Stream stream, MediaReaderOptions? options, CancellationToken cancellationToken = default)
    {
        FlvReader reader = await OpenWithLimitAsync(stream, options?.LeaveOpen ?? false, DefaultMaxTagDataSize, cancellationToken).ConfigureAwait(false);
        reader._onWarning = options?.OnWarning;
        reader._allTracks = options?.AllTracks ?? false;
        return reader;
    }

    /// <summary>Opens a reader that rejects tags with more than <paramref name="maxTagDataSize"/> bytes of data.</summary>
    internal static async ValueTask<FlvReader> OpenWithLimitAsync(Stream stream, bool leaveOpen, int maxTagDataSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagDataSize, 1);
        var reader = new FlvReader(stream, leaveOpen, maxTagDataSize);
        try
        {
            await reader.ReadFileHeaderAsync(cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="InvalidDataException">A tag is malformed.</exception>
    /// <exception cref="NotSupportedException">A tag holds a codec the reader does not take, changes codec or configuration, or is encrypted.</exception>
    /// <remarks>
    /// Stays synchronous (and allocation-free, even in Debug builds where async state machines are classes) as long as
    /// the data is buffered or the stream's reads complete synchronously.
    /// </remarks>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => _input.ReadNextAsync(this, cancellationToken);

    private void ReportTruncation()
    {
        if (TruncatedAtOffset is long offset && !_truncationReported)
        {
            _truncationReported = true;
            _onWarning?.Invoke($"FLV: the input ends inside the tag at byte {offset}; stopped at the last whole tag");
        }
    }

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

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed)
    {
        ReadStep step = TryReadBuffered(out needed);
        if (step == ReadStep.End)
        {
            ReportTruncation();
        }

        return step;
    }

    /// <summary>
    /// Decodes tags from the buffer until one yields a frame, the buffer runs short (then
    /// <paramref name="needed"/> is how many bytes from <see cref="StreamReadBuffer.Start"/> must be buffered) or the stream ends.
    /// </summary>
    private ReadStep TryReadBuffered(out int needed)
    {
        while (true)
        {
            needed = 0;
            int available = _input.Available;
            if (available < TagHeaderSize)
            {
                if (!_input.EndOfStream)
                {
                    needed = TagHeaderSize;
                    return ReadStep.NeedMoreData;
                }

                if (available > 0)
                {
                    TruncatedAtOffset ??= _input.StartOffset;
                    _input.Consume(available);
                }

                return ReadStep.End;
            }

            long tagOffset = _input.StartOffset;
            int headerIndex = _input.Start;
            ReadTagHeader(headerIndex, tagOffset, out int tagType, out int dataSize);
            int tagLength = TagHeaderSize + dataSize;
            if (available < tagLength + PreviousTagSizeLength)
            {
                if (!_input.EndOfStream)
                {
                    needed = tagLength + PreviousTagSizeLength;
                    return ReadStep.NeedMoreData;
                }

                if (available < tagLength)
                {
                    TruncatedAtOffset ??= tagOffset;
                    _input.Consume(available);
                    return ReadStep.End;
                }

                if (available > tagLength)
                {
                    TruncatedAtOffset ??= tagOffset + tagLength;
                }
            }

            // A tag that fails to decode is not consumed: reading again fails again, at the same offset. A multitrack
            // tag stays until its last track is read, resuming after the tracks already delivered.
            TagContent content = DecodeTag(
                headerIndex, tagType, dataSize, tagOffset, _resumeAt,
                out int payloadIndex, out int payloadLength, out bool isKeyframe, out int compositionTime, out int trackIndex, out int resumeAt);
            _resumeAt = resumeAt;

            // The bytes stay in the buffer until the next read from the stream, so Current may point at them.
            if (_resumeAt == 0)
            {
                _input.Consume(Math.Min(available, tagLength + PreviousTagSizeLength));
            }

            if (content == TagContent.Ignored || (trackIndex != 0 && !_allTracks))
            {
                continue;
            }

            long dts = _timestamps.Unwrap(ReadTimestamp(headerIndex));
            var track = content is TagContent.VideoFrame or TagContent.VideoConfiguration ? MediaTrack.Video : MediaTrack.Audio;
            Current = new MediaFrame(
                track,
                TimeSpan.FromTicks(dts * TimeSpan.TicksPerMillisecond),
                TimeSpan.FromTicks((dts + compositionTime) * TimeSpan.TicksPerMillisecond),
                isKeyframe,
                content is TagContent.VideoConfiguration or TagContent.AudioConfiguration,
                new ReadOnlyMemory<byte>(_input.Array, payloadIndex, payloadLength),
                trackIndex);
            CurrentTagOffset = tagOffset;
            FramesRead++;
            return ReadStep.Frame;
        }
    }

    private async ValueTask ReadFileHeaderAsync(CancellationToken cancellationToken)
    {
        await _input.FillAsync(FileHeaderSize, cancellationToken).ConfigureAwait(false);
        int available = _input.Available;
        if (available == 0)
        {
            throw new InvalidDataException("not an FLV file: the stream is empty");
        }

        ReadOnlySpan<byte> header = _input.Buffered;
        if (available < 3 || !header.StartsWith("FLV"u8))
        {
            throw new InvalidDataException($"not an FLV file: signature at offset 0 is '{FlvCodecNames.Printable(header[..Math.Min(3, available)])}'");
        }

        if (available < FileHeaderSize)
        {
            throw new InvalidDataException($"not an FLV file: the stream ends at offset {available}, inside the {FileHeaderSize}-byte FLV header");
        }

        uint headerSize = BinaryPrimitives.ReadUInt32BigEndian(header[5..]);
        if (headerSize is < FileHeaderSize or > MaxFileHeaderSize)
        {
            throw new InvalidDataException($"FLV header at offset 0 declares a size of {headerSize} bytes at offset 5: expected {FileHeaderSize}");
        }

        // Skip the header, any extension of it, and PreviousTagSize0; a stream may end here (no tags).
        int toSkip = (int)headerSize + PreviousTagSizeLength;
        while (toSkip > 0)
        {
            if (_input.Available == 0)
            {
                await _input.FillAsync(1, cancellationToken).ConfigureAwait(false);
                if (_input.Available == 0)
                {
                    break;
                }
            }

            int skipped = Math.Min(toSkip, _input.Available);
            _input.Consume(skipped);
            toSkip -= skipped;
        }
    }

    private async ValueTask LookAheadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ScanAheadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            FixTracks();
        }
    }

    private async ValueTask ScanAheadAsync(CancellationToken cancellationToken)
    {
        int scanned = 0;
        bool sawTimestamp = false;
        uint firstTimestamp = 0;
        for (int tags = 0; tags < LookAheadMaxTags; tags++)
        {
            if (_input.Available - scanned < TagHeaderSize)
            {
                await _input.FillAsync(scanned + TagHeaderSize, cancellationToken).ConfigureAwait(false);
                if (_input.Available - scanned < TagHeaderSize)
                {
                    return;
                }
            }

            long tagOffset = _input.StartOffset + scanned;
            ReadTagHeader(_input.Start + scanned, tagOffset, out int tagType, out int dataSize);
            int tagLength = TagHeaderSize + dataSize + PreviousTagSizeLength;
            if (scanned + tagLength > LookAheadMaxBytes)
            {
                return;
            }

            if (_input.Available - scanned < tagLength)
            {
                await _input.FillAsync(scanned + tagLength, cancellationToken).ConfigureAwait(false);
                if (_input.Available - scanned < TagHeaderSize + dataSize)
                {
                    return;
                }
            }

            int headerIndex = _input.Start + scanned;
            bool any = false;
            int resumeAt = 0;
            do
            {
                any |= DecodeTag(headerIndex, tagType, dataSize, tagOffset, resumeAt, out _, out _, out _, out _, out _, out resumeAt) != TagContent.Ignored;
            }
            while (resumeAt != 0);

            scanned += tagLength;
            if (!any)
            {
                continue;
            }

            uint timestamp = ReadTimestamp(headerIndex);
            if (!sawTimestamp)
            {
                sawTimestamp = true;
                firstTimestamp = timestamp;
            }

            // A multitrack file may bring a track's first tag after the others are ready: look on a little (1 s of media).
            uint elapsed = unchecked(timestamp - firstTimestamp);
            bool forward = elapsed < 0x80000000u;
            if (TracksReady() && (!_sawMultitrack || (forward && elapsed >= MultitrackLookAheadMilliseconds)))
            {
                return;
            }

            if (forward && elapsed > LookAheadMaxMilliseconds)
            {
                return;
            }
        }
    }

    private uint ReadTimestamp(int headerIndex)
    {
        byte[] b = _input.Array;
        return (uint)(b[headerIndex + 4] << 16 | b[headerIndex + 5] << 8 | b[headerIndex + 6]) | (uint)b[headerIndex + 7] << 24;
    }

    private void ReadTagHeader(int headerIndex, long tagOffset, out int tagType, out int dataSize)
    {
        byte[] b = _input.Array;
        byte typeByte = b[headerIndex];
        if ((typeByte & 0x20) != 0)
        {
            throw new NotSupportedException($"encrypted FLV tag at offset {tagOffset}");
        }

        tagType = typeByte & 0x1F;
        if (tagType is not (AudioTagType or VideoTagType or ScriptTagType))
        {
            throw new InvalidDataException($"unknown FLV tag type {tagType} at offset {tagOffset}: expected 8 (audio), 9 (video) or 18 (script data)");
        }

        dataSize = b[headerIndex + 1] << 16 | b[headerIndex + 2] << 8 | b[headerIndex + 3];
        if (dataSize > _maxTagDataSize)
        {
            throw new InvalidDataException($"FLV tag at offset {tagOffset} declares {dataSize} bytes of data, more than the limit of {_maxTagDataSize}");
        }
    }
}
