using System.Runtime.CompilerServices;
using Uplink.Codecs;
using Uplink.Media.Elementary;

namespace Uplink.Media;

/// <summary>
/// Reads raw elementary streams — an H.264 Annex-B byte stream (<c>.h264</c>, as <c>ffmpeg -f h264</c> writes it)
/// and/or an AAC ADTS stream (<c>.aac</c>, <c>ffmpeg -f adts</c>) — into timed frames, merged in timestamp order.
/// </summary>
/// <remarks>
/// <para>
/// Each stream is read forward only (pipes work), in large reads into a pooled buffer; frames are slices of it, so
/// steady-state reading does not allocate.
/// </para>
/// <para>
/// Video: one frame per access unit, its data the whole access unit in Annex-B (start codes included), a keyframe
/// when it holds an IDR slice. Raw H.264 has no timestamps: DTS = n / fps (fps from
/// <see cref="ElementaryStreamOptions.FrameRate"/>, else the SPS VUI timing), and the PTS comes from each picture's
/// order count: its rank in output order, found in a look-ahead of 16 access units, plus a constant reorder delay
/// chosen at the start (VUI max_num_reorder_frames, or the deepest reordering of the first look-ahead), so that
/// PTS ≥ DTS. The last access unit is delivered as it is: a byte stream does not say whether its end was cut.
/// </para>
/// <para>
/// Audio: one frame per ADTS frame, its data the whole frame with its header; PTS = DTS = samples before it / sample
/// rate. Lost sync is skipped to the next confirmed header and reported through <see cref="MediaReaderOptions.OnWarning"/>.
/// </para>
/// </remarks>
public sealed class ElementaryStreamReader : IMediaReader, IDisposable
{
    private readonly ElementaryStreamSource? _video;
    private readonly AdtsFrameSource? _audio;
    private bool _videoPending;
    private bool _audioPending;
    private bool _videoNeedsAdvance;
    private bool _audioNeedsAdvance;
    private bool _disposed;

    private ElementaryStreamReader(ElementaryStreamSource? video, AdtsFrameSource? audio)
    {
        _video = video;
        _audio = audio;
        _videoNeedsAdvance = video is not null;
        _audioNeedsAdvance = audio is not null;
    }

    /// <inheritdoc/>
    public string FormatName => _video is null ? "AAC ADTS" : _audio is null ? VideoFormatName : VideoFormatName + " + AAC ADTS";

    /// <inheritdoc/>
    public VideoMediaType? Video => _video switch
    {
        null => null,
        HevcAccessUnitSource => VideoMediaType.HevcAnnexB,
        _ => VideoMediaType.H264AnnexB,
    };

    /// <inheritdoc/>
    public AudioMediaType? Audio => _audio is null ? null : AudioMediaType.AacAdts;

    /// <inheritdoc/>
    public MediaFrame Current { get; private set; }

    private string VideoFormatName => _video is HevcAccessUnitSource ? "HEVC Annex-B" : "H.264 Annex-B";

    /// <inheritdoc/>
    /// <remarks>A stream with no header declares no duration: always null.</remarks>
    TimeSpan? IMediaReader.Duration => null;

    /// <inheritdoc/>
    /// <remarks>A stream with no header declares no data rates: both null.</remarks>
    MediaDataRates IMediaReader.DataRates => default;

    /// <summary>The video frame rate in use: from <see cref="ElementaryStreamOptions.FrameRate"/> or the first SPS; null without video.</summary>
    public double? FrameRate => _video switch
    {
        AnnexBAccessUnitSource h264 => h264.FrameRate,
        HevcAccessUnitSource hevc => hevc.FrameRate,
        _ => null,
    };

    /// <summary>The constant delay, in frames, added to every video PTS so that PTS ≥ DTS; null without video.</summary>
    public int? ReorderDelay => _video switch
    {
        AnnexBAccessUnitSource h264 => h264.ReorderDelay,
        HevcAccessUnitSource => 0, // raw HEVC with reordering is refused
        _ => null,
    };

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// Opens the streams and reads up to their first frames, so that a stream that is not H.264 Annex-B or AAC ADTS
    /// fails here.
    /// </summary>
    /// <param name="video">The H.264 Annex-B byte stream, or null for none; it need not be seekable.</param>
    /// <param name="audio">The AAC ADTS stream, or null for none; it need not be seekable.</param>
    /// <param name="elementary">What the streams cannot say themselves (the frame rate); null for the defaults.</param>
    /// <param name="options">Whether to leave the streams open, and where to report skipped damage.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A reader positioned before the first frame.</returns>
    /// <exception cref="ArgumentException">Both streams are null, or the frame rate is not a positive number.</exception>
    /// <exception cref="InvalidDataException">A stream is not what it should be, or has no frame rate for its video.</exception>
    /// <exception cref="NotSupportedException">The video uses field pictures (interlaced coding).</exception>
    public static async ValueTask<ElementaryStreamReader> OpenAsync(
        Stream? video,
        Stream? audio,
        ElementaryStreamOptions? elementary = null,
        MediaReaderOptions? options = null,
        CancellationToken cancellationToken = default)
        => await OpenWithLimitAsync(video, audio, elementary, options, AnnexBAccessUnitSource.DefaultMaxAccessUnitSize, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// True when <paramref name="head"/>, the first bytes of an input, looks like an H.264 Annex-B stream: zero bytes,
    /// a start code, and a NAL header with forbidden_zero_bit 0 and type 1, 5, 6, 7, 8 or 9.
    /// </summary>
    /// <param name="head">The first bytes of the input.</param>
    /// <returns>True for a plausible Annex-B start.</returns>
    public static bool LooksLikeAnnexB(ReadOnlySpan<byte> head)
    {
        int zeros = 0;
        while (zeros < head.Length && head[zeros] == 0)
        {
            zeros++;
        }

        if (zeros < 2 || head.Length < zeros + 2 || head[zeros] != 1)
        {
            return false;
        }

        byte nalHeader = head[zeros + 1];
        return (nalHeader & 0x80) == 0 && (nalHeader & 0x1F) is 1 or 5 or 6 or 7 or 8 or 9;
    }

    /// <summary>
    /// True when <paramref name="head"/>, the first bytes of an input, looks like an AAC ADTS stream: a valid ADTS
    /// header followed by another where the first frame ends, or one whose frame covers all of <paramref name="head"/>.
    /// </summary>
    /// <param name="head">The first bytes of the input.</param>
    /// <returns>True for a plausible ADTS start.</returns>
    public static bool LooksLikeAdts(ReadOnlySpan<byte> head)
    {
        if (!AdtsHeader.TryParse(head, out AdtsHeader first))
        {
            return false;
        }

        int length = first.FrameLength;
        if (length >= head.Length)
        {
            return true;
        }

        return AdtsHeader.TryParse(head[length..], out AdtsHeader second)
            && second.SamplingFrequencyIndex == first.SamplingFrequencyIndex
            && second.Profile == first.Profile;
    }

    /// <inheritdoc/>
    /// <summary>
    /// Whether <paramref name="head"/> starts like an HEVC Annex-B stream: a start code, then the NAL unit header of a
    /// VPS, SPS, PPS, access unit delimiter or prefix SEI (types 32 to 35, 39) in layer 0 with a TemporalId. Checked
    /// before <see cref="LooksLikeAnnexB"/>: an HEVC delimiter (0x46) reads as an H.264 SEI header.
    /// </summary>
    public static bool LooksLikeHevcAnnexB(ReadOnlySpan<byte> head)
    {
        int zeros = 0;
        while (zeros < head.Length && head[zeros] == 0)
        {
            zeros++;
        }

        if (zeros < 2 || head.Length < zeros + 3 || head[zeros] != 1)
        {
            return false;
        }

        byte first = head[zeros + 1];
        byte second = head[zeros + 2];
        int type = (first >> 1) & 0x3F;
        return (first & 0x81) == 0 && (second & 0xF8) == 0 && (second & 0x07) != 0 && type is 32 or 33 or 34 or 35 or 39;
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (_videoNeedsAdvance)
        {
            ValueTask<bool> advance = _video!.AdvanceAsync(cancellationToken);
            if (!advance.IsCompletedSuccessfully)
            {
                return ReadAfterPendingAdvanceAsync(advance, video: true, cancellationToken);
            }

            _videoPending = advance.Result;
            _videoNeedsAdvance = false;
        }

        if (_audioNeedsAdvance)
        {
            ValueTask<bool> advance = _audio!.AdvanceAsync(cancellationToken);
            if (!advance.IsCompletedSuccessfully)
            {
                return ReadAfterPendingAdvanceAsync(advance, video: false, cancellationToken);
            }

            _audioPending = advance.Result;
            _audioNeedsAdvance = false;
        }

        return new ValueTask<bool>(TakeEarliest());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Current = default;
        _video?.Dispose();
        _audio?.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Current = default;
        if (_video is not null)
        {
            await _video.DisposeAsync().ConfigureAwait(false);
        }

        if (_audio is not null)
        {
            await _audio.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opens a reader that rejects access units larger than <paramref name="maxAccessUnitSize"/> bytes.</summary>
    internal static async ValueTask<ElementaryStreamReader> OpenWithLimitAsync(
        Stream? video, Stream? audio, ElementaryStreamOptions? elementary, MediaReaderOptions? options, int maxAccessUnitSize, CancellationToken cancellationToken)
    {
        if (video is null && audio is null)
        {
            throw new ArgumentException("give a video stream, an audio stream, or both", nameof(video));
        }

        double? frameRate = elementary?.FrameRate;
        if (frameRate is double fps && (!double.IsFinite(fps) || fps <= 0))
        {
            throw new ArgumentException($"the frame rate must be a positive number, not {fps}", nameof(elementary));
        }

        bool leaveOpen = options?.LeaveOpen ?? false;
        Action<string>? onWarning = options?.OnWarning;
        var reader = new ElementaryStreamReader(
            video is null ? null
                : elementary?.VideoCodec == VideoCodec.Hevc ? new HevcAccessUnitSource(video, leaveOpen, onWarning, frameRate, maxAccessUnitSize)
                : elementary?.VideoCodec is null or VideoCodec.H264 ? new AnnexBAccessUnitSource(video, leaveOpen, onWarning, frameRate, maxAccessUnitSize)
                : throw new ArgumentException($"{elementary.VideoCodec} has no Annex-B byte stream: give H264 or Hevc", nameof(elementary)),
            audio is null ? null : new AdtsFrameSource(audio, leaveOpen, onWarning));
        try
        {
            await reader.PrimeAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask PrimeAsync(CancellationToken cancellationToken)
    {
        if (_video is not null)
        {
            _videoPending = await _video.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            _videoNeedsAdvance = false;
        }

        if (_audio is not null)
        {
            _audioPending = await _audio.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            _audioNeedsAdvance = false;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadAfterPendingAdvanceAsync(ValueTask<bool> pending, bool video, CancellationToken cancellationToken)
    {
        bool result = await pending.ConfigureAwait(false);
        if (video)
        {
            _videoPending = result;
            _videoNeedsAdvance = false;
        }
        else
        {
            _audioPending = result;
            _audioNeedsAdvance = false;
        }

        if (_audioNeedsAdvance)
        {
            _audioPending = await _audio!.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            _audioNeedsAdvance = false;
        }

        return TakeEarliest();
    }

    /// <summary>Returns the pending frame with the earlier time (video DTS against audio PTS; video first on a tie).</summary>
    private bool TakeEarliest()
    {
        bool takeVideo;
        if (_videoPending && _audioPending)
        {
            takeVideo = _video!.Frame.Dts <= _audio!.Frame.Pts;
        }
        else if (_videoPending || _audioPending)
        {
            takeVideo = _videoPending;
        }
        else
        {
            Current = default;
            return false;
        }

        if (takeVideo)
        {
            Current = _video!.Frame;
            _videoPending = false;
            _videoNeedsAdvance = true;
        }
        else
        {
            Current = _audio!.Frame;
            _audioPending = false;
            _audioNeedsAdvance = true;
        }

        FramesRead++;
        return true;
    }
}
