using Uplink.Codecs.Vp9;
using static Uplink.Tests.Codecs.Vp9.Vp9TestBitstream;

namespace Uplink.Tests.Codecs.Vp9;

public class Vp9SampleInspectorTests
{
    public static TheoryData<string> CaseNames => Vp9TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Keyframes_are_the_ones_ffmpeg_marks_and_decodes_as_key(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];
        var inspector = new Vp9SampleInspector();

        string flags = string.Concat(c.Samples.Select(sample => inspector.Inspect(sample).IsKeyframe ? 'K' : '_'));

        Assert.Equal(c.PacketKeyFlags, flags);
        Assert.Equal(c.DecodedKeyFrames, flags.Replace('K', '1').Replace('_', '0'));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Frames_and_hidden_frames_are_counted_as_the_trace_shows_them(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];
        var inspector = new Vp9SampleInspector();
        for (int i = 0; i < c.Samples.Count; i++)
        {
            Vp9SampleInfo info = inspector.Inspect(c.Samples[i]);

            Assert.Equal(c.TraceFrames[i].Length, info.FrameCount);
            Assert.Equal(c.TraceFrames[i].Count(token => token.Length > 1 && token[1] == 'h'), info.HiddenFrames);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_first_key_frame_makes_the_vpcC_once(string name)
    {
        Vp9Case c = Vp9TestData.Cases[name];
        var inspector = new Vp9SampleInspector();

        inspector.Inspect(c.Samples[0]);

        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(c.RemuxedVpcC, inspector.CodecConfiguration);
        Assert.Equal(c.Width, inspector.LastKeyFrame!.Value.Width);
        inspector.ConfigurationChanged = false;
        foreach (byte[] sample in c.Samples)
        {
            inspector.Inspect(sample);
        }

        Assert.False(inspector.ConfigurationChanged);
    }

    [Fact]
    public void A_key_frame_of_another_size_or_format_makes_a_new_vpcC()
    {
        var inspector = new Vp9SampleInspector(frameRate: 60);
        inspector.Inspect(KeyFrame(0, 1280, 720));
        byte[] first = inspector.CodecConfiguration!;
        inspector.ConfigurationChanged = false;

        inspector.Inspect(InterFrame(0, 1));
        inspector.Inspect(KeyFrame(0, 1280, 720));
        Assert.False(inspector.ConfigurationChanged);
        inspector.Inspect(KeyFrame(0, 1920, 1080));
        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(40, first[5]); // 1280x720 at 60 fps
        Assert.Equal(41, inspector.CodecConfiguration![5]);
        inspector.ConfigurationChanged = false;
        inspector.Inspect(KeyFrame(2, 1920, 1080, bitDepth: 10));
        Assert.True(inspector.ConfigurationChanged);
        Assert.Equal(2, inspector.CodecConfiguration![4]);
    }

    [Fact]
    public void Only_a_key_frame_first_makes_a_keyframe()
    {
        var inspector = new Vp9SampleInspector();

        Vp9SampleInfo altRefFirst = inspector.Inspect(Superframe(1, InterFrame(0, 4, show: false), KeyFrame(0, 64, 64)));
        Vp9SampleInfo hiddenKeyFirst = inspector.Inspect(Superframe(2, KeyFrame(0, 64, 64, show: false), ShowExistingFrame(0, 0)));
        Vp9SampleInfo intraOnly = inspector.Inspect(Superframe(1, IntraOnlyFrame(0, 1, 64, 64), InterFrame(0, 2)));

        Assert.Equal(new Vp9SampleInfo(false, 2, 1), altRefFirst);
        Assert.Equal(new Vp9SampleInfo(true, 2, 1), hiddenKeyFirst);
        Assert.Equal(new Vp9SampleInfo(false, 2, 1), intraOnly);
        Assert.Equal(64, inspector.LastKeyFrame!.Value.RenderWidth); // the hidden key frame was adopted
    }

    [Fact]
    public void A_4_4_0_key_frame_is_not_supported()
    {
        Assert.Throws<NotSupportedException>(() => new Vp9SampleInspector().Inspect(KeyFrame(1, 64, 64, x: false, y: true)));
    }
}
