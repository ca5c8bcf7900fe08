using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// Damaged copies of the ffmpeg sample: the reader skips the damage, warns, counts it, and delivers every other
/// frame intact — never a frame that differs from the undamaged file's frame with the same track and DTS.
/// </summary>
public class MpegTsReaderDamageTests
{
    private static readonly byte[] Clean = MpegTsTestData.Read("standard.ts");

    private static async Task<(List<MpegTsFrameRecord> Frames, List<string> Warnings, MpegTsReader Reader)> ReadAsync(byte[] data)
    {
        var warnings = new List<string>();
        MpegTsReader reader = await MpegTsReader.OpenAsync(new MemoryStream(data), new MediaReaderOptions { OnWarning = warnings.Add });
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);
        await reader.DisposeAsync();
        return (frames, warnings, reader);
    }

    private static async Task<List<MpegTsFrameRecord>> CleanFramesAsync() => await MpegTsFrameRecord.ReadAllAsync(new MemoryStream(Clean));

    /// <summary>Every frame read from the damaged copy equals the clean frame of the same track and DTS.</summary>
    private static void AssertAllIntact(List<MpegTsFrameRecord> clean, List<MpegTsFrameRecord> damaged)
    {
        foreach (MpegTsFrameRecord f in damaged)
        {
            MpegTsFrameRecord? original = clean.Find(c => c.Track == f.Track && c.DtsTicks == f.DtsTicks);
            Assert.True(original is not null, $"{f} is not in the clean file");
            Assert.True(original.Data.AsSpan().SequenceEqual(f.Data) && original.PtsTicks == f.PtsTicks && original.IsKeyframe == f.IsKeyframe, $"{f} differs from the clean frame");
        }
    }

    /// <summary>The offset of the <paramref name="n"/>-th packet (from 0) of <paramref name="pid"/> that does not start a PES.</summary>
    private static int ContinuationPacketOffset(int pid, int n)
    {
        for (int offset = 0; offset < Clean.Length; offset += 188)
        {
            int packetPid = ((Clean[offset + 1] & 0x1F) << 8) | Clean[offset + 2];
            if (packetPid == pid && (Clean[offset + 1] & 0x40) == 0 && n-- == 0)
            {
                return offset;
            }
        }

        throw new InvalidOperationException("no such packet");
    }

    [Fact]
    public async Task A_garbage_prefix_is_skipped_with_one_sync_loss_and_every_frame_delivered()
    {
        byte[] garbage = new byte[1000];
        new Random(3).NextBytes(garbage);
        garbage.AsSpan().Replace((byte)0x47, (byte)0x46);
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync([.. garbage, .. Clean]);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        Assert.Equal(clean.Count, frames.Count);
        AssertAllIntact(clean, frames);
        Assert.Equal(1, reader.SyncLosses);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(["MPEG-TS: skipped 1000 bytes before the first packet at offset 1000"], warnings);
        Assert.Equal(clean[0].PesOffset + 1000, frames[0].PesOffset);
    }

    [Fact]
    public async Task A_flipped_sync_byte_loses_one_packet_drops_its_frame_and_resynchronises()
    {
        int offset = ContinuationPacketOffset(0x100, 20);
        byte[] damaged = (byte[])Clean.Clone();
        damaged[offset] ^= 0xFF;
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(damaged);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        AssertAllIntact(clean, frames);
        Assert.Equal(1, reader.SyncLosses);
        Assert.Equal(1, reader.ContinuityErrors); // the next video packet sees the lost one's counter missing
        Assert.InRange(frames.Count, clean.Count - 2, clean.Count - 1);
        Assert.Equal(clean.FindAll(f => f.Track == MediaTrack.Video).Count - 1, frames.FindAll(f => f.Track == MediaTrack.Video).Count);
        Assert.Contains($"MPEG-TS: lost sync at offset {offset}; skipped 188 bytes to the next packet at offset {offset + 188} (frames in progress dropped)", warnings);
        Assert.Contains(warnings, w => w.StartsWith("MPEG-TS: continuity gap on PID 256 at offset ", StringComparison.Ordinal));
        Assert.Contains(frames, f => f.PesOffset > offset);
    }

    [Fact]
    public async Task A_flipped_continuity_counter_drops_the_frame_it_belongs_to()
    {
        int offset = ContinuationPacketOffset(0x100, 30);
        byte[] damaged = (byte[])Clean.Clone();
        damaged[offset + 3] ^= 0x08;
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(damaged);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        AssertAllIntact(clean, frames);
        Assert.Equal(0, reader.SyncLosses);
        Assert.Equal(2, reader.ContinuityErrors); // into the damaged packet, and out of it
        Assert.Equal(clean.Count - 1, frames.Count);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith($"MPEG-TS: continuity gap on PID 256 at offset {offset}: counter ", warnings[0]);
        Assert.EndsWith("; dropped the PES that started at offset " + clean.Find(f => f.Track == MediaTrack.Video && f.PesOffset < offset && clean.Find(n => n.Track == MediaTrack.Video && n.PesOffset > f.PesOffset)!.PesOffset > offset)!.PesOffset, warnings[0]);
    }

    [Fact]
    public async Task Flipped_sync_unit_start_error_and_counter_bits_never_deliver_a_damaged_frame()
    {
        // A flipped PID bit can move a packet to another PID unnoticed when its counter happens to fit; those are not tested.
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        var random = new Random(21);
        (int Byte, int Mask)[] detectable = [(0, 0xFF), (1, 0x80), (1, 0x40), (3, 0x01), (3, 0x02), (3, 0x04), (3, 0x08)];
        for (int round = 0; round < 60; round++)
        {
            byte[] damaged = (byte[])Clean.Clone();
            int packet = random.Next(10, (Clean.Length / 188) - 10);
            (int at, int mask) = detectable[round % detectable.Length];
            damaged[(packet * 188) + at] ^= mask == 0xFF ? (byte)(1 << random.Next(8)) : (byte)mask;
            (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(damaged);
            AssertAllIntact(clean, frames);
            Assert.InRange(frames.Count, clean.Count - 4, clean.Count);
            Assert.True(frames.Count == clean.Count || warnings.Count > 0, $"round {round}: a frame vanished without a warning");
            Assert.True(warnings.Count > 0 || frames.Count == clean.Count, $"round {round}");
            Assert.True(reader.SyncLosses == (at == 0 ? 1 : 0), $"round {round}: {reader.SyncLosses} sync losses");
        }
    }

    [Fact]
    public async Task A_cut_of_1000_bytes_in_the_middle_loses_sync_once_and_goes_on()
    {
        int cut = Clean.Length / 2 + 77;
        byte[] damaged = [.. Clean[..cut], .. Clean[(cut + 1000)..]];
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(damaged);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        AssertAllIntact(clean, frames);
        Assert.Equal(1, reader.SyncLosses);
        Assert.InRange(reader.ContinuityErrors, 1, 2);
        Assert.InRange(frames.Count, clean.Count - 8, clean.Count - 1);
        Assert.Contains(frames, f => f.PesOffset > cut);
        Assert.Contains(warnings, w => w.StartsWith($"MPEG-TS: lost sync at offset {cut / 188 * 188 + 188}; skipped ", StringComparison.Ordinal));
        Assert.Contains(frames, f => f.Track == MediaTrack.Video && f.PesOffset > cut && f.IsKeyframe);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(5000)]
    public async Task A_stream_cut_inside_a_packet_ends_cleanly_after_its_last_complete_frame(int removed)
    {
        byte[] damaged = Clean[..(Clean.Length - removed)];
        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync(damaged);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        AssertAllIntact(clean, frames);
        Assert.InRange(frames.Count, clean.Count - 20, clean.Count - 1);
        Assert.Equal(0, reader.SyncLosses);
        Assert.Contains($"MPEG-TS: the stream ends inside a packet at offset {damaged.Length / 188 * 188} ({damaged.Length % 188} of 188 bytes)", warnings);
        Assert.Contains(warnings, w => w.EndsWith("the stream was cut inside a packet, so its end may be missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_cut_at_a_packet_boundary_delivers_its_last_video_pes_as_it_is()
    {
        // A PES without a declared length (video) ends where the stream ends: as for ffmpeg, there is no telling it was cut.
        byte[] damaged = Clean[..(Clean.Length - (188 * 3))];
        (List<MpegTsFrameRecord> frames, _, MpegTsReader reader) = await ReadAsync(damaged);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        MpegTsFrameRecord last = frames.FindLast(f => f.Track == MediaTrack.Video)!;
        AssertAllIntact(clean, frames.FindAll(f => f != last));
        Assert.StartsWith(
            Convert.ToHexString(last.Data),
            Convert.ToHexString(clean.Find(c => c.Track == MediaTrack.Video && c.DtsTicks == last.DtsTicks)!.Data),
            StringComparison.Ordinal);
        Assert.Equal(0, reader.ContinuityErrors);
    }

    [Fact]
    public async Task Every_packet_sent_twice_gives_the_same_frames_without_errors()
    {
        var doubled = new List<byte>();
        for (int offset = 0; offset < Clean.Length; offset += 188)
        {
            doubled.AddRange(Clean.AsSpan(offset, 188));
            doubled.AddRange(Clean.AsSpan(offset, 188));
        }

        (List<MpegTsFrameRecord> frames, List<string> warnings, MpegTsReader reader) = await ReadAsync([.. doubled]);
        List<MpegTsFrameRecord> clean = await CleanFramesAsync();
        Assert.Equal(clean.Count, frames.Count);
        AssertAllIntact(clean, frames);
        Assert.Empty(warnings);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(2 * Clean.Length / 188, reader.PacketsRead);
    }
}
