using Uplink.Media.Matroska;

namespace Uplink.Media;

/// <summary>Reading: the Segment's children after the header, the Clusters' elements, the end of the input, damage resynchronisation.</summary>
public sealed partial class MatroskaReader
{
    /// <summary>How far a cluster's Timestamp may be from the previous cluster's before it is taken for damage.</summary>
    private static readonly long MaxClusterJumpTicks = TimeSpan.FromHours(1).Ticks;

    /// <summary>How many clusters in a row are taken for damage for their Timestamp before the jump is believed.</summary>
    private const int MaxClusterJumpsRejected = 2;

    /// <summary>The Cluster ID's bytes: what a resynchronisation looks for.</summary>
    private static readonly byte[] ClusterId = [0x1F, 0x43, 0xB6, 0x75];

    /// <summary>The stream offset of the next element header to read.</summary>
    private long _position;
    private long _segmentEnd = long.MaxValue;
    private bool _ended;

    private bool _inCluster;
    private long _clusterOffset;
    private long _clusterEnd;
    private bool _clusterSized;
    private bool _hasClusterTimestamp;
    private long _clusterTimestamp;
    private long? _lastClusterTicks;
    private int _clusterJumpsRejected;

    /// <summary>Why the reader is looking for the next Cluster (null when it is not), for the warning when it finds one.</summary>
    private string? _damage;
    private long _damageOffset;

    /// <summary>The element being skipped, for the warning when the stream ends inside it.</summary>
    private uint _skippedId;
    private long _skippedOffset = -1;

    /// <summary>
    /// Walks elements from the buffer until a frame is ready (then it is <see cref="Current"/>), the buffer runs short
    /// (then <paramref name="needed"/> bytes from <see cref="StreamReadBuffer.Start"/> must be buffered) or the input ends.
    /// </summary>
    private ReadStep TryReadBuffered(out int needed)
    {
        while (true)
        {
            needed = 0;
            if (_laceNext < _laceCount)
            {
                if (TryDeliverLacedFrame())
                {
                    return ReadStep.Frame;
                }

                continue;
            }

            if (_ended)
            {
                return ReadStep.End;
            }

            if (_damage is not null)
            {
                if (!TryResynchronise(out needed))
                {
                    return needed > 0 ? ReadStep.NeedMoreData : ReadStep.End;
                }

                continue;
            }

            switch (TrySkipTo(_position))
            {
                case SkipResult.NeedMoreData:
                    needed = Ebml.MaxHeaderSize;
                    return ReadStep.NeedMoreData;
                case SkipResult.EndOfStream:
                    return EndOfInput();
            }

            if (_inCluster && _position >= _clusterEnd)
            {
                _inCluster = false;
            }

            if (!_inCluster && _position >= _segmentEnd)
            {
                return Finish();
            }

            switch (Ebml.TryReadHeader(_input.Buffered, out EbmlElementHeader header))
            {
                case EbmlHeaderStatus.NeedMoreData when !_input.EndOfStream:
                    needed = Ebml.MaxHeaderSize;
                    return ReadStep.NeedMoreData;
                case EbmlHeaderStatus.NeedMoreData:
                    Warn($"the stream ends at offset {_input.StartOffset + _input.Available}, inside the header of the element at offset {_position}");
                    return Finish();
                case EbmlHeaderStatus.Invalid:
                    StartResynchronising($"the bytes at offset {_position} are not a valid element header");
                    continue;
            }

            ReadStep? step = _inCluster ? ReadClusterChild(header, out needed) : ReadSegmentChild(header);
            if (step is { } result)
            {
                return result;
            }
        }
    }

    /// <summary>Handles a Segment child after the header: enters a Cluster, skips anything else.</summary>
    private ReadStep? ReadSegmentChild(EbmlElementHeader header)
    {
        long dataOffset = _position + header.HeaderSize;
        switch (header.Id)
        {
            case MatroskaIds.Cluster:
                _inCluster = true;
                _clusterOffset = _position;
                _hasClusterTimestamp = false;
                _clusterSized = !header.IsUnknownSize;
                _clusterEnd = header.IsUnknownSize ? _segmentEnd : dataOffset + header.Size;
                if (_clusterEnd > _segmentEnd)
                {
                    Warn($"the cluster at offset {_position} ({header.Size} bytes) runs past the end of its segment at offset {_segmentEnd}");
                    _clusterEnd = _segmentEnd;
                }

                _position = dataOffset;
                return null;
            case MatroskaIds.Ebml or MatroskaIds.Segment:
                Warn($"another segment starts at offset {_position} (concatenated files); only the first one is read");
                return Finish();
        }

        if (header.IsUnknownSize || !(MatroskaIds.IsSegmentChild(header.Id) || header.Id is MatroskaIds.Void or MatroskaIds.Crc32))
        {
            StartResynchronising(header.IsUnknownSize
                ? $"element 0x{header.Id:X} at offset {_position} has an unknown size, which only a Segment or a Cluster may have"
                : $"element 0x{header.Id:X} at offset {_position} cannot be a child of the Segment");
            return null;
        }

        // Cues, Tags, Chapters, Attachments, a repeated Info or Tracks …: skipped unread.
        Skip(header, dataOffset + header.Size);
        return null;
    }

    /// <summary>Handles a Cluster child: its Timestamp, a block (which may give a frame), or anything to skip.</summary>
    private ReadStep? ReadClusterChild(EbmlElementHeader header, out int needed)
    {
        needed = 0;
        long dataOffset = _position + header.HeaderSize;
        if (!MatroskaIds.IsClusterChild(header.Id))
        {
            if (MatroskaIds.IsSegmentChild(header.Id) || header.Id is MatroskaIds.Ebml or MatroskaIds.Segment)
            {
                if (_clusterSized)
                {
                    Warn($"the cluster at offset {_clusterOffset} ends before the {_clusterEnd - _clusterOffset} bytes it declares: element 0x{header.Id:X} starts at offset {_position}");
                }

                _inCluster = false; // where an unknown-size cluster ends
                return null;
            }

            StartResynchronising($"element 0x{header.Id:X} at offset {_position} cannot be a child of the cluster at offset {_clusterOffset}");
            return null;
        }

        long end = header.IsUnknownSize ? long.MaxValue : dataOffset + header.Size;
        if (header.IsUnknownSize || end > _clusterEnd)
        {
            StartResynchronising($"element 0x{header.Id:X} at offset {_position} ({(header.IsUnknownSize ? "unknown size" : $"{header.Size} bytes")}) runs past the end of the cluster at offset {_clusterOffset}");
            return null;
        }

        switch (header.Id)
        {
            case MatroskaIds.Timestamp:
                if (header.Size > 8)
                {
                    StartResynchronising($"the cluster Timestamp at offset {_position} is {header.Size} bytes long");
                    return null;
                }

                if (!TryBuffer(header, out needed))
                {
                    return needed > 0 ? ReadStep.NeedMoreData : Finish();
                }

                long timestamp = (long)Math.Min(Ebml.ReadUnsigned(_input.Buffered.Slice(header.HeaderSize, (int)header.Size)), long.MaxValue / 2);
                if (!IsPlausibleClusterTime(timestamp))
                {
                    return null;
                }

                _clusterTimestamp = timestamp;
                _hasClusterTimestamp = true;
                _position = end;
                return null;
            case MatroskaIds.SimpleBlock or MatroskaIds.BlockGroup:
                return ReadBlock(header, end, out needed);
            default:
                Skip(header, end); // Void, CRC-32, Position, PrevSize, SilentTracks, EncryptedBlock
                return null;
        }
    }

    /// <summary>
    /// A cluster Timestamp more than an hour from the previous cluster's is taken for damage (a flipped bit would
    /// otherwise leave every later frame going back in time) and skipped to the next cluster — unless clusters keep
    /// jumping, which makes the jump real.
    /// </summary>
    private bool IsPlausibleClusterTime(long timestamp)
    {
        long? ticks = ToTicks(timestamp);
        if (ticks is long time && (_lastClusterTicks is not long last || Math.Abs(time - last) <= MaxClusterJumpTicks || _clusterJumpsRejected >= MaxClusterJumpsRejected))
        {
            _lastClusterTicks = time;
            _clusterJumpsRejected = 0;
            return true;
        }

        _clusterJumpsRejected++;
        StartResynchronising($"the cluster at offset {_clusterOffset} has Timestamp {timestamp}, {(ticks is long t ? $"{TimeSpan.FromTicks(Math.Abs(t - _lastClusterTicks!.Value))} away from the previous cluster's" : "out of range")}: taken for damage");
        return false;
    }

    /// <summary>
    /// Buffers the whole element at <see cref="StreamReadBuffer.Start"/>; false when more must be read (<paramref name="needed"/>
    /// bytes) or the stream ends inside it (then with a warning, and <paramref name="needed"/> 0).
    /// </summary>
    private bool TryBuffer(EbmlElementHeader header, out int needed)
    {
        needed = header.HeaderSize + (int)header.Size;
        if (_input.Available >= needed)
        {
            return true;
        }

        if (!_input.EndOfStream)
        {
            return false;
        }

        Warn($"the stream ends at offset {_input.StartOffset + _input.Available}, inside the element 0x{header.Id:X} at offset {_position} ({header.Size} bytes); the frames from there on are lost");
        needed = 0;
        return false;
    }

    private void Skip(EbmlElementHeader header, long end)
    {
        _skippedId = header.Id;
        _skippedOffset = _position;
        _position = end;
    }

    /// <summary>The stream ended at or before <see cref="_position"/>: a clean end, or one inside an element (warned).</summary>
    private ReadStep EndOfInput()
    {
        long end = _input.StartOffset + _input.Available;
        if (end < _position && _skippedOffset >= 0)
        {
            Warn($"the stream ends at offset {end}, inside the element 0x{_skippedId:X} at offset {_skippedOffset}");
        }
        else if (_inCluster && _clusterSized && end < _clusterEnd)
        {
            Warn($"the stream ends at offset {end}, inside the cluster at offset {_clusterOffset} ({_clusterEnd - _clusterOffset} bytes declared)");
        }
        else if (_segmentEnd != long.MaxValue && end < _segmentEnd)
        {
            Warn($"the stream ends at offset {end}, before the end of the segment at offset {_segmentEnd} that its size declares");
        }

        return Finish();
    }

    private ReadStep Finish()
    {
        _ended = true;
        _laceCount = 0;
        foreach (MatroskaTrackState track in _tracks)
        {
            EndRun(ref track.Late, "video frames right after it were shown before frames decoded earlier; their PTS were raised to their DTS");
            EndRun(ref track.Backwards, "audio frames right after it went back in time too and were skipped");
        }
        return ReadStep.End;
    }

    /// <summary>Starts looking for the next Cluster after damage at <see cref="_position"/>.</summary>
    private void StartResynchronising(string damage)
    {
        _damage = damage;
        _damageOffset = _position;
        _inCluster = false;
        _input.Consume(1); // the damaged element's start is not a cluster to find again
    }

    /// <summary>
    /// Scans for the next Cluster: its ID, a valid size, and a valid first child. True when found (reading goes on
    /// there); false when more bytes are needed (<paramref name="needed"/>) or the stream ended without one.
    /// </summary>
    private bool TryResynchronise(out int needed)
    {
        needed = 0;
        while (true)
        {
            ReadOnlySpan<byte> data = _input.Buffered;
            int found = data.IndexOf(ClusterId);
            if (found < 0)
            {
                _input.Consume(Math.Max(0, data.Length - (ClusterId.Length - 1)));
                break;
            }

            _input.Consume(found);
            data = _input.Buffered;
            EbmlHeaderStatus status = Ebml.TryReadHeader(data, out EbmlElementHeader cluster);
            EbmlElementHeader child = default;
            if (status == EbmlHeaderStatus.Read)
            {
                status = Ebml.TryReadHeader(data[cluster.HeaderSize..], out child);
            }

            if (status == EbmlHeaderStatus.NeedMoreData && !_input.EndOfStream)
            {
                needed = 2 * Ebml.MaxHeaderSize;
                return false;
            }

            if (status == EbmlHeaderStatus.Read && MatroskaIds.IsClusterChild(child.Id))
            {
                Warn($"{_damage}; skipped {_input.StartOffset - _damageOffset} bytes to the next cluster at offset {_input.StartOffset}");
                _damage = null;
                _position = _input.StartOffset;
                return true;
            }

            _input.Consume(1);
        }

        if (!_input.EndOfStream)
        {
            needed = 2 * Ebml.MaxHeaderSize;
            return false;
        }

        Warn($"{_damage}; no cluster follows in the {_input.StartOffset + _input.Available - _damageOffset} bytes to the end of the stream");
        _damage = null;
        Finish();
        return false;
    }
}
