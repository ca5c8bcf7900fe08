using Uplink.Codecs.Vp9;
using static Uplink.Tests.Codecs.Vp9.Vp9TestBitstream;

namespace Uplink.Tests.Codecs.Vp9;

public class Vp9CodecConfigurationRecordTests
{
    public static TheoryData<string> CaseNames => Vp9TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_from_the_key_frame_writes_the_vpcC_ffmpeg_writes_when_remuxing(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];

        byte[] body = Vp9CodecConfigurationRecord.Build(Vp9FrameHeader.Parse(c.Samples[0]));

        Assert.Equal(Convert.ToHexString(c.RemuxedVpcC), Convert.ToHexString(body));
    }

    [Fact]
    public void Given_the_primaries_and_transfer_the_record_is_the_one_ffmpeg_writes_when_encoding()
    {
        Vp9Case c = Vp9TestData.Cases["profile0-bt709-fullrange"];

        var record = Vp9CodecConfigurationRecord.FromFrameHeader(Vp9FrameHeader.Parse(c.Samples[0]), null, 1, 1);

        Assert.Equal(Convert.ToHexString(c.EncodedVpcC), Convert.ToHexString(record.ToFullBoxBody()));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_reads_ffmpegs_vpcC_with_or_without_version_and_flags(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];
        var header = Vp9FrameHeader.Parse(c.Samples[0]);

        var record = Vp9CodecConfigurationRecord.Parse(c.RemuxedVpcC);

        Assert.Equal(Vp9CodecConfigurationRecord.FromFrameHeader(header), record);
        Assert.Equal((header.Profile, header.BitDepth, header.FullRange), (record.Profile, record.BitDepth, record.VideoFullRangeFlag));
        Assert.Equal(record, Vp9CodecConfigurationRecord.Parse(c.RemuxedVpcC.AsSpan(4)));
        Assert.Equal(c.RemuxedVpcC[4..], record.ToRecord());
        Assert.Equal(c.RemuxedVpcC, record.ToFullBoxBody());
    }

    [Theory]
    [InlineData(160, 90, null, 10)]
    [InlineData(640, 360, null, 21)]
    [InlineData(1280, 720, null, 31)]
    [InlineData(1280, 720, 30.0, 31)]
    [InlineData(1280, 720, 60.0, 40)]
    [InlineData(1920, 1080, null, 40)]
    [InlineData(1920, 1080, 60.0, 41)]
    [InlineData(3840, 2160, 30.0, 50)]
    [InlineData(3840, 2160, 60.0, 51)]
    [InlineData(3840, 2160, 120.0, 52)]
    [InlineData(7680, 4320, 60.0, 61)]
    [InlineData(7680, 4320, 240.0, 0)]
    [InlineData(16384, 16384, null, 0)]
    [InlineData(0, 720, null, 0)]
    public void The_level_is_the_first_whose_size_and_rate_limits_hold(int width, int height, double? frameRate, int level)
    {
        Assert.Equal(level, Vp9Level.Compute(width, height, frameRate));
    }

    [Fact]
    public void The_frame_rate_raises_the_level_of_the_record()
    {
        var header = Vp9FrameHeader.Parse(KeyFrame(0, 1920, 1080));

        Assert.Equal(40, Vp9CodecConfigurationRecord.FromFrameHeader(header).Level);
        Assert.Equal(41, Vp9CodecConfigurationRecord.FromFrameHeader(header, 60).Level);
    }

    [Theory]
    [InlineData(2, 10, 5, true, true, "01000000021FA3020209 0000")] // BT.2020 is matrix 9
    [InlineData(3, 12, 7, false, false, "01000000031FC7020200 0000")] // RGB: 4:4:4, full range, matrix 0
    [InlineData(1, 8, 3, true, false, "01000000011F85020206 0000")] // 4:2:2, SMPTE 170M is matrix 6
    public void Build_maps_subsampling_range_and_colour_space(int profile, int depth, int space, bool x, bool y, string hex)
    {
        byte[] body = Vp9CodecConfigurationRecord.Build(
            Vp9FrameHeader.Parse(KeyFrame(profile, 1280, 720, depth, space, fullRange: true, x: x, y: y)));

        Assert.Equal(hex.Replace(" ", string.Empty, StringComparison.Ordinal), Convert.ToHexString(body));
    }

    [Fact]
    public void Build_refuses_4_4_0_and_headers_without_colour()
    {
        Assert.Throws<NotSupportedException>(() => Vp9CodecConfigurationRecord.Build(Vp9FrameHeader.Parse(KeyFrame(1, 64, 64, x: false, y: true))));
        Assert.Throws<ArgumentException>(() => Vp9CodecConfigurationRecord.Build(Vp9FrameHeader.Parse(InterFrame(0, 1))));
        Assert.Throws<ArgumentException>(() => Vp9CodecConfigurationRecord.Build(Vp9FrameHeader.Parse(IntraOnlyFrame(0, 1, 64, 64))));
    }

    [Theory]
    [InlineData("01000000000A82", "vpcC record at offset 4 is 3 bytes, too short (8 needed)")]
    [InlineData("000A8202020200", "vpcC record at offset 0 is 7 bytes, too short (8 needed)")]
    [InlineData("00000000000A820202020000", "vpcC version at offset 0 is 0, not 1")]
    [InlineData("01000000000A720202020000", "vpcC bitDepth at offset 6 is 7, not 8, 10 or 12")]
    [InlineData("01000000000A8A0202020000", "vpcC chromaSubsampling at offset 6 is 5, a reserved value")]
    [InlineData("01000000000A820202020002 00", "vpcC codecInitializationDataSize at offset 10 is 2, but 1 bytes follow")]
    public void Parse_refuses_malformed_records(string hex, string message)
    {
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Vp9CodecConfigurationRecord.Parse(CodecTestData.Hex(hex))).Message);
    }

    [Fact]
    public void Every_truncation_and_seeded_damage_of_real_records_throws_only_InvalidDataException()
    {
        var random = new Random(20261207);
        byte[][] records = [.. Vp9TestData.Cases.Values.Select(c => c.RemuxedVpcC)];
        foreach (byte[] record in records)
        {
            for (int length = 0; length < record.Length; length++)
            {
                ParseOrInvalid(record[..length]);
            }
        }

        for (int i = 0; i < 20_000; i++)
        {
            byte[] data = [.. records[random.Next(records.Length)]];
            data = data[..random.Next(data.Length + 1)];
            for (int flips = random.Next(0, 4); flips > 0 && data.Length > 0; flips--)
            {
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
            }

            ParseOrInvalid(data);
        }
    }

    private static void ParseOrInvalid(byte[] data)
    {
        try
        {
            var record = Vp9CodecConfigurationRecord.Parse(data);
            Assert.Contains(record.BitDepth, new byte[] { 8, 10, 12 });
        }
        catch (InvalidDataException e)
        {
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
