using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// HEVC video and AC-3, E-AC-3 and MP3 audio in MPEG-TS: how each is recognised in the PMT, how keyframes and frames come
/// out, and the refusal of MPEG audio layers I and II.
/// </summary>
public class MpegTsReaderEnhancedCodecTests
{
    private const int V = MpegTsTestWriter.VideoPid;
    private const int A = MpegTsTestWriter.AudioPid;

    /// <summary>Two AC-3 syncframe starts in one PES: handed whole, the writer splits them.</summary>
    private static readonly byte[] TwoSyncframes = [0x0B, 0x77, 1, 2, 3, 4, 0x0B, 0x77, 5, 6, 7, 8];

    [Theory]
    [InlineData((byte)0x81, new byte[0], AudioCodec.Ac3)]
    [InlineData((byte)0x87, new byte[0], AudioCodec.Eac3)]
    [InlineData((byte)0x84, new byte[0], AudioCodec.Eac3)]
    [InlineData((byte)0x06, new byte[] { 0x6A, 0x01, 0x00 }, AudioCodec.Ac3)]
    [InlineData((byte)0x06, new byte[] { 0x7A, 0x01, 0x00 }, AudioCodec.Eac3)]
    [InlineData((byte)0x06, new byte[] { 0x05, 0x04, (byte)'A', (byte)'C', (byte)'-', (byte)'3' }, AudioCodec.Ac3)]
    [InlineData((byte)0x06, new byte[] { 0x05, 0x04, (byte)'E', (byte)'A', (byte)'C', (byte)'3' }, AudioCodec.Eac3)]
    public async Task Ac3_and_Eac3_streams_give_whole_PES_payloads_at_the_PES_time(byte streamType, byte[] descriptors, AudioCodec codec)
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (streamType, A, descriptors))
            .Pes(A, 9000, null, TwoSyncframes, streamId: 0xBD)
            .Pes(A, 12000, null, TwoSyncframes[..6], streamId: 0xBD)
            .ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.Equal(codec, reader.Audio?.Codec);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        Assert.Equal([9000L, 12000], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal(TwoSyncframes, frames[0].Data);
        Assert.Equal(TwoSyncframes[..6], frames[1].Data);
        Assert.All(frames, f => Assert.True(f.IsKeyframe));
    }

    [Theory]
    [InlineData((byte)0x03)]
    [InlineData((byte)0x04)]
    public async Task MPEG_audio_whose_first_frame_is_layer_III_is_read_as_MP3(byte streamType)
    {
        byte[] frame = [0xFF, 0xFB, 0x90, 0x64, .. new byte[413]]; // MPEG-1 layer III, 128 kb/s, 44.1 kHz
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (streamType, A, [])).Pes(A, 9000, null, [.. frame, .. frame]).ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.Equal(AudioCodec.Mp3, reader.Audio?.Codec);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        Assert.Equal((byte[])[.. frame, .. frame], Assert.Single(frames).Data);
    }

    [Theory]
    [InlineData((byte)0x03, 0xFD, "II")]
    [InlineData((byte)0x04, 0xF5, "II")]
    [InlineData((byte)0x03, 0xFF, "I")]
    public async Task MPEG_audio_layers_I_and_II_are_refused_naming_layer_and_PID(byte streamType, byte second, string layer)
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (streamType, A, [])).Pes(A, 9000, null, [0xFF, second, 0x90, 0x64, 0, 0, 0]).ToArray();
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await MpegTsReader.OpenAsync(new MemoryStream(data)));
        Assert.Equal(
            $"MPEG-TS: audio on PID 257 is MPEG audio layer {layer} (stream type 0x{streamType:X2}), which RTMP cannot carry: {MpegTsReaderErrorTests.Supported}",
            e.Message);
    }

    [Fact]
    public async Task MP3_from_ffmpeg_is_read_frame_by_PES()
    {
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(MpegTsTestData.Read("mp3.ts")));
        Assert.Equal(AudioCodec.Mp3, reader.Audio?.Codec);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.True(f.Data[0] == 0xFF && (f.Data[1] & 0xE6) == 0xE2, "each PES starts with a layer III frame header"));
    }

    [Fact]
    public async Task AC3_from_ffmpeg_is_read_frame_by_PES()
    {
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(MpegTsTestData.Read("h264-ac3.ts")));
        Assert.Equal(VideoCodec.H264, reader.Video?.Codec);
        Assert.Equal(AudioCodec.Ac3, reader.Audio?.Codec);
        List<MpegTsFrameRecord> audio = (await MpegTsFrameRecord.ReadAllAsync(reader)).FindAll(f => f.Track == MediaTrack.Audio);
        Assert.Equal([2924, 2926, 418], audio.ConvertAll(f => f.Data.Length)); // Debian ffmpeg's CLI packs several syncframes per PES
        Assert.All(audio, f => Assert.Equal((byte[])[0x0B, 0x77], f.Data[..2]));
    }

    [Fact]
    public async Task HEVC_keyframes_are_the_access_units_with_an_IRAP_picture()
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (0x24, V, []))
            .Pes(V, 3600, null, HevcAccessUnit(19)) // IDR_W_RADL after VPS/SPS/PPS
            .Pes(V, 7200, null, HevcAccessUnit(1)) // TRAIL_R
            .Pes(V, 10800, null, HevcAccessUnit(21)) // CRA
            .Pes(V, 14400, null, HevcAccessUnit(0)) // TRAIL_N
            .ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.Equal(VideoCodec.Hevc, reader.Video?.Codec);
        Assert.Equal(0, reader.Video?.NalLengthSize);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        Assert.Equal([true, false, true, false], frames.ConvertAll(f => f.IsKeyframe));
        Assert.Equal(HevcAccessUnit(19), frames[0].Data);
    }

    [Fact]
    public async Task A_later_pmt_that_switches_the_audio_from_AC3_to_AAC_is_refused_while_reading()
    {
        byte[] data = new MpegTsTestWriter().Pat().Pmt(0, (0x81, A, []))
            .Pes(A, 9000, null, TwoSyncframes)
            .Pmt(1, (0x0F, A, []))
            .Pes(A, 12000, null, MpegTsTestWriter.AdtsFrame(100))
            .ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.True(await reader.ReadAsync());
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await reader.ReadAsync());
        Assert.Equal("MPEG-TS: audio on PID 257 is AAC (ADTS) (stream type 0x0F), but the stream began in AC-3: a new PMT cannot switch the codec while publishing", e.Message);
    }

    /// <summary>An Annex-B access unit: AUD, then (for IRAP types) VPS, SPS and PPS stand-ins, then one slice of <paramref name="sliceType"/>.</summary>
    private static byte[] HevcAccessUnit(int sliceType)
    {
        List<byte> unit = [0, 0, 0, 1, 35 << 1, 1, 0x50];
        if (sliceType is >= 16 and <= 21)
        {
            foreach (int parameterSet in new[] { 32, 33, 34 })
            {
                unit.AddRange([0, 0, 1, (byte)(parameterSet << 1), 1, 0x0C, 0x01]);
            }
        }

        unit.AddRange([0, 0, 1, (byte)(sliceType << 1), 1, 0xAF, 0x12, 0x34, 0x56]);
        return [.. unit];
    }
}
