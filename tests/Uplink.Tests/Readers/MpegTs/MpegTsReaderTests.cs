using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>Behaviour on hand-made transport streams (see <see cref="MpegTsTestWriter"/>).</summary>
public class MpegTsReaderTests
{
    private const int V = MpegTsTestWriter.VideoPid;
    private const int A = MpegTsTestWriter.AudioPid;

    private static async Task<(List<MpegTsFrameRecord> Frames, List<string> Warnings, MpegTsReader Reader)> ReadAsync(byte[] data, int? maxPesSize = null)
    {
        var warnings = new List<string>();
        var options = new MediaReaderOptions { OnWarning = warnings.Add };
        MpegTsReader reader = maxPesSize is int limit
            ? await MpegTsReader.OpenWithLimitAsync(new MemoryStream(data), options, limit, default)
            : await MpegTsReader.OpenAsync(new MemoryStream(data), options);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        await reader.DisposeAsync();
        return (frames, warnings, reader);
    }

    [Fact]
    public async Task Timestamps_convert_to_ticks_exactly_rounded_to_nearest()
    {
        var writer = new MpegTsTestWriter().Program(audio: false);
        foreach (long pts in new long[] { 1, 2, 5, 90_000, 8_589_934_591 })
        {
            writer.Pes(V, pts, null, MpegTsTestWriter.AccessUnit(false, 10, 1));
        }

        (List<MpegTsFrameRecord> frames, List<string> warnings, _) = await ReadAsync(writer.ToArray());
        Assert.Empty(warnings);
        Assert.Equal([111L, 222, 556, 10_000_000, 954_437_176_778], frames.ConvertAll(f => f.DtsTicks));
        Assert.All(frames, f => Assert.Equal(f.DtsTicks, f.PtsTicks));
    }

    [Fact]
    public async Task Video_pes_of_unbounded_and_bounded_length_with_adaptation_fields_of_0_and_183_bytes()
    {
        byte[] idr = MpegTsTestWriter.AccessUnit(true, 3 * 184 - 11 - 19 + 183 - 184, 1); // last packet: 183 payload bytes, adaptation length 0
        byte[] p = MpegTsTestWriter.AccessUnit(false, 5000, 2);
        byte[] data = new MpegTsTestWriter().Program(audio: false)
            .Pes(V, 3600, 0, idr, bounded: false)
            .AdaptationOnly(V)
            .Pes(V, 10800, 3600, p, bounded: true)
            .AdaptationOnly(V)
            .Pes(V, 7200, 7200, p, bounded: false)
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal(3, frames.Count);
        Assert.Equal(idr, frames[0].Data);
        Assert.True(frames[0].IsKeyframe);
        Assert.False(frames[1].IsKeyframe);
        Assert.Equal(p, frames[1].Data);
        Assert.Equal(p, frames[2].Data);
        Assert.Equal([0L, 3600, 7200], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal([3600L, 10800, 7200], frames.ConvertAll(f => f.Pts90kHz));
        Assert.Equal(0, reader.ContinuityErrors);
    }

    [Fact]
    public async Task Each_adts_frame_of_a_pes_is_a_frame_timed_k_times_1024_samples_after_the_pes_pts()
    {
        byte[] three = [.. MpegTsTestWriter.AdtsFrame(100, sampleRateIndex: 3), .. MpegTsTestWriter.AdtsFrame(200, sampleRateIndex: 3), .. MpegTsTestWriter.AdtsFrame(300, sampleRateIndex: 3)];
        byte[] data = new MpegTsTestWriter().Program(video: false)
            .Pes(A, 90_000, null, three)
            .Pes(A, null, null, MpegTsTestWriter.AdtsFrame(50, sampleRateIndex: 3)) // no PTS: continues from the previous frame
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, _) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal([107, 207, 307, 57], frames.ConvertAll(f => f.Data.Length));
        long second = TimeSpan.TicksPerSecond;

        // 48 kHz: 1024 samples = 213333.33 ticks; each offset is computed from the PES PTS, rounded once.
        Assert.Equal([second, second + 213_333, second + 426_667, second + 640_000], frames.ConvertAll(f => f.PtsTicks));
        Assert.All(frames, f => Assert.True(f.IsKeyframe && f.DtsTicks == f.PtsTicks));
    }

    [Fact]
    public async Task A_pes_whose_adts_sync_is_lost_keeps_the_frames_before_and_warns()
    {
        byte[] broken = MpegTsTestWriter.AdtsFrame(100);
        broken[0] = 0x00;
        byte[] data = new MpegTsTestWriter().Program(video: false)
            .Pes(A, 90_000, null, [.. MpegTsTestWriter.AdtsFrame(100), .. broken, .. MpegTsTestWriter.AdtsFrame(100)])
            .Pes(A, 92_090, null, MpegTsTestWriter.AdtsFrame(100))
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, _) = await ReadAsync(data);
        Assert.Equal(2, frames.Count);
        Assert.Equal(92_090, frames[1].Pts90kHz);
        Assert.Equal(["MPEG-TS: audio PES on PID 257 at offset 376: no valid ADTS header 121 bytes into the PES; dropped the rest of the PES"], warnings);
    }

    [Fact]
    public async Task Timestamps_unwrap_past_two_to_the_33_and_keep_rising()
    {
        const long wrap = 1L << 33;
        var writer = new MpegTsTestWriter().Program();
        long[] dts = [wrap - 7200, wrap - 3600, 0, 3600, wrap - 1800 /* late audio from before the wrap */];
        writer.Pes(V, dts[0] + 3600, dts[0], MpegTsTestWriter.AccessUnit(true, 10, 1))
            .Pes(V, dts[1] + 3600, dts[1], MpegTsTestWriter.AccessUnit(false, 10, 1))
            .Pes(A, dts[4], null, MpegTsTestWriter.AdtsFrame(10))
            .Pes(V, (dts[2] + 3600) % wrap, dts[2], MpegTsTestWriter.AccessUnit(false, 10, 1))
            .Pes(V, (wrap - 100 + 3600) % wrap, wrap - 100, MpegTsTestWriter.AccessUnit(false, 10, 1)) // PTS after the wrap, DTS before
            .Pes(V, dts[3] + 3600, dts[3], MpegTsTestWriter.AccessUnit(false, 10, 1));
        (List<MpegTsFrameRecord> frames, _, _) = await ReadAsync(writer.ToArray());
        Assert.Equal([wrap - 7200, wrap - 3600, wrap - 1800, wrap, wrap - 100, wrap + 3600], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal([wrap - 3600, wrap, wrap - 1800, wrap + 3600, wrap + 3500, wrap + 7200], frames.ConvertAll(f => f.Pts90kHz));
    }

    [Fact]
    public async Task A_pmt_version_change_moves_the_video_to_another_pid()
    {
        byte[] data = new MpegTsTestWriter().Program()
            .Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 300, 1))
            .Pes(A, 3600, null, MpegTsTestWriter.AdtsFrame(10))
            .Pmt(1, (0x1B, 0x300, []), (0x0F, A, []))
            .Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 300, 2)) // the old PID: ignored now
            .Pes(0x300, 10800, null, MpegTsTestWriter.AccessUnit(true, 300, 3))
            .Pes(0x300, 14400, null, MpegTsTestWriter.AccessUnit(false, 300, 4))
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal(0x300, reader.VideoPid);
        Assert.Equal([3600L, 3600, 10800, 14400], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal([MediaTrack.Video, MediaTrack.Audio, MediaTrack.Video, MediaTrack.Video], frames.ConvertAll(f => f.Track));
    }

    [Fact]
    public async Task A_later_pmt_that_switches_the_video_to_hevc_is_refused_while_reading()
    {
        byte[] data = new MpegTsTestWriter().Program(audio: false)
            .Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 300, 1))
            .Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 300, 1))
            .Pmt(1, (0x24, V, []))
            .Pes(V, 10800, null, MpegTsTestWriter.AccessUnit(true, 300, 1))
            .ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data));
        Assert.True(await reader.ReadAsync());
        Assert.True(await reader.ReadAsync());
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await reader.ReadAsync());
        Assert.Equal("MPEG-TS: video on PID 256 is HEVC (H.265) (stream type 0x24), but the stream began in H.264: a new PMT cannot switch the codec while publishing", e.Message);
        var again = await Assert.ThrowsAsync<NotSupportedException>(async () => await reader.ReadAsync());
        Assert.Equal(e.Message, again.Message);
    }

    [Fact]
    public async Task A_duplicate_packet_is_ignored_once_and_a_second_duplicate_is_a_gap()
    {
        var writer = new MpegTsTestWriter().Program(audio: false).Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 500, 1));
        byte[] clean = writer.Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 10, 1)).ToArray();
        int second = 3 * 188; // the second video packet (PAT, PMT, then video with counters 0, 1 …)
        byte[] once = [.. clean[..(second + 188)], .. clean[second..(second + 188)], .. clean[(second + 188)..]];
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(once);
        Assert.Empty(warnings);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(MpegTsTestWriter.AccessUnit(true, 500, 1), frames[0].Data);

        byte[] twice = [.. clean[..(second + 188)], .. clean[second..(second + 188)], .. clean[second..(second + 188)], .. clean[(second + 188)..]];
        (frames, warnings, reader) = await ReadAsync(twice);
        Assert.Equal(1, reader.ContinuityErrors);
        Assert.Single(frames);
        Assert.Equal(7200, frames[0].Dts90kHz);
        Assert.Equal(["MPEG-TS: continuity gap on PID 256 at offset 940: counter 1 after 1; dropped the PES that started at offset 376"], warnings);
    }

    [Fact]
    public async Task A_counter_jump_flagged_as_a_discontinuity_is_not_a_gap_but_an_unflagged_one_is()
    {
        MpegTsTestWriter Build(bool flagged) => new MpegTsTestWriter().Program(audio: false)
            .Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 500, 1))
            .JumpCounter(V, 5, flagged)
            .Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 500, 1))
            .Pes(V, 10800, null, MpegTsTestWriter.AccessUnit(false, 10, 1));
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(Build(true).ToArray());
        Assert.Empty(warnings);
        Assert.Equal(3, frames.Count);
        Assert.Equal(0, reader.ContinuityErrors);

        (frames, warnings, reader) = await ReadAsync(Build(false).ToArray());
        Assert.Equal(1, reader.ContinuityErrors);
        Assert.Single(warnings);
        Assert.Equal([3600L, 7200, 10800], frames.ConvertAll(f => f.Dts90kHz)); // the gap fell between two PES: nothing lost
    }

    [Fact]
    public async Task A_pes_over_the_size_limit_is_dropped_with_a_warning_and_reading_goes_on()
    {
        byte[] data = new MpegTsTestWriter().Program(audio: false)
            .Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 5000, 1), bounded: false)
            .Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 500, 1), bounded: false)
            .Pes(V, 10800, null, MpegTsTestWriter.AccessUnit(false, 500, 1), bounded: false)
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, _) = await ReadAsync(data, maxPesSize: 2000);
        Assert.Equal([7200L, 10800], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal(["MPEG-TS: dropped the PES on PID 256 that started at offset 376: it grows past the limit of 2000 bytes at offset 2256"], warnings);
    }

    [Fact]
    public async Task M2ts_packets_with_a_4_byte_prefix_give_the_same_frames()
    {
        byte[] ts = MpegTsTestData.Read("standard.ts");
        byte[] m2ts = new byte[ts.Length / 188 * 192];
        for (int i = 0; i < ts.Length / 188; i++)
        {
            m2ts[i * 192] = (byte)(i >> 8); // arbitrary arrival timestamps
            m2ts[(i * 192) + 3] = (byte)i;
            ts.AsSpan(i * 188, 188).CopyTo(m2ts.AsSpan((i * 192) + 4));
        }

        List<MpegTsFrameRecord> expected = await MpegTsFrameRecord.ReadAllAsync(new MemoryStream(ts));
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(m2ts);
        Assert.Empty(warnings);
        Assert.Equal(192, reader.TransportPacketSize);
        Assert.Equal(expected.Count, frames.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] with { PesOffset = 0 } is var e && e.SameAs(frames[i] with { PesOffset = 0 }), $"frame {i}");
            Assert.Equal(expected[i].PesOffset / 188 * 192, frames[i].PesOffset);
        }
    }

    [Fact]
    public async Task A_stream_with_only_the_program_tables_has_tracks_but_no_frames()
    {
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(new MpegTsTestWriter().Program().ToArray());
        Assert.Empty(frames);
        Assert.Empty(warnings);
        Assert.NotNull(reader.Video);
        Assert.NotNull(reader.Audio);
        Assert.Equal(2, reader.PacketsRead);
    }

    [Fact]
    public async Task Reading_after_dispose_throws_and_the_stream_is_closed_unless_left_open()
    {
        var stream = new NonSeekableChunkedStream(MpegTsTestData.Read("standard.ts"), seed: 1);
        MpegTsReader reader = await MpegTsReader.OpenAsync(stream);
        Assert.True(await reader.ReadAsync());
        reader.Dispose();
        Assert.True(stream.IsDisposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await reader.ReadAsync());

        var kept = new NonSeekableChunkedStream(MpegTsTestData.Read("standard.ts"), seed: 1);
        await (await MpegTsReader.OpenAsync(kept, new MediaReaderOptions { LeaveOpen = true })).DisposeAsync();
        Assert.False(kept.IsDisposed);
    }

    [Fact]
    public async Task A_cancelled_read_returns_a_cancelled_task()
    {
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(MpegTsTestData.Read("standard.ts")));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cancelled.Token));
        Assert.True(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_pmt_section_spanning_several_packets_is_reassembled()
    {
        byte[] longDescriptors = new byte[2 * 200];
        for (int i = 0; i < longDescriptors.Length; i += 200)
        {
            longDescriptors[i] = 0x0A; // ISO 639 language descriptors, 198 bytes each: ignored
            longDescriptors[i + 1] = 198;
        }

        byte[] data = new MpegTsTestWriter().Pat()
            .Pmt(0, (0x06, 0x200, longDescriptors), (0x1B, V, []), (0x0F, A, longDescriptors))
            .Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 100, 1))
            .Pes(A, 3600, null, MpegTsTestWriter.AdtsFrame(100))
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal(V, reader.VideoPid);
        Assert.Equal(A, reader.AudioPid);
        Assert.Equal(2, frames.Count);
        Assert.Equal(8, reader.PacketsRead); // PAT, a 831-byte PMT section in five packets, video, audio
    }

    [Fact]
    public async Task A_pmt_with_a_bad_crc_is_ignored_with_a_warning()
    {
        byte[] good = new MpegTsTestWriter().Program(audio: false).Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 100, 1)).ToArray();
        byte[] bad = new MpegTsTestWriter().Pat().Pmt(1, (0x02, V, [])).ToArray()[188..376]; // a PMT v1 announcing MPEG-2 video …
        bad[24] ^= 0x01; // … whose CRC no longer matches (the 21-byte section starts at byte 5; its CRC is bytes 22 to 25)
        byte[] data = [.. good, .. bad, .. new MpegTsTestWriter().JumpCounter(V, 1, false).Pes(V, 7200, null, MpegTsTestWriter.AccessUnit(false, 100, 1)).ToArray()];
        data[(good.Length + 188) + 3] = (byte)((data[(good.Length + 188) + 3] & 0xF0) | 1); // keep the video counters in step
        data[good.Length + 3] = (byte)((data[good.Length + 3] & 0xF0) | 1); // and the PMT's
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(data);
        Assert.Equal([3600L, 7200], frames.ConvertAll(f => f.Dts90kHz));
        Assert.Equal([$"MPEG-TS: PMT section in the packet at offset {good.Length} on PID 4096 fails its CRC-32; ignored"], warnings);
        Assert.Equal(0, reader.ContinuityErrors);
    }

    [Fact]
    public async Task A_pat_version_change_moves_the_pmt()
    {
        var writer = new MpegTsTestWriter().Program(audio: false).Pes(V, 3600, null, MpegTsTestWriter.AccessUnit(true, 100, 1));
        byte[] first = writer.ToArray();
        byte[] moved = new MpegTsTestWriter().Pat(pmtPid: 0x1100, version: 1).ToArray();
        moved[3] = (byte)((moved[3] & 0xF0) | 1); // the PAT's second packet: counter 1
        byte[] pmt = new MpegTsTestWriter().Pat().Pmt(0, (0x1B, 0x400, [])).ToArray()[188..376];
        pmt[1] = (byte)(0x40 | (0x1100 >> 8)); // the same PMT, carried on PID 0x1100 now and listing video on 0x400
        pmt[2] = 0x1100 & 0xFF;
        byte[] rest = new MpegTsTestWriter().Pes(0x400, 7200, null, MpegTsTestWriter.AccessUnit(false, 100, 1)).ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync([.. first, .. moved, .. pmt, .. rest]);
        Assert.Empty(warnings);
        Assert.Equal(0x400, reader.VideoPid);
        Assert.Equal([3600L, 7200], frames.ConvertAll(f => f.Dts90kHz));
    }

    [Fact]
    public async Task The_look_ahead_stops_after_5_seconds_when_a_listed_stream_stays_silent()
    {
        var writer = new MpegTsTestWriter().Program();
        for (int i = 0; i < 250; i++)
        {
            writer.Pes(V, 3600 * i, null, MpegTsTestWriter.AccessUnit(i % 25 == 0, 500, 1), bounded: false);
        }

        byte[] data = writer.ToArray();
        Assert.True(data.Length > 140_000);
        var stream = new NonSeekableChunkedStream(data, seed: 2, maxChunk: 4096, poisonAfter: 110_000);
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(stream);
        Assert.NotNull(reader.Video);
        Assert.NotNull(reader.Audio);
        Assert.InRange(stream.BytesRead, 70_000, 110_000); // 5 s of video is 125 frames of 564 bytes
    }

    [Fact]
    public async Task A_pointer_field_separates_the_end_of_one_section_from_the_start_of_the_next()
    {
        byte[] longDescriptors = [0x0A, 198, .. new byte[198], 0x0A, 198, .. new byte[198]];
        byte[] tables = new MpegTsTestWriter().Pat().Pmt(0, (0x06, 0x200, longDescriptors), (0x1B, V, []), (0x0F, A, longDescriptors)).ToArray();
        Assert.Equal(6 * 188, tables.Length); // PAT, then the 831-byte PMT section: 183 + 3 × 184 + 96 bytes
        byte[] shortPmt = new MpegTsTestWriter().Pat().Pmt(1, (0x1B, 0x300, [])).ToArray()[188..];
        byte[] v1Section = shortPmt[5..(5 + 3 + shortPmt[7])];
        byte[] last = tables[(5 * 188)..];
        last[1] |= 0x40; // the last PMT packet now starts a section too …
        byte[] payload = [96, .. last[4..100], .. v1Section];
        payload.CopyTo(last.AsSpan(4)); // … after the pointer_field and the 96-byte tail of the first one
        byte[] data = [.. tables[..(5 * 188)], .. last, .. new MpegTsTestWriter().Pes(0x300, 3600, null, MpegTsTestWriter.AccessUnit(true, 10, 1)).ToArray()];
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal(0x300, reader.VideoPid);
        Assert.Equal(-1, reader.AudioPid);
        Assert.NotNull(reader.Audio); // announced by the first PMT
        Assert.Single(frames);
    }

    [Fact]
    public async Task Pes_header_stuffing_and_cleared_marker_bits_are_tolerated()
    {
        byte[] data = new MpegTsTestWriter().Program()
            .Pes(V, 7200, 3600, MpegTsTestWriter.AccessUnit(true, 10, 1), headerStuffing: 7, markerBits: false)
            .Pes(A, 3600, null, MpegTsTestWriter.AdtsFrame(10), headerStuffing: 32)
            .ToArray();
        (List<MpegTsFrameRecord> frames, List<string> warnings, _) = await ReadAsync(data);
        Assert.Empty(warnings);
        Assert.Equal(MpegTsTestWriter.AccessUnit(true, 10, 1), frames[0].Data);
        Assert.Equal((3600L, 7200L), (frames[0].Dts90kHz, frames[0].Pts90kHz));
        Assert.Equal(MpegTsTestWriter.AdtsFrame(10), frames[1].Data);
    }
}
