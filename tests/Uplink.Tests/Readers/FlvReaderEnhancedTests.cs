using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>The reader's rules for Enhanced FLV beyond what the FFmpeg samples show: skips, repeats, changes and gaps.</summary>
public class FlvReaderEnhancedTests
{
    private static readonly byte[] Hvc1 = "hvc1"u8.ToArray();

    private static Task<FlvReader> OpenAsync(byte[] bytes) => FlvReader.OpenAsync(new MemoryStream(bytes)).AsTask();

    private static byte[] Ex(byte first, ReadOnlySpan<byte> fourCc, params byte[] rest) => [first, .. fourCc, .. rest];

    [Fact]
    public async Task Metadata_multichannel_config_sequence_end_and_command_frames_are_skipped_and_repeats_of_the_configuration_too()
    {
        byte[] bytes = new FlvTestWriter()
            .Tag(9, 0, Ex(0x90, Hvc1, 1, 2, 3))
            .Tag(9, 0, Ex(0xD4, Hvc1, 2, 0, 9))
            .Tag(8, 0, Ex(0x94, "Opus"u8, 1, 2, 0, 0, 0, 3))
            .Tag(9, 0, Ex(0x91, Hvc1, 0, 0, 40, 7, 7))
            .Tag(8, 10, Ex(0x91, "Opus"u8, 5, 5, 5))
            .Tag(9, 40, [0xD0, 1])
            .Tag(9, 40, Ex(0x90, Hvc1, 1, 2, 3))
            .Tag(9, 40, Ex(0xA3, Hvc1, 8))
            .Tag(9, 80, Ex(0x92, Hvc1))
            .ToArray();
        await using FlvReader reader = await OpenAsync(bytes);

        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);

        Assert.Equal(
            [(MediaTrack.Video, 0L, 40L, true, "0707"), (MediaTrack.Audio, 10L, 10L, true, "050505"), (MediaTrack.Video, 40L, 40L, false, "08")],
            frames.Select(f => (f.Track, f.DtsMs, f.PtsMs, f.IsKeyframe, Convert.ToHexString(f.Data))));
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.VideoConfiguration.ToArray());
    }

    [Fact]
    public async Task A_changed_HEVC_configuration_mid_file_is_refused_with_its_offset()
    {
        var writer = new FlvTestWriter().Tag(9, 0, Ex(0x90, Hvc1, 1, 2, 3)).Tag(9, 0, Ex(0x91, Hvc1, 0, 0, 0, 7));
        long offset = writer.Offset;
        byte[] bytes = writer.Tag(9, 40, Ex(0x90, Hvc1, 1, 2, 4)).ToArray();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal($"FLV video tag at offset {offset}: the HEVC sequence start differs from the first; a configuration change mid-file is supported for H.264 only", error.Message);
    }

    [Fact]
    public async Task A_codec_change_mid_file_is_refused_with_its_offset()
    {
        var writer = new FlvTestWriter().Tag(8, 0, Ex(0x91, "ac-3"u8, 1, 2));
        long offset = writer.Offset;
        byte[] bytes = writer.Tag(8, 30, Ex(0x91, ".mp3"u8, 1, 2)).ToArray();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal($"FLV audio tag at offset {offset}: the audio codec changes from AC-3 to MP3, which one input cannot do", error.Message);
    }

    [Fact]
    public async Task HEVC_frames_without_a_sequence_start_have_no_media_type()
    {
        byte[] bytes = new FlvTestWriter().Tag(9, 0, Ex(0x93, Hvc1, 1, 2)).ToArray();
        await using FlvReader reader = await OpenAsync(bytes);

        Assert.True(reader.HasVideo);
        var error = Assert.Throws<InvalidDataException>(() => reader.Video);
        Assert.Equal("FLV: the HEVC video has no sequence start (hvcC) before its first frames", error.Message);
    }

    [Fact]
    public async Task Self_describing_audio_needs_no_sequence_start()
    {
        byte[] bytes = new FlvTestWriter().Tag(8, 0, Ex(0x91, "ec-3"u8, 1, 2)).Tag(8, 10, [0x2F, 0xFF, 0xFB]).ToArray();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Contains("changes from E-AC-3 to MP3", error.Message, StringComparison.Ordinal);
        await using FlvReader reader = await OpenAsync(new FlvTestWriter().Tag(8, 0, Ex(0x91, "ec-3"u8, 1, 2)).ToArray());
        Assert.Same(AudioMediaType.Eac3, reader.Audio);
    }

    [Fact]
    public async Task Broken_multitrack_framing_names_the_tag_and_body_offsets()
    {
        byte[] bytes = new FlvTestWriter().Tag(9, 0, [0x96, 0x10, .. Hvc1, 1, 0, 0, 9, 1, 2]).ToArray();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(bytes));
        Assert.Equal("FLV video tag at offset 13: Enhanced RTMP multitrack video tag track 1's size 9 at body offset 7 overruns the 12-byte body", error.Message);
    }
}
