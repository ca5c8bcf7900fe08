using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class AvcDecoderConfigurationRecordTests
{
    public static TheoryData<string> SpsCaseNames => CodecTestData.SpsCaseNames();

    [Theory]
    [MemberData(nameof(SpsCaseNames))]
    public void Build_writes_the_same_bytes_as_ffmpeg(string name)
    {
        SpsCase c = CodecTestData.SpsCases[name];

        byte[] record = AvcDecoderConfigurationRecord.Build(c.Sps, c.Pps);

        Assert.Equal(Convert.ToHexString(c.FfmpegAvcC), Convert.ToHexString(record));
    }

    [Theory]
    [MemberData(nameof(SpsCaseNames))]
    public void Parse_reads_ffmpegs_record(string name)
    {
        SpsCase c = CodecTestData.SpsCases[name];

        var record = AvcDecoderConfigurationRecord.Parse(c.FfmpegAvcC);

        Assert.Equal(4, record.NalLengthSize);
        Assert.Equal(c.Sps[1], record.ProfileIndication);
        Assert.Equal(c.Sps[2], record.ProfileCompatibility);
        Assert.Equal(c.Sps[3], record.LevelIndication);
        Assert.Equal(c.Sps, Assert.Single(record.SequenceParameterSets));
        Assert.Equal(c.Pps, Assert.Single(record.PictureParameterSets));
        var sps = H264SequenceParameterSet.Parse(c.Sps);
        if (record.ChromaFormat is not null)
        {
            Assert.Equal((sps.ChromaFormatIdc, sps.BitDepthLuma, sps.BitDepthChroma), (record.ChromaFormat, record.BitDepthLuma, record.BitDepthChroma));
        }
        else
        {
            Assert.Contains(sps.ProfileIdc, new byte[] { 66, 77, 88 });
        }
    }

    [Fact]
    public void Build_then_Parse_round_trips_several_parameter_sets_and_an_sps_extension()
    {
        SpsCase high = CodecTestData.SpsCases["high10-320x240"];
        byte[] secondSps = [.. high.Sps];
        secondSps[4] ^= 0x01;
        byte[] extension = [0x6D, 0x01, 0x02];
        byte[] secondPps = [0x68, 0xAB, 0xCD];

        byte[] bytes = AvcDecoderConfigurationRecord.Build([high.Sps, extension, secondSps], [high.Pps, secondPps]);
        var record = AvcDecoderConfigurationRecord.Parse(bytes);

        Assert.Equal([high.Sps, secondSps], record.SequenceParameterSets);
        Assert.Equal([high.Pps, secondPps], record.PictureParameterSets);
        Assert.Equal(extension, Assert.Single(record.SequenceParameterSetExtensions));
        Assert.Equal((1, 10, 10), (record.ChromaFormat, record.BitDepthLuma, record.BitDepthChroma));
        Assert.Equal(0xE2, bytes[5]);
    }

    [Fact]
    public void Build_with_a_smaller_nal_length_size_declares_it()
    {
        SpsCase c = CodecTestData.SpsCases["main-640x360-ntsc"];

        var record = AvcDecoderConfigurationRecord.Parse(AvcDecoderConfigurationRecord.Build([c.Sps], [c.Pps], 2));

        Assert.Equal(2, record.NalLengthSize);
    }

    [Fact]
    public void Build_refuses_missing_or_misplaced_parameter_sets()
    {
        SpsCase c = CodecTestData.SpsCases["main-640x360-ntsc"];

        Assert.Throws<ArgumentException>(() => AvcDecoderConfigurationRecord.Build([], [c.Pps]));
        Assert.Throws<ArgumentException>(() => AvcDecoderConfigurationRecord.Build([c.Sps], []));
        Assert.Throws<ArgumentException>(() => AvcDecoderConfigurationRecord.Build(c.Pps, c.Sps));
        Assert.Throws<ArgumentException>(() => AvcDecoderConfigurationRecord.Build(c.Sps, ReadOnlySpan<byte>.Empty));
    }

    [Theory]
    [InlineData("01640028", "avcC is 4 bytes, too short (at least 7 needed)")]
    [InlineData("02640028FFE100", "avcC configurationVersion at offset 0 is 2, not 1")]
    [InlineData("01640028FEE100", "avcC lengthSizeMinusOne at offset 4 is 2; NAL length size must be 1, 2 or 4")]
    [InlineData("01640028FFE000", "avcC numOfSequenceParameterSets at offset 5 is 0")]
    [InlineData("01640028FFE10009 6764", "avcC Sps length 9 at offset 6 does not fit the 2 bytes that follow")]
    [InlineData("01640028FFE10002 6864 01", "avcC entry at offset 8 has NAL unit type 8, expected Sps (7)")]
    [InlineData("01640028FFE10002 6764", "avcC ends at offset 10 before numOfPictureParameterSets")]
    [InlineData("01640028FFE10002 6764 00", "avcC numOfPictureParameterSets at offset 10 is 0")]
    [InlineData("01640028FFE10002 6764 02 0001 68", "avcC ends at offset 14 inside the length of Pps 2 of 2")]
    public void Parse_refuses_malformed_records_naming_the_offset(string hex, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => AvcDecoderConfigurationRecord.Parse(CodecTestData.Hex(hex)));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_accepts_a_high_profile_record_without_the_trailer()
    {
        SpsCase c = CodecTestData.SpsCases["high-1280x720-bframes"];
        byte[] withoutTrailer = c.FfmpegAvcC[..^4];

        var record = AvcDecoderConfigurationRecord.Parse(withoutTrailer);

        Assert.Null(record.ChromaFormat);
        Assert.Equal(c.Pps, Assert.Single(record.PictureParameterSets));
    }

    [Fact]
    public void Random_and_bit_flipped_records_only_ever_throw_InvalidDataException()
    {
        var random = new Random(5);
        SpsCase[] cases = [.. CodecTestData.SpsCases.Values];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = new byte[random.Next(0, 48)];
                random.NextBytes(data);
                if (data.Length > 0)
                {
                    data[0] = 1;
                }
            }
            else
            {
                data = [.. cases[random.Next(cases.Length)].FfmpegAvcC];
                data = data[..random.Next(data.Length + 1)];
                if (data.Length > 0)
                {
                    data[random.Next(data.Length)] ^= (byte)random.Next(256);
                }
            }

            try
            {
                var record = AvcDecoderConfigurationRecord.Parse(data);
                Assert.NotEmpty(record.SequenceParameterSets);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
