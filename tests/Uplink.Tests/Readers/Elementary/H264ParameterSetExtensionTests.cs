using Uplink.Codecs;
using static Uplink.Tests.Readers.Elementary.ElementaryTestData;

namespace Uplink.Tests.Readers.Elementary;

/// <summary>The SPS fields the Annex-B reader added (frame_num and POC widths, VUI max_num_reorder_frames), read from x264 streams.</summary>
public class H264ParameterSetExtensionTests
{
    [Theory]
    [InlineData("bf0-aud", 2, 0)]
    [InlineData("baseline", 2, 0)]
    [InlineData("bf2-flat", 0, 1)]
    [InlineData("bf2", 0, 2)]
    [InlineData("bf3-pyramid", 0, 2)]
    public void X264_parameter_sets_carry_the_poc_type_and_reorder_count(string name, int pocType, int reorderFrames)
    {
        byte[] stream = Bytes(name + ".h264");
        H264SequenceParameterSet? sps = null;
        H264PictureParameterSet? pps = null;
        H264SliceHeader? firstSlice = null;
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(stream))
        {
            switch (nal[0] & 0x1F)
            {
                case 7:
                    sps ??= H264SequenceParameterSet.Parse(nal);
                    break;
                case 8:
                    pps ??= H264PictureParameterSet.Parse(nal);
                    break;
                case 5:
                    firstSlice ??= H264SliceHeader.Parse(nal, sps!, pps!.Value);
                    break;
            }
        }

        Assert.NotNull(sps);
        Assert.Equal(pocType, sps.PicOrderCountType);
        Assert.Equal(reorderFrames, sps.MaxNumReorderFrames);
        Assert.InRange(sps.Log2MaxFrameNum, 4, 16);
        Assert.InRange(sps.Log2MaxPicOrderCountLsb, 4, 16);
        Assert.Equal(25.0, sps.FrameRate);
        Assert.Equal((0, 0), (pps!.Value.PicParameterSetId, pps.Value.SeqParameterSetId));
        Assert.NotNull(firstSlice);
        Assert.True(firstSlice.Value.IsIdr);
        Assert.Equal(0u, firstSlice.Value.FirstMbInSlice);
        Assert.Equal((0, 0), (firstSlice.Value.FrameNum, firstSlice.Value.PicOrderCountLsb));
    }

    [Fact]
    public void A_vui_cut_after_its_timing_info_still_parses_without_a_reorder_count()
    {
        byte[] sps = FirstSps(Bytes("bf2-flat.h264"));
        H264SequenceParameterSet full = H264SequenceParameterSet.Parse(sps);
        H264SequenceParameterSet cut = H264SequenceParameterSet.Parse(sps.AsSpan(0, sps.Length - 3));

        Assert.Equal(1, full.MaxNumReorderFrames);
        Assert.Null(cut.MaxNumReorderFrames);
        Assert.Equal(full.FrameRate, cut.FrameRate);
        Assert.Equal((full.Width, full.Height), (cut.Width, cut.Height));
    }

    private static byte[] FirstSps(byte[] stream)
    {
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(stream))
        {
            if ((nal[0] & 0x1F) == 7)
            {
                return nal.ToArray();
            }
        }

        throw new InvalidDataException("no SPS");
    }
}
