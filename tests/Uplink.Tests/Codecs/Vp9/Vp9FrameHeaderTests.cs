using System.Globalization;
using Uplink.Codecs.Vp9;
using Uplink.Tests.Codecs.Av1;
using static Uplink.Tests.Codecs.Vp9.Vp9TestBitstream;

namespace Uplink.Tests.Codecs.Vp9;

public class Vp9FrameHeaderTests
{
    public static TheoryData<string> CaseNames => Vp9TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Key_frame_headers_read_what_ffprobe_reports(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];

        var header = Vp9FrameHeader.Parse(c.Samples[0]);

        Assert.True(header.IsKeyFrame && header.ShowFrame && header.HasColorConfig && header.HasFrameSize);
        Assert.Equal(c.Profile, $"Profile {header.Profile}");
        Assert.Equal((c.Width, c.Height), (header.Width, header.Height));
        Assert.Equal((c.Width, c.Height), (header.RenderWidth, header.RenderHeight));
        (int depth, _, bool x, bool y) = Av1SequenceHeaderTests.PixelFormat(c.PixelFormat);
        Assert.Equal((depth, x, y), (header.BitDepth, header.SubsamplingX, header.SubsamplingY));
        Assert.Equal(c.ColorRange == "pc", header.FullRange);
        Vp9ColorSpace expected = c.ColorSpace switch
        {
            "gbr" => Vp9ColorSpace.Rgb,
            "bt709" => Vp9ColorSpace.Bt709,
            _ => Vp9ColorSpace.Unknown,
        };
        Assert.Equal(expected, header.ColorSpace);
        Assert.Equal(0xFF, header.RefreshFrameFlags);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Frame_headers_read_as_ffmpegs_trace_headers_reads_them(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];
        for (int i = 0; i < c.Samples.Count; i++)
        {
            var tokens = new List<string>();
            foreach (ReadOnlySpan<byte> frame in Vp9Superframe.EnumerateFrames(c.Samples[i]))
            {
                tokens.Add(Token(Vp9FrameHeader.Parse(frame)));
            }

            Assert.Equal(string.Join('/', c.TraceFrames[i]), string.Join('/', tokens));
        }
    }

    [Theory]
    [InlineData(0, 8, 2, true, true)]
    [InlineData(1, 8, 2, true, false)] // 4:2:2
    [InlineData(1, 8, 5, false, true)] // 4:4:0
    [InlineData(1, 8, 1, false, false)] // 4:4:4
    [InlineData(1, 8, 7, false, false)] // RGB
    [InlineData(2, 10, 5, true, true)]
    [InlineData(2, 12, 3, true, true)]
    [InlineData(3, 10, 4, true, false)]
    [InlineData(3, 12, 7, false, false)]
    public void Key_frame_colour_configurations_read_back(int profile, int depth, int space, bool x, bool y)
    {
        var header = Vp9FrameHeader.Parse(KeyFrame(profile, 1920, 1080, depth, space, fullRange: true, x: x, y: y, render: (1280, 720)));

        Assert.Equal((profile, depth, (Vp9ColorSpace)space), (header.Profile, header.BitDepth, header.ColorSpace));
        Assert.Equal((x, y, true), (header.SubsamplingX, header.SubsamplingY, header.FullRange));
        Assert.Equal((1920, 1080, 1280, 720), (header.Width, header.Height, header.RenderWidth, header.RenderHeight));
    }

    [Fact]
    public void Hidden_key_frames_and_inter_frames_read_back()
    {
        var hiddenKey = Vp9FrameHeader.Parse(KeyFrame(0, 64, 64, show: false));
        var inter = Vp9FrameHeader.Parse(InterFrame(2, 0x05));
        var hidden = Vp9FrameHeader.Parse(InterFrame(1, 0x80, show: false, errorResilient: true));

        Assert.True(hiddenKey.IsKeyFrame);
        Assert.False(hiddenKey.ShowFrame);
        Assert.Equal((false, true, 0x05, false, false), (inter.IsKeyFrame, inter.ShowFrame, inter.RefreshFrameFlags, inter.HasColorConfig, inter.HasFrameSize));
        Assert.Equal((false, true, 0x80, 0), (hidden.ShowFrame, hidden.ErrorResilientMode, hidden.RefreshFrameFlags, hidden.ResetFrameContext));
    }

    [Fact]
    public void Intra_only_frames_read_their_size_and_colour_above_profile_0()
    {
        var profile0 = Vp9FrameHeader.Parse(IntraOnlyFrame(0, 0x06, 320, 240));
        var profile3 = Vp9FrameHeader.Parse(IntraOnlyFrame(3, 0x01, 640, 360, bitDepth: 12, colorSpace: 5, x: false, y: false));

        Assert.True(profile0.IntraOnly);
        Assert.False(profile0.HasColorConfig);
        Assert.Equal((8, Vp9ColorSpace.Bt601, true, true), (profile0.BitDepth, profile0.ColorSpace, profile0.SubsamplingX, profile0.SubsamplingY));
        Assert.Equal((0x06, 320, 240, 1), (profile0.RefreshFrameFlags, profile0.Width, profile0.Height, profile0.ResetFrameContext));
        Assert.True(profile3.IntraOnly && profile3.HasColorConfig);
        Assert.Equal((12, Vp9ColorSpace.Bt2020, false, false), (profile3.BitDepth, profile3.ColorSpace, profile3.SubsamplingX, profile3.SubsamplingY));
        Assert.Equal((0x01, 640, 360), (profile3.RefreshFrameFlags, profile3.Width, profile3.Height));
    }

    [Fact]
    public void A_shown_existing_frame_is_one_byte()
    {
        var header = Vp9FrameHeader.Parse(ShowExistingFrame(0, 5));
        var profile3 = Vp9FrameHeader.Parse(ShowExistingFrame(3, 7));

        Assert.Equal((true, 5, true, 0), (header.ShowExistingFrame, header.FrameToShowMapIdx, header.ShowFrame, header.RefreshFrameFlags));
        Assert.Equal((3, 7), (profile3.Profile, profile3.FrameToShowMapIdx));
    }

    [Theory]
    [InlineData("C2", "VP9 frame header frame_marker at bit 0 is 3, not 2")]
    [InlineData("B8", "VP9 frame header reserved_zero after profile 3 at bit 4 is set")]
    [InlineData("82 49 83 43 00", "VP9 frame header sync code at bit 8 is 0x498343, not 0x498342")]
    public void Malformed_headers_throw_naming_the_bit(string hex, string message)
    {
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Vp9FrameHeader.Parse(CodecTestData.Hex(hex))).Message);
    }

    [Fact]
    public void Colour_configurations_libvpx_refuses_throw()
    {
        Assert.Equal(
            "VP9 frame header at bit 32 codes RGB in profile 0, which is for 4:2:0",
            Assert.Throws<InvalidDataException>(() => Vp9FrameHeader.Parse(KeyFrame(0, 64, 64, colorSpace: 7))).Message);
        Assert.Equal(
            "VP9 frame header at bit 32 codes 4:2:0 in profile 1, which is for 4:2:2, 4:4:0 and 4:4:4",
            Assert.Throws<InvalidDataException>(() => Vp9FrameHeader.Parse(KeyFrame(1, 64, 64, x: true, y: true))).Message);
        byte[] reserved = KeyFrame(1, 64, 64, x: true, y: false);
        reserved[4] |= 0x02; // the reserved_zero after subsampling_y
        Assert.Equal(
            "VP9 frame header reserved_zero at bit 38 is set",
            Assert.Throws<InvalidDataException>(() => Vp9FrameHeader.Parse(reserved)).Message);
        Assert.Throws<InvalidDataException>(() => Vp9FrameHeader.Parse([]));
    }

    [Fact]
    public void Every_truncation_of_a_real_key_frame_header_throws_until_the_size_is_read()
    {
        byte[] frame = Vp9TestData.Cases["profile3-444-12bit"].Samples[0];
        int needed = 0;
        for (int length = 0; length <= 16; length++)
        {
            try
            {
                Vp9FrameHeader.Parse(frame.AsSpan(0, length));
                needed = needed == 0 ? length : needed;
            }
            catch (InvalidDataException)
            {
                Assert.Equal(0, needed);
            }
        }

        Assert.Equal(10, needed); // 77 bits: marker to reserved_zero 40, frame size 32, render_and_frame_size_different 1
    }

    /// <summary>The token trace-frames.py writes for a frame header.</summary>
    private static string Token(Vp9FrameHeader h)
    {
        if (h.ShowExistingFrame)
        {
            return "E" + h.FrameToShowMapIdx.ToString(CultureInfo.InvariantCulture);
        }

        string refresh = h.IsKeyFrame ? "-" : h.RefreshFrameFlags.ToString(CultureInfo.InvariantCulture);
        return $"{(h.IsKeyFrame ? 0 : 1)}{(h.ShowFrame ? 's' : 'h')}{(h.IntraOnly ? "i" : string.Empty)}{refresh}";
    }
}
