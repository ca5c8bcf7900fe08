using System.Globalization;
using Uplink.Codecs.Av1;
using static Uplink.Tests.Codecs.Av1.Av1TestBitstream;

namespace Uplink.Tests.Codecs.Av1;

public class Av1TemporalUnitInspectorTests
{
    public static TheoryData<string> CaseNames => Av1TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Keyframes_are_the_ones_ffmpeg_marks_and_decodes_as_key(string name)
    {
        Av1Case c = Av1TestData.Cases[name];
        var inspector = new Av1TemporalUnitInspector();

        string flags = string.Concat(c.TemporalUnits.Select(unit => inspector.Inspect(unit).IsKeyframe ? 'K' : '_'));

        Assert.Equal(c.PacketKeyFlags, flags);
        Assert.Equal(c.DecodedKeyFrames, flags.Replace('K', '1').Replace('_', '0'));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Frame_headers_read_as_ffmpegs_trace_headers_reads_them(string name)
    {
        Av1Case c = Av1TestData.Cases[name];
        var inspector = new Av1TemporalUnitInspector();
        for (int i = 0; i < c.TemporalUnits.Count; i++)
        {
            byte[] unit = c.TemporalUnits[i];
            inspector.Inspect(unit);
            var tokens = new List<string>();
            foreach (Av1Obu obu in new Av1ObuEnumerator(unit))
            {
                if (obu.Type is Av1ObuType.Frame or Av1ObuType.FrameHeader)
                {
                    tokens.Add(Token(Av1FrameHeader.Parse(obu.Payload, inspector.SequenceHeader, obu.TemporalId, obu.SpatialId)));
                }
            }

            Assert.Equal(string.Join('/', c.TraceFrames[i]), string.Join('/', tokens));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Disposable_units_are_those_whose_frames_refresh_no_slot(string name)
    {
        Av1Case c = Av1TestData.Cases[name];
        var inspector = new Av1TemporalUnitInspector();
        var slots = new char[8];
        int disposable = 0;
        for (int i = 0; i < c.TemporalUnits.Count; i++)
        {
            bool expected = true;
            foreach (string token in c.TraceFrames[i])
            {
                expected &= RefreshesNothing(token, slots);
            }

            Av1TemporalUnitInfo info = inspector.Inspect(c.TemporalUnits[i]);
            Assert.True(expected == info.IsDisposable, $"unit {i} ({string.Join('/', c.TraceFrames[i])})");
            disposable += info.IsDisposable ? 1 : 0;
        }

        Assert.InRange(disposable, c.Name == "svt-main-1280x720" ? 0 : 2, c.TemporalUnits.Count - 2); // never the two key frames
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Samples_keep_what_ffmpegs_mp4_muxer_keeps(string name)
    {
        Av1Case c = Av1TestData.Cases[name];
        var inspector = new Av1TemporalUnitInspector();
        for (int i = 0; i < c.TemporalUnits.Count; i++)
        {
            byte[] unit = c.TemporalUnits[i];

            Av1TemporalUnitInfo info = inspector.Inspect(unit);

            Assert.Equal(c.Mp4SampleSizes[i], info.KeptLength);
            Assert.Equal(2, info.KeptOffset); // only the leading temporal delimiter goes
            byte[] copy = new byte[unit.Length];
            Assert.Equal(info.KeptLength, Av1TemporalUnitInspector.CopyKept(unit, copy));
            Assert.Equal(unit[2..], copy[..info.KeptLength]);
            Assert.Equal(i % 5 == 0, info.HasSequenceHeader);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_in_band_sequence_header_makes_the_av1C_once(string name)
    {
        Av1Case c = Av1TestData.Cases[name];
        var inspector = new Av1TemporalUnitInspector();

        inspector.Inspect(c.TemporalUnits[0]);

        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(c.RemuxedAv1C, inspector.CodecConfiguration);
        inspector.ConfigurationChanged = false;
        foreach (byte[] unit in c.TemporalUnits)
        {
            inspector.Inspect(unit);
        }

        Assert.False(inspector.ConfigurationChanged);
    }

    [Fact]
    public void An_av1C_given_first_is_replaced_when_the_in_band_sequence_header_differs()
    {
        Av1Case svt = Av1TestData.Cases["svt-main"];
        Av1Case aom = Av1TestData.Cases["aom-main"];
        var inspector = new Av1TemporalUnitInspector();

        inspector.SetConfiguration(aom.EncodedAv1C);
        Assert.True(inspector.ConfigurationChanged);
        inspector.ConfigurationChanged = false;
        inspector.SetConfiguration(aom.EncodedAv1C);
        inspector.Inspect(aom.TemporalUnits[0]);
        Assert.False(inspector.ConfigurationChanged);

        // SVT-AV1 gives ffmpeg a sequence header that differs from the one in its stream.
        inspector.SetConfiguration(svt.EncodedAv1C);
        inspector.ConfigurationChanged = false;
        inspector.Inspect(svt.TemporalUnits[0]);
        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(svt.RemuxedAv1C, inspector.CodecConfiguration);
    }

    [Fact]
    public void A_unit_without_a_delimiter_and_with_padding_inside_is_gathered()
    {
        var s = new Av1SequenceHeaderFields();
        byte[] sequence = Obu(1, SequenceHeader(s));
        byte[] frame = Obu(6, FrameHeader(s, 0, true, 0));
        byte[] unit = [.. sequence, .. Padding(3), .. Obu(7, [1, 2]), .. frame, .. Obu(8, [0])];

        Av1TemporalUnitInfo info = new Av1TemporalUnitInspector().Inspect(unit);

        Assert.Equal((true, false, 1, true), (info.IsKeyframe, info.IsDisposable, info.FrameCount, info.HasSequenceHeader));
        Assert.Equal((sequence.Length + frame.Length, -1), (info.KeptLength, info.KeptOffset));
        byte[] copy = new byte[unit.Length];
        Assert.Equal([.. sequence, .. frame], copy[..Av1TemporalUnitInspector.CopyKept(unit, copy)]);
    }

    [Fact]
    public void Showing_a_hidden_key_frame_is_neither_a_keyframe_nor_disposable()
    {
        var s = new Av1SequenceHeaderFields();
        var inspector = new Av1TemporalUnitInspector();
        inspector.Inspect([.. TemporalDelimiter(), .. Obu(1, SequenceHeader(s)), .. Obu(6, FrameHeader(s, 0, true, 0))]);

        Av1TemporalUnitInfo hiddenKey = inspector.Inspect([.. Obu(6, FrameHeader(s, 0, false, 0x04)), .. Obu(6, FrameHeader(s, 1, true, 0))]);
        Av1TemporalUnitInfo showKey = inspector.Inspect(Obu(3, ShowExistingFrame(2)));
        Av1TemporalUnitInfo showOther = inspector.Inspect(Obu(3, ShowExistingFrame(5)));

        Assert.Equal((false, false, 2), (hiddenKey.IsKeyframe, hiddenKey.IsDisposable, hiddenKey.FrameCount));
        Assert.Equal((false, false), (showKey.IsKeyframe, showKey.IsDisposable));
        Assert.Equal((false, false), (showOther.IsKeyframe, showOther.IsDisposable)); // every slot holds the key frame now
    }

    [Fact]
    public void Showing_an_existing_inter_frame_is_disposable()
    {
        var s = new Av1SequenceHeaderFields();
        var inspector = new Av1TemporalUnitInspector();
        inspector.Inspect([.. Obu(1, SequenceHeader(s)), .. Obu(6, FrameHeader(s, 0, true, 0))]);
        inspector.Inspect([.. Obu(6, FrameHeader(s, 1, false, 0x10)), .. Obu(6, FrameHeader(s, 1, true, 0x01))]);

        Assert.True(inspector.Inspect(Obu(3, ShowExistingFrame(4))).IsDisposable);
        Assert.True(inspector.Inspect(Obu(6, FrameHeader(s, 1, true, 0))).IsDisposable);
        Assert.False(inspector.Inspect(Obu(3, ShowExistingFrame(3))).IsDisposable); // slot 3 still holds the key frame
    }

    [Fact]
    public void Without_a_sequence_header_keyframes_are_known_but_nothing_is_disposable()
    {
        var s = new Av1SequenceHeaderFields();
        var inspector = new Av1TemporalUnitInspector();

        Assert.True(inspector.Inspect(Obu(6, FrameHeader(s, 0, true, 0))).IsKeyframe);
        Assert.False(inspector.Inspect(Obu(6, FrameHeader(s, 1, true, 0))).IsDisposable);
        Assert.False(inspector.Inspect(Obu(3, ShowExistingFrame(1))).IsDisposable);
        Assert.Null(inspector.CodecConfiguration);
        Assert.False(inspector.Inspect(TemporalDelimiter()).IsDisposable);
    }

    [Fact]
    public void A_keyframe_may_start_with_metadata_but_not_with_a_hidden_frame()
    {
        var s = new Av1SequenceHeaderFields();
        var inspector = new Av1TemporalUnitInspector();
        byte[] sequence = Obu(1, SequenceHeader(s));

        Assert.True(inspector.Inspect([.. Obu(5, [4, 0x80]), .. sequence, .. Obu(6, FrameHeader(s, 0, true, 0))]).IsKeyframe);
        Assert.False(inspector.Inspect([.. sequence, .. Obu(6, FrameHeader(s, 2, false, 1)), .. Obu(6, FrameHeader(s, 0, true, 0))]).IsKeyframe);
        Assert.False(inspector.Inspect([.. sequence, .. Obu(6, FrameHeader(s, 2, true, 1))]).IsKeyframe);
    }

    [Fact]
    public void A_reduced_still_picture_is_a_keyframe()
    {
        var s = new Av1SequenceHeaderFields { StillPicture = true, ReducedStillPictureHeader = true, EnableOrderHint = false };

        Av1TemporalUnitInfo info = new Av1TemporalUnitInspector().Inspect([.. Obu(1, SequenceHeader(s)), .. Obu(6, FrameHeader(s, 0, true, 0))]);

        Assert.True(info.IsKeyframe);
        Assert.False(info.IsDisposable);
    }

    [Fact]
    public void A_new_sequence_header_mid_stream_makes_a_new_av1C()
    {
        var first = new Av1SequenceHeaderFields();
        var second = first with { MaxFrameWidth = 1280, MaxFrameHeight = 720, OperatingPoints = [(0, 5, 0, false, null)] };
        var inspector = new Av1TemporalUnitInspector();
        inspector.Inspect([.. Obu(1, SequenceHeader(first)), .. Obu(6, FrameHeader(first, 0, true, 0))]);
        inspector.ConfigurationChanged = false;

        inspector.Inspect([.. Obu(1, SequenceHeader(second)), .. Obu(6, FrameHeader(second, 0, true, 0))]);

        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(1280, inspector.SequenceHeader!.MaxFrameWidth);
        Assert.Equal(Av1CodecConfigurationRecord.Build(Obu(1, SequenceHeader(second))), inspector.CodecConfiguration);
    }

    [Fact]
    public void Malformed_units_throw_InvalidDataException()
    {
        var inspector = new Av1TemporalUnitInspector();

        Assert.Throws<InvalidDataException>(() => inspector.Inspect([0x32, 0x05, 0x00]));
        Assert.Throws<InvalidDataException>(() => inspector.Inspect(Obu(6, [])));
        Assert.Throws<InvalidDataException>(() => inspector.Inspect(Obu(1, [0xFF])));
    }

    /// <summary>The token trace-frames.py writes for a frame header.</summary>
    private static string Token(Av1FrameHeader h)
    {
        if (h.ShowExistingFrame)
        {
            return "E" + h.FrameToShowMapIdx.ToString(CultureInfo.InvariantCulture);
        }

        bool coded = !(h.FrameType == Av1FrameType.SwitchFrame || (h.FrameType == Av1FrameType.KeyFrame && h.ShowFrame));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(int)h.FrameType}{(h.ShowFrame ? 's' : 'h')}{(coded ? h.RefreshFrameFlags.ToString() : "-")}");
    }

    /// <summary>Follows the slots from ffmpeg's trace: true when the frame refreshes none.</summary>
    private static bool RefreshesNothing(string token, char[] slots)
    {
        if (token[0] == 'E')
        {
            int slot = token[1] - '0';
            if (slots[slot] == '0')
            {
                return false; // showing a key frame refreshes every slot with it
            }

            return true;
        }

        int refresh = token[2] == '-' ? 0xFF : int.Parse(token[2..], CultureInfo.InvariantCulture);
        for (int i = 0; i < 8; i++)
        {
            if ((refresh & (1 << i)) != 0)
            {
                slots[i] = token[0];
            }
        }

        return refresh == 0;
    }
}
