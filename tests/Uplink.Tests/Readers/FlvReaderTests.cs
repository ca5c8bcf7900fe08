using Uplink.Media;

namespace Uplink.Tests.Readers;

public class FlvReaderTests
{
    private static readonly byte[] AvcRecord = [1, 0x64, 0, 0x1F, 0xFF, 0xE1, 0, 4, 0x67, 0x64, 0, 0x1F, 1, 0, 4, 0x68, 0xEE, 0x3C, 0x80];
    private static readonly byte[] AudioSpecificConfig = [0x12, 0x10];

    private static FlvTestWriter BothTracks(byte headerFlags = 0x05)
        => new FlvTestWriter(headerFlags)
            .Script(0, "onMetaData", 2.5)
            .AvcSequenceHeader(0, AvcRecord)
            .AacSequenceHeader(0, AudioSpecificConfig)
            .AvcFrame(0, keyframe: true, FlvTestWriter.NalUnit(100, 0xAA), compositionTime: 80)
            .AacFrame(0, [0x21, 0x22, 0x23])
            .AvcFrame(40, keyframe: false, FlvTestWriter.NalUnit(50, 0xBB), compositionTime: 120)
            .AacFrame(23, [0x31, 0x32]);

    private static Task<FlvReader> OpenAsync(byte[] bytes) => FlvReader.OpenAsync(new MemoryStream(bytes)).AsTask();

    [Fact]
    public async Task Reads_configurations_and_frames_of_both_tracks_in_file_order()
    {
        var writer = new FlvTestWriter().Script(0, "onMetaData", 2.5);
        long videoHeaderOffset = writer.Offset;
        writer.AvcSequenceHeader(0, AvcRecord).AacSequenceHeader(0, AudioSpecificConfig);
        long keyframeOffset = writer.Offset;
        writer.AvcFrame(0, keyframe: true, FlvTestWriter.NalUnit(100, 0xAA), compositionTime: 80)
            .AacFrame(0, [0x21, 0x22, 0x23])
            .AvcFrame(40, keyframe: false, FlvTestWriter.NalUnit(50, 0xBB), compositionTime: 120)
            .AacFrame(23, [0x31, 0x32]);

        await using FlvReader reader = await OpenAsync(writer.ToArray());

        Assert.True(reader.HasVideo);
        Assert.True(reader.HasAudio);
        Assert.Equal(AvcRecord, reader.VideoConfiguration.ToArray());
        Assert.Equal(AudioSpecificConfig, reader.AudioConfiguration.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(2.5), reader.Duration);
        Assert.Equal(0, reader.FramesRead);

        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);

        Assert.Equal(6, frames.Count);
        Assert.Equal(6, reader.FramesRead);
        Assert.Equal(new FlvFrameRecord(MediaTrack.Video, 0, 0, true, true, AvcRecord, videoHeaderOffset), frames[0], Same);
        Assert.Equal(MediaTrack.Audio, frames[1].Track);
        Assert.True(frames[1].IsConfiguration);
        Assert.Equal(AudioSpecificConfig, frames[1].Data);
        Assert.Equal(new FlvFrameRecord(MediaTrack.Video, 0, 80, true, false, FlvTestWriter.NalUnit(100, 0xAA), keyframeOffset), frames[2], Same);
        Assert.Equal([0x21, 0x22, 0x23], frames[3].Data);
        Assert.True(frames[3].IsKeyframe);
        Assert.False(frames[3].IsConfiguration);
        Assert.Equal((40L, 160L, false), (frames[4].DtsMs, frames[4].PtsMs, frames[4].IsKeyframe));
        Assert.Equal((23L, 23L), (frames[5].DtsMs, frames[5].PtsMs));
        Assert.Null(reader.TruncatedAtOffset);
        Assert.False(await reader.ReadAsync());
    }

    private static readonly IEqualityComparer<FlvFrameRecord> Same = EqualityComparer<FlvFrameRecord>.Create((a, b) => a!.SameAs(b!));

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x01)]
    [InlineData(0x04)]
    public async Task Header_flags_are_ignored_in_favour_of_the_tags_present(byte headerFlags)
    {
        await using FlvReader reader = await OpenAsync(BothTracks(headerFlags).ToArray());
        Assert.True(reader.HasVideo);
        Assert.True(reader.HasAudio);
    }

    [Fact]
    public async Task A_header_claiming_audio_and_video_with_only_video_tags_has_no_audio()
    {
        byte[] bytes = new FlvTestWriter(0x05)
            .AvcSequenceHeader(0, AvcRecord)
            .AvcFrame(0, true, FlvTestWriter.NalUnit(10, 1))
            .ToArray();
        await using FlvReader reader = await OpenAsync(bytes);
        Assert.True(reader.HasVideo);
        Assert.False(reader.HasAudio);
        Assert.True(reader.AudioConfiguration.IsEmpty);
    }

    [Fact]
    public async Task A_stream_cut_inside_the_last_tag_ends_at_the_last_complete_tag_at_every_cut_point()
    {
        var writer = BothTracks();
        long lastTagOffset = writer.Offset;
        writer.AvcFrame(80, false, FlvTestWriter.NalUnit(30, 0xCC));
        byte[] complete = writer.ToArray();
        int tagBodyEnd = complete.Length - 4;

        for (int cut = (int)lastTagOffset + 1; cut < tagBodyEnd; cut++)
        {
            await using FlvReader reader = await FlvReader.OpenAsync(new NonSeekableChunkedStream(complete[..cut], seed: cut));
            List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);
            Assert.Equal(6, frames.Count);
            Assert.Equal(lastTagOffset, reader.TruncatedAtOffset);
        }
    }

    [Fact]
    public async Task A_stream_cut_inside_the_trailing_tag_size_still_returns_the_last_tag()
    {
        byte[] complete = BothTracks().ToArray();
        await using FlvReader reader = await OpenAsync(complete[..^2]);
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);
        Assert.Equal(6, frames.Count);
        Assert.Equal(complete.Length - 4, reader.TruncatedAtOffset);
    }

    [Fact]
    public async Task A_stream_without_the_final_tag_size_is_complete()
    {
        byte[] complete = BothTracks().ToArray();
        await using FlvReader reader = await OpenAsync(complete[..^4]);
        Assert.Equal(6, (await FlvFrameRecord.ReadAllAsync(reader)).Count);
        Assert.Null(reader.TruncatedAtOffset);
    }

    [Fact]
    public async Task Extended_timestamps_and_a_wrap_of_the_32_bit_timestamp_give_a_continuous_timeline()
    {
        byte[] bytes = new FlvTestWriter()
            .AvcFrame(0x00FF_FFF0, true, FlvTestWriter.NalUnit(1, 1))
            .AvcFrame(0xFFFF_FFD8, false, FlvTestWriter.NalUnit(1, 2))
            .AacFrame(0xFFFF_FFE0, [1, 2])
            .AvcFrame(0x0000_0000, false, FlvTestWriter.NalUnit(1, 3), compositionTime: 40)
            .AacFrame(0xFFFF_FFFC, [3, 4])
            .AvcFrame(0x0000_0028, false, FlvTestWriter.NalUnit(1, 4))
            .ToArray();
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(new MemoryStream(bytes));

        long wrap = 1L << 32;
        Assert.Equal([0x00FF_FFF0L, 0xFFFF_FFD8L, 0xFFFF_FFE0L, wrap, 0xFFFF_FFFCL, wrap + 40], frames.Select(f => f.DtsMs));
        Assert.Equal(wrap + 40, frames[3].PtsMs);
    }

    [Fact]
    public async Task Negative_composition_offsets_and_dts_going_backwards_pass_through()
    {
        byte[] bytes = new FlvTestWriter()
            .AvcFrame(1000, true, FlvTestWriter.NalUnit(1, 1), compositionTime: -40)
            .AvcFrame(960, false, FlvTestWriter.NalUnit(1, 2), compositionTime: -0x80_0000)
            .AvcFrame(0x90_0000, false, FlvTestWriter.NalUnit(1, 3), compositionTime: 0x7F_FFFF)
            .ToArray();
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal((1000L, 960L), (frames[0].DtsMs, frames[0].PtsMs));
        Assert.Equal((960L, 960L - 0x80_0000), (frames[1].DtsMs, frames[1].PtsMs));
        Assert.Equal(0x90_0000L + 0x7F_FFFF, frames[2].PtsMs);
    }

    [Fact]
    public async Task A_huge_declared_size_in_a_short_stream_is_a_truncation_without_allocating_that_size()
    {
        var writer = BothTracks();
        long hugeTagOffset = writer.Offset;
        byte[] bytes = writer.Tag(9, 100, [0x27, 1, 0, 0, 0, 1, 2, 3], declaredSize: 0xFF_FFFF, writePreviousTagSize: false).ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        await using FlvReader reader = await OpenAsync(bytes);
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(6, frames.Count);
        Assert.Equal(hugeTagOffset, reader.TruncatedAtOffset);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task A_tag_larger_than_the_limit_is_rejected_with_its_offset()
    {
        var writer = new FlvTestWriter().AvcSequenceHeader(0, AvcRecord);
        long bigTagOffset = writer.Offset;
        byte[] bytes = writer.AvcFrame(0, true, FlvTestWriter.NalUnit(2000, 7)).ToArray();

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => FlvReader.OpenWithLimitAsync(new MemoryStream(bytes), false, 1000, default).AsTask());
        Assert.Equal($"FLV tag at offset {bigTagOffset} declares 2009 bytes of data, more than the limit of 1000", error.Message);
    }

    [Fact]
    public async Task A_tag_of_the_largest_24_bit_size_is_read()
    {
        byte[] nalUnits = FlvTestWriter.NalUnit(0xFF_FFFF - 9, 0x5A);
        byte[] bytes = new FlvTestWriter().AvcFrame(0, true, nalUnits).AacFrame(0, [1]).ToArray();
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(new NonSeekableChunkedStream(bytes, seed: 1, maxChunk: 1 << 20));
        Assert.Equal(2, frames.Count);
        Assert.Equal(nalUnits, frames[0].Data);
    }

    [Theory]
    [InlineData(2, "Sorenson H.263")]
    [InlineData(3, "Screen video")]
    [InlineData(4, "VP6")]
    [InlineData(5, "VP6 alpha")]
    [InlineData(6, "Screen video 2")]
    [InlineData(13, "AV1 (non-standard id 13)")]
    public async Task A_legacy_video_codec_other_than_H264_and_HEVC_is_not_supported_and_named(int codecId, string name)
    {
        var writer = new FlvTestWriter();
        long offset = writer.Offset;
        byte[] bytes = writer.Video(0, (byte)(0x10 | codecId), 1, 0, [1, 2, 3]).ToArray();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal($"FLV video tag at offset {offset}: video codec {name} (FLV codec id {codecId}) is not supported: H.264, HEVC, AV1 and VP9 are", error.Message);
    }

    [Theory]
    [InlineData(0, "PCM")]
    [InlineData(1, "ADPCM")]
    [InlineData(3, "PCM LE")]
    [InlineData(4, "Nellymoser 16 kHz mono")]
    [InlineData(5, "Nellymoser 8 kHz mono")]
    [InlineData(6, "Nellymoser")]
    [InlineData(7, "G.711 A-law")]
    [InlineData(8, "G.711 mu-law")]
    [InlineData(11, "Speex")]
    [InlineData(15, "device-specific")]
    public async Task A_legacy_audio_format_other_than_AAC_and_MP3_is_not_supported_and_named(int soundFormat, string name)
    {
        var writer = new FlvTestWriter().AvcSequenceHeader(0, AvcRecord);
        long offset = writer.Offset;
        byte[] bytes = writer.Audio(0, (byte)(soundFormat << 4 | 0x0F), 1, [1, 2, 3]).ToArray();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal($"FLV audio tag at offset {offset}: audio format {name} (FLV sound format {soundFormat}) is not supported: AAC, MP3, Opus, FLAC, AC-3 and E-AC-3 are", error.Message);
    }

    [Theory]
    [InlineData("vp08")]
    [InlineData("VVC1")]
    public async Task Enhanced_RTMP_video_with_an_unknown_FourCC_is_not_supported_and_named(string fourCc)
    {
        byte[] data = [0x90, .. System.Text.Encoding.ASCII.GetBytes(fourCc), 1, 2, 3];
        byte[] bytes = new FlvTestWriter().Tag(9, 0, data).ToArray();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal($"FLV video tag at offset 13: Enhanced RTMP video FourCC '{fourCc}' is not supported: hvc1, av01, vp09 and avc1 are", error.Message);
    }

    [Fact]
    public async Task Enhanced_RTMP_audio_with_an_unknown_FourCC_is_not_supported_and_named()
    {
        byte[] bytes = new FlvTestWriter().Tag(8, 0, [0x91, .. "Spex"u8, 1, 2]).ToArray();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => OpenAsync(bytes));
        Assert.Equal("FLV audio tag at offset 13: Enhanced RTMP audio FourCC 'Spex' is not supported: Opus, fLaC, ac-3, ec-3, .mp3 and mp4a are", error.Message);
    }

    [Fact]
    public async Task An_encrypted_tag_is_not_supported()
    {
        var writer = BothTracks();
        long offset = writer.Offset;
        byte[] bytes = writer.Tag(0x29, 100, [0x27, 1, 0, 0, 0, 9]).ToArray();
        await using FlvReader reader = await OpenAsync(bytes);
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => FlvFrameRecord.ReadAllAsync(reader));
        Assert.Equal($"encrypted FLV tag at offset {offset}", error.Message);
        Assert.Equal(6, reader.FramesRead);
    }

    [Fact]
    public async Task An_unknown_tag_type_is_invalid_data()
    {
        byte[] bytes = new FlvTestWriter().Tag(15, 0, [1, 2, 3]).ToArray();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(bytes));
        Assert.Equal("unknown FLV tag type 15 at offset 13: expected 8 (audio), 9 (video) or 18 (script data)", error.Message);
    }

    [Fact]
    public async Task An_unsupported_codec_after_the_look_ahead_fails_the_read_that_reaches_it()
    {
        var writer = BothTracks();
        for (uint i = 0; i < 600; i++)
        {
            writer.AvcFrame(80 + i, false, FlvTestWriter.NalUnit(4, 1));
        }

        long offset = writer.Offset;
        byte[] bytes = writer.Audio(700, 0xBF, 1, [1, 2]).ToArray();
        await using FlvReader reader = await OpenAsync(bytes);
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => FlvFrameRecord.ReadAllAsync(reader));
        Assert.Equal($"FLV audio tag at offset {offset}: audio format Speex (FLV sound format 11) is not supported: AAC, MP3, Opus, FLAC, AC-3 and E-AC-3 are", error.Message);
        Assert.Equal(606, reader.FramesRead);
        var again = await Assert.ThrowsAsync<NotSupportedException>(() => reader.ReadAsync().AsTask());
        Assert.Equal(error.Message, again.Message);
    }

    [Fact]
    public async Task The_first_onMetaData_is_captured_raw_and_other_script_tags_are_skipped()
    {
        byte[] onTextData = new FlvTestWriter(writeHeader: false).Script(0, "onTextData", 9).ToArray()[11..^4];
        byte[] onMetaData = new FlvTestWriter(writeHeader: false).Script(0, "onMetaData", 12.5).ToArray()[11..^4];
        byte[] bytes = new FlvTestWriter()
            .Script(0, "onTextData", 9)
            .Script(0, "onMetaData", 12.5)
            .AvcFrame(0, true, FlvTestWriter.NalUnit(1, 1))
            .Script(0, "onMetaData", 99)
            .ToArray();
        await using FlvReader reader = await OpenAsync(bytes);

        Assert.Equal(onMetaData, reader.Metadata.ToArray());
        Assert.NotEqual(onTextData, reader.Metadata.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(12.5), reader.Duration);
        Assert.Single(await FlvFrameRecord.ReadAllAsync(reader));
        Assert.Equal(onMetaData, reader.Metadata.ToArray());
    }

    [Fact]
    public async Task A_live_recording_with_zero_duration_has_no_duration()
    {
        byte[] bytes = new FlvTestWriter().Script(0, "onMetaData", 0).ToArray();
        await using FlvReader reader = await OpenAsync(bytes);
        Assert.False(reader.Metadata.IsEmpty);
        Assert.Null(reader.Duration);
    }

    [Fact]
    public async Task End_of_sequence_command_frames_and_empty_tags_are_skipped()
    {
        byte[] bytes = new FlvTestWriter()
            .Tag(9, 0, [])
            .Tag(9, 0, [0x17])
            .Tag(8, 0, [])
            .Tag(8, 0, [0xAF])
            .Tag(9, 0, [0x52, 0])
            .AvcFrame(0, true, [])
            .AacFrame(0, [])
            .AvcFrame(0, true, FlvTestWriter.NalUnit(3, 3))
            .Video(40, 0x17, 2, 0, [])
            .ToArray();
        await using FlvReader reader = await OpenAsync(bytes);
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);
        Assert.Single(frames);
        Assert.True(reader.HasVideo);
        Assert.False(reader.HasAudio);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0, 0 }, "'\\x00\\x00\\x00'")]
    [InlineData(new byte[] { 0x47, 0x40, 0, 0x10, 0, 0, 0, 0, 0, 0 }, "'G@\\x00'")]
    [InlineData(new byte[] { 0x46, 0x4C }, "'FL'")]
    public async Task A_stream_that_is_not_FLV_names_its_signature(byte[] bytes, string shown)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(bytes));
        Assert.Equal($"not an FLV file: signature at offset 0 is {shown}", error.Message);
    }

    [Fact]
    public async Task An_empty_stream_is_an_error()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync([]));
        Assert.Equal("not an FLV file: the stream is empty", error.Message);
    }

    [Fact]
    public async Task A_stream_ending_inside_the_header_is_an_error()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync("FLV\u0001\u0005"u8.ToArray()));
        Assert.Equal("not an FLV file: the stream ends at offset 5, inside the 9-byte FLV header", error.Message);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    public async Task A_stream_with_only_a_header_has_no_tracks_and_no_frames(int length)
    {
        byte[] bytes = new FlvTestWriter().ToArray()[..length];
        await using FlvReader reader = await OpenAsync(bytes);
        Assert.False(reader.HasVideo);
        Assert.False(reader.HasAudio);
        Assert.False(await reader.ReadAsync());
        Assert.Null(reader.TruncatedAtOffset);
    }

    [Fact]
    public async Task A_header_with_a_larger_data_offset_is_honoured()
    {
        byte[] header = [.. "FLV"u8, 1, 5, 0, 0, 0, 12, 0xEE, 0xEE, 0xEE, 0, 0, 0, 0];
        byte[] tags = new FlvTestWriter(writeHeader: false).AvcFrame(0, true, FlvTestWriter.NalUnit(2, 2)).ToArray();
        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(new MemoryStream([.. header, .. tags]));
        Assert.Equal(16, Assert.Single(frames).TagOffset);
    }

    [Fact]
    public async Task Wrong_previous_tag_sizes_are_tolerated()
    {
        byte[] bytes = BothTracks().ToArray();
        for (int i = 9; i < 13; i++)
        {
            bytes[i] = 0x77;
        }

        bytes[^1] ^= 0x55;
        Assert.Equal(6, (await FlvFrameRecord.ReadAllAsync(new MemoryStream(bytes))).Count);
    }

    [Fact]
    public async Task OpenAsync_stops_looking_ahead_once_it_has_both_configurations_and_a_frame_of_each_track()
    {
        byte[] bytes = BothTracks().ToArray();
        int needed = bytes.Length - 2 * (11 + 4) - (5 + 54) - (2 + 2);
        var stream = new NonSeekableChunkedStream(bytes, seed: 3, poisonAfter: needed);
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        Assert.True(reader.HasVideo && reader.HasAudio);
        Assert.Equal(needed, stream.BytesRead);
    }

    [Fact]
    public async Task OpenAsync_looks_ahead_at_most_500_tags()
    {
        var writer = new FlvTestWriter();
        for (int i = 0; i < 500; i++)
        {
            writer.AvcFrame(0, i == 0, FlvTestWriter.NalUnit(2, 2));
        }

        int afterLimit = (int)writer.Offset;
        for (int i = 0; i < 100; i++)
        {
            writer.AvcFrame(0, false, FlvTestWriter.NalUnit(2, 2));
        }

        var stream = new NonSeekableChunkedStream(writer.ToArray(), seed: 4, maxChunk: 100, poisonAfter: afterLimit);
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        Assert.True(reader.HasVideo);
        Assert.False(reader.HasAudio);
        Assert.Equal(afterLimit, stream.BytesRead);
    }

    [Fact]
    public async Task OpenAsync_looks_ahead_at_most_5_seconds_of_media()
    {
        var writer = new FlvTestWriter().AvcSequenceHeader(1000, AvcRecord);
        for (uint ms = 1000; ms <= 6040; ms += 40)
        {
            writer.AvcFrame(ms, false, FlvTestWriter.NalUnit(2, 2));
        }

        int afterLimit = (int)writer.Offset;
        writer.AvcFrame(6080, false, FlvTestWriter.NalUnit(2, 2));
        var stream = new NonSeekableChunkedStream(writer.ToArray(), seed: 5, maxChunk: 64, poisonAfter: afterLimit);
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        Assert.Equal(afterLimit, stream.BytesRead);
    }

    [Fact]
    public async Task OpenAsync_looks_ahead_at_most_8_MiB()
    {
        var writer = new FlvTestWriter();
        for (int i = 0; i < 9; i++)
        {
            writer.AvcFrame((uint)i, false, FlvTestWriter.NalUnit(1_000_000, (byte)i));
        }

        int limit = 13 + 8 * 1024 * 1024 + 11;
        var stream = new NonSeekableChunkedStream(writer.ToArray(), seed: 6, maxChunk: 1 << 20, poisonAfter: limit);
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        Assert.True(stream.BytesRead <= limit);
        Assert.Equal(9, (await FlvFrameRecord.ReadAllAsync(new MemoryStream(writer.ToArray()))).Count);
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_reading_resumes_where_it_stopped()
    {
        await using FlvReader reader = await OpenAsync(BothTracks().ToArray());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync(new CancellationToken(canceled: true)).AsTask());
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.Current.IsConfiguration);
        Assert.Equal(1, reader.FramesRead);
    }

    [Fact]
    public async Task Reading_after_dispose_throws()
    {
        FlvReader reader = await OpenAsync(BothTracks().ToArray());
        reader.Dispose();
        reader.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => reader.ReadAsync().AsTask());
    }

    [Fact]
    public async Task Disposing_closes_the_stream_unless_asked_to_leave_it_open()
    {
        byte[] bytes = BothTracks().ToArray();
        var closed = new NonSeekableChunkedStream(bytes, seed: 7);
        var open = new NonSeekableChunkedStream(bytes, seed: 7);
        await (await FlvReader.OpenAsync(closed)).DisposeAsync();
        (await FlvReader.OpenAsync(open, leaveOpen: true)).Dispose();
        Assert.True(closed.IsDisposed);
        Assert.False(open.IsDisposed);
    }

    [Fact]
    public async Task A_failed_open_closes_the_stream()
    {
        var stream = new NonSeekableChunkedStream("NOT AN FLV FILE"u8.ToArray(), seed: 8);
        await Assert.ThrowsAsync<InvalidDataException>(() => FlvReader.OpenAsync(stream).AsTask());
        Assert.True(stream.IsDisposed);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 7, true)]
    [InlineData(3, 300, false)]
    [InlineData(4, 70_000, false)]
    [InlineData(5, 70_000, true)]
    public async Task A_non_seekable_stream_with_short_reads_gives_the_same_frames_as_a_memory_stream(int seed, int maxChunk, bool completeAsynchronously)
    {
        var writer = BothTracks();
        var random = new Random(seed);
        for (uint i = 0; i < 200; i++)
        {
            int size = random.Next(0, 10) == 0 ? random.Next(64 * 1024, 300 * 1024) : random.Next(1, 3000);
            writer.AvcFrame(80 + i * 40, i % 50 == 0, FlvTestWriter.NalUnit(size, (byte)i), compositionTime: random.Next(-100, 100));
            writer.AacFrame(80 + i * 23, FlvTestWriter.NalUnit(random.Next(1, 400), (byte)(i + 1)));
        }

        byte[] bytes = writer.ToArray();
        List<FlvFrameRecord> expected = await FlvFrameRecord.ReadAllAsync(new MemoryStream(bytes));
        List<FlvFrameRecord> actual = await FlvFrameRecord.ReadAllAsync(new NonSeekableChunkedStream(bytes, seed, maxChunk, completeAsynchronously: completeAsynchronously));

        Assert.Equal(406, expected.Count);
        Assert.Equal(expected, actual, Same);
    }
}
