using Uplink.Codecs;

namespace Uplink.Media.Elementary;

/// <summary>
/// Decodes the picture order count of each picture (ITU-T H.264 8.2.1) from its first slice header, and numbers
/// the IDR periods: pictures sort in output order by (<see cref="Period"/>, POC).
/// </summary>
/// <remarks>
/// Memory management control operation 5 (which also resets the POC) is not detected: finding it means parsing
/// the whole slice header up to dec_ref_pic_marking, and encoders practically never use it.
/// </remarks>
internal sealed class PictureOrderCounter
{
    private long _prevPocMsb;
    private int _prevPocLsb;
    private int _prevFrameNum;
    private long _prevFrameNumOffset;

    /// <summary>The IDR period of the last picture: incremented at every IDR picture.</summary>
    public long Period { get; private set; }

    /// <summary>Returns the POC of the picture whose first slice is <paramref name="slice"/>; call once per picture, in decode order.</summary>
    public long Next(in H264SliceHeader slice, H264SequenceParameterSet sps)
    {
        if (slice.IsIdr)
        {
            Period++;
            _prevPocMsb = 0;
            _prevPocLsb = 0;
            _prevFrameNum = 0;
            _prevFrameNumOffset = 0;
        }

        return sps.PicOrderCountType switch
        {
            0 => Type0(slice, sps),
            1 => Type1(slice, sps),
            _ => Type2(slice, sps),
        };
    }

    private long Type0(in H264SliceHeader slice, H264SequenceParameterSet sps)
    {
        int maxLsb = 1 << sps.Log2MaxPicOrderCountLsb;
        int lsb = slice.PicOrderCountLsb;
        long msb = _prevPocMsb;
        if (lsb < _prevPocLsb && _prevPocLsb - lsb >= maxLsb / 2)
        {
            msb += maxLsb;
        }
        else if (lsb > _prevPocLsb && lsb - _prevPocLsb > maxLsb / 2)
        {
            msb -= maxLsb;
        }

        if (slice.NalRefIdc != 0)
        {
            _prevPocMsb = msb;
            _prevPocLsb = lsb;
        }

        long top = msb + lsb;
        return slice.FieldPic ? top : Math.Min(top, top + slice.DeltaPicOrderCountBottom);
    }

    private long Type1(in H264SliceHeader slice, H264SequenceParameterSet sps)
    {
        long frameNumOffset = FrameNumOffset(slice, sps);
        IReadOnlyList<int> offsets = sps.OffsetsForRefFrame;
        int cycleLength = offsets.Count;
        long absFrameNum = cycleLength != 0 ? frameNumOffset + slice.FrameNum : 0;
        if (slice.NalRefIdc == 0 && absFrameNum > 0)
        {
            absFrameNum--;
        }

        long expected = 0;
        if (absFrameNum > 0)
        {
            long deltaPerCycle = 0;
            for (int i = 0; i < cycleLength; i++)
            {
                deltaPerCycle += offsets[i];
            }

            long cycleCount = (absFrameNum - 1) / cycleLength;
            long inCycle = (absFrameNum - 1) % cycleLength;
            expected = cycleCount * deltaPerCycle;
            for (int i = 0; i <= inCycle; i++)
            {
                expected += offsets[i];
            }
        }

        if (slice.NalRefIdc == 0)
        {
            expected += sps.OffsetForNonRefPic;
        }

        long top = expected + slice.DeltaPicOrderCount0;
        long bottom = top + sps.OffsetForTopToBottomField + slice.DeltaPicOrderCount1;
        return !slice.FieldPic ? Math.Min(top, bottom)
            : slice.BottomField ? expected + sps.OffsetForTopToBottomField + slice.DeltaPicOrderCount0
            : top;
    }

    private long Type2(in H264SliceHeader slice, H264SequenceParameterSet sps)
    {
        if (slice.IsIdr)
        {
            return 0;
        }

        long frameNumOffset = FrameNumOffset(slice, sps);
        long poc = 2 * (frameNumOffset + slice.FrameNum);
        return slice.NalRefIdc == 0 ? poc - 1 : poc;
    }

    private long FrameNumOffset(in H264SliceHeader slice, H264SequenceParameterSet sps)
    {
        long offset = slice.IsIdr ? 0
            : _prevFrameNum > slice.FrameNum ? _prevFrameNumOffset + (1L << sps.Log2MaxFrameNum)
            : _prevFrameNumOffset;
        _prevFrameNum = slice.FrameNum;
        _prevFrameNumOffset = offset;
        return offset;
    }
}
