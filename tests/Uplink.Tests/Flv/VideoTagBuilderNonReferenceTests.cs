using Uplink.Flv;

namespace Uplink.Tests.Flv;

/// <summary>Which access units live mode may drop first: pictures no other picture refers to (nal_ref_idc 0 in every slice).</summary>
public class VideoTagBuilderNonReferenceTests
{
    private static byte[] AccessUnit(params byte[] nalHeaders)
    {
        var au = new List<byte>();
        foreach (byte header in nalHeaders)
        {
            au.AddRange([0, 0, 0, 1, header, 0x88, 0x84, 0x21]);
        }

        return [.. au];
    }

    [Theory]
    [InlineData(new byte[] { 0x01 }, true)]              // non-IDR slice, nal_ref_idc 0: a non-reference B or P
    [InlineData(new byte[] { 0x09, 0x06, 0x01 }, true)]  // with an AUD and SEI (both ref_idc 0, not slices)
    [InlineData(new byte[] { 0x21 }, false)]             // nal_ref_idc 1: other pictures refer to it
    [InlineData(new byte[] { 0x41 }, false)]
    [InlineData(new byte[] { 0x01, 0x21 }, false)]       // one reference slice makes the picture a reference
    [InlineData(new byte[] { 0x65 }, false)]             // IDR
    [InlineData(new byte[] { 0x06 }, false)]             // no slice at all
    public void A_picture_is_disposable_only_when_every_slice_has_nal_ref_idc_0(byte[] nalHeaders, bool disposable)
    {
        var builder = new AvcTagBuilder(VideoMediaType.H264AnnexB);
        builder.Inspect(AccessUnit(nalHeaders));
        Assert.Equal(disposable, builder.IsNonReference);
    }

    [Fact]
    public void The_flag_describes_the_last_access_unit_inspected()
    {
        var builder = new AvcTagBuilder(VideoMediaType.H264AnnexB);
        builder.Inspect(AccessUnit(0x01));
        Assert.True(builder.IsNonReference);
        builder.Inspect(AccessUnit(0x41));
        Assert.False(builder.IsNonReference);
    }
}
