using Uplink.Tests.Codecs;
using static Uplink.Tests.Media.DirectShowFormatBlocks;

namespace Uplink.Tests.Media;

public class AudioMediaTypeTests
{
    private static readonly Guid SubtypeMp3 = new("00000055-0000-0010-8000-00AA00389B71");
    private static readonly Guid SubtypeAc3 = new("00002000-0000-0010-8000-00AA00389B71");
    private static readonly Guid SubtypePcm = new("00000001-0000-0010-8000-00AA00389B71");
    private static readonly Guid SubtypeAdtsAac = new("00001600-0000-0010-8000-00AA00389B71");
    private static readonly Guid FormatVideoInfo = new("05589F80-C356-11CE-BF01-00AA0055595A");

    [Fact]
    public void AacAdts_carries_no_config()
    {
        AudioMediaType type = AudioMediaType.AacAdts;

        Assert.True(type.IsAdts);
        Assert.True(type.AudioSpecificConfig.IsEmpty);
        Assert.Null(type.SampleRate);
        Assert.Null(type.Channels);
        Assert.Equal("AAC, ADTS", type.ToString());
    }

    [Fact]
    public void Aac_from_ffmpegs_config_reports_rate_and_channels()
    {
        AacCase c = CodecTestData.AacCases["aac-44100-mono"];

        AudioMediaType type = AudioMediaType.Aac(c.FfmpegAsc);

        Assert.False(type.IsAdts);
        Assert.Equal(c.FfmpegAsc, type.AudioSpecificConfig.ToArray());
        Assert.Equal((44100, 1), (type.SampleRate, type.Channels));
        Assert.Equal("AAC LC, 44100 Hz, 1 channel", type.ToString());
    }

    [Fact]
    public void Aac_with_sbr_and_ps_reports_the_output_rate_and_channels()
    {
        byte[] config = new BitWriter().Bits(29, 5).Bits(6, 4).Bits(1, 4).Bits(3, 4).Bits(2, 5).Bits(0, 3).ToBytes();

        AudioMediaType type = AudioMediaType.Aac(config);

        Assert.Equal((48000, 2), (type.SampleRate, type.Channels));
        Assert.Equal("HE-AAC v2, 48000 Hz, 2 channels", type.ToString());
    }

    [Fact]
    public void Aac_refuses_a_malformed_config_with_ArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => AudioMediaType.Aac([0x12]));

        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void FORMAT_None_means_adts() =>
        Assert.Same(AudioMediaType.AacAdts, AudioMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeAudio, DirectShowGuids.SubtypeAac, DirectShowGuids.FormatNone, []));

    [Fact]
    public void WAVEFORMATEX_extra_bytes_are_the_AudioSpecificConfig()
    {
        byte[] block = WaveFormatEx([0x11, 0x90]);

        AudioMediaType type = AudioMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeAudio, DirectShowGuids.SubtypeAac, DirectShowGuids.FormatWaveFormatEx, block);

        Assert.False(type.IsAdts);
        Assert.Equal([0x11, 0x90], type.AudioSpecificConfig.ToArray());
        Assert.Equal((48000, 2), (type.SampleRate, type.Channels));
        Assert.Equal("AAC LC, 48000 Hz, 2 channels", type.ToString());
    }

    [Fact]
    public void WAVEFORMATEX_without_a_config_is_refused() =>
        Assert.StartsWith("WAVEFORMATEX cbSize at offset 16 is 0: no AudioSpecificConfig follows",
            Assert.Throws<ArgumentException>(() => FromWaveFormatEx(WaveFormatEx([]))).Message, StringComparison.Ordinal);

    [Fact]
    public void WAVEFORMATEX_shorter_than_18_bytes_is_refused() =>
        Assert.StartsWith("WAVEFORMATEX block is 16 bytes, too short (at least 18 needed)",
            Assert.Throws<ArgumentException>(() => FromWaveFormatEx(new byte[16])).Message, StringComparison.Ordinal);

    [Fact]
    public void WAVEFORMATEX_cbSize_overrunning_the_block_is_refused() =>
        Assert.StartsWith("WAVEFORMATEX cbSize 5 at offset 16 overruns the block (2 bytes after offset 18)",
            Assert.Throws<ArgumentException>(() => FromWaveFormatEx(WaveFormatEx([0x11, 0x90], declaredExtraSize: 5))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void WAVEFORMATEX_with_a_malformed_config_is_refused() =>
        Assert.StartsWith("WAVEFORMATEX extra bytes at offset 18: AudioSpecificConfig samplingFrequencyIndex 13",
            Assert.Throws<ArgumentException>(() => FromWaveFormatEx(WaveFormatEx([0x16, 0x88]))).Message, StringComparison.Ordinal);

    [Fact]
    public void Other_major_types_are_refused() =>
        Assert.Equal("audio input accepts MEDIATYPE_Audio only, got MEDIATYPE_Video",
            Assert.Throws<NotSupportedException>(() => AudioMediaType.FromDirectShow(
                DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeAac, DirectShowGuids.FormatNone, [])).Message);

    public static TheoryData<Guid, string> RefusedSubtypes => new()
    {
        { SubtypeMp3, "audio input accepts AAC only, got MP3" },
        { SubtypeAc3, "audio input accepts AAC only, got AC-3" },
        { SubtypePcm, "audio input accepts AAC only, got PCM" },
        { SubtypeAdtsAac, "audio input accepts AAC only, got ADTS AAC (MEDIASUBTYPE_MPEG_ADTS_AAC; use MEDIASUBTYPE_AAC)" },
        { new("E06D802B-DB46-11CF-B4D1-00805F6CBBEA"), "audio input accepts AAC only, got MPEG-2 audio" },
        { new("00000050-0000-0010-8000-00AA00389B71"), "audio input accepts AAC only, got MPEG audio" },
        { new("00000161-0000-0010-8000-00AA00389B71"), "audio input accepts AAC only, got WMA" },
        { new("00001234-0000-0010-8000-00AA00389B71"), "audio input accepts AAC only, got wave format 0x1234" },
    };

    [Theory]
    [MemberData(nameof(RefusedSubtypes))]
    public void Other_subtypes_are_refused_by_name(Guid subtype, string message) =>
        Assert.Equal(message, Assert.Throws<NotSupportedException>(() => AudioMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeAudio, subtype, DirectShowGuids.FormatNone, [])).Message);

    [Fact]
    public void Other_format_types_are_refused_by_name() =>
        Assert.Equal("audio input accepts FORMAT_WaveFormatEx or FORMAT_None, got FORMAT_VideoInfo",
            Assert.Throws<NotSupportedException>(() => AudioMediaType.FromDirectShow(
                DirectShowGuids.MediaTypeAudio, DirectShowGuids.SubtypeAac, FormatVideoInfo, new byte[88])).Message);

    [Fact]
    public void Random_WAVEFORMATEX_blocks_only_ever_throw_ArgumentException()
    {
        var random = new Random(23);
        byte[] block = new byte[40];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(block);
            block[17] = 0;
            block[16] = (byte)random.Next(0, 24);
            try
            {
                AudioMediaType type = FromWaveFormatEx(block.AsSpan(0, random.Next(10, block.Length + 1)).ToArray());
                Assert.True(type.SampleRate > 0);
            }
            catch (ArgumentException)
            {
            }
        }
    }

    private static AudioMediaType FromWaveFormatEx(byte[] block) =>
        AudioMediaType.FromDirectShow(DirectShowGuids.MediaTypeAudio, DirectShowGuids.SubtypeAac, DirectShowGuids.FormatWaveFormatEx, block);
}
