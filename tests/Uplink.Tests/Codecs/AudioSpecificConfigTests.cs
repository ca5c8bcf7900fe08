using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class AudioSpecificConfigTests
{
    public static TheoryData<string> AacCaseNames => CodecTestData.AacCaseNames();

    [Theory]
    [MemberData(nameof(AacCaseNames))]
    public void Parse_reads_ffmpegs_config_with_its_backward_compatible_sbr_signalling(string name)
    {
        AacCase c = CodecTestData.AacCases[name];
        Assert.Equal(5, c.FfmpegAsc.Length); // 2 bytes of config + sync extension 0x2B7, SBR absent

        var config = AudioSpecificConfig.Parse(c.FfmpegAsc);

        Assert.Equal(2, config.ObjectType);
        Assert.Equal(c.SampleRate, config.SampleRate);
        Assert.Equal(c.Channels, config.Channels);
        Assert.Null(config.ExtensionSampleRate);
        Assert.False(config.PsPresent);
        Assert.Equal(1024, config.SamplesPerFrame);
    }

    [Fact]
    public void Explicit_hierarchical_sbr_reports_the_extension_rate_and_the_core_object_type()
    {
        // object type 5 (SBR), core 22050 Hz, stereo, extension 44100 Hz, core object type 2.
        byte[] data = new BitWriter().Bits(5, 5).Bits(7, 4).Bits(2, 4).Bits(4, 4).Bits(2, 5).Bits(0, 3).ToBytes();

        var config = AudioSpecificConfig.Parse(data);

        Assert.Equal((2, 22050, 44100, 2), (config.ObjectType, config.SampleRate, config.ExtensionSampleRate, config.Channels));
        Assert.False(config.PsPresent);
    }

    [Fact]
    public void Object_type_29_signals_parametric_stereo()
    {
        byte[] data = new BitWriter().Bits(29, 5).Bits(6, 4).Bits(1, 4).Bits(3, 4).Bits(2, 5).Bits(0, 3).ToBytes();

        var config = AudioSpecificConfig.Parse(data);

        Assert.True(config.PsPresent);
        Assert.Equal((24000, 48000, 1), (config.SampleRate, config.ExtensionSampleRate, config.Channels));
    }

    [Fact]
    public void Backward_compatible_sbr_and_ps_signalling_is_read_after_the_core_config()
    {
        byte[] data = new BitWriter().Bits(2, 5).Bits(6, 4).Bits(1, 4).Bits(0, 3)
            .Bits(0x2B7, 11).Bits(5, 5).Bit(true).Bits(3, 4).Bits(0x548, 11).Bit(true).ToBytes();

        var config = AudioSpecificConfig.Parse(data);

        Assert.Equal((2, 24000, 48000), (config.ObjectType, config.SampleRate, config.ExtensionSampleRate));
        Assert.True(config.PsPresent);
    }

    [Fact]
    public void Escaped_object_type_and_explicit_sample_rate_are_read()
    {
        // object type 31 + 6 bits (32 + 10 = 42), frequency index 15 + 24-bit rate 37800, channel config 2.
        byte[] data = new BitWriter().Bits(31, 5).Bits(10, 6).Bits(15, 4).Bits(37800, 24).Bits(2, 4).ToBytes();

        var config = AudioSpecificConfig.Parse(data);

        Assert.Equal((42, 37800, 2), (config.ObjectType, config.SampleRate, config.ChannelConfiguration));
    }

    [Fact]
    public void Frame_length_flag_gives_960_samples_and_configuration_7_eight_channels()
    {
        byte[] data = new BitWriter().Bits(2, 5).Bits(3, 4).Bits(7, 4).Bit(true).Bit(false).Bit(false).ToBytes();

        var config = AudioSpecificConfig.Parse(data);

        Assert.Equal((960, 8), (config.SamplesPerFrame, config.Channels));
    }

    [Theory]
    [InlineData("12", "AudioSpecificConfig is 1 bytes, too short (at least 2 needed)")]
    [InlineData("16 88", "AudioSpecificConfig samplingFrequencyIndex 13 at bit 5 is reserved")]
    [InlineData("17 80 00 00 10", "AudioSpecificConfig explicit sample rate at bit 9 is 0")]
    [InlineData("17 80 00", "AudioSpecificConfig ends early: 3 bytes, read up to bit 9")]
    public void Parse_refuses_malformed_configs(string hex, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => AudioSpecificConfig.Parse(CodecTestData.Hex(hex))).Message);

    [Fact]
    public void Random_bytes_only_ever_throw_InvalidDataException()
    {
        var random = new Random(11);
        byte[] data = new byte[16];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(data);
            try
            {
                var config = AudioSpecificConfig.Parse(data.AsSpan(0, random.Next(data.Length)));
                Assert.True(config.SampleRate > 0);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
