using Uplink.Codecs.Av1;
using static Uplink.Tests.Codecs.Av1.Av1TestBitstream;

namespace Uplink.Tests.Codecs.Av1;

public class Av1CodecConfigurationRecordTests
{
    public static TheoryData<string> CaseNames => Av1TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_from_the_encoders_sequence_header_writes_ffmpegs_av1C(string name)
    {
        Av1Case c = Av1TestData.Cases[name];

        byte[] record = Av1CodecConfigurationRecord.Build(c.EncodedAv1C.AsSpan(Av1CodecConfigurationRecord.HeaderSize));

        Assert.Equal(Convert.ToHexString(c.EncodedAv1C), Convert.ToHexString(record));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_from_the_in_band_sequence_header_writes_the_av1C_ffmpeg_writes_when_remuxing(string name)
    {
        Av1Case c = Av1TestData.Cases[name];

        byte[] record = Av1CodecConfigurationRecord.Build(FirstSequenceHeaderObu(c));

        Assert.Equal(Convert.ToHexString(c.RemuxedAv1C), Convert.ToHexString(record));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_reads_ffmpegs_av1C(string name)
    {
        Av1Case c = Av1TestData.Cases[name];

        var record = Av1CodecConfigurationRecord.Parse(c.RemuxedAv1C);

        Av1SequenceHeader sequence = Assert.IsType<Av1SequenceHeader>(record.SequenceHeader);
        Assert.Equal(FirstSequenceHeaderObu(c), record.SequenceHeaderObu);
        Assert.Equal(record.SequenceHeaderObu, record.ConfigObus);
        Assert.Equal(Av1SequenceHeaderTests.FirstSequenceHeaderPayload(c), record.SequenceHeaderPayload.ToArray());
        Assert.Equal((sequence.SeqProfile, sequence.SeqLevelIdx, sequence.SeqTier), (record.SeqProfile, record.SeqLevelIdx0, record.SeqTier0));
        Av1ColorConfig color = sequence.ColorConfig;
        Assert.Equal(color.BitDepth, record.BitDepth);
        Assert.Equal(
            (color.HighBitdepth, color.TwelveBit, color.MonoChrome, color.SubsamplingX, color.SubsamplingY, color.ChromaSamplePosition),
            (record.HighBitdepth, record.TwelveBit, record.Monochrome, record.ChromaSubsamplingX, record.ChromaSubsamplingY, record.ChromaSamplePosition));
        Assert.Null(record.InitialPresentationDelay);
    }

    [Fact]
    public void Build_gives_a_sequence_header_without_obu_size_one()
    {
        var fields = new Av1SequenceHeaderFields { Profile = 2, HighBitdepth = true, TwelveBit = true, SubsamplingX = true, SubsamplingY = true, ChromaSamplePosition = 1 };
        byte[] payload = SequenceHeader(fields);

        byte[] record = Av1CodecConfigurationRecord.Build(Obu(1, payload, sizeField: false, extension: (0, 0)));

        Assert.Equal(CodecTestData.Hex("81 48 6D 00"), record[..4]);
        Assert.Equal(Obu(1, payload, extension: (0, 0)), record[4..]);
        var parsed = Av1CodecConfigurationRecord.Parse(record);
        Assert.Equal(payload, parsed.SequenceHeaderPayload.ToArray());
    }

    [Fact]
    public void Build_writes_tier_and_mono()
    {
        var fields = new Av1SequenceHeaderFields { OperatingPoints = [(0, 12, 1, false, null)], Mono = true, FullRange = true };

        byte[] record = Av1CodecConfigurationRecord.Build(Obu(1, SequenceHeader(fields)));

        Assert.Equal(CodecTestData.Hex("81 0C 9C 00"), record[..4]);
    }

    [Fact]
    public void Parse_reads_the_initial_presentation_delay_and_other_config_obus()
    {
        byte[] sequence = Obu(1, SequenceHeader(new Av1SequenceHeaderFields()));
        byte[] metadata = Obu(5, [4, 1, 2, 3, 0x80]);
        byte[] data = [0x81, 0x08, 0x0C, 0x13, .. sequence, .. metadata];

        var record = Av1CodecConfigurationRecord.Parse(data);

        Assert.Equal(4, record.InitialPresentationDelay);
        Assert.Equal(sequence, record.SequenceHeaderObu);
        Assert.Equal([.. sequence, .. metadata], record.ConfigObus);
    }

    [Fact]
    public void Parse_accepts_a_record_without_config_obus()
    {
        var record = Av1CodecConfigurationRecord.Parse(CodecTestData.Hex("81 2A 4C 00"));

        Assert.Equal((1, 10, 0, 10), (record.SeqProfile, record.SeqLevelIdx0, record.SeqTier0, record.BitDepth));
        Assert.Null(record.SequenceHeader);
        Assert.Empty(record.ConfigObus);
        Assert.True(record.SequenceHeaderPayload.IsEmpty);
    }

    [Theory]
    [InlineData("8100", "av1C is 2 bytes, too short (at least 4 needed)")]
    [InlineData("01000C00", "av1C marker and version at offset 0 are 0x01, not 0x81 (marker 1, version 1)")]
    [InlineData("82000C00", "av1C marker and version at offset 0 are 0x82, not 0x81 (marker 1, version 1)")]
    [InlineData("81000C00 0A05 0000", "av1C configOBUs OBU at offset 0 declares 5 payload bytes, but 2 follow")]
    [InlineData("81000C00 28 01", "av1C configOBUs OBU at offset 0 has no obu_size field")]
    [InlineData("81000C00 0A00", "AV1 sequence header is empty")]
    public void Parse_refuses_malformed_records(string hex, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => Av1CodecConfigurationRecord.Parse(CodecTestData.Hex(hex)));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_refuses_a_sequence_header_that_is_not_first()
    {
        byte[] data = [0x81, 0, 0x0C, 0, .. Obu(5, [4, 0x80]), .. Obu(1, SequenceHeader(new Av1SequenceHeaderFields()))];

        Assert.Equal(
            "av1C configOBUs has a sequence header at offset 8; only the first OBU may be one",
            Assert.Throws<InvalidDataException>(() => Av1CodecConfigurationRecord.Parse(data)).Message);
    }

    [Fact]
    public void Build_refuses_anything_but_one_sequence_header_obu()
    {
        byte[] sequence = Obu(1, SequenceHeader(new Av1SequenceHeaderFields()));

        Assert.Equal(
            "AV1 sequence header OBU is empty",
            Assert.Throws<InvalidDataException>(() => Av1CodecConfigurationRecord.Build([])).Message);
        Assert.Equal(
            "AV1 OBU at offset 0 has type 2, not a sequence header (1)",
            Assert.Throws<InvalidDataException>(() => Av1CodecConfigurationRecord.Build(TemporalDelimiter())).Message);
        Assert.Equal(
            $"AV1 sequence header OBU ends at offset {sequence.Length}, but {sequence.Length + 2} bytes were given",
            Assert.Throws<InvalidDataException>(() => Av1CodecConfigurationRecord.Build([.. sequence, .. TemporalDelimiter()])).Message);
    }

    [Fact]
    public void Every_truncation_and_seeded_damage_of_real_records_throws_only_InvalidDataException()
    {
        var random = new Random(20261206);
        byte[][] records = [.. Av1TestData.Cases.Values.Select(c => c.RemuxedAv1C)];
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
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
            }

            ParseOrInvalid(data);
        }
    }

    internal static byte[] FirstSequenceHeaderObu(Av1Case c)
    {
        foreach (Av1Obu obu in new Av1ObuEnumerator(c.TemporalUnits[0]))
        {
            if (obu.Type == Av1ObuType.SequenceHeader)
            {
                return obu.Bytes.ToArray();
            }
        }

        throw new InvalidOperationException($"{c.Name} has no sequence header in its first temporal unit");
    }

    private static void ParseOrInvalid(byte[] data)
    {
        try
        {
            var record = Av1CodecConfigurationRecord.Parse(data);
            Assert.Equal(data.Length - 4, record.ConfigObus.Length);
        }
        catch (InvalidDataException e)
        {
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
