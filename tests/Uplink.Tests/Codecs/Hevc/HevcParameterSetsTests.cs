using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

public class HevcParameterSetsTests
{
    [Fact]
    public void In_band_sets_of_the_temporal_stream_make_ffmpegs_hvcC()
    {
        var parameterSets = new HevcParameterSets();
        Assert.False(parameterSets.IsComplete);
        Assert.Equal(6, parameterSets.HighestTemporalId);

        foreach (byte[] nal in HevcTestData.NalUnits(HevcTestData.Temporal.AccessUnits[0].Data))
        {
            parameterSets.Add(nal);
        }

        Assert.True(parameterSets.IsComplete);
        Assert.Equal(1, parameterSets.HighestTemporalId);
        Assert.Equal((320, 180), (parameterSets.SequenceParameterSet!.Width, parameterSets.SequenceParameterSet.Height));
        Assert.Equal(HevcTestData.Temporal.Hev1Record, parameterSets.BuildConfigurationRecord());
    }

    [Fact]
    public void Repeated_sets_are_no_change_and_a_new_one_replaces_its_id()
    {
        HevcParamCase c = HevcTestData.Params["main10-hdr"];
        var parameterSets = new HevcParameterSets();
        Assert.True(parameterSets.Add(c.Vps));
        Assert.True(parameterSets.Add(c.Sps));
        Assert.True(parameterSets.Add(c.Pps));
        Assert.Throws<ArgumentException>(() => new HevcParameterSets().BuildConfigurationRecord());

        Assert.False(parameterSets.Add(c.Vps));
        Assert.False(parameterSets.Add(c.Sps));
        Assert.False(parameterSets.Add(c.Pps));
        Assert.False(parameterSets.Add(HevcSyntaxWriter.Nal(HevcNalUnitType.PrefixSei)));
        Assert.False(parameterSets.Add(new HevcTestSps().ToNalUnit(layerId: 1)));
        Assert.Equal(c.FfmpegRecord, parameterSets.BuildConfigurationRecord());

        byte[] sps = new HevcTestSps { Width = 640, Height = 360, ConformanceWindow = null, MaxSubLayersMinus1 = 2 }.ToNalUnit();
        Assert.True(parameterSets.Add(sps));
        Assert.Equal((640, 2), (parameterSets.SequenceParameterSet!.Width, parameterSets.HighestTemporalId));
        var record = HevcDecoderConfigurationRecord.Parse(parameterSets.BuildConfigurationRecord());
        Assert.Equal(sps, Assert.Single(record.SequenceParameterSets));

        byte[] secondPps = new BitWriter().Ue(1).Ue(0).Bits(0, 7).Ue(0).Ue(0).Se(0).Bits(0, 2).Bit(false).Se(0).Se(0).Bits(0, 6)
            .ToHevcNalUnit(HevcNalUnitType.Pps);
        Assert.True(parameterSets.Add(secondPps));
        Assert.Equal([c.Pps, secondPps], HevcDecoderConfigurationRecord.Parse(parameterSets.BuildConfigurationRecord()).PictureParameterSets);
    }

    [Fact]
    public void Load_replaces_everything_with_the_records_sets()
    {
        var parameterSets = new HevcParameterSets();
        HevcAccessUnitTests.LoadOneSubLayer(parameterSets);
        parameterSets.Add(new HevcTestSps { SpsId = 3 }.ToNalUnit());

        parameterSets.Load(HevcDecoderConfigurationRecord.Parse(HevcTestData.Main.Hev1Record));

        // The record's SEI array is not a parameter set: the rebuilt record is ffmpeg's without it.
        var rebuilt = HevcDecoderConfigurationRecord.Parse(parameterSets.BuildConfigurationRecord());
        Assert.Equal(3, rebuilt.Arrays.Count);
        Assert.Equal(HevcTestData.Main.Hev1Record[..22], parameterSets.BuildConfigurationRecord()[..22]);
        Assert.Equal(0, parameterSets.HighestTemporalId);
        Assert.Equal(0, parameterSets.SequenceParameterSet!.SeqParameterSetId);
    }

    [Fact]
    public void A_changed_set_that_does_not_parse_is_a_data_error_and_changes_nothing()
    {
        var parameterSets = new HevcParameterSets();
        HevcAccessUnitTests.LoadOneSubLayer(parameterSets);
        byte[] before = parameterSets.BuildConfigurationRecord();

        Assert.Throws<InvalidDataException>(() => parameterSets.Add(HevcTestData.Params["main10-hdr"].Sps[..12]));
        Assert.Throws<InvalidDataException>(() => parameterSets.Add([0x44, 0x01]));

        Assert.Equal(before, parameterSets.BuildConfigurationRecord());
    }
}
