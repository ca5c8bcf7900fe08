using Uplink.Media.Matroska;

namespace Uplink.Media;

/// <summary>Blocks into frames: the track, the lacing, the timestamps (video DTS derived), header stripping undone.</summary>
public sealed partial class MatroskaReader
{
    /// <summary>The longest BlockDuration taken to time laced frames (anything longer is damage, and would overflow the arithmetic).</summary>
    private const long MaxBlockDurationTicks = MatroskaLacing.MaxFrames * MaxFrameDurationTicks;

    private MatroskaTrackState[] _tracks = [];
    private ulong _timestampScale = MatroskaInfo.DefaultTimestampScale;

    // The frames of the block being delivered: sizes, where the next one starts in the buffer, and their timing.
    private readonly int[] _laceSizes = new int[MatroskaLacing.MaxFrames];
    private int _laceCount;
    private int _laceNext;
    private int _laceIndex;
    private MatroskaTrackState? _laceTrack;
    private long _laceOffset;
    private long _laceTime;
    private (long Numerator, long Denominator) _laceStep;
    private bool _laceKeyframe;

    /// <summary>Reads a SimpleBlock or BlockGroup: skipped unread when it belongs to another track, else buffered and split into frames.</summary>
    private ReadStep? ReadBlock(EbmlElementHeader header, long end, out int needed)
    {
        needed = 0;
        if (header.Size > MaxBlockSize)
        {
            Warn($"the block at offset {_position} is {header.Size} bytes, more than the limit of {MaxBlockSize}; it is skipped");
            Skip(header, end);
            return null;
        }

        // The track number comes first in a SimpleBlock, and in a BlockGroup's Block (its first child in practice):
        // another track's block is skipped without being buffered.
        int total = header.HeaderSize + (int)header.Size;
        int peek = Math.Min(total, header.HeaderSize + (header.Id == MatroskaIds.BlockGroup ? Ebml.MaxHeaderSize : 0) + 8);
        if (_input.Available < peek && !_input.EndOfStream)
        {
            needed = peek;
            return ReadStep.NeedMoreData;
        }

        ReadOnlySpan<byte> head = _input.Buffered[header.HeaderSize..];
        if (header.Id == MatroskaIds.BlockGroup)
        {
            head = Ebml.TryReadHeader(head, out EbmlElementHeader first) == EbmlHeaderStatus.Read && first.Id == MatroskaIds.Block ? head[first.HeaderSize..] : default;
        }

        if (!head.IsEmpty && Ebml.TryReadVarInt(head, out ulong number, out _) == EbmlHeaderStatus.Read && FindTrack(number) is null)
        {
            Skip(header, end);
            return null;
        }

        if (!TryBuffer(header, out needed))
        {
            return needed > 0 ? ReadStep.NeedMoreData : Finish();
        }

        ReadOnlySpan<byte> element = _input.Buffered[..total];
        int blockIndex = header.HeaderSize;
        int blockLength = (int)header.Size;
        bool? keyframe = null;
        long? duration = null;
        if (header.Id == MatroskaIds.BlockGroup)
        {
            string? problem = MatroskaBlockGroup.TryParse(element[header.HeaderSize..], out int blockStart, out blockLength, out bool hasReference, out duration);
            if (problem is not null)
            {
                Warn($"the BlockGroup at offset {_position} {problem}; it is skipped");
                Skip(header, end);
                return null;
            }

            blockIndex += blockStart;
            keyframe = !hasReference;
        }

        long blockOffset = _position + blockIndex;
        int arrayIndex = _input.Start + blockIndex;
        _position = end;
        _input.Consume(total); // the bytes stay in the array until the next read from the stream
        StartFrames(_input.Array.AsSpan(arrayIndex, blockLength), arrayIndex, blockOffset, keyframe, duration);
        return null;
    }

    /// <summary>
    /// Prepares the frames of a buffered block for delivery: its track, timestamp and lacing; a block that cannot be
    /// used is skipped with a warning.
    /// </summary>
    /// <param name="block">The Block's data: track number, relative timestamp, flags, lacing, frames.</param>
    /// <param name="arrayIndex">Where <paramref name="block"/> starts in the buffer's array.</param>
    /// <param name="blockOffset">Its stream offset.</param>
    /// <param name="keyframe">For a BlockGroup's Block, whether it has no ReferenceBlock; null for a SimpleBlock (its flag says).</param>
    /// <param name="duration">The BlockGroup's BlockDuration in TimestampScale units, when it has one.</param>
    private void StartFrames(ReadOnlySpan<byte> block, int arrayIndex, long blockOffset, bool? keyframe, long? duration)
    {
        if (Ebml.TryReadVarInt(block, out ulong number, out int length) != EbmlHeaderStatus.Read || block.Length < length + 3)
        {
            Warn($"the block at offset {blockOffset} is too short for its header; it is skipped");
            return;
        }

        MatroskaTrackState? track = FindTrack(number);
        if (track is null)
        {
            return;
        }

        if (!_hasClusterTimestamp)
        {
            Warn($"the block at offset {blockOffset} comes before the Timestamp of its cluster at offset {_clusterOffset}; it is skipped");
            return;
        }

        short relative = (short)((block[length] << 8) | block[length + 1]);
        byte flags = block[length + 2];
        string? problem = MatroskaLacing.TryParse(block[(length + 3)..], flags, _laceSizes, out int count, out int laceHeader);
        long? time = ToTicks(_clusterTimestamp + relative - track.CodecDelay);
        if (problem is not null || time is null)
        {
            Warn($"the block at offset {blockOffset} {problem ?? "has a timestamp out of range"}; it is skipped");
            return;
        }

        _laceTrack = track;
        _laceCount = count;
        _laceNext = 0;
        _laceIndex = arrayIndex + length + 3 + laceHeader;
        _laceOffset = blockOffset;
        _laceTime = time.Value;
        _laceKeyframe = track.Kind == MediaTrack.Audio || (keyframe ?? (flags & 0x80) != 0);
        _laceStep = track.Step;
        if (count > 1 && duration is long units && ToTicks(units) is long ticks and > 0 and <= MaxBlockDurationTicks)
        {
            _laceStep = (ticks, count);
        }
    }

    /// <summary>Makes the next frame of the current block <see cref="Current"/>; false when it is skipped (empty, or audio going back).</summary>
    private bool TryDeliverLacedFrame()
    {
        int k = _laceNext++;
        int size = _laceSizes[k];
        int index = _laceIndex;
        _laceIndex += size;
        if (size == 0)
        {
            return false; // an empty frame carries nothing to send
        }

        long pts = _laceTime + (k == 0 ? 0 : k * _laceStep.Numerator / _laceStep.Denominator);
        long dts = pts;
        MatroskaTrackState track = _laceTrack!;
        bool video = track.Kind == MediaTrack.Video;
        if (video)
        {
            int delay = track.Times!.Delay;
            if (!track.Times.Next(pts, out dts, out long adjusted))
            {
                if (track.Late.Add())
                {
                    Warn($"the video frame at offset {_laceOffset} (PTS {TimeSpan.FromTicks(pts)}) is shown before frames decoded earlier: the stream reorders deeper than the {delay} frames the reader assumed; its PTS is raised to its DTS {TimeSpan.FromTicks(dts)}");
                }
            }
            else
            {
                EndRun(ref track.Late, "video frames right after it were shown before frames decoded earlier; their PTS were raised to their DTS");
            }

            pts = adjusted;
        }
        else if (pts < track.LastAudioTime)
        {
            if (track.Backwards.Add())
            {
                Warn($"the audio frame at offset {_laceOffset} goes back in time ({TimeSpan.FromTicks(pts)} after {TimeSpan.FromTicks(track.LastAudioTime)}); it is skipped");
            }

            return false;
        }
        else
        {
            EndRun(ref track.Backwards, "audio frames right after it went back in time too and were skipped");
            track.LastAudioTime = pts;
        }

        ReadOnlyMemory<byte> data = new(_input.Array, index, size);
        if (track.Prefix is { } prefix)
        {
            data = Restore(prefix, data.Span);
        }

        Current = new MediaFrame(video ? MediaTrack.Video : MediaTrack.Audio, TimeSpan.FromTicks(dts), TimeSpan.FromTicks(pts), _laceKeyframe && (k == 0 || !video), false, data, track.Index);
        CurrentOffset = _laceOffset;
        FramesRead++;
        return true;
    }

    /// <summary>The track read with number <paramref name="number"/>; null for a track not read.</summary>
    private MatroskaTrackState? FindTrack(ulong number)
    {
        foreach (MatroskaTrackState track in _tracks)
        {
            if (track.Track.Number == number)
            {
                return track;
            }
        }

        return null;
    }

    /// <summary>Puts back the bytes header stripping removed, in a reused scratch array.</summary>
    private ReadOnlyMemory<byte> Restore(byte[] prefix, ReadOnlySpan<byte> frame)
    {
        int length = prefix.Length + frame.Length;
        if (_scratch.Length < length)
        {
            if (_scratch.Length > 0)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        }

        prefix.CopyTo(_scratch, 0);
        frame.CopyTo(_scratch.AsSpan(prefix.Length));
        return new ReadOnlyMemory<byte>(_scratch, 0, length);
    }

    /// <summary>Ends a run of like problems, warning how many went unreported after its first.</summary>
    private void EndRun(ref WarningRun run, string what)
    {
        if (run.End() is int more and > 0)
        {
            Warn($"{more} more {what}");
        }
    }

    /// <summary>
    /// A track's CodecDelay in TimestampScale units, rounded to the nearest (FFmpeg's av_rescale_q), which FFmpeg's
    /// demuxer takes off every block time: an Opus, AC-3 or MP3 track starts that much before 0, its first samples being
    /// the encoder's delay a player skips. Kept so the times are FFmpeg's; a delay over 10 s is damage and ignored.
    /// </summary>
    private long CodecDelayUnits(MatroskaTrack track) =>
        track.CodecDelay is > 0 and <= 10_000_000_000 ? (long)((track.CodecDelay + (_timestampScale / 2)) / _timestampScale) : 0;

    /// <summary>A time in TimestampScale units as ticks (rounded down); null when out of the range the reader handles.</summary>
    private long? ToTicks(long units)
    {
        Int128 nanoseconds = (Int128)units * _timestampScale;
        Int128 ticks = nanoseconds / 100;
        if (nanoseconds % 100 < 0)
        {
            ticks--;
        }

        // A quarter of TimeSpan's range leaves room for the arithmetic on the times.
        return ticks > TimeSpan.MaxValue.Ticks / 4 || ticks < TimeSpan.MinValue.Ticks / 4 ? null : (long)ticks;
    }
}
