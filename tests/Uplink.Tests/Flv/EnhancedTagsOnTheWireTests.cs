using System.Buffers.Binary;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Tests.Codecs;
using Uplink.Tests.Codecs.Hevc;
using Uplink.Tests.Session;

namespace Uplink.Tests.Flv;

/// <summary>
/// The tags the writer sends for each Enhanced RTMP codec, as a server receives them, byte for byte against what FFmpeg
/// 8.1's FLV muxer writes for the same codec (header bytes noted from its output); the frames must round-trip (FFmpeg
/// decoding the result is the integration suite's EnhancedCodecsSendPathTests).
/// </summary>
public class EnhancedTagsOnTheWireTests
{
    private static readonly string AudioData = Path.Combine(AppContext.BaseDirectory, "TestData", "Audio");

    [Fact]
    public async Task Hevc_goes_out_as_hvc1_sequence_start_then_coded_frames_with_4_byte_lengths()
    {
        var stream = HevcTestData.Main;
        var messages = await PublishVideoAsync(VideoMediaType.HevcAnnexB, stream.AccessUnits.Take(3).Select(a => a.Data), compositionMs: [0, 80, 0]);

        byte[] start = messages[0].Payload;
        Assert.Equal("90-68-76-63-31", BitConverter.ToString(start, 0, 5));
        Assert.Equal(3, start[5 + 21] & 0x03); // lengthSizeMinusOne: 4-byte lengths
        Assert.Equal("93-68-76-63-31", BitConverter.ToString(messages[1].Payload, 0, 5)); // key, CodedFramesX (CTS 0)
        Assert.Equal("A1-68-76-63-31-00-00-50", BitConverter.ToString(messages[2].Payload, 0, 8)); // inter, CodedFrames, CTS 80
        Assert.Equal(0xA3, messages[3].Payload[0]);
        int firstNal = BinaryPrimitives.ReadInt32BigEndian(messages[1].Payload.AsSpan(5));
        Assert.InRange(firstNal, 1, messages[1].Payload.Length - 9);
        Assert.Equal("92-68-76-63-31", BitConverter.ToString(messages[^1].Payload)); // SequenceEnd at disconnect
    }

    [Fact]
    public async Task H264_goes_out_as_avc1_when_asked_and_in_the_legacy_tag_otherwise()
    {
        var units = Session.ElementaryStreams.VideoAccessUnits();
        var enhanced = await PublishVideoAsync(VideoMediaType.H264AnnexB, units.Take(2), compositionMs: [0, 80], enhancedH264: true);
        var legacy = await PublishVideoAsync(VideoMediaType.H264AnnexB, units.Take(2), compositionMs: [0, 80]);

        Assert.Equal("90-61-76-63-31-01", BitConverter.ToString(enhanced[0].Payload, 0, 6)); // SequenceStart avc1, avcC version 1
        Assert.Equal("93-61-76-63-31", BitConverter.ToString(enhanced[1].Payload, 0, 5)); // key, CodedFramesX
        Assert.Equal("A1-61-76-63-31-00-00-50", BitConverter.ToString(enhanced[2].Payload, 0, 8)); // inter, CodedFrames, CTS 80
        Assert.Equal("92-61-76-63-31", BitConverter.ToString(enhanced[^1].Payload));
        Assert.Equal(enhanced[1].Payload[5..], legacy[1].Payload[5..]); // the same NAL units either way
        Assert.Equal("17-00-00-00-00", BitConverter.ToString(legacy[0].Payload, 0, 5));
        Assert.Equal("27-01-00-00-50", BitConverter.ToString(legacy[2].Payload, 0, 5));
        Assert.Equal(3, legacy.Count); // no SequenceEnd in the legacy form
    }

    [Fact]
    public async Task Av1_goes_out_as_av01_without_temporal_delimiters_and_without_composition_time()
    {
        var units = IvfFile.Frames(Path.Combine(AppContext.BaseDirectory, "TestData", "Av1", "svt-main.ivf"));
        var messages = await PublishVideoAsync(VideoMediaType.Av1(), units.Take(2), compositionMs: [0, 0]);

        Assert.Equal("90-61-76-30-31-81", BitConverter.ToString(messages[0].Payload, 0, 6)); // av1C marker/version byte 0x81
        Assert.Equal("91-61-76-30-31", BitConverter.ToString(messages[1].Payload, 0, 5));
        Assert.NotEqual(0x12, messages[1].Payload[5]); // the temporal delimiter OBU (0x12 0x00) is not sent
        Assert.Equal(0xA1, messages[2].Payload[0]);
        Assert.Equal("92-61-76-30-31", BitConverter.ToString(messages[^1].Payload));
    }

    [Fact]
    public async Task Vp9_goes_out_as_vp09_with_a_vpcc_full_box_made_from_the_first_key_frame()
    {
        var frames = IvfFile.Frames(Path.Combine(AppContext.BaseDirectory, "TestData", "Vp9", "profile0.ivf"));
        var messages = await PublishVideoAsync(VideoMediaType.Vp9(), frames.Take(2), compositionMs: [0, 0]);

        Assert.Equal("90-76-70-30-39-01-00-00-00-00", BitConverter.ToString(messages[0].Payload, 0, 10)); // version 1, flags 0, profile 0
        Assert.Equal(17, messages[0].Payload.Length);
        Assert.Equal("91-76-70-30-39", BitConverter.ToString(messages[1].Payload, 0, 5));
        Assert.Equal(frames[0], messages[1].Payload[5..]);
    }

    [Fact]
    public async Task A_composition_offset_on_av1_is_refused_naming_the_frame()
    {
        await using var server = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.Av1(), Audio = null, AllowBFrames = true });
        var units = IvfFile.Frames(Path.Combine(AppContext.BaseDirectory, "TestData", "Av1", "svt-main.ivf"));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteVideoAsync(units[0], TimeSpan.Zero, TimeSpan.FromMilliseconds(40)));

        Assert.Contains("video frame 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("AV1 frames carry no composition offset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opus_goes_out_with_its_head_a_channel_layout_and_fourcc_frames()
    {
        byte[] head = [.. "OpusHead"u8, 1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0];
        var messages = await PublishAudioAsync(AudioMediaType.Opus(head), [[0xFC, 0x01, 0x02], [0xFC, 0x03]]);

        Assert.Equal([0x90, .. "Opus"u8, .. head], messages[0].Payload);
        Assert.Equal("94-4F-70-75-73-01-02-00-00-00-03", BitConverter.ToString(messages[1].Payload)); // native order, 2 channels, FL|FR
        Assert.Equal([0x91, .. "Opus"u8, 0xFC, 0x01, 0x02], messages[2].Payload);
        Assert.Equal(4, messages.Count);
    }

    [Fact]
    public void An_mp4_dops_box_becomes_an_opus_head()
    {
        byte[] dOps = [0, 2, 0x01, 0x38, 0x00, 0x00, 0xBB, 0x80, 0x00, 0x00, 0];

        var type = AudioMediaType.Opus(dOps);

        Assert.Equal([.. "OpusHead"u8, 1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0], type.DecoderConfiguration.ToArray());
        Assert.Equal("Opus, 48000 Hz, 2 channels", type.ToString());
    }

    [Fact]
    public async Task Flac_goes_out_with_the_spec_sequence_header_flac_signature_and_streaminfo_block()
    {
        byte[] streamInfo = [.. Convert.FromHexString("12001200000000004A580BB802F0"), .. new byte[20]];
        var messages = await PublishAudioAsync(AudioMediaType.Flac(streamInfo), [[0xFF, 0xF8, 0x01]]);

        Assert.Equal([0x90, .. "fLaC"u8, .. "fLaC"u8, 0x80, 0, 0, 34, .. streamInfo], messages[0].Payload);
        Assert.Equal([0x91, .. "fLaC"u8, 0xFF, 0xF8, 0x01], messages[2].Payload);
    }

    [Theory]
    [InlineData("ac3", "61-63-2D-33", 32)]
    [InlineData("eac3", "65-63-2D-33", 32)]
    public async Task Ac3_and_eac3_writes_are_split_into_syncframes_each_timed_by_its_samples(string file, string fourCc, int frameMs)
    {
        byte[] six = File.ReadAllBytes(Path.Combine(AudioData, $"six-frames.{file}"));
        var type = file == "ac3" ? AudioMediaType.Ac3 : AudioMediaType.Eac3;

        var messages = await PublishAudioAsync(type, [six[..(3 * 768)], six[(3 * 768)..]]);

        Assert.Equal($"90-{fourCc}", BitConverter.ToString(messages[0].Payload)); // SequenceStart, empty, as FFmpeg sends it
        Assert.Equal($"94-{fourCc}-01-02-00-00-00-03", BitConverter.ToString(messages[1].Payload));
        var frames = messages.Skip(2).ToList();
        Assert.Equal(6, frames.Count);
        Assert.All(frames, f => Assert.Equal($"91-{fourCc}", BitConverter.ToString(f.Payload, 0, 5)));
        Assert.Equal([0u, (uint)frameMs, (uint)(2 * frameMs), 1000u, 1000u + (uint)frameMs, 1000u + (uint)(2 * frameMs)], frames.Select(f => f.Timestamp));
        Assert.Equal(six[..768], frames[0].Payload[5..]);
    }

    [Fact]
    public async Task Mp3_goes_out_in_the_legacy_tag_split_into_frames_without_a_sequence_header()
    {
        byte[] six = File.ReadAllBytes(Path.Combine(AudioData, "six-frames.mp3"));

        var messages = await PublishAudioAsync(AudioMediaType.Mp3, [six]);

        Assert.Equal(6, messages.Count);
        Assert.All(messages, m => Assert.Equal(0x2F, m.Payload[0])); // MP3, 44 kHz code (48 kHz has none), 16-bit, stereo
        Assert.Equal([0u, 24u, 48u, 72u, 96u, 120u], messages.Select(m => m.Timestamp));
        Assert.Equal(six[..384], messages[0].Payload[1..]);
    }

    [Fact]
    public async Task A_broken_ac3_frame_is_refused_naming_frame_and_offset()
    {
        byte[] six = File.ReadAllBytes(Path.Combine(AudioData, "six-frames.ac3"));
        six[768] = 0; // the second syncword
        await using var server = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = null, Audio = AudioMediaType.Ac3 });

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await writer.WriteAudioAsync(six, TimeSpan.Zero));

        Assert.Equal("audio frame 2 (offset 768 of this write): no valid AC-3 syncframe: no AC-3 syncword (0x0B77)", error.Message);
    }

    [Fact]
    public async Task OnMetaData_names_fourcc_codecs_by_their_number()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = AudioMediaType.Ac3 }))
        {
            await writer.WriteVideoAsync(HevcTestData.Main.AccessUnits[0].Data, TimeSpan.Zero);
            await writer.WriteAudioAsync(File.ReadAllBytes(Path.Combine(AudioData, "six-frames.ac3"))[..768], TimeSpan.Zero);
            await writer.DisconnectAsync();
        }

        var metadata = server.Messages.First(m => m.Type == RtmpMessageType.DataAmf0);
        var reader = new Amf0Reader(metadata.Payload);
        reader.ReadValue();
        reader.ReadValue();
        var properties = Assert.IsType<AmfObject>(reader.ReadValue());
        Assert.Equal((double)0x68766331, properties["videocodecid"]); // 'hvc1'
        Assert.Equal((double)0x61632D33, properties["audiocodecid"]); // 'ac-3'
        Assert.Equal(320d, properties["width"]);
        Assert.Equal(48000d, properties["audiosamplerate"]);
    }

    private static async Task<List<ReceivedMessage>> PublishVideoAsync(VideoMediaType type, IEnumerable<byte[]> frames, int[] compositionMs, bool enhancedH264 = false)
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = type, Audio = null, AllowBFrames = true, EnhancedH264 = enhancedH264 }))
        {
            int i = 0;
            foreach (byte[] frame in frames)
            {
                var dts = TimeSpan.FromMilliseconds(40 * i);
                await writer.WriteVideoAsync(frame, dts, dts + TimeSpan.FromMilliseconds(compositionMs[i]));
                i++;
            }

            await writer.DisconnectAsync();
        }

        return [.. server.Messages.Where(m => m.Type == RtmpMessageType.Video)];
    }

    private static async Task<List<ReceivedMessage>> PublishAudioAsync(AudioMediaType type, IEnumerable<byte[]> writes)
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = null, Audio = type }))
        {
            int i = 0;
            foreach (byte[] write in writes)
            {
                await writer.WriteAudioAsync(write, TimeSpan.FromSeconds(i++));
            }

            await writer.DisconnectAsync();
        }

        return [.. server.Messages.Where(m => m.Type == RtmpMessageType.Audio)];
    }
}
