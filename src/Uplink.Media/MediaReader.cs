namespace Uplink.Media;

/// <summary>Opens the right reader for an input, told by its content: FLV, MP4/MOV, MPEG-TS, Matroska/WebM, IVF, H.264 or HEVC Annex-B, or AAC ADTS.</summary>
public static class MediaReader
{
    /// <summary>
    /// Detects the format of <paramref name="stream"/> from its first bytes and opens a reader for it. A seekable
    /// stream is rewound after the look; a pipe gets the bytes replayed, so nothing is lost either way.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is empty or in no format Uplink reads (the message shows its first bytes).</exception>
    public static async ValueTask<IMediaReader> OpenAsync(Stream stream, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (MediaFormat format, Stream input) = await DetectAsync(stream, options?.LeaveOpen ?? false, cancellationToken).ConfigureAwait(false);
        options = (options ?? new MediaReaderOptions()) with { LeaveOpen = ReferenceEquals(input, stream) && (options?.LeaveOpen ?? false) };
        return await OpenDetectedAsync(format, input, null, null, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the file at <paramref name="path"/> and the reader for its format; disposing the reader closes the file.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty or in no format Uplink reads.</exception>
    public static async ValueTask<IMediaReader> OpenAsync(string path, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Asynchronous file reads, in the 1 MiB steps the readers ask for on large files.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        try
        {
            return await OpenAsync(file, (options ?? new MediaReaderOptions()) with { LeaveOpen = false }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens the reader for a format already detected (see <see cref="DetectAsync"/>). For raw H.264 and HEVC,
    /// <paramref name="audio"/> is an ADTS stream to read beside it and <paramref name="frameRate"/> overrides the SPS's.
    /// </summary>
    public static async ValueTask<IMediaReader> OpenDetectedAsync(MediaFormat format, Stream stream, Stream? audio, double? frameRate, MediaReaderOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return format switch
        {
            MediaFormat.Flv => await FlvReader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.Mp4 => await Mp4Reader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.MpegTs => await MpegTsReader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.Matroska => await MatroskaReader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.Ivf => await IvfReader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.H264AnnexB => await ElementaryStreamReader.OpenAsync(stream, audio, new ElementaryStreamOptions { FrameRate = frameRate }, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.HevcAnnexB => await ElementaryStreamReader.OpenAsync(stream, audio, new ElementaryStreamOptions { FrameRate = frameRate, VideoCodec = VideoCodec.Hevc }, options, cancellationToken).ConfigureAwait(false),
            MediaFormat.AacAdts => await ElementaryStreamReader.OpenAsync(null, stream, null, options, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidDataException("not a format uplink reads"),
        };
    }

    /// <summary>
    /// Reads the first bytes of <paramref name="stream"/> and detects its format. Returns the stream to read from:
    /// the same one rewound when it can seek, else one that replays the bytes already read.
    /// </summary>
    public static async ValueTask<(MediaFormat Format, Stream Stream)> DetectAsync(Stream stream, bool leaveOpen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] head = new byte[MediaFormatDetector.HeadLength];
        int length = 0;
        while (length < head.Length)
        {
            int n = await stream.ReadAsync(head.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            length += n;
        }

        if (length == 0)
        {
            throw new InvalidDataException("the input is empty");
        }

        MediaFormat format = MediaFormatDetector.Detect(head.AsSpan(0, length));
        if (format == MediaFormat.Unknown)
        {
            throw new InvalidDataException($"not a format uplink reads (FLV, MP4/MOV, MPEG-TS, MKV/WebM, IVF, H.264 or HEVC Annex-B, AAC ADTS): it starts with {Convert.ToHexString(head, 0, Math.Min(length, 8))}");
        }

        if (stream.CanSeek)
        {
            stream.Seek(-length, SeekOrigin.Current);
            return (format, stream);
        }

        return (format, new PrefixedStream(head[..length], stream, leaveOpen));
    }
}
