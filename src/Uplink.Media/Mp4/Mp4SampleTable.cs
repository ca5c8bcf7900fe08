using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// The sample tables of one track (stsz/stz2, stsc, stco/co64, stts, ctts, stss) and a cursor that walks
/// them in sample order without expanding them: the tables stay in the buffered moov, so memory is the
/// moov's size whatever the sample count, and no allocation is ever sized from a count in the file.
/// </summary>
internal sealed class Mp4SampleTable
{
    /// <summary>The largest sample accepted.</summary>
    internal const int MaxSampleSize = 64 * 1024 * 1024;

    private readonly byte[] _moov;
    private readonly MediaTrack _track;
    private readonly uint _trackId;
    private readonly int _slot;
    private readonly long _moovOffset;
    private readonly uint _sampleCount;
    private readonly uint _constantSize;
    private readonly int _sizesAt;
    private readonly int _sizeFieldBits;
    private readonly int _chunkOffsetsAt;
    private readonly int _chunkCount;
    private readonly bool _chunkOffsets64;
    private readonly int _stscAt;
    private readonly int _stscCount;
    private readonly int _sttsAt;
    private readonly int _sttsCount;
    private readonly int _cttsAt;
    private readonly int _cttsCount;
    private readonly int _stssAt;
    private readonly int _stssCount;
    private readonly bool _everySampleIsSync;

    private uint _sampleIndex;
    private int _chunkIndex = -1;
    private uint _samplesLeftInChunk;
    private long _nextOffset;
    private int _stscEntry;
    private int _sttsEntry;
    private uint _sttsLeft;
    private uint _delta;
    private long _dts;
    private int _cttsEntry;
    private uint _cttsLeft;
    private int _compositionOffset;
    private int _stssEntry;

    private Mp4SampleTable(byte[] moov, long moovOffset, MediaTrack track, uint trackId, int slot, in Layout layout)
    {
        _moov = moov;
        _moovOffset = moovOffset;
        _track = track;
        _trackId = trackId;
        _slot = slot;
        _sampleCount = layout.SampleCount;
        _constantSize = layout.ConstantSize;
        _sizesAt = layout.SizesAt;
        _sizeFieldBits = layout.SizeFieldBits;
        _chunkOffsetsAt = layout.ChunkOffsetsAt;
        _chunkCount = layout.ChunkCount;
        _chunkOffsets64 = layout.ChunkOffsets64;
        _stscAt = layout.StscAt;
        _stscCount = layout.StscCount;
        _sttsAt = layout.SttsAt;
        _sttsCount = layout.SttsCount;
        _cttsAt = layout.CttsAt;
        _cttsCount = layout.CttsCount;
        _stssAt = layout.StssAt;
        _stssCount = layout.StssCount;
        _everySampleIsSync = layout.EverySampleIsSync;
    }

    /// <summary>The number of samples stsz/stz2 declares.</summary>
    public uint SampleCount => _sampleCount;

    /// <summary>The most negative ctts offset (version 1 tables may hold some), 0 when none is negative.</summary>
    public int MinCompositionOffset { get; private init; }

    /// <summary>The sum of the stts durations: where a following movie fragment without tfdt continues.</summary>
    public long TotalDuration { get; private init; }

    /// <summary>Set once the chunk table ran out before the declared sample count.</summary>
    public bool EndedEarly { get; private set; }

    /// <summary>Finds and checks the tables in a track's stbl.</summary>
    /// <param name="moov">The whole moov box, header included.</param>
    /// <param name="moovOffset">The absolute offset of the moov box.</param>
    /// <param name="stbl">The stbl box (a slice of <paramref name="moov"/>).</param>
    /// <param name="track">The track kind the samples are given.</param>
    /// <param name="trackId">The track id, for messages.</param>
    /// <param name="slot">The track's place among the reader's used tracks, which its samples carry.</param>
    public static Mp4SampleTable Parse(byte[] moov, long moovOffset, Mp4Box stbl, MediaTrack track, uint trackId, int slot)
    {
        var layout = new Layout { EverySampleIsSync = true };
        bool sawSizes = false, sawChunks = false, sawStsc = false, sawStts = false, sawCtts = false, sawStss = false;
        var children = new Mp4BoxIterator(stbl.Payload, stbl.PayloadOffset, Mp4FourCc.Stbl);
        while (children.MoveNext(out Mp4Box box))
        {
            int payloadAt = checked((int)(box.PayloadOffset - moovOffset));
            switch (box.Type)
            {
                case Mp4FourCc.Stsz when !sawSizes:
                    sawSizes = true;
                    box.RequireFullBox(8);
                    layout.ConstantSize = BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]);
                    layout.SampleCount = BinaryPrimitives.ReadUInt32BigEndian(box.Payload[8..]);
                    layout.SizeFieldBits = 32;
                    layout.SizesAt = payloadAt + 12;
                    if (layout.ConstantSize == 0)
                    {
                        box.CheckEntries(12, layout.SampleCount, 4);
                    }

                    break;
                case Mp4FourCc.Stz2 when !sawSizes:
                    sawSizes = true;
                    box.RequireFullBox(8);
                    layout.SizeFieldBits = box.Payload[7];
                    layout.SampleCount = BinaryPrimitives.ReadUInt32BigEndian(box.Payload[8..]);
                    layout.SizesAt = payloadAt + 12;
                    if (layout.SizeFieldBits is not (4 or 8 or 16))
                    {
                        throw Mp4Errors.Invalid($"box 'stz2' at offset {box.Offset} has field size {layout.SizeFieldBits}: expected 4, 8 or 16");
                    }

                    if ((long)layout.SampleCount * layout.SizeFieldBits > (long)(box.Payload.Length - 12) * 8)
                    {
                        throw Mp4Errors.Invalid($"box 'stz2' at offset {box.Offset} claims {layout.SampleCount} entries in {box.Payload.Length + 8} bytes");
                    }

                    break;
                case Mp4FourCc.Stco or Mp4FourCc.Co64 when !sawChunks:
                    sawChunks = true;
                    box.RequireFullBox(4);
                    layout.ChunkOffsets64 = box.Type == Mp4FourCc.Co64;
                    layout.ChunkCount = box.CheckEntries(8, BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]), layout.ChunkOffsets64 ? 8 : 4);
                    layout.ChunkOffsetsAt = payloadAt + 8;
                    break;
                case Mp4FourCc.Stsc when !sawStsc:
                    sawStsc = true;
                    box.RequireFullBox(4);
                    layout.StscCount = box.CheckEntries(8, BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]), 12);
                    layout.StscAt = payloadAt + 8;
                    CheckChunkRuns(box, layout.StscCount);
                    break;
                case Mp4FourCc.Stts when !sawStts:
                    sawStts = true;
                    box.RequireFullBox(4);
                    layout.SttsCount = box.CheckEntries(8, BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]), 8);
                    layout.SttsAt = payloadAt + 8;
                    break;
                case Mp4FourCc.Ctts when !sawCtts:
                    sawCtts = true;
                    box.RequireFullBox(4);
                    layout.CttsCount = box.CheckEntries(8, BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]), 8);
                    layout.CttsAt = payloadAt + 8;
                    break;
                case Mp4FourCc.Stss when !sawStss:
                    sawStss = true;
                    box.RequireFullBox(4);
                    layout.StssCount = box.CheckEntries(8, BinaryPrimitives.ReadUInt32BigEndian(box.Payload[4..]), 4);
                    layout.StssAt = payloadAt + 8;
                    layout.EverySampleIsSync = false;
                    break;
            }
        }

        if (layout.SampleCount > 0 && (!sawChunks || !sawStsc))
        {
            throw Mp4Errors.Invalid($"track {trackId} has {layout.SampleCount} samples but its stbl at offset {stbl.Offset} has no {(sawChunks ? "stsc" : "stco/co64")} box");
        }

        long totalDuration = 0;
        for (int i = 0; i < layout.SttsCount; i++)
        {
            int at = layout.SttsAt + (i * 8);
            totalDuration += (long)BinaryPrimitives.ReadUInt32BigEndian(moov.AsSpan(at)) * BinaryPrimitives.ReadUInt32BigEndian(moov.AsSpan(at + 4));
            totalDuration = Math.Min(totalDuration, long.MaxValue / 4);
        }

        int minCompositionOffset = 0;
        for (int i = 0; i < layout.CttsCount; i++)
        {
            int at = layout.CttsAt + (i * 8);
            if (BinaryPrimitives.ReadUInt32BigEndian(moov.AsSpan(at)) > 0)
            {
                minCompositionOffset = Math.Min(minCompositionOffset, (int)BinaryPrimitives.ReadUInt32BigEndian(moov.AsSpan(at + 4)));
            }
        }

        return new Mp4SampleTable(moov, moovOffset, track, trackId, slot, layout) { TotalDuration = totalDuration, MinCompositionOffset = minCompositionOffset };
    }

    /// <summary>Reads the next sample; false when the track has no more.</summary>
    public bool TryRead(out Mp4Sample sample)
    {
        sample = default;
        if (_sampleIndex >= _sampleCount)
        {
            return false;
        }

        while (_samplesLeftInChunk == 0)
        {
            _chunkIndex++;
            if (_chunkIndex >= _chunkCount)
            {
                EndedEarly = true;
                _sampleIndex = _sampleCount;
                return false;
            }

            uint chunkNumber = (uint)_chunkIndex + 1;
            while (_stscEntry + 1 < _stscCount && ReadUInt32(_stscAt + ((_stscEntry + 1) * 12)) <= chunkNumber)
            {
                _stscEntry++;
            }

            _samplesLeftInChunk = ReadUInt32(_stscAt + (_stscEntry * 12) + 4);
            ulong chunkOffset = _chunkOffsets64
                ? BinaryPrimitives.ReadUInt64BigEndian(_moov.AsSpan(_chunkOffsetsAt + (_chunkIndex * 8)))
                : ReadUInt32(_chunkOffsetsAt + (_chunkIndex * 4));
            if (chunkOffset > long.MaxValue / 2)
            {
                throw Mp4Errors.Invalid($"track {_trackId} chunk {chunkNumber} has offset {chunkOffset}, beyond any file (table at offset {_moovOffset + _chunkOffsetsAt})");
            }

            _nextOffset = (long)chunkOffset;
        }

        uint size = SampleSize(_sampleIndex);
        if (size > MaxSampleSize)
        {
            throw Mp4Errors.Invalid($"track {_trackId} sample {_sampleIndex + 1} at offset {_nextOffset} claims {size} bytes, more than the limit of {MaxSampleSize}");
        }

        while (_sttsLeft == 0 && _sttsEntry < _sttsCount)
        {
            _sttsLeft = ReadUInt32(_sttsAt + (_sttsEntry * 8));
            _delta = ReadUInt32(_sttsAt + (_sttsEntry * 8) + 4);
            _sttsEntry++;
        }

        while (_cttsLeft == 0 && _cttsEntry < _cttsCount)
        {
            _cttsLeft = ReadUInt32(_cttsAt + (_cttsEntry * 8));
            _compositionOffset = (int)ReadUInt32(_cttsAt + (_cttsEntry * 8) + 4);
            _cttsEntry++;
        }

        int compositionOffset = 0;
        if (_cttsLeft > 0)
        {
            _cttsLeft--;
            compositionOffset = _compositionOffset;
        }

        uint sampleNumber = _sampleIndex + 1;
        bool isSync = _everySampleIsSync;
        if (!isSync)
        {
            while (_stssEntry < _stssCount && ReadUInt32(_stssAt + (_stssEntry * 4)) < sampleNumber)
            {
                _stssEntry++;
            }

            isSync = _stssEntry < _stssCount && ReadUInt32(_stssAt + (_stssEntry * 4)) == sampleNumber;
        }

        sample = new Mp4Sample(_nextOffset, (int)size, _dts, compositionOffset, isSync || _track == MediaTrack.Audio, _track, _slot);

        // A run-out time-to-sample table repeats its last delta, as FFmpeg does.
        if (_sttsLeft > 0)
        {
            _sttsLeft--;
        }

        _dts += _delta;
        _nextOffset += size;
        _samplesLeftInChunk--;
        _sampleIndex++;
        return true;
    }

    private static void CheckChunkRuns(Mp4Box stsc, int count)
    {
        uint previous = 0;
        for (int i = 0; i < count; i++)
        {
            uint firstChunk = BinaryPrimitives.ReadUInt32BigEndian(stsc.Payload[(8 + (i * 12))..]);
            if (firstChunk <= previous || (i == 0 && firstChunk != 1))
            {
                throw Mp4Errors.Invalid($"box 'stsc' at offset {stsc.Offset}: entry {i + 1} starts at chunk {firstChunk}, expected {(i == 0 ? "1" : $"more than {previous}")}");
            }

            previous = firstChunk;
        }
    }

    private uint SampleSize(uint index)
    {
        if (_constantSize != 0 && _sizeFieldBits == 32)
        {
            return _constantSize;
        }

        return _sizeFieldBits switch
        {
            32 => ReadUInt32(_sizesAt + (int)(index * 4)),
            16 => BinaryPrimitives.ReadUInt16BigEndian(_moov.AsSpan(_sizesAt + (int)(index * 2))),
            8 => _moov[_sizesAt + (int)index],
            _ => (uint)(_moov[_sizesAt + (int)(index / 2)] >> ((index & 1) == 0 ? 4 : 0)) & 0x0F,
        };
    }

    private uint ReadUInt32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_moov.AsSpan(at));

    private struct Layout
    {
        public uint SampleCount;
        public uint ConstantSize;
        public int SizesAt;
        public int SizeFieldBits;
        public int ChunkOffsetsAt;
        public int ChunkCount;
        public bool ChunkOffsets64;
        public int StscAt;
        public int StscCount;
        public int SttsAt;
        public int SttsCount;
        public int CttsAt;
        public int CttsCount;
        public int StssAt;
        public int StssCount;
        public bool EverySampleIsSync;
    }
}
