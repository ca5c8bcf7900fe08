using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class AdtsTests
{
    public static TheoryData<string> AacCaseNames => CodecTestData.AacCaseNames();

    [Theory]
    [MemberData(nameof(AacCaseNames))]
    public void Frames_of_an_ffmpeg_adts_stream_agree_with_ffprobe(string name)
    {
        AacCase c = CodecTestData.AacCases[name];
        int frames = 0, bytes = 0;

        foreach (var (header, payload) in AdtsFrames.Enumerate(c.Adts))
        {
            Assert.Equal(c.SampleRate, header.SampleRate);
            Assert.Equal(c.Channels, header.Channels);
            Assert.Equal(2, header.ObjectType);
            Assert.False(header.HasCrc);
            Assert.Equal(1, header.RawDataBlockCount);
            Assert.Equal(header.FrameLength - 7, payload.Length);
            frames++;
            bytes += header.FrameLength;
        }

        Assert.Equal(c.FrameCount, frames);
        Assert.Equal(c.Adts.Length, bytes);
    }

    [Theory]
    [MemberData(nameof(AacCaseNames))]
    public void FromAdts_equals_the_config_ffmpeg_writes_when_remuxing_adts_to_flv(string name)
    {
        AacCase c = CodecTestData.AacCases[name];
        Assert.True(AdtsHeader.TryParse(c.Adts, out AdtsHeader header));

        byte[] config = AudioSpecificConfig.FromAdts(header);

        Assert.Equal(Convert.ToHexString(c.FfmpegRemuxAsc), Convert.ToHexString(config));
        Assert.Equal(Convert.ToHexString(c.FfmpegAsc[..2]), Convert.ToHexString(config)); // the encoder's, minus its SBR sync extension
        var parsed = AudioSpecificConfig.Parse(config);
        Assert.Equal((2, c.SampleRate, c.Channels), (parsed.ObjectType, parsed.SampleRate, parsed.Channels));
    }

    [Fact]
    public void TryParse_reads_every_field_including_a_crc()
    {
        // MPEG-2, protection_absent 0, profile 1 (Main), index 3 (48000), channel config 6, length 300,
        // fullness 0x7FF, 2 raw data blocks.
        byte[] data = CodecTestData.Hex("FF F8 4D 80 25 9F FD 00 00");

        Assert.True(AdtsHeader.TryParse(data, out AdtsHeader h));

        Assert.True(h.IsMpeg2);
        Assert.True(h.HasCrc);
        Assert.Equal(9, h.HeaderLength);
        Assert.Equal((1, 2), (h.Profile, h.ObjectType));
        Assert.Equal((3, 48000), (h.SamplingFrequencyIndex, h.SampleRate));
        Assert.Equal((6, 6), (h.ChannelConfiguration, h.Channels));
        Assert.Equal(300, h.FrameLength);
        Assert.Equal(0x7FF, h.BufferFullness);
        Assert.Equal(2, h.RawDataBlockCount);
    }

    [Theory]
    [InlineData("FFF15080 2E7FFC", true)]
    [InlineData("FFF15080 2E7F", false)]        // shorter than the header
    [InlineData("FFE15080 2E7FFC", false)]      // sync word broken
    [InlineData("FFF35080 2E7FFC", false)]      // layer 1
    [InlineData("FFF17C80 2E7FFC", false)]      // sampling frequency index 15
    [InlineData("FFF17480 2E7FFC", false)]      // sampling frequency index 13 (reserved)
    [InlineData("FFF15080 00DFFC", false)]      // frame_length 6 < 7
    [InlineData("FFF05080 00FFFC", false)]      // frame_length 7 < 9 with CRC
    [InlineData("FFF05080 2E7FFC", false)]      // CRC announced, only 7 bytes
    public void TryParse_refuses_what_is_not_a_valid_header(string hex, bool expected) =>
        Assert.Equal(expected, AdtsHeader.TryParse(CodecTestData.Hex(hex), out _));

    [Fact]
    public void Channel_configuration_7_is_eight_channels()
    {
        Assert.True(AdtsHeader.TryParse(CodecTestData.Hex("FFF151C0 2E7FFC"), out AdtsHeader h));

        Assert.Equal((7, 8), (h.ChannelConfiguration, h.Channels));
    }

    [Fact]
    public void A_frame_that_overruns_the_buffer_names_its_offset()
    {
        byte[] stream = CodecTestData.AacCases["aac-44100-mono"].Adts;
        int second = ((stream[3] & 3) << 11) | (stream[4] << 3) | (stream[5] >> 5);

        var e = Assert.Throws<InvalidDataException>(() => Count(stream.AsSpan(0, second + 20)));

        Assert.StartsWith($"ADTS frame at offset {second} declares ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(" but only 20 remain", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lost_sync_names_its_offset()
    {
        byte[] stream = [.. CodecTestData.AacCases["aac-48000-stereo"].Adts];
        int first = ((stream[3] & 3) << 11) | (stream[4] << 3) | (stream[5] >> 5);
        stream[first] = 0x00;

        var e = Assert.Throws<InvalidDataException>(() => Count(stream));

        Assert.Equal($"no valid ADTS header at offset {first} (sync lost)", e.Message);
    }

    [Fact]
    public void A_truncated_header_names_its_offset()
    {
        var e = Assert.Throws<InvalidDataException>(() => Count(CodecTestData.Hex("FFF15080 011FFC 00 FFF1")));

        Assert.Equal("truncated ADTS header at offset 8 (2 bytes left)", e.Message);
    }

    [Fact]
    public void Random_bytes_only_ever_throw_InvalidDataException()
    {
        var random = new Random(31);
        byte[] data = new byte[256];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(data);
            data[0] = 0xFF;
            data[1] = (byte)(0xF0 | (data[1] & 0x09));
            try
            {
                Count(data.AsSpan(0, random.Next(data.Length)));
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static int Count(ReadOnlySpan<byte> data)
    {
        int count = 0;
        foreach (AdtsFrame frame in AdtsFrames.Enumerate(data))
        {
            Assert.True(frame.Header.FrameLength >= frame.Header.HeaderLength);
            count++;
        }

        return count;
    }
}
