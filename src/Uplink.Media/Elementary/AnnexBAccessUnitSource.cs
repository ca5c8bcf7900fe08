using Uplink.Codecs;

namespace Uplink.Media.Elementary;

/// <summary>
/// Splits an H.264 Annex-B byte stream into access units (ITU-T H.264 7.4.1.2.3) and times them.
/// </summary>
/// <remarks>
/// <para>
/// Splitting: a NAL unit is handled once the next start code (or the end of the stream) shows where it ends. A new
/// access unit starts at an access unit delimiter, SPS, PPS, SEI or prefix NAL unit (types 14 to 18) that follows a
/// slice of the current picture, and at a slice that starts a new primary picture (first_mb_in_slice 0, or a
/// different frame_num, PPS, nal_ref_idc, IDR flag, idr_pic_id or picture order count field — 7.4.1.2.4). An access
/// unit is its bytes from its first start code up to the next one, so its data is contiguous Annex-B.
/// </para>
/// <para>
/// Timing: DTS = n / fps for the n-th access unit in decode order. The PTS comes from the picture order count
/// (POC, 8.2.1) of each picture, with pictures sorting in output order by (IDR period, POC). Access units wait in a
/// look-ahead of <see cref="LookAhead"/> units; the output rank of unit n is n, minus the earlier units (at most
/// <see cref="LookAhead"/> back) that are output after it, plus the later units in the look-ahead that are output
/// before it. PTS = (rank + R) / fps, where the reorder delay R is chosen once, at the first frame: the larger of the
/// VUI's max_num_reorder_frames and the deepest reordering the first look-ahead shows. So DTS is evenly spaced and
/// PTS ≥ DTS for every stream that reorders no deeper than R.
/// </para>
/// </remarks>
internal sealed class AnnexBAccessUnitSource : ElementaryStreamSource
{
    /// <summary>The largest access unit accepted by default.</summary>
    internal const int DefaultMaxAccessUnitSize = 16 * 1024 * 1024;

    /// <summary>How many access units wait for their output order to be known.</summary>
    internal const int LookAhead = 16;

    private const int StartCodeSearchLimit = 1024 * 1024;
    private const int SequenceParameterSetSearchLimit = 4 * 1024 * 1024;

    private readonly int _maxAccessUnitSize;
    private readonly long _maxBufferedBytes;
    private readonly double? _frameRateOverride;
    private readonly H264SequenceParameterSet?[] _sps = new H264SequenceParameterSet?[32];
    private readonly byte[]?[] _spsBytes = new byte[]?[32];
    private readonly H264PictureParameterSet?[] _pps = new H264PictureParameterSet?[256];
    private readonly byte[]?[] _ppsBytes = new byte[]?[256];
    private readonly PictureOrderCounter _pictureOrder = new();
    private readonly AccessUnit[] _queue = new AccessUnit[LookAhead + 2];
    private readonly AccessUnit[] _history = new AccessUnit[LookAhead];

    private double _frameRate;
    private int? _firstReorderFrames;
    private bool _sawSequenceParameterSet;
    private int _queueHead;
    private int _queueCount;
    private int _historyNext;
    private int _historyCount;
    private long _emitted;
    private int _reorderDelay = -1;

    private bool _started;
    private bool _finished;
    private long _skippedBeforeStart;
    private int _nalStart;
    private int _nalBoundary;
    private int _scan;

    private int _auStart;
    private bool _auHasVcl;
    private bool _auHasSlice;
    private bool _auDrop;
    private bool _auKeyframe;
    private long _auPeriod;
    private long _auPoc;
    private H264SliceHeader _auSlice;

    private bool _warnedMissingParameterSets;
    private bool _warnedReorder;

    public AnnexBAccessUnitSource(Stream stream, bool leaveOpen, Action<string>? onWarning, double? frameRate, int maxAccessUnitSize)
        : base(stream, leaveOpen, onWarning)
    {
        _frameRateOverride = frameRate;
        _maxAccessUnitSize = maxAccessUnitSize;
        _maxBufferedBytes = Math.Max(4L * maxAccessUnitSize, 64 * 1024 * 1024);
    }

    /// <summary>The frame rate in use (from the options or the first SPS); 0 until the first SPS.</summary>
    public double FrameRate => _frameRate;

    /// <summary>The reorder delay R in frames (see the remarks); -1 until the first frame.</summary>
    public int ReorderDelay => _reorderDelay;

    protected override ReadStep TryReadBuffered()
    {
        while (true)
        {
            if (_queueCount > LookAhead || (_finished && _queueCount > 0))
            {
                EmitHead();
                return ReadStep.Frame;
            }

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
            if (found < 0)
            {
                if (!EndOfStream)
                {
                    _scan = Math.Max(_scan, End - 2);
                    ReleaseUnneeded();
                    CheckBounds();
                    return ReadStep.NeedMoreData;
                }

                int last = TrimZeros(_nalStart, End);
                int auEnd = CompleteNal(_nalStart, last) ? last : _nalBoundary;
                if (!_auHasVcl && auEnd > _auStart && _queueCount + _emitted > 0)
                {
                    Warn($"H.264 Annex-B: the stream ends inside the access unit at offset {OffsetOf(_auStart)}, before its first slice: its {auEnd - _auStart} bytes are dropped");
                }

                CloseAccessUnit(auEnd);
                _finished = true;
                if (!_sawSequenceParameterSet)
                {
                    throw new InvalidDataException($"not an H.264 Annex-B stream: no SPS in its {OffsetOf(End)} bytes");
                }

                continue;
            }

            int startCode = _scan + found;
            int end = TrimZeros(_nalStart, startCode);
            if (CompleteNal(_nalStart, end))
            {
                _nalBoundary = end;
            }

            _nalStart = startCode + 3;
            _scan = _nalStart;
        }
    }

    protected override void OnShifted(int by)
    {
        _nalStart -= by;
        _nalBoundary -= by;
        _scan -= by;
        _auStart -= by;
        for (int i = 0; i < _queueCount; i++)
        {
            _queue[(_queueHead + i) % _queue.Length].Index -= by;
        }
    }

    private int TrimZeros(int start, int end)
    {
        while (end > start && Buffer[end - 1] == 0)
        {
            end--;
        }

        return end;
    }

    private bool FindFirstStartCode()
    {
        int held = End - Start;
        int found = Buffer.AsSpan(Start, held).IndexOf(AnnexB.StartCode);
        if (found < 0)
        {
            long examined = _skippedBeforeStart + held;
            if (EndOfStream || examined > StartCodeSearchLimit)
            {
                throw new InvalidDataException(examined == 0
                    ? "not an H.264 Annex-B stream: the stream is empty"
                    : $"not an H.264 Annex-B stream: no start code in the first {examined} bytes");
            }

            int keep = Math.Min(2, held);
            _skippedBeforeStart += held - keep;
            ReleaseBefore(End - keep);
            return false;
        }

        int startCode = Start + found;
        int first = startCode;
        while (first > Start && Buffer[first - 1] == 0)
        {
            first--;
        }

        long skipped = _skippedBeforeStart + (first - Start);
        if (skipped > 0)
        {
            Warn($"H.264 Annex-B: skipped {skipped} bytes before the first start code at offset {OffsetOf(first)}");
        }

        ReleaseBefore(first);
        _started = true;
        _auStart = _nalBoundary = first;
        _nalStart = _scan = startCode + 3;
        return true;
    }

    /// <summary>Handles the NAL unit at [start, end); false when it is empty.</summary>
    private bool CompleteNal(int start, int end)
    {
        if (end <= start)
        {
            return false;
        }

        byte header = Buffer[start];
        if ((header & 0x80) != 0)
        {
            Warn($"H.264 Annex-B: NAL unit at offset {OffsetOf(start)} has forbidden_zero_bit set: skipped as garbage");
            if (_auHasVcl || _auStart == _nalBoundary)
            {
                CloseAccessUnit(_nalBoundary);
                _auStart = end;
            }

            return true;
        }

        switch (header & 0x1F)
        {
            case 1 or 2 or 5:
                HandleSlice(start, end);
                break;
            case 7:
                StartAccessUnitAfterVcl();
                StoreSequenceParameterSet(start, end);
                break;
            case 8:
                StartAccessUnitAfterVcl();
                StorePictureParameterSet(start, end);
                break;
            case 6 or 9 or (>= 14 and <= 18):
                StartAccessUnitAfterVcl();
                break;
        }

        return true;
    }

    private void StartAccessUnitAfterVcl()
    {
        if (_auHasVcl)
        {
            CloseAccessUnit(_nalBoundary);
            _auStart = _nalBoundary;
        }
    }

    private void HandleSlice(int start, int end)
    {
        ReadOnlySpan<byte> nal = Buffer.AsSpan(start, end - start);
        H264SequenceParameterSet? sps = null;
        H264SliceHeader slice = default;
        uint firstMb = 0;
        bool parsed = false;
        try
        {
            H264SliceHeader.ReadIds(nal, out firstMb, out int ppsId);
            if (_pps[ppsId] is { } pps && _sps[pps.SeqParameterSetId] is { } found)
            {
                sps = found;
                slice = H264SliceHeader.Parse(nal, sps, pps);
                parsed = true;
            }
            else if (!_warnedMissingParameterSets)
            {
                _warnedMissingParameterSets = true;
                Warn($"H.264 Annex-B: slice at offset {OffsetOf(start)} refers to PPS {ppsId}, not seen yet: pictures are skipped until their parameter sets arrive");
            }
        }
        catch (InvalidDataException e)
        {
            Warn($"H.264 Annex-B: slice at offset {OffsetOf(start)}: {e.Message}: its picture is skipped");
        }

        if (!parsed)
        {
            if (_auHasVcl && _auHasSlice && firstMb == 0)
            {
                CloseAccessUnit(_nalBoundary);
                _auStart = _nalBoundary;
            }

            _auHasVcl = true;
            _auDrop = true;
            return;
        }

        if (slice.FieldPic)
        {
            throw new NotSupportedException($"H.264 field pictures (interlaced coding) at offset {OffsetOf(start)} are not supported in a raw Annex-B stream");
        }

        if (_auHasVcl && (_auHasSlice ? slice.StartsNewPictureAfter(_auSlice) : slice.FirstMbInSlice == 0))
        {
            CloseAccessUnit(_nalBoundary);
            _auStart = _nalBoundary;
        }

        if (!_auHasSlice)
        {
            if (!_auHasVcl)
            {
                _auPoc = _pictureOrder.Next(slice, sps!);
                _auPeriod = _pictureOrder.Period;
            }

            _auHasSlice = true;
            _auSlice = slice;
        }

        _auHasVcl = true;
        _auKeyframe |= slice.IsIdr;
    }

    private void CloseAccessUnit(int end)
    {
        if (_auHasVcl && !_auDrop && _auHasSlice)
        {
            int length = end - _auStart;
            if (length > _maxAccessUnitSize)
            {
                throw TooLarge();
            }

            _queue[(_queueHead + _queueCount) % _queue.Length] = new AccessUnit(_auStart, length, OffsetOf(_auStart), _auKeyframe, _auPeriod, _auPoc);
            _queueCount++;
        }

        _auHasVcl = false;
        _auHasSlice = false;
        _auDrop = false;
        _auKeyframe = false;
    }

    private void StoreSequenceParameterSet(int start, int end)
    {
        ReadOnlySpan<byte> nal = Buffer.AsSpan(start, end - start);
        foreach (byte[]? known in _spsBytes)
        {
            if (known is not null && nal.SequenceEqual(known))
            {
                return;
            }
        }

        if (!H264SequenceParameterSet.TryParse(nal, out H264SequenceParameterSet? sps))
        {
            Warn($"H.264 Annex-B: the SPS at offset {OffsetOf(start)} is malformed: ignored");
            return;
        }

        if (!_sawSequenceParameterSet)
        {
            double? rate = _frameRateOverride ?? sps.FrameRate;
            if (rate is not double fps)
            {
                throw new InvalidDataException($"the H.264 stream has no frame rate in its SPS (at offset {OffsetOf(start)}): give --fps");
            }

            if (!double.IsFinite(fps) || fps <= 0 || fps > 1_000_000)
            {
                throw new InvalidDataException($"the H.264 SPS at offset {OffsetOf(start)} gives a frame rate of {fps}: give --fps");
            }

            _frameRate = fps;
            _firstReorderFrames = sps.MaxNumReorderFrames;
            _sawSequenceParameterSet = true;
        }

        _sps[sps.SeqParameterSetId] = sps;
        _spsBytes[sps.SeqParameterSetId] = nal.ToArray();
    }

    private void StorePictureParameterSet(int start, int end)
    {
        ReadOnlySpan<byte> nal = Buffer.AsSpan(start, end - start);
        foreach (byte[]? known in _ppsBytes)
        {
            if (known is not null && nal.SequenceEqual(known))
            {
                return;
            }
        }

        H264PictureParameterSet pps;
        try
        {
            pps = H264PictureParameterSet.Parse(nal);
        }
        catch (InvalidDataException e)
        {
            Warn($"H.264 Annex-B: the PPS at offset {OffsetOf(start)} is malformed ({e.Message}): ignored");
            return;
        }

        _pps[pps.PicParameterSetId] = pps;
        _ppsBytes[pps.PicParameterSetId] = nal.ToArray();
    }

    private void EmitHead()
    {
        if (_reorderDelay < 0)
        {
            _reorderDelay = Math.Min(LookAhead, Math.Max(_firstReorderFrames ?? 0, DeepestReorderInQueue()));
        }

        AccessUnit unit = _queue[_queueHead];
        int outputAfter = 0;
        for (int i = 0; i < _historyCount; i++)
        {
            if (_history[i].IsOutputAfter(unit))
            {
                outputAfter++;
            }
        }

        int outputBefore = 0;
        for (int i = 1; i < _queueCount; i++)
        {
            if (unit.IsOutputAfter(_queue[(_queueHead + i) % _queue.Length]))
            {
                outputBefore++;
            }
        }

        long n = _emitted;
        long rank = n - outputAfter + outputBefore;
        if (n - rank > _reorderDelay && !_warnedReorder)
        {
            _warnedReorder = true;
            Warn($"H.264 Annex-B: the picture at offset {unit.Offset} is reordered by {n - rank} frames, more than the {_reorderDelay} chosen at the start: its PTS is before its DTS");
        }

        Frame = new MediaFrame(MediaTrack.Video, FrameTime(n), FrameTime(rank + _reorderDelay), unit.IsKeyframe, false, new ReadOnlyMemory<byte>(Buffer, unit.Index, unit.Length));
        _history[_historyNext] = unit;
        _historyNext = (_historyNext + 1) % _history.Length;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
        _queueHead = (_queueHead + 1) % _queue.Length;
        _queueCount--;
        _emitted++;

        // The frame's bytes stay in place until the next read from the stream.
        ReleaseBefore(_queueCount > 0 ? _queue[_queueHead].Index : _finished ? End : _auStart);
    }

    /// <summary>The largest n - rank among the access units waiting in the look-ahead, judged from the look-ahead alone.</summary>
    private int DeepestReorderInQueue()
    {
        int deepest = 0;
        for (int i = 0; i < _queueCount; i++)
        {
            AccessUnit unit = _queue[(_queueHead + i) % _queue.Length];
            int rank = i;
            for (int j = 0; j < _queueCount; j++)
            {
                AccessUnit other = _queue[(_queueHead + j) % _queue.Length];
                if (j < i && other.IsOutputAfter(unit))
                {
                    rank--;
                }
                else if (j > i && unit.IsOutputAfter(other))
                {
                    rank++;
                }
            }

            deepest = Math.Max(deepest, i - rank);
        }

        return deepest;
    }

    private TimeSpan FrameTime(long frames) => TimeSpan.FromTicks((long)Math.Round(frames * (double)TimeSpan.TicksPerSecond / _frameRate));

    /// <summary>Lets go of the bytes no waiting access unit needs (those of pictures skipped before their parameter sets).</summary>
    private void ReleaseUnneeded()
    {
        int keep = _queueCount > 0 ? _queue[_queueHead].Index : _auStart;
        if (keep > Start)
        {
            ReleaseBefore(keep);
        }
    }

    private void CheckBounds()
    {
        if (End - _auStart > _maxAccessUnitSize)
        {
            throw TooLarge();
        }

        if (End - Start > _maxBufferedBytes)
        {
            throw new InvalidDataException($"H.264 look-ahead from offset {OffsetOf(Start)} holds more than {_maxBufferedBytes} bytes");
        }

        if (!_sawSequenceParameterSet && OffsetOf(End) > SequenceParameterSetSearchLimit)
        {
            throw new InvalidDataException($"not an H.264 Annex-B stream: no SPS in the first {OffsetOf(End)} bytes");
        }
    }

    private InvalidDataException TooLarge() =>
        new($"H.264 access unit at offset {OffsetOf(_auStart)} is larger than the limit of {_maxAccessUnitSize} bytes");
}
