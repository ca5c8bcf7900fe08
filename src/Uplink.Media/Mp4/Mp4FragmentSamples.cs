using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// The samples of the used tracks in one movie fragment (moof: traf → tfhd, tfdt, trun…), in file order.
/// The sample array is reused from fragment to fragment and only grows, so steady-state reading does not allocate.
/// </summary>
internal sealed class Mp4FragmentSamples
{
    /// <summary>A trun without per-sample fields may declare at most this many samples.</summary>
    internal const int MaxSamplesPerFieldlessRun = 4096;

    private const uint BaseDataOffsetPresent = 0x1;
    private const uint SampleDescriptionIndexPresent = 0x2;
    private const uint DefaultDurationPresent = 0x8;
    private const uint DefaultSizePresent = 0x10;
    private const uint DefaultFlagsPresent = 0x20;
    private const uint DefaultBaseIsMoof = 0x20000;
    private const uint DataOffsetPresent = 0x1;
    private const uint FirstSampleFlagsPresent = 0x4;
    private const uint SampleDurationPresent = 0x100;
    private const uint SampleSizePresent = 0x200;
    private const uint SampleFlagsPresent = 0x400;
    private const uint SampleCompositionOffsetPresent = 0x800;

    /// <summary>sample_is_non_sync_sample, and sample_depends_on == 1 (FFmpeg's keyframe test).</summary>
    private const uint NotSyncFlags = 0x01010000;

    private Mp4Sample[] _samples = new Mp4Sample[64];
    private int _count;
    private int _next;

    /// <summary>The fragment's samples not yet taken.</summary>
    public int Remaining => _count - _next;

    /// <summary>The next sample in file order, if any.</summary>
    public bool TryPeek(out Mp4Sample sample)
    {
        if (_next < _count)
        {
            sample = _samples[_next];
            return true;
        }

        sample = default;
        return false;
    }

    /// <summary>Takes the sample <see cref="TryPeek"/> returned.</summary>
    public void Advance() => _next++;

    /// <summary>Drops the samples not taken.</summary>
    public void Clear() => _count = _next = 0;

    /// <summary>Replaces the samples with those of a buffered moof box.</summary>
    /// <param name="moof">The whole moof box, header included.</param>
    /// <param name="moofOffset">Its absolute offset.</param>
    /// <param name="tracks">The tracks used; the samples of others are passed over.</param>
    public void Load(ReadOnlySpan<byte> moof, long moofOffset, Mp4Track[] tracks)
    {
        Clear();
        int headerSize = BinaryPrimitives.ReadUInt32BigEndian(moof) == 1 ? 16 : 8;
        // Every sample of a run with per-sample fields takes at least 4 bytes of the moof.
        long maxSamples = MaxSamplesPerFieldlessRun + (moof.Length / 4);
        long previousTrafDataEnd = moofOffset;
        var children = new Mp4BoxIterator(moof[headerSize..], moofOffset + headerSize, Mp4FourCc.Moof);
        while (children.MoveNext(out Mp4Box traf))
        {
            if (traf.Type == Mp4FourCc.Traf)
            {
                previousTrafDataEnd = LoadTrackFragment(traf, moofOffset, previousTrafDataEnd, tracks, maxSamples);
            }
        }

        if (!IsInFileOrder())
        {
            _samples.AsSpan(0, _count).Sort(static (a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Slot.CompareTo(b.Slot));
        }
    }

    /// <summary>Adds the samples of one traf; returns where its data ends (the base of a following traf without one).</summary>
    private long LoadTrackFragment(Mp4Box traf, long moofOffset, long previousTrafDataEnd, Mp4Track[] tracks, long maxSamples)
    {
        var children = new Mp4BoxIterator(traf.Payload, traf.PayloadOffset, Mp4FourCc.Traf);
        if (!children.MoveNext(out Mp4Box tfhd) || tfhd.Type != Mp4FourCc.Tfhd)
        {
            throw Mp4Errors.Invalid($"box 'traf' at offset {traf.Offset} does not start with a tfhd box");
        }

        tfhd.RequireFullBox(4);
        uint tfhdFlags = tfhd.Flags;
        ReadOnlySpan<byte> fields = tfhd.Payload;
        uint trackId = BinaryPrimitives.ReadUInt32BigEndian(fields[4..]);
        Mp4Track? track = null;
        foreach (Mp4Track candidate in tracks)
        {
            if (candidate.TrackId == trackId)
            {
                track = candidate;
                break;
            }
        }

        int at = 8;
        long baseOffset = (tfhdFlags & DefaultBaseIsMoof) != 0 ? moofOffset : previousTrafDataEnd;
        if ((tfhdFlags & BaseDataOffsetPresent) != 0)
        {
            tfhd.RequireFullBox(at + 4);
            ulong explicitBase = BinaryPrimitives.ReadUInt64BigEndian(fields[at..]);
            if (explicitBase > long.MaxValue / 2)
            {
                throw Mp4Errors.Invalid($"box 'tfhd' at offset {tfhd.Offset} has base data offset {explicitBase}, beyond any file");
            }

            baseOffset = (long)explicitBase;
            at += 8;
        }

        if ((tfhdFlags & SampleDescriptionIndexPresent) != 0)
        {
            at += 4;
        }

        uint defaultDuration = track?.DefaultDuration ?? 0, defaultSize = track?.DefaultSize ?? 0, defaultFlags = track?.DefaultFlags ?? 0;
        ReadDefault(tfhd, tfhdFlags, DefaultDurationPresent, ref at, ref defaultDuration);
        ReadDefault(tfhd, tfhdFlags, DefaultSizePresent, ref at, ref defaultSize);
        ReadDefault(tfhd, tfhdFlags, DefaultFlagsPresent, ref at, ref defaultFlags);

        long decodeTime = track?.NextFragmentDecodeTime ?? 0;
        long dataEnd = baseOffset;
        bool firstRun = true;
        while (children.MoveNext(out Mp4Box box))
        {
            if (box.Type == Mp4FourCc.Tfdt)
            {
                box.RequireFullBox(box.Version == 1 ? 8 : 4);
                ulong baseTime = box.Version == 1 ? BinaryPrimitives.ReadUInt64BigEndian(box.Payload[4..]) : BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]);
                if (baseTime > long.MaxValue / 2)
                {
                    throw Mp4Errors.Invalid($"box 'tfdt' at offset {box.Offset} has decode time {baseTime}, beyond any timestamp");
                }

                decodeTime = (long)baseTime;
            }
            else if (box.Type == Mp4FourCc.Trun)
            {
                long runStart = firstRun ? baseOffset : dataEnd;
                dataEnd = LoadRun(box, track, runStart, ref decodeTime, defaultDuration, defaultSize, defaultFlags, maxSamples);
                firstRun = false;
            }
        }

        if (track is not null)
        {
            track.NextFragmentDecodeTime = decodeTime;
        }

        return dataEnd;
    }

    private long LoadRun(Mp4Box trun, Mp4Track? track, long runStart, ref long decodeTime, uint defaultDuration, uint defaultSize, uint defaultFlags, long maxSamples)
    {
        trun.RequireFullBox(4);
        uint flags = trun.Flags;
        ReadOnlySpan<byte> p = trun.Payload;
        uint sampleCount = BinaryPrimitives.ReadUInt32BigEndian(p[4..]);
        int at = 8;
        long offset = runStart;
        if ((flags & DataOffsetPresent) != 0)
        {
            trun.RequireFullBox(at);
            offset = checked(runStart + BinaryPrimitives.ReadInt32BigEndian(p[at..]));
            at += 4;
        }

        uint firstFlags = defaultFlags;
        bool hasFirstFlags = (flags & FirstSampleFlagsPresent) != 0;
        if (hasFirstFlags)
        {
            trun.RequireFullBox(at);
            firstFlags = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
            at += 4;
        }

        int fieldBytes = 4 * (((flags & SampleDurationPresent) != 0 ? 1 : 0) + ((flags & SampleSizePresent) != 0 ? 1 : 0)
            + ((flags & SampleFlagsPresent) != 0 ? 1 : 0) + ((flags & SampleCompositionOffsetPresent) != 0 ? 1 : 0));
        if (fieldBytes == 0 ? sampleCount > MaxSamplesPerFieldlessRun : (long)sampleCount * fieldBytes > p.Length - at)
        {
            throw Mp4Errors.Invalid($"box 'trun' at offset {trun.Offset} claims {sampleCount} entries in {p.Length + 8} bytes");
        }

        if (track is not null && _count + (long)sampleCount > maxSamples)
        {
            throw Mp4Errors.Invalid($"box 'trun' at offset {trun.Offset} brings the fragment to more than {maxSamples} samples");
        }

        for (uint i = 0; i < sampleCount; i++)
        {
            uint duration = defaultDuration, size = defaultSize, sampleFlags = i == 0 && hasFirstFlags ? firstFlags : defaultFlags;
            int compositionOffset = 0;
            if ((flags & SampleDurationPresent) != 0)
            {
                duration = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
                at += 4;
            }

            if ((flags & SampleSizePresent) != 0)
            {
                size = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
                at += 4;
            }

            if ((flags & SampleFlagsPresent) != 0)
            {
                uint perSample = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
                sampleFlags = i == 0 && hasFirstFlags ? firstFlags : perSample;
                at += 4;
            }

            if ((flags & SampleCompositionOffsetPresent) != 0)
            {
                compositionOffset = BinaryPrimitives.ReadInt32BigEndian(p[at..]);
                at += 4;
            }

            if (size > Mp4SampleTable.MaxSampleSize)
            {
                throw Mp4Errors.Invalid($"box 'trun' at offset {trun.Offset}: sample {i + 1} claims {size} bytes, more than the limit of {Mp4SampleTable.MaxSampleSize}");
            }

            if (offset < 0)
            {
                throw Mp4Errors.Invalid($"box 'trun' at offset {trun.Offset}: sample {i + 1} lies at negative offset {offset}");
            }

            if (track is not null && size > 0)
            {
                if (_count == _samples.Length)
                {
                    Array.Resize(ref _samples, _samples.Length * 2);
                }

                bool isSync = track.Kind == MediaTrack.Audio || (sampleFlags & NotSyncFlags) == 0;
                _samples[_count++] = new Mp4Sample(offset, (int)size, decodeTime, compositionOffset, isSync, track.Kind, track.Slot);
            }

            offset += size;
            decodeTime += duration;
        }

        return offset;
    }

    private static void ReadDefault(Mp4Box tfhd, uint tfhdFlags, uint flag, ref int at, ref uint value)
    {
        if ((tfhdFlags & flag) != 0)
        {
            tfhd.RequireFullBox(at);
            value = BinaryPrimitives.ReadUInt32BigEndian(tfhd.Payload[at..]);
            at += 4;
        }
    }

    private bool IsInFileOrder()
    {
        for (int i = 1; i < _count; i++)
        {
            if (_samples[i].Offset < _samples[i - 1].Offset)
            {
                return false;
            }
        }

        return true;
    }
}
