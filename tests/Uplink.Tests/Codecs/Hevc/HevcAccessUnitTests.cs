using System.Buffers.Binary;
using Uplink.Codecs;
using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

public class HevcAccessUnitTests
{
    public static TheoryData<string> StreamNames => HevcTestData.StreamNames();

    [Theory]
    [MemberData(nameof(StreamNames))]
    public void Keyframes_are_ffprobes_and_non_reference_pictures_are_the_b_frames_a_decoder_can_do_without(string name)
    {
        HevcStreamCase c = HevcTestData.Streams[name];
        var parameterSets = new HevcParameterSets();
        int nonReference = 0;
        foreach (HevcTruthAccessUnit unit in c.AccessUnits)
        {
            HevcAccessUnitInfo info = HevcAccessUnit.Inspect(unit.Data, 0, parameterSets);

            Assert.Equal(unit.Key, info.IsKeyframe);
            Assert.Equal(unit.PictType == "I", info.IsKeyframe);

            // Every picture called disposable is: the stream decodes the same without it. Conversely every B-frame the
            // decoder can do without is found; the droppable P-frames are reference pictures nothing happened to use
            // (the last before an IDR, the last of the stream).
            Assert.True(!info.IsNonReference || unit.Droppable, $"access unit at {c.Stream.AsSpan().IndexOf(unit.Data)} is not droppable");
            Assert.Equal(unit.PictType == "B" && unit.Droppable, info.IsNonReference);
            nonReference += info.IsNonReference ? 1 : 0;
        }

        Assert.Equal(name == "x265-main" ? 6 : 8, nonReference);
    }

    [Fact]
    public void The_main_streams_delimiters_are_stripped_and_its_parameter_sets_change_once()
    {
        HevcStreamCase c = HevcTestData.Main;
        var parameterSets = new HevcParameterSets();
        var changes = new List<bool>();
        int stripped = 0;
        foreach (HevcTruthAccessUnit unit in c.AccessUnits)
        {
            HevcAccessUnitInfo info = HevcAccessUnit.Inspect(unit.Data, 0, parameterSets);
            List<byte[]> nals = HevcTestData.NalUnits(unit.Data);
            byte[] sample = new byte[info.SampleSize];

            int written = HevcAccessUnit.WriteSample(unit.Data, 0, sample);

            Assert.Equal(nals.Count(n => HevcNalUnitHeader.ReadType(n) == HevcNalUnitType.AccessUnitDelimiter), info.StrippedNalUnits);
            Assert.Equal(1, info.VclNalUnits);
            stripped += info.StrippedNalUnits;
            Assert.Equal(info.SampleSize, written);
            List<byte[]> kept = [.. nals.Where(n => HevcNalUnitHeader.ReadType(n) != HevcNalUnitType.AccessUnitDelimiter)];
            Assert.Equal(kept.Sum(n => 4 + n.Length), written);
            Assert.Equal(kept, Enumerate(sample, 4));
            changes.Add(info.ParameterSetsChanged);
        }

        // Every access unit but the first (as the encoder's MP4 sample had it) starts with a delimiter. The CRA at
        // frame 12 repeats the IDR's VPS, SPS and PPS unchanged.
        Assert.Equal(c.AccessUnits.Count - 1, stripped);
        Assert.Equal(2, c.AccessUnits.Count(u => u.Key));
        Assert.Equal([true, .. Enumerable.Repeat(false, c.AccessUnits.Count - 1)], changes);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Length_prefixed_access_units_are_read_as_their_annex_b_form(int lengthSize)
    {
        var annexBSets = new HevcParameterSets();
        var prefixedSets = new HevcParameterSets();
        foreach (HevcTruthAccessUnit unit in HevcTestData.Temporal.AccessUnits)
        {
            byte[] prefixed = LengthPrefixed(HevcTestData.NalUnits(unit.Data), lengthSize);

            HevcAccessUnitInfo fromAnnexB = HevcAccessUnit.Inspect(unit.Data, 0, annexBSets);
            HevcAccessUnitInfo fromPrefixed = HevcAccessUnit.Inspect(prefixed, lengthSize, prefixedSets);
            byte[] sample = new byte[fromPrefixed.SampleSize];
            HevcAccessUnit.WriteSample(prefixed, lengthSize, sample);

            Assert.Equal(fromAnnexB, fromPrefixed);
            Assert.Equal(LengthPrefixed(HevcTestData.NalUnits(unit.Data), 4), sample);
        }
    }

    [Fact]
    public void One_byte_lengths_work_for_small_nal_units()
    {
        var parameterSets = new HevcParameterSets();
        LoadOneSubLayer(parameterSets);
        byte[] accessUnit = LengthPrefixed([HevcSyntaxWriter.Nal(HevcNalUnitType.AccessUnitDelimiter, payload: 1), HevcSyntaxWriter.Nal(HevcNalUnitType.TrailN, payload: 200)], 1);

        HevcAccessUnitInfo info = HevcAccessUnit.Inspect(accessUnit, 1, parameterSets);

        Assert.Equal(new HevcAccessUnitInfo(false, true, 1, false, 1, 4 + 202), info);
    }

    [Theory]
    [InlineData(0, 0, 0, false)] // TRAIL_N in sub-layer 0 of 0..1: sub-layer 1 pictures may refer to it
    [InlineData(0, 1, 1, true)] // TRAIL_N in the highest sub-layer
    [InlineData(2, 1, 1, true)] // TSA_N
    [InlineData(8, 1, 1, true)] // RASL_N
    [InlineData(1, 1, 1, false)] // TRAIL_R
    [InlineData(0, 0, 1, false)] // two slices, one below the highest sub-layer
    [InlineData(21, 0, 0, false)] // CRA
    public void Non_reference_needs_every_slice_of_an_n_type_in_the_highest_sub_layer(int type, int firstTemporalId, int secondTemporalId, bool expected)
    {
        var parameterSets = new HevcParameterSets();
        LoadTwoSubLayers(parameterSets);
        byte[] accessUnit = AnnexBOf(
            HevcSyntaxWriter.Nal(HevcNalUnitType.PrefixSei, firstTemporalId),
            HevcSyntaxWriter.Nal((HevcNalUnitType)type, firstTemporalId),
            HevcSyntaxWriter.Nal((HevcNalUnitType)type, secondTemporalId));

        HevcAccessUnitInfo info = HevcAccessUnit.Inspect(accessUnit, 0, parameterSets);

        Assert.Equal(expected, info.IsNonReference);
        Assert.Equal(type == 21, info.IsKeyframe);
        Assert.Equal(2, info.VclNalUnits);
    }

    [Fact]
    public void Without_an_sps_only_sub_layer_6_counts_as_the_highest()
    {
        var parameterSets = new HevcParameterSets();

        Assert.False(HevcAccessUnit.Inspect(AnnexBOf(HevcSyntaxWriter.Nal(HevcNalUnitType.TrailN, 0)), 0, parameterSets).IsNonReference);
        Assert.True(HevcAccessUnit.Inspect(AnnexBOf(HevcSyntaxWriter.Nal(HevcNalUnitType.TrailN, 6)), 0, parameterSets).IsNonReference);
    }

    [Fact]
    public void Access_units_without_base_layer_n_slices_only_are_never_disposable()
    {
        var parameterSets = new HevcParameterSets();
        LoadOneSubLayer(parameterSets);

        Assert.False(Inspect(HevcSyntaxWriter.Nal(HevcNalUnitType.PrefixSei)).IsNonReference);
        Assert.False(Inspect(HevcSyntaxWriter.Nal(HevcNalUnitType.TrailN), HevcSyntaxWriter.Nal(HevcNalUnitType.TrailN, layerId: 1)).IsNonReference);
        Assert.False(Inspect(HevcSyntaxWriter.Nal(HevcNalUnitType.IdrNLp, layerId: 1)).IsKeyframe);
        Assert.False(Inspect(HevcSyntaxWriter.Nal(HevcNalUnitType.ReservedIrapVcl22)).IsKeyframe);
        Assert.True(Inspect(HevcSyntaxWriter.Nal(HevcNalUnitType.BlaWLp)).IsKeyframe);

        HevcAccessUnitInfo Inspect(params byte[][] nals) => HevcAccessUnit.Inspect(AnnexBOf(nals), 0, parameterSets);
    }

    [Fact]
    public void Filler_data_is_stripped_and_end_of_sequence_and_bitstream_are_kept()
    {
        var parameterSets = new HevcParameterSets();
        LoadOneSubLayer(parameterSets);
        byte[] slice = HevcSyntaxWriter.Nal(HevcNalUnitType.TrailR);
        byte[] filler = HevcSyntaxWriter.Nal(HevcNalUnitType.FillerData, payload: 100);
        byte[] endOfSequence = HevcSyntaxWriter.Nal(HevcNalUnitType.EndOfSequence, payload: 0);
        byte[] endOfBitstream = HevcSyntaxWriter.Nal(HevcNalUnitType.EndOfBitstream, payload: 0);
        byte[] accessUnit = AnnexBOf(HevcSyntaxWriter.Nal(HevcNalUnitType.AccessUnitDelimiter, payload: 1), slice, filler, endOfSequence, endOfBitstream);

        HevcAccessUnitInfo info = HevcAccessUnit.Inspect(accessUnit, 0, parameterSets);
        byte[] sample = new byte[info.SampleSize];
        HevcAccessUnit.WriteSample(accessUnit, 0, sample);

        Assert.Equal(2, info.StrippedNalUnits);
        Assert.Equal([slice, endOfSequence, endOfBitstream], Enumerate(sample, 4));
        Assert.True(HevcAccessUnit.IsStripped(HevcNalUnitType.FillerData));
        Assert.False(HevcAccessUnit.IsStripped(HevcNalUnitType.SuffixSei));
    }

    [Fact]
    public void Malformed_access_units_fail_with_a_data_error()
    {
        var parameterSets = new HevcParameterSets();
        byte[] slice = HevcSyntaxWriter.Nal(HevcNalUnitType.TrailR);

        Assert.Contains("start code", Assert.Throws<InvalidDataException>(() => HevcAccessUnit.Inspect(slice, 0, parameterSets)).Message, StringComparison.Ordinal);
        Assert.Contains("forbidden_zero_bit", Assert.Throws<InvalidDataException>(() => HevcAccessUnit.Inspect(AnnexBOf([0x82, 0x01, 0x10]), 0, parameterSets)).Message, StringComparison.Ordinal);
        Assert.Contains("overruns", Assert.Throws<InvalidDataException>(() => HevcAccessUnit.Inspect([0, 0, 0, 9, .. slice], 4, parameterSets)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => HevcAccessUnit.Inspect(AnnexBOf(HevcTestData.Params["rext-gbrp"].Sps[..9]), 0, parameterSets));
        Assert.Throws<ArgumentException>(() => HevcAccessUnit.WriteSample(AnnexBOf(slice), 0, new byte[slice.Length]));
        Assert.Throws<ArgumentOutOfRangeException>(() => HevcAccessUnit.Inspect(slice, 3, parameterSets));
    }

    /// <summary>An SPS (with its VPS and PPS) of one sub-layer: TemporalId 0 is the highest.</summary>
    internal static void LoadOneSubLayer(HevcParameterSets parameterSets)
    {
        HevcParamCase c = HevcTestData.Params["rext-gbrp"];
        parameterSets.Add(c.Vps);
        parameterSets.Add(c.Sps);
        parameterSets.Add(c.Pps);
    }

    /// <summary>x265's two sub-layer parameter sets: TemporalId 1 is the highest.</summary>
    internal static void LoadTwoSubLayers(HevcParameterSets parameterSets) =>
        parameterSets.Load(HevcDecoderConfigurationRecord.Parse(HevcTestData.Temporal.Hev1Record));

    internal static byte[] AnnexBOf(params byte[][] nals) => [.. nals.SelectMany(n => (byte[])[0, 0, 0, 1, .. n])];

    internal static byte[] LengthPrefixed(IEnumerable<byte[]> nals, int lengthSize)
    {
        var bytes = new List<byte>();
        foreach (byte[] nal in nals)
        {
            byte[] length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, nal.Length);
            bytes.AddRange(length[(4 - lengthSize)..]);
            bytes.AddRange(nal);
        }

        return [.. bytes];
    }

    private static List<byte[]> Enumerate(byte[] sample, int lengthSize)
    {
        var nals = new List<byte[]>();
        foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(sample, lengthSize))
        {
            nals.Add(nal.ToArray());
        }

        return nals;
    }
}
