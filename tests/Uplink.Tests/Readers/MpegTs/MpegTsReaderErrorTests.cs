using System.Text;
using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

public class MpegTsReaderErrorTests
{
    internal const string Supported = "supported are H.264 (0x1B) and HEVC (0x24) video, AAC ADTS (0x0F), AC-3, E-AC-3 and MP3 audio";

    private static async Task<T> OpenFailsWith<T>(byte[] data) where T : Exception
        => await Assert.ThrowsAsync<T>(async () => await MpegTsReader.OpenAsync(new MemoryStream(data)));

    [Fact]
    public async Task An_empty_stream_is_refused()
    {
        var e = await OpenFailsWith<InvalidDataException>([]);
        Assert.Equal("not an MPEG-TS stream: the stream is empty", e.Message);
    }

    [Fact]
    public async Task Random_bytes_are_refused_as_having_no_sync_pattern()
    {
        byte[] data = new byte[100_000];
        new Random(5).NextBytes(data);
        var e = await OpenFailsWith<InvalidDataException>(data);
        Assert.Equal("not an MPEG-TS stream: no sync byte pattern (0x47 every 188 or 192 bytes) in the first 100000 bytes", e.Message);
    }

    [Fact]
    public async Task A_text_file_is_refused_as_having_no_sync_pattern()
    {
        byte[] text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Gee, this is not a transport stream.\n", 50)));
        var e = await OpenFailsWith<InvalidDataException>(text);
        Assert.StartsWith("not an MPEG-TS stream: no sync byte pattern", e.Message);
        Assert.Contains($"in the first {text.Length} bytes", e.Message);
    }

    [Fact]
    public async Task Packets_without_a_pat_are_refused()
    {
        var writer = new MpegTsTestWriter();
        for (int i = 0; i < 50; i++)
        {
            writer.Null();
        }

        var e = await OpenFailsWith<InvalidDataException>(writer.ToArray());
        Assert.Equal("not an MPEG-TS stream: no PAT (program association table) in the first 9400 bytes", e.Message);
    }

    [Fact]
    public async Task A_pat_without_its_pmt_is_refused()
    {
        var writer = new MpegTsTestWriter().Pat();
        for (int i = 0; i < 10; i++)
        {
            writer.Null();
        }

        var e = await OpenFailsWith<InvalidDataException>(writer.ToArray());
        Assert.Equal("MPEG-TS: no PMT (program map table) for program 1 on PID 4096 in the first 2068 bytes", e.Message);
    }

    [Fact]
    public async Task A_program_with_only_subtitles_metadata_and_scte35_is_refused()
    {
        byte[] data = new MpegTsTestWriter().Pat()
            .Pmt(0, (0x06, 0x200, [0x59, 0x00]), (0x15, 0x201, []), (0x86, 0x202, []))
            .ToArray();
        var e = await OpenFailsWith<InvalidDataException>(data);
        Assert.Equal("MPEG-TS: program 1 (PMT on PID 4096) has no H.264/HEVC video or AAC/AC-3/E-AC-3/MP3 audio stream", e.Message);
    }

    [Fact]
    public async Task Mpeg2_video_from_ffmpeg_is_refused_naming_codec_and_pid()
    {
        var e = await OpenFailsWith<NotSupportedException>(MpegTsTestData.Read("mpeg2-mp2.ts"));
        Assert.Equal(
            $"MPEG-TS: video on PID 256 is MPEG-2 video (stream type 0x02), which RTMP cannot carry: {Supported}",
            e.Message);
    }

    [Fact]
    public async Task Opus_from_ffmpeg_is_refused_naming_codec_and_pid()
    {
        var e = await OpenFailsWith<NotSupportedException>(MpegTsTestData.Read("opus.ts"));
        Assert.Equal($"MPEG-TS: audio on PID 256 is Opus (stream type 0x06), which RTMP cannot carry: {Supported}", e.Message);
    }

    [Theory]
    [InlineData((byte)0x11, new byte[0], "AAC (LATM) (stream type 0x11)")]
    [InlineData((byte)0x82, new byte[0], "DTS (stream type 0x82)")]
    [InlineData((byte)0x06, new byte[] { 0x7B, 0x00 }, "DTS (stream type 0x06)")]
    [InlineData((byte)0x06, new byte[] { 0x05, 0x04, (byte)'O', (byte)'p', (byte)'u', (byte)'s', 0x7F, 0x02, 0x80, 0x02 }, "Opus (stream type 0x06)")]
    [InlineData((byte)0x06, new byte[] { 0x7F, 0x02, 0x80, 0x02 }, "Opus (stream type 0x06)")]
    public async Task Audio_rtmp_cannot_carry_is_refused_by_name(byte streamType, byte[] descriptors, string named)
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (streamType, 0x101, descriptors)).ToArray();
        var e = await OpenFailsWith<NotSupportedException>(data);
        Assert.Equal($"MPEG-TS: audio on PID 257 is {named}, which RTMP cannot carry: {Supported}", e.Message);
    }

    [Theory]
    [InlineData((byte)0x01, new byte[0], "MPEG-1 video (stream type 0x01)")]
    [InlineData((byte)0x10, new byte[0], "MPEG-4 Part 2 video (stream type 0x10)")]
    [InlineData((byte)0x33, new byte[0], "VVC (H.266) (stream type 0x33)")]
    [InlineData((byte)0x06, new byte[] { 0x05, 0x04, (byte)'H', (byte)'E', (byte)'V', (byte)'C' }, "HEVC (H.265) (stream type 0x06)")]
    public async Task Video_rtmp_cannot_carry_is_refused_by_name(byte streamType, byte[] descriptors, string named)
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (streamType, 0x100, descriptors), (0x0F, 0x101, [])).ToArray();
        var e = await OpenFailsWith<NotSupportedException>(data);
        Assert.Equal($"MPEG-TS: video on PID 256 is {named}, which RTMP cannot carry: {Supported}", e.Message);
    }

    [Fact]
    public async Task An_extra_audio_track_in_an_unsupported_codec_is_ignored_when_an_aac_track_exists()
    {
        byte[] data = new MpegTsTestWriter().Pat()
            .Pmt(0, (0x1B, 0x100, []), (0x82, 0x102, []), (0x0F, 0x101, []), (0x06, 0x103, [0x56, 0x00]), (0x86, 0x104, []))
            .Pes(0x100, 9000, null, MpegTsTestWriter.AccessUnit(true, 500, 1), bounded: false)
            .Pes(0x101, 9000, null, MpegTsTestWriter.AdtsFrame(100))
            .Pes(0x102, 9000, null, [0x0B, 0x77, 1, 2, 3])
            .ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.Equal(0x100, reader.VideoPid);
        Assert.Equal(0x101, reader.AudioPid);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        Assert.Equal([MediaTrack.Audio, MediaTrack.Video], frames.ConvertAll(f => f.Track));
    }
}
