using System.Text;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>Tracks whose codec RTMP cannot carry: made by ffmpeg (HEVC) or by renaming a sample entry of a sample.</summary>
public class Mp4ReaderCodecTests
{
    [Fact]
    public async Task An_HEVC_file_made_by_ffmpeg_is_refused_naming_codec_and_track()
    {
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await Mp4Reader.OpenAsync(File.OpenRead(Mp4TestData.PathOf("hevc.mp4"))));
        Assert.Equal("MP4: track 1 (video): HEVC (hev1) cannot be published over RTMP", e.Message);
    }

    [Theory]
    [InlineData("hevc.mp4", "hev1", "hvc1", "track 1 (video): HEVC (hvc1) cannot be published over RTMP")]
    [InlineData("video-only.mp4", "avc1", "av01", "track 1 (video): AV1 (av01) cannot be published over RTMP")]
    [InlineData("video-only.mp4", "avc1", "vp09", "track 1 (video): VP9 (vp09) cannot be published over RTMP")]
    [InlineData("video-only.mp4", "avc1", "mp4v", "track 1 (video): MPEG-4 Part 2 (mp4v) cannot be published over RTMP")]
    [InlineData("faststart.mp4", "avc1", "hvc1", "track 1 (video): HEVC (hvc1) cannot be published over RTMP")]
    [InlineData("audio-only-mono.m4a", "mp4a", "ac-3", "track 1 (audio): AC-3 (ac-3) cannot be published over RTMP")]
    [InlineData("audio-only-mono.m4a", "mp4a", "ec-3", "track 1 (audio): E-AC-3 (ec-3) cannot be published over RTMP")]
    [InlineData("audio-only-mono.m4a", "mp4a", "Opus", "track 1 (audio): Opus (Opus) cannot be published over RTMP")]
    [InlineData("audio-only-mono.m4a", "mp4a", "alac", "track 1 (audio): ALAC (alac) cannot be published over RTMP")]
    [InlineData("faststart.mp4", "mp4a", ".mp3", "track 2 (audio): MP3 (.mp3) cannot be published over RTMP")]
    public async Task A_track_with_a_codec_RTMP_cannot_carry_is_refused_naming_codec_and_track(string fileName, string format, string replacement, string message)
    {
        byte[] bytes = RenameSampleEntry(Mp4TestData.Bytes(fileName), format, replacement);
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.Equal("MP4: " + message, e.Message);
    }

    [Theory]
    [InlineData(0x6B, "MP3 (mp4a, objectTypeIndication 0x6B)")]
    [InlineData(0x69, "MP3 (mp4a, objectTypeIndication 0x69)")]
    [InlineData(0xA5, "AC-3 (mp4a, objectTypeIndication 0xA5)")]
    public async Task An_mp4a_track_whose_esds_names_another_codec_is_refused(byte objectTypeIndication, string codec)
    {
        byte[] bytes = Mp4TestData.Bytes("audio-only-mono.m4a");
        int decoderConfig = IndexOf(bytes, [0x04, 0x80, 0x80, 0x80, 0x17, 0x40]); // DecoderConfigDescriptor, AAC
        bytes[decoderConfig + 5] = objectTypeIndication;
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.Equal($"MP4: track 1 (audio): {codec} cannot be published over RTMP", e.Message);
    }

    [Theory]
    [InlineData(0x66)]
    [InlineData(0x67)]
    public async Task MPEG_2_AAC_object_types_are_read_as_AAC(byte objectTypeIndication)
    {
        byte[] bytes = Mp4TestData.Bytes("audio-only-mono.m4a");
        bytes[IndexOf(bytes, [0x04, 0x80, 0x80, 0x80, 0x17, 0x40]) + 5] = objectTypeIndication;
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal(88, frames.Count);
    }

    [Fact]
    public async Task An_avc3_sample_entry_is_read_like_avc1()
    {
        byte[] bytes = RenameSampleEntry(Mp4TestData.Bytes("video-only.mp4"), "avc1", "avc3");
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal(50, frames.Count);
    }

    [Fact]
    public async Task A_subtitle_only_file_has_no_video_no_audio_and_no_frames()
    {
        byte[] bytes = Mp4TestData.Bytes("audio-only-mono.m4a");
        int handler = IndexOf(bytes, Encoding.ASCII.GetBytes("soun"));
        Encoding.ASCII.GetBytes("sbtl").CopyTo(bytes, handler);
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(bytes));
        Assert.Null(reader.Video);
        Assert.Null(reader.Audio);
        Assert.False(await reader.ReadAsync());
    }

    /// <summary>Renames the first sample entry of type <paramref name="format"/> (the first match after an 'stsd').</summary>
    internal static byte[] RenameSampleEntry(byte[] file, string format, string replacement)
    {
        byte[] bytes = (byte[])file.Clone();
        int stsd = 0;
        while (true)
        {
            stsd = IndexOf(bytes, Encoding.ASCII.GetBytes("stsd"), stsd + 1);
            int entry = IndexOf(bytes, Encoding.ASCII.GetBytes(format), stsd);
            if (entry - stsd == 16)
            {
                Encoding.ASCII.GetBytes(replacement).CopyTo(bytes, entry);
                return bytes;
            }
        }
    }

    internal static int IndexOf(byte[] bytes, byte[] pattern, int from = 0)
    {
        int at = bytes.AsSpan(from).IndexOf(pattern);
        Assert.True(at >= 0, $"pattern not found after {from}");
        return from + at;
    }
}
