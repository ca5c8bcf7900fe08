using Uplink.Codecs;
using Uplink.Codecs.Hevc;

namespace Uplink.Media.Elementary;

/// <summary>
/// Splits an HEVC Annex-B byte stream into access units (ITU-T H.265 7.4.2.4.4) and times them by the frame rate.
/// </summary>
/// <remarks>
/// <para>
/// Splitting: once the current access unit has a slice, a new one starts at an access unit delimiter (35), a VPS, SPS
/// or PPS (32 to 34), a prefix SEI (39), the reserved types 41 to 44 and 48 to 55, or a slice segment with
/// first_slice_segment_in_pic_flag set. An access unit is its bytes from the zeros before its first start code up to
/// those of the next one: contiguous Annex-B, as FFmpeg's HEVC parser cuts it.
/// </para>
/// <para>
/// Timing: DTS = PTS = n / fps for the n-th access unit (fps from the options, else the SPS VUI timing). Output order
/// is not derived (that needs each slice's picture order count): a stream whose SPS allows reordering
/// (sps_max_num_reorder_pics above 0: B-frames) is refused, naming the value; remuxing it into MKV, MP4 or MPEG-TS keeps
/// its timestamps. Keyframes: access units with an IRAP slice (BLA, IDR, CRA: types 16 to 21).
/// </para>
/// </remarks>
internal sealed class HevcAccessUnitSource : ElementaryStreamSource
{
    private const int StartCodeSearchLimit = 1024 * 1024;
    private const int SequenceParameterSetSearchLimit = 4 * 1024 * 1024;

    private readonly int _maxAccessUnitSize;
    private readonly double? _frameRateOverride;
    private double _frameRate;
    private bool _sawSequenceParameterSet;
    private bool _started;
    private bool _finished;
    private long _skippedBeforeStart;
    private long _emitted;

    private int _auStart;
    private bool _auHasVcl;
    private bool _auKeyframe;
    private int _nalStart; // the current NAL unit's header, after its start code
    private int _scan;

    public HevcAccessUnitSource(Stream stream, bool leaveOpen, Action<string>? onWarning, double? frameRate, int maxAccessUnitSize)
        : base(stream, leaveOpen, onWarning)
    {
        _frameRateOverride = frameRate;
        _maxAccessUnitSize = maxAccessUnitSize;
    }

    /// <summary>The frame rate in use (from the options or the first SPS); 0 until the first SPS.</summary>
    public double FrameRate => _frameRate;

    protected override ReadStep TryReadBuffered()
    {
        while (true)
        {
            if (_finished)
            {
                return ReadStep.End;
            }

            if (!_started)
            {
                if (!FindFirstStartCode())
                {
                    return ReadStep.NeedMoreData;
                }

                continue;
            }

            int found = Buffer.AsSpan(_scan, End - _scan).IndexOf(AnnexB.StartCode);
            int startCode = found < 0 ? -1 : _scan + found;

            // A NAL unit is handled once its start code, header and first payload byte (the slice flag) are buffered;
            // at the end of the stream a 2-byte NAL unit counts too.
            if (startCode < 0 || End - startCode < (EndOfStream ? 5 : 6))
            {
                if (!EndOfStream)
                {
                    _scan = startCode < 0 ? Math.Max(_scan, End - 2) : startCode;
                    CheckBounds();
                    return ReadStep.NeedMoreData;
                }

                return Finish();
            }

            if (Boundary(startCode + 3) is { } step)
            {
                return step;
            }
        }
    }

    protected override void OnShifted(int by)
    {
        _auStart -= by;
        _nalStart -= by;
        _scan -= by;
    }

    /// <summary>
    /// Handles the NAL unit whose header is at <paramref name="header"/>: completes the one before it (an SPS is read),
    /// and either closes the access unit before it (a frame) or adds it to the current one (null).
    /// </summary>
    private ReadStep? Boundary(int header)
    {
        int zeros = header - 3;
        while (zeros > _nalStart && Buffer[zeros - 1] == 0)
        {
            zeros--;
        }

        CompleteNal(_nalStart, zeros);
        int type = (Buffer[header] >> 1) & 0x3F;
        bool firstSlice = type <= 31 && header + 2 < End && (Buffer[header + 2] & 0x80) != 0;
        bool startsAccessUnit = type is 32 or 33 or 34 or 35 or 39 or (>= 41 and <= 44) or (>= 48 and <= 55) || firstSlice;
        ReadStep? result = null;
        if (_auHasVcl && startsAccessUnit)
        {
            Emit(zeros);
            result = ReadStep.Frame;
        }

        AddNal(type);
        _nalStart = header;
        _scan = header;
        return result;
    }

    /// <summary>A slice (VCL, types 0 to 31) makes the access unit a picture; an IRAP one (16 to 21) a keyframe.</summary>
    private void AddNal(int type)
    {
        if (type <= 31)
        {
            _auHasVcl = true;
            _auKeyframe |= type is >= 16 and <= 21;
        }
    }

    private ReadStep Finish()
    {
        _finished = true;
        CompleteNal(_nalStart, End);
        if (!_sawSequenceParameterSet)
        {
            throw new InvalidDataException($"not an HEVC Annex-B stream: no SPS in its {OffsetOf(End)} bytes");
        }

        if (_auHasVcl)
        {
            Emit(End);
            return ReadStep.Frame;
        }

        if (End > _auStart)
        {
            Warn($"HEVC Annex-B: the stream ends inside the access unit at offset {OffsetOf(_auStart)}, before its first slice: its {End - _auStart} bytes are dropped");
        }

        return ReadStep.End;
    }

    private void Emit(int end)
    {
        if (!_sawSequenceParameterSet)
        {
            throw new InvalidDataException($"HEVC Annex-B: the access unit at offset {OffsetOf(_auStart)} comes before any SPS, so the stream has no frame rate");
        }

        TimeSpan time = TimeSpan.FromTicks((long)Math.Round(_emitted++ * (double)TimeSpan.TicksPerSecond / _frameRate));
        Frame = new MediaFrame(MediaTrack.Video, time, time, _auKeyframe, false, new ReadOnlyMemory<byte>(Buffer, _auStart, end - _auStart));
        ReleaseBefore(_auStart); // the frame's bytes stay in the array until the next read
        _auStart = end;
        _auHasVcl = false;
        _auKeyframe = false;
    }

    private void CompleteNal(int start, int end)
    {
        if (end - start < 2 || ((Buffer[start] >> 1) & 0x3F) != (int)HevcNalUnitType.Sps || _sawSequenceParameterSet)
        {
            return;
        }

        ReadOnlySpan<byte> nal = Buffer.AsSpan(start, Math.Min(end - start, HevcSequenceParameterSet.MaxSize));
        if (!HevcSequenceParameterSet.TryParse(nal, out HevcSequenceParameterSet? sps))
        {
            Warn($"HEVC Annex-B: the SPS at offset {OffsetOf(start)} does not parse; waiting for another");
            return;
        }

        if (sps.MaxNumReorderPics > 0)
        {
            throw new NotSupportedException($"HEVC Annex-B: the SPS at offset {OffsetOf(start)} allows reordering (sps_max_num_reorder_pics {sps.MaxNumReorderPics}: B-frames), which a raw stream cannot be timed for; remux it into MKV, MP4 or MPEG-TS (ffmpeg -i IN -c copy OUT.mkv)");
        }

        double? rate = _frameRateOverride ?? (sps.HasTimingInfo && sps.NumUnitsInTick > 0 ? (double)sps.TimeScale / sps.NumUnitsInTick : null);
        if (rate is not double fps || !double.IsFinite(fps) || fps <= 0 || fps > 1_000_000)
        {
            throw new InvalidDataException(rate is null
                ? $"the HEVC stream has no frame rate in its SPS (at offset {OffsetOf(start)}): give --fps"
                : $"the HEVC SPS at offset {OffsetOf(start)} gives a frame rate of {rate}: give --fps");
        }

        _frameRate = fps;
        _sawSequenceParameterSet = true;
    }

    private bool FindFirstStartCode()
    {
        int held = End - Start;
        int found = Buffer.AsSpan(Start, held).IndexOf(AnnexB.StartCode);
        if (found < 0 || held - found < 5)
        {
            long examined = _skippedBeforeStart + held;
            if (EndOfStream || examined > StartCodeSearchLimit)
            {
                throw new InvalidDataException(examined == 0
                    ? "not an HEVC Annex-B stream: the stream is empty"
                    : $"not an HEVC Annex-B stream: no start code in the first {examined} bytes");
            }

            if (found < 0)
            {
                int keep = Math.Min(2, held);
                _skippedBeforeStart += held - keep;
                ReleaseBefore(End - keep);
            }

            return false;
        }

        int first = Start + found;
        while (first > Start && Buffer[first - 1] == 0)
        {
            first--;
        }

        long skipped = _skippedBeforeStart + (first - Start);
        if (skipped > 0)
        {
            Warn($"HEVC Annex-B: skipped {skipped} bytes before the first start code at offset {OffsetOf(first)}");
        }

        int header = Start + found + 3;
        ReleaseBefore(first);
        _started = true;
        _auStart = first;
        _nalStart = _scan = header;
        AddNal((Buffer[header] >> 1) & 0x3F);
        return true;
    }

    private void CheckBounds()
    {
        if (End - _auStart > _maxAccessUnitSize)
        {
            throw new InvalidDataException($"HEVC access unit at offset {OffsetOf(_auStart)} is larger than the limit of {_maxAccessUnitSize} bytes");
        }

        if (!_sawSequenceParameterSet && OffsetOf(End) > SequenceParameterSetSearchLimit)
        {
            throw new InvalidDataException($"not an HEVC Annex-B stream: no SPS in the first {OffsetOf(End)} bytes");
        }
    }
}
