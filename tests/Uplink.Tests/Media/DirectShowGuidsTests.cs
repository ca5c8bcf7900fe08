namespace Uplink.Tests.Media;

public class DirectShowGuidsTests
{
    [Fact]
    public void The_accepted_guids_have_their_windows_sdk_values()
    {
        Assert.Equal(new Guid("73646976-0000-0010-8000-00aa00389b71"), DirectShowGuids.MediaTypeVideo);
        Assert.Equal(new Guid("73647561-0000-0010-8000-00aa00389b71"), DirectShowGuids.MediaTypeAudio);
        Assert.Equal(new Guid("34363248-0000-0010-8000-00aa00389b71"), DirectShowGuids.SubtypeH264);
        Assert.Equal(new Guid("34363268-0000-0010-8000-00aa00389b71"), DirectShowGuids.SubtypeH264Lowercase);
        Assert.Equal(new Guid("000000ff-0000-0010-8000-00aa00389b71"), DirectShowGuids.SubtypeAac);
        Assert.Equal(new Guid("e06d80e3-db46-11cf-b4d1-00805f6cbbea"), DirectShowGuids.FormatMpeg2Video);
        Assert.Equal(new Guid("0f6417d6-c318-11d0-a43f-00a0c9223196"), DirectShowGuids.FormatNone);
        Assert.Equal(new Guid("05589f81-c356-11ce-bf01-00aa0055595a"), DirectShowGuids.FormatWaveFormatEx);
    }

    [Theory]
    [InlineData("34363248-0000-0010-8000-00AA00389B71", "H.264")]
    [InlineData("31435641-0000-0010-8000-00AA00389B71", "AVC1 (length-prefixed H.264)")]
    [InlineData("35363248-0000-0010-8000-00AA00389B71", "H.265")]
    [InlineData("31637668-0000-0010-8000-00AA00389B71", "hvc1 (HEVC)")]
    [InlineData("E436EB81-524F-11CE-9F53-0020AF0BA770", "MPEG-1 video")]
    [InlineData("05589F82-C356-11CE-BF01-00AA0055595A", "FORMAT_MPEGVideo")]
    [InlineData("00000000-0000-0000-0000-000000000000", "GUID_NULL")]
    [InlineData("3267706D-0000-0010-8000-00AA00389B71", "FourCC 'mpg2'")]
    [InlineData("0000ABCD-0000-0010-8000-00AA00389B71", "wave format 0xABCD")]
    [InlineData("0102037F-0000-0010-8000-00AA00389B71", "{0102037F-0000-0010-8000-00AA00389B71}")]
    public void Describe_names_well_known_guids_fourccs_and_wave_format_tags(string guid, string expected) =>
        Assert.Equal(expected, DirectShowGuids.Describe(new Guid(guid)));
}
