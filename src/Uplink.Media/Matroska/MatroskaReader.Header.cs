using Uplink.Codecs;
using Uplink.Codecs.Hevc;
using Uplink.Media.Matroska;

namespace Uplink.Media;

/// <summary>Opening: the EBML header, the Segment's elements up to the first Cluster, the tracks and their timing.</summary>
public sealed partial class MatroskaReader
{
    /// <summary>How many video frames the reorder look-ahead wants to see.</summary>
    private const int LookAheadFrames = 64;

    /// <summary>How far the reorder look-ahead buffers at most.</summary>
    private const int LookAheadMaxBytes = 4 * 1024 * 1024;

    /// <summary>The longest DefaultDuration taken as a video frame's duration (anything longer is no frame rate).</summary>
    private const long MaxFrameDurationTicks = 10 * TimeSpan.TicksPerSecond;

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        EbmlElementHeader first = await ReadHeaderAtAsync(0, cancellationToken).ConfigureAwait(false)
            ?? throw MatroskaErrors.Invalid("not a Matroska/WebM file: the stream is empty");
        if (first.Id != MatroskaIds.Ebml)
        {
            throw MatroskaErrors.Invalid($"not a Matroska/WebM file: it starts with {Convert.ToHexString(_input.Buffered[..Math.Min(4, _input.Available)])}, not the EBML header ID 1A45DFA3");
        }

        await BufferElementAsync(0, first, "EBML header", cancellationToken).ConfigureAwait(false);
        MatroskaDocument document = MatroskaDocument.Parse(_input.Buffered.Slice(first.HeaderSize, (int)first.Size), first.HeaderSize, _onWarning);
        FormatName = document.FormatName;
        _position = first.HeaderSize + first.Size;

        EbmlElementHeader segment;
        while (true)
        {
            segment = await ReadHeaderAtAsync(_position, cancellationToken).ConfigureAwait(false)
                ?? throw MatroskaErrors.Invalid($"no Segment after the EBML header: the stream ends at offset {_position}");
            if (segment.Id == MatroskaIds.Segment)
            {
                break;
            }

            if (segment.Id is not (MatroskaIds.Void or MatroskaIds.Crc32) || segment.IsUnknownSize)
            {
                throw MatroskaErrors.Invalid($"element 0x{segment.Id:X} at offset {_position} is where the Segment (0x18538067) should be");
            }

            _position += segment.HeaderSize + segment.Size;
        }

        _position += segment.HeaderSize;
        _segmentEnd = segment.IsUnknownSize ? long.MaxValue : _position + segment.Size;
        (MatroskaInfo info, List<MatroskaTrack> tracks) = await ReadSegmentHeaderAsync(cancellationToken).ConfigureAwait(false);
        _timestampScale = info.TimestampScale;
        Duration = info.Duration;

        MatroskaTrackSelection selection = MatroskaTrackSelection.Select(tracks, _onWarning, _allTracks);
        if (selection.Videos.Count == 0 && selection.Audios.Count == 0)
        {
            throw MatroskaErrors.Invalid(tracks.Count == 0
                ? "the Tracks element declares no track"
                : $"no video or audio track among the {tracks.Count} tracks ({string.Join(", ", tracks.Select(t => $"{t.Label} {t.CodecId}{(t.IsEnabled ? "" : " disabled")}"))})");
        }

        _videoTypes = [.. selection.Videos.Select(c => c.Type)];
        _audioTypes = [.. selection.Audios.Select(c => c.Type)];
        Video = _videoTypes.Count > 0 ? _videoTypes[0] : null;
        Audio = _audioTypes.Count > 0 ? _audioTypes[0] : null;
        var states = new List<MatroskaTrackState>();
        for (int i = 0; i < selection.Videos.Count; i++)
        {
            (MatroskaTrack track, VideoMediaType type, byte[]? prefix) = selection.Videos[i];
            states.Add(new MatroskaTrackState(track, MediaTrack.Video, i, prefix)
            {
                Step = FrameStep(track, null),
                CodecDelay = CodecDelayUnits(track),
                Times = await CreateDecodeTimeDeriverAsync(track, type, cancellationToken).ConfigureAwait(false),
            });
        }

        for (int i = 0; i < selection.Audios.Count; i++)
        {
            (MatroskaTrack track, AudioMediaType type, byte[]? prefix) = selection.Audios[i];
            states.Add(new MatroskaTrackState(track, MediaTrack.Audio, i, prefix) { Step = FrameStep(track, type), CodecDelay = CodecDelayUnits(track) });
        }

        _tracks = [.. states];
    }

    /// <summary>Reads the Segment's elements up to the first Cluster (which stays unread) or the end.</summary>
    private async ValueTask<(MatroskaInfo Info, List<MatroskaTrack> Tracks)> ReadSegmentHeaderAsync(CancellationToken cancellationToken)
    {
        MatroskaInfo? info = null;
        List<MatroskaTrack>? tracks = null;
        string end = "the end of the stream";
        while (_position < _segmentEnd)
        {
            if (await ReadHeaderAtAsync(_position, cancellationToken).ConfigureAwait(false) is not { } header)
            {
                break;
            }

            if (header.Id == MatroskaIds.Cluster)
            {
                end = $"the first Cluster at offset {_position}";
                break;
            }

            if (header.Id is MatroskaIds.Ebml or MatroskaIds.Segment)
            {
                end = $"the next segment at offset {_position}";
                break;
            }

            if (header.IsUnknownSize)
            {
                throw MatroskaErrors.Invalid($"element 0x{header.Id:X} at offset {_position} has an unknown size, which only a Segment or a Cluster may have");
            }

            if (header.Id == MatroskaIds.Info && info is null)
            {
                await BufferElementAsync(_position, header, "Info element", cancellationToken).ConfigureAwait(false);
                info = MatroskaInfo.Parse(_input.Buffered.Slice(header.HeaderSize, (int)header.Size), _position + header.HeaderSize);
            }
            else if (header.Id == MatroskaIds.Tracks && tracks is null)
            {
                await BufferElementAsync(_position, header, "Tracks element", cancellationToken).ConfigureAwait(false);
                tracks = MatroskaTrackParser.Parse(_input.Buffered.Slice(header.HeaderSize, (int)header.Size), _position + header.HeaderSize);
            }

            // SeekHead, Cues, Tags, Chapters, Attachments, Void, CRC-32 and unknown elements are skipped unread.
            _position += header.HeaderSize + header.Size;
        }

        if (_position >= _segmentEnd)
        {
            end = $"the end of the segment at offset {_segmentEnd}";
        }

        return (info ?? MatroskaInfo.Default, tracks ?? throw MatroskaErrors.Invalid($"no Tracks element before {end}"));
    }

    /// <summary>Reads the element header at <paramref name="offset"/>; null when the stream ends right there.</summary>
    private async ValueTask<EbmlElementHeader?> ReadHeaderAtAsync(long offset, CancellationToken cancellationToken)
    {
        await SkipToAsync(offset, cancellationToken).ConfigureAwait(false);
        await _input.FillAsync(Ebml.MaxHeaderSize, cancellationToken).ConfigureAwait(false);
        if (_input.Available == 0 || _input.StartOffset < offset)
        {
            return null;
        }

        switch (Ebml.TryReadHeader(_input.Buffered, out EbmlElementHeader header))
        {
            case EbmlHeaderStatus.Read:
                return header;
            case EbmlHeaderStatus.NeedMoreData:
                throw MatroskaErrors.Invalid($"the stream ends at offset {offset + _input.Available}, inside the header of the element at offset {offset}");
            default:
                throw MatroskaErrors.Invalid($"the bytes at offset {offset} ({Convert.ToHexString(_input.Buffered[..Math.Min(4, _input.Available)])}) are not a valid EBML element header");
        }
    }

    /// <summary>Buffers the whole element at <paramref name="offset"/> (at <see cref="StreamReadBuffer.Start"/>).</summary>
    private async ValueTask BufferElementAsync(long offset, EbmlElementHeader header, string name, CancellationToken cancellationToken)
    {
        if (header.IsUnknownSize || header.Size > MaxHeaderElementSize)
        {
            throw MatroskaErrors.Invalid($"the {name} at offset {offset} claims {(header.IsUnknownSize ? "an unknown size" : $"{header.Size} bytes")}, more than the limit of {MaxHeaderElementSize}");
        }

        int total = header.HeaderSize + (int)header.Size;
        await _input.FillAsync(total, cancellationToken).ConfigureAwait(false);
        if (_input.Available < total)
        {
            throw MatroskaErrors.Invalid($"the stream ends at offset {offset + _input.Available}, inside the {name} at offset {offset} ({total} bytes)");
        }
    }

    /// <summary>
    /// The video DTS rule's parameters: the reorder delay the SPS declares (H.264 max_num_reorder_frames, HEVC
    /// sps_max_num_reorder_pics), 0 for H.264 Baseline and intra-only profiles and for AV1 and VP9 (whose blocks come in
    /// presentation order: hidden frames travel inside a temporal unit or superframe), else the deepest reordering
    /// among the first frames; and the frame duration from the DefaultDuration, the SPS timing or those frames.
    /// </summary>
    private async ValueTask<DecodeTimeDeriver> CreateDecodeTimeDeriverAsync(MatroskaTrack track, VideoMediaType type, CancellationToken cancellationToken)
    {
        (int? declared, double? fps) = type.Codec switch
        {
            VideoCodec.H264 => H264Timing(type),
            VideoCodec.Hevc => HevcTiming(type),
            _ => (0, null),
        };

        long frameDuration = track.DefaultDuration is > 0 and <= MaxFrameDurationTicks * 100 ? (long)(track.DefaultDuration / 100) : 0;
        if (frameDuration == 0 && fps is > 0 and double rate)
        {
            frameDuration = Math.Min(MaxFrameDurationTicks, (long)(TimeSpan.TicksPerSecond / rate));
        }

        int delay;
        if (declared is int known)
        {
            delay = known;
        }
        else
        {
            (delay, long step) = await LookAheadAsync(track.Number, cancellationToken).ConfigureAwait(false);
            frameDuration = frameDuration > 0 ? frameDuration : step;
        }

        return new DecodeTimeDeriver(delay, frameDuration);
    }

    /// <summary>H.264: the SPS's max_num_reorder_frames (0 for profiles without reordering) and frame rate.</summary>
    private static (int? Delay, double? FrameRate) H264Timing(VideoMediaType type)
    {
        H264SequenceParameterSet? sps = null;
        try
        {
            var record = AvcDecoderConfigurationRecord.Parse(type.DecoderConfiguration.Span);
            _ = record.SequenceParameterSets.Count > 0 && H264SequenceParameterSet.TryParse(record.SequenceParameterSets[0], out sps);
        }
        catch (InvalidDataException)
        {
            // VideoMediaType.H264 accepted it; an SPS the parser cannot read leaves the delay to the look-ahead.
        }

        int? delay = sps?.MaxNumReorderFrames ?? (sps is not null && IsWithoutReordering(sps) ? 0 : null);
        return (delay, sps?.FrameRate);
    }

    /// <summary>
    /// HEVC: the SPS's sps_max_num_reorder_pics of the highest sub-layer (always present, unlike H.264's) and the VUI
    /// frame rate. FFmpeg takes the same value as the stream's reorder delay (has_b_frames).
    /// </summary>
    private static (int? Delay, double? FrameRate) HevcTiming(VideoMediaType type)
    {
        try
        {
            var record = HevcDecoderConfigurationRecord.Parse(type.DecoderConfiguration.Span);
            if (record.SequenceParameterSets.Count > 0 && HevcSequenceParameterSet.TryParse(record.SequenceParameterSets[0], out HevcSequenceParameterSet? sps))
            {
                double? fps = sps.HasTimingInfo && sps.NumUnitsInTick > 0 ? (double)sps.TimeScale / sps.NumUnitsInTick : null;
                return (sps.MaxNumReorderPics, fps);
            }
        }
        catch (InvalidDataException)
        {
            // VideoMediaType.Hevc accepted it; an SPS the parser cannot read leaves the delay to the look-ahead.
        }

        return (null, null);
    }

    /// <summary>Baseline (and Constrained Baseline) has no B slices; the intra-only profiles no inter prediction at all.</summary>
    private static bool IsWithoutReordering(H264SequenceParameterSet sps) =>
        sps.ProfileIdc is 66 or 44 || (sps.ProfileIdc is 100 or 110 or 122 or 244 && (sps.ConstraintSetFlags & 0x10) != 0);

    /// <summary>
    /// Buffers ahead (at most <see cref="LookAheadMaxBytes"/>) until <see cref="LookAheadFrames"/> video frames are
    /// seen, and measures their reordering. The bytes stay buffered for the reads.
    /// </summary>
    private async ValueTask<(int Delay, long FrameDuration)> LookAheadAsync(ulong track, CancellationToken cancellationToken)
    {
        long[] times = new long[LookAheadFrames];
        int count = 0;
        for (int want = 256 * 1024; ; want = Math.Min(want * 4, LookAheadMaxBytes))
        {
            await SkipToAsync(_position, cancellationToken).ConfigureAwait(false);
            await _input.FillAsync(want, cancellationToken).ConfigureAwait(false);
            count = MatroskaReorderProbe.Scan(_input.Buffered, track, times);
            if (count == times.Length || _input.Available < want || want == LookAheadMaxBytes)
            {
                break;
            }
        }

        long units = MatroskaReorderProbe.SmallestStep(times.AsSpan(0, count));
        long step = units > 0 && ToTicks(units) is long ticks and > 0 and <= MaxFrameDurationTicks ? ticks : 0;
        return (MatroskaReorderProbe.Depth(times.AsSpan(0, count)), step);
    }

    /// <summary>
    /// The time from one laced frame to the next when the block has no BlockDuration: the DefaultDuration, else (AAC) the
    /// samples of a frame over the core sample rate; (0, 1) when neither is known.
    /// </summary>
    private static (long Numerator, long Denominator) FrameStep(MatroskaTrack track, AudioMediaType? audio)
    {
        if (track.DefaultDuration is > 0 and <= MaxFrameDurationTicks * 100)
        {
            return ((long)track.DefaultDuration, 100); // nanoseconds to ticks
        }

        if (audio is { AudioSpecificConfig.IsEmpty: false })
        {
            try
            {
                var config = AudioSpecificConfig.Parse(audio.AudioSpecificConfig.Span);
                if (config.SampleRate > 0)
                {
                    return (config.SamplesPerFrame * TimeSpan.TicksPerSecond, config.SampleRate);
                }
            }
            catch (InvalidDataException)
            {
                // AudioMediaType.Aac parsed it already; nothing better to fall back on.
            }
        }

        return (0, 1);
    }
}
