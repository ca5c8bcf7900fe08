using System.Text;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>
/// Sample entries by codec: HEVC made by ffmpeg is read; a renamed sample entry of a sample is read as the codec it now
/// names when its frames describe themselves, needs its configuration box otherwise, and is refused (naming codec and
/// track) when RTMP cannot carry it.
/// </summary>
public class Mp4ReaderCodecTests
{
    [Fact]
    public async Task An_HEVC_file_made_by_ffmpeg_is_read_as_HEVC()
    {
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(File.OpenRead(Mp4TestData.PathOf("hevc.mp4")));
        Assert.Equal(VideoCodec.Hevc, reader.Video?.Codec);
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.Current.IsKeyframe);
    }

    [Theory]
    [InlineData("video-only.mp4", "avc1", "mp4v", "track 1 (video): MPEG-4 Part 2 (mp4v) cannot be published over RTMP")]
    [InlineData("video-only.mp4", "avc1", "vp08", "track 1 (video): VP8 (vp08) cannot be published over RTMP")]
    [InlineData("audio-only-mono.m4a", "mp4a", "alac", "track 1 (audio): ALAC (alac) cannot be published over RTMP")]
    [InlineData("faststart.mp4", "mp4a", "lpcm", "track 2 (audio): PCM (lpcm) cannot be published over RTMP")]
    public async Task A_track_with_a_codec_RTMP_cannot_carry_is_refused_naming_codec_and_track(string fileName, string format, string replacement, string message)
    {
        byte[] bytes = RenameSampleEntry(Mp4TestData.Bytes(fileName), format, replacement);
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.Equal("MP4: " + message, e.Message);
    }

    [Theory]
    [InlineData("hevc.mp4", "hev1", "hvc1")]
    [InlineData("audio-only-mono.m4a", "mp4a", "ac-3")]
    [InlineData("audio-only-mono.m4a", "mp4a", "ec-3")]
    [InlineData("faststart.mp4", "mp4a", ".mp3")]
    public async Task A_renamed_sample_entry_is_read_as_the_codec_it_names(string fileName, string format, string replacement)
    {
        byte[] original = Mp4TestData.Bytes(fileName);
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(original));
        byte[] bytes = RenameSampleEntry(original, format, replacement);
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(bytes));
        object? codec = format == "mp4a" ? reader.Audio?.Codec : reader.Video?.Codec;
        object expectedCodec = replacement switch
        {
            "ac-3" => AudioCodec.Ac3,
            "ec-3" => AudioCodec.Eac3,
            ".mp3" => AudioCodec.Mp3,
            _ => VideoCodec.Hevc,
        };
        Assert.Equal(expectedCodec, codec);
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(reader);
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
    }

    [Theory]
    [InlineData("video-only.mp4", "avc1", "av01", "track 1", "av1C")]
    [InlineData("video-only.mp4", "avc1", "vp09", "track 1", "vpcC")]
    [InlineData("faststart.mp4", "avc1", "hvc1", "track 1", "hvcC")]
    [InlineData("audio-only-mono.m4a", "mp4a", "Opus", "track 1", "dOps")]
    [InlineData("faststart.mp4", "mp4a", "fLaC", "track 2", "dfLa")]
    public async Task A_sample_entry_without_its_configuration_box_names_track_entry_and_offset(
        string fileName, string format, string replacement, string track, string box)
    {
        byte[] bytes = RenameSampleEntry(Mp4TestData.Bytes(fileName), format, replacement);
        int entry = IndexOf(bytes, Encoding.ASCII.GetBytes(replacement), Mp4BoxLayout.Find(bytes, "stsd").Offset) - 4;
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.Equal($"MP4: {track}: the '{replacement}' sample entry at offset {entry} has no {box} box", e.Message);
    }

    [Theory]
    [InlineData(0x6B)]
    [InlineData(0x69)]
    public async Task An_mp4a_track_with_MPEG_audio_object_types_is_read_as_MP3(byte objectTypeIndication)
    {
        byte[] bytes = Mp4TestData.Bytes("audio-only-mono.m4a");
        bytes[IndexOf(bytes, [0x04, 0x80, 0x80, 0x80, 0x17, 0x40]) + 5] = objectTypeIndication;
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(bytes));
        Assert.Equal(AudioCodec.Mp3, reader.Audio?.Codec);
        Assert.Equal(88, (await Mp4FrameRecord.ReadAllAsync(reader)).Count);
    }

    [Theory]
    [InlineData(0xA5, "AC-3 (mp4a, objectTypeIndication 0xA5)")]
    [InlineData(0xDD, "Vorbis (mp4a, objectTypeIndication 0xDD)")]
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

    private static string Describe(Mp4FrameRecord f) => $"{f.Track} {f.Dts.Ticks} {f.Pts.Ticks} {f.IsKeyframe} {f.Offset} {Convert.ToHexString(f.Data)}";

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
