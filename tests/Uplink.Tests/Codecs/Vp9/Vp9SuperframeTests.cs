using Uplink.Codecs.Vp9;
using static Uplink.Tests.Codecs.Vp9.Vp9TestBitstream;

namespace Uplink.Tests.Codecs.Vp9;

public class Vp9SuperframeTests
{
    [Fact]
    public void Libvpx_superframes_hold_a_hidden_alt_ref_then_the_shown_frame()
    {
        Vp9Case c = Vp9TestData.Cases["profile0-altref"];
        int superframes = 0;
        foreach (byte[] sample in c.Samples)
        {
            Vp9Superframe.FrameEnumerator frames = Vp9Superframe.EnumerateFrames(sample);
            if (!frames.IsSuperframe)
            {
                Assert.Equal(0, Vp9Superframe.ReadIndex(sample, out int none));
                Assert.Equal(0, none);
                continue;
            }

            superframes++;
            Assert.Equal(2, frames.Count);
            int total = 0;
            var shown = new List<bool>();
            foreach (ReadOnlySpan<byte> frame in frames)
            {
                total += frame.Length;
                shown.Add(Vp9FrameHeader.Parse(frame).ShowFrame);
            }

            Assert.Equal(new[] { false, true }, shown);
            Assert.Equal(2, Vp9Superframe.ReadIndex(sample, out int indexSize));
            Assert.Equal(sample.Length, total + indexSize);
        }

        Assert.True(superframes > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Indexes_with_any_size_width_list_up_to_eight_frames(int bytesPerSize)
    {
        byte[][] frames = [.. Enumerable.Range(1, Vp9Superframe.MaxFrames).Select(i => Enumerable.Repeat((byte)i, i * 3).ToArray())];
        byte[] sample = Superframe(bytesPerSize, frames);

        var found = new List<byte[]>();
        foreach (ReadOnlySpan<byte> frame in Vp9Superframe.EnumerateFrames(sample))
        {
            found.Add(frame.ToArray());
        }

        Assert.Equal(frames, found);
        Assert.Equal(8, Vp9Superframe.ReadIndex(sample, out int indexSize));
        Assert.Equal(2 + (8 * bytesPerSize), indexSize);
    }

    [Fact]
    public void A_sample_ending_like_a_marker_without_a_matching_index_is_one_frame()
    {
        byte[] sample = [.. InterFrame(0, 1), 0x00, 0xC1];

        Vp9Superframe.FrameEnumerator frames = Vp9Superframe.EnumerateFrames(sample);

        Assert.False(frames.IsSuperframe);
        Assert.Equal(1, frames.Count);
        Assert.True(frames.MoveNext());
        Assert.Equal(sample, frames.Current.ToArray());
        Assert.False(frames.MoveNext());
    }

    [Fact]
    public void Frames_may_leave_bytes_unused_before_the_index_as_libvpx_allows()
    {
        byte[] sample = [.. Superframe(1, [1, 2], [3])];
        sample = [.. sample[..3], 0xEE, .. sample[3..]]; // a byte between the frames and the index

        var found = new List<byte[]>();
        foreach (ReadOnlySpan<byte> frame in Vp9Superframe.EnumerateFrames(sample))
        {
            found.Add(frame.ToArray());
        }

        Assert.Equal([[1, 2], [3]], found);
    }

    [Fact]
    public void Bad_indexes_throw_InvalidDataException()
    {
        Assert.Equal("VP9 sample is empty", Assert.Throws<InvalidDataException>(() => Vp9Superframe.EnumerateFrames([])).Message);
        Assert.Equal(
            "VP9 superframe index at offset 3 gives frame 2 of 2 size 0, but 1 bytes are left before the index at offset 2",
            Assert.Throws<InvalidDataException>(() => Enumerate([1, 2, 3, 0xC1, 2, 0, 0xC1])).Message);
        Assert.Equal(
            "VP9 superframe index at offset 3 gives frame 1 of 2 size 4, but 3 bytes are left before the index at offset 0",
            Assert.Throws<InvalidDataException>(() => Enumerate([1, 2, 3, 0xC1, 4, 0, 0xC1])).Message);
    }

    private static int Enumerate(byte[] sample)
    {
        int frames = 0;
        foreach (ReadOnlySpan<byte> frame in Vp9Superframe.EnumerateFrames(sample))
        {
            frames += frame.Length > 0 ? 1 : 0;
        }

        return frames;
    }
}
