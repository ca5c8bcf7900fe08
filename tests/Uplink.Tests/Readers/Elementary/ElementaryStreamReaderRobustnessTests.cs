using Uplink.Media;
using static Uplink.Tests.Readers.Elementary.ElementaryTestData;

namespace Uplink.Tests.Readers.Elementary;

public class ElementaryStreamReaderRobustnessTests
{
    [Fact]
    public async Task Empty_video_is_not_annex_b()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync([], null));
        Assert.Equal("not an H.264 Annex-B stream: the stream is empty", e.Message);
    }

    [Fact]
    public async Task Text_is_not_annex_b_and_the_message_says_how_far_it_looked()
    {
        byte[] text = "Hello, this is not a video.\nNot at all.\n"u8.ToArray();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(text, null));
        Assert.Equal($"not an H.264 Annex-B stream: no start code in the first {text.Length} bytes", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_bytes_are_neither_annex_b_nor_adts(int seed)
    {
        byte[] random = new byte[3 * 1024 * 1024];
        new Random(seed).NextBytes(random);
        random[1000] = 0; // a start code, so the search goes on past it
        random[1001] = 0;
        random[1002] = 1;

        var video = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(random, null));
        var audio = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(null, random));
        Assert.StartsWith("not an H.264 Annex-B stream: no SPS", video.Message);
        Assert.StartsWith("not an AAC ADTS stream: no ADTS frame header in the first ", audio.Message);
        Assert.DoesNotContain('\n', video.Message + audio.Message);
    }

    [Fact]
    public async Task Empty_and_text_audio_is_not_adts()
    {
        var empty = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(null, []));
        var text = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(null, "plain text"u8.ToArray()));
        Assert.Equal("not an AAC ADTS stream: the stream is empty", empty.Message);
        Assert.Equal("not an AAC ADTS stream: no ADTS frame header in the first 10 bytes", text.Message);
    }

    [Fact]
    public async Task Opening_needs_a_stream()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ElementaryStreamReader.OpenAsync(null, null).AsTask());
    }

    [Fact]
    public async Task Without_vui_timing_the_frame_rate_must_be_given()
    {
        byte[] stream = new AnnexBTestStream().Sps().Pps().IdrSlice(0).IdrSlice(1).IdrSlice(2).ToArray();

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(stream, null));
        List<Frame> frames = await ReadAllAsync(stream, null, new ElementaryStreamOptions { FrameRate = 30 });

        Assert.Equal("the H.264 stream has no frame rate in its SPS (at offset 4): give --fps", e.Message);
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.True(f.IsKeyframe));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromTicks(333_333), TimeSpan.FromTicks(666_667)], frames.Select(f => f.Pts));
        Assert.Equal(frames.Select(f => f.Dts), frames.Select(f => f.Pts));
    }

    [Fact]
    public async Task Vui_timing_gives_the_frame_rate_of_a_handmade_stream()
    {
        byte[] stream = new AnnexBTestStream().Sps(timeScale: 60).Pps().IdrSlice(0).IdrSlice(1, payload: 3).ToArray();
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(new MemoryStream(stream), null);
        List<Frame> frames = await ReadAllAsync(reader);

        Assert.Equal(30.0, reader.FrameRate);
        Assert.Equal(2, frames.Count);
        Assert.Equal(stream, frames.SelectMany(f => f.Data).ToArray());
    }

    [Fact]
    public async Task Without_a_vui_reorder_count_the_delay_comes_from_the_first_look_ahead_and_poc_lsb_wraps()
    {
        // I0 P3 B1 B2 P6 B4 B5 … in decode order (display index d, POC 2d); pic_order_cnt_lsb has 4 bits, so it wraps
        // every 8 frames and the MSB must be tracked. Two IDR periods, so the POC restarts once.
        var stream = new AnnexBTestStream().SpsWithPocLsb().Pps();
        var display = new List<int>();
        for (int period = 0; period < 2; period++)
        {
            stream.PocSlice('I', 0, 0, reference: true, idrPicId: period);
            display.Add(0);
            int frameNum = 1;
            for (int group = 0; group < 10; group++)
            {
                int p = (3 * group) + 3;
                stream.PocSlice('P', frameNum, (2 * p) % 16, reference: true);
                stream.PocSlice('B', (frameNum + 1) % 16, (2 * (p - 2)) % 16, reference: false);
                stream.PocSlice('B', (frameNum + 1) % 16, (2 * (p - 1)) % 16, reference: false);
                display.AddRange([p, p - 2, p - 1]);
                frameNum = (frameNum + 1) % 16;
            }
        }

        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            new MemoryStream(stream.ToArray()), null, new ElementaryStreamOptions { FrameRate = 25 });
        List<Frame> frames = await ReadAllAsync(reader);

        Assert.Equal(1, reader.ReorderDelay);
        Assert.Equal(62, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            long expectedPts = (i < 31 ? display[i] : 31 + display[i]) + 1;
            Assert.Equal(TimeSpan.FromMilliseconds(40 * i), frames[i].Dts);
            Assert.Equal(TimeSpan.FromMilliseconds(40 * expectedPts), frames[i].Pts);
        }
    }

    [Fact]
    public async Task Poc_type_1_orders_non_reference_pictures_by_their_expected_order_count()
    {
        // Decode order I0 P2 b1 P4 b3 … (POC): each non-reference b is shown before the P decoded just before it.
        var stream = new AnnexBTestStream().SpsWithPocType1().Pps().PocSlice('I', 0, null, reference: true);
        var pocs = new List<int> { 0 };
        for (int k = 1; k <= 20; k++)
        {
            stream.PocSlice('P', k, null, reference: true).PocSlice('B', k + 1, null, reference: false);
            pocs.AddRange([2 * k, (2 * k) - 1]);
        }

        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            new MemoryStream(stream.ToArray()), null, new ElementaryStreamOptions { FrameRate = 25 });
        List<Frame> frames = await ReadAllAsync(reader);

        List<int> outputOrder = [.. pocs.Order()];
        Assert.Equal(1, reader.ReorderDelay);
        Assert.Equal(pocs.Select(poc => TimeSpan.FromMilliseconds(40 * (outputOrder.IndexOf(poc) + 1))), frames.Select(f => f.Pts));
    }

    [Fact]
    public async Task Slices_that_continue_a_picture_join_its_access_unit()
    {
        byte[] stream = new AnnexBTestStream().Sps(60).Pps()
            .IdrSlice(0).IdrSlice(0, firstMb: 20).IdrSlice(0, firstMb: 40)
            .IdrSlice(1).IdrSlice(1, firstMb: 30)
            .IdrSlice(1).ToArray(); // first_mb_in_slice 0 again: a new picture even with the same idr_pic_id
        List<Frame> frames = await ReadAllAsync(stream, null);

        Assert.Equal([3, 2, 1], frames.Select(f => NalTypes(f.Data).Count(t => t == 5)));
    }

    [Fact]
    public async Task Garbage_before_the_first_start_code_and_between_access_units_is_skipped()
    {
        byte[] original = Bytes("bf2.h264");
        List<Frame> clean = await ReadAllAsync(original, null);
        int cut = clean.Take(20).Sum(f => f.Data.Length);
        byte[] garbage = [0, 0, 1, 0xFF, 0xDE, 0xAD, 0xBE, 0xEF, 0x42];
        byte[] damaged = [.. "junk!"u8, .. original.AsSpan(0, cut), .. garbage, .. original.AsSpan(cut)];
        var warnings = new List<string>();

        List<Frame> frames = await ReadAllAsync(damaged, null, warnings: warnings);

        Assert.Equal(clean, frames);
        Assert.Equal(
            ["H.264 Annex-B: skipped 5 bytes before the first start code at offset 5",
             $"H.264 Annex-B: NAL unit at offset {5 + cut + 3} has forbidden_zero_bit set: skipped as garbage"],
            warnings);
    }

    [Fact]
    public async Task A_stream_cut_inside_an_access_unit_delivers_the_complete_ones_before_it()
    {
        byte[] original = Bytes("bf3-pyramid.h264");
        List<Frame> clean = await ReadAllAsync(original, null);
        int cut = clean.Take(30).Sum(f => f.Data.Length) + (clean[30].Data.Length / 2);

        List<Frame> frames = await ReadAllAsync(original[..cut], null);

        Assert.Equal(31, frames.Count);
        Assert.Equal(clean.Take(30).Select(f => (f.Dts, f.Data.Length)), frames.Take(30).Select(f => (f.Dts, f.Data.Length)));
        Assert.Equal(original[(cut - frames[30].Data.Length)..cut], frames[30].Data);
    }

    [Fact]
    public async Task A_stream_cut_before_the_first_slice_of_an_access_unit_ends_with_a_warning()
    {
        byte[] original = Bytes("bf2.h264");
        List<Frame> clean = await ReadAllAsync(original, null);
        int offset = clean.Take(12).Sum(f => f.Data.Length);
        Assert.Equal([7, 8, 5], NalTypes(clean[12].Data)); // the second IDR, with its parameter sets
        int cut = offset + 10; // inside the SPS
        var warnings = new List<string>();

        List<Frame> frames = await ReadAllAsync(original[..cut], null, warnings: warnings);

        Assert.Equal(clean.Take(12).Select(f => f.Data), frames.Select(f => f.Data));
        Assert.Equal(
            [$"H.264 Annex-B: the SPS at offset {offset + 4} is malformed: ignored",
             $"H.264 Annex-B: the stream ends inside the access unit at offset {offset}, before its first slice: its 10 bytes are dropped"],
            warnings);
    }

    [Fact]
    public async Task An_access_unit_over_the_limit_is_an_error_naming_its_offset()
    {
        byte[] original = Bytes("bf0-aud.h264");
        List<Frame> clean = await ReadAllAsync(original, null);
        int limit = clean.Max(f => f.Data.Length) - 1;
        int biggest = clean.FindIndex(f => f.Data.Length > limit);
        long offset = clean.Take(biggest).Sum(f => (long)f.Data.Length);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenWithLimitAsync(
                new NonSeekableChunkedStream(original, seed: 4, maxChunk: 512), null, null, null, limit, default);
            await ReadAllAsync(reader);
        });

        Assert.True(biggest > 0);
        Assert.Equal($"H.264 access unit at offset {offset} is larger than the limit of {limit} bytes", e.Message);
    }

    [Fact]
    public async Task A_long_run_without_start_codes_stops_at_the_limit_without_reading_it_all()
    {
        byte[] stream = [.. new AnnexBTestStream().Sps(60).Pps().IdrSlice(0).ToArray(), .. Enumerable.Repeat((byte)0x55, 4 * 1024 * 1024)];
        var pipe = new NonSeekableChunkedStream(stream, seed: 5, maxChunk: 65536);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenWithLimitAsync(
                pipe, null, null, new MediaReaderOptions { LeaveOpen = true }, 1024 * 1024, default);
        });

        Assert.Equal("H.264 access unit at offset 0 is larger than the limit of 1048576 bytes", e.Message);
        Assert.True(pipe.BytesRead < 2 * 1024 * 1024, $"read {pipe.BytesRead} bytes");
    }

    [Fact]
    public async Task Adts_resynchronises_after_a_damaged_header_and_names_the_offset()
    {
        byte[] original = Bytes("tone.aac");
        List<Frame> clean = await ReadAllAsync(null, original);
        long damagedAt = clean.Take(10).Sum(f => (long)f.Data.Length);
        byte[] damaged = (byte[])original.Clone();
        damaged[damagedAt] = 0x00;
        var warnings = new List<string>();

        List<Frame> frames = await ReadAllAsync(null, damaged, warnings: warnings);

        Assert.Equal(clean.Count - 1, frames.Count);
        Assert.Equal(clean.Take(10).Concat(clean.Skip(11)).Select(f => f.Data), frames.Select(f => f.Data));
        string warning = Assert.Single(warnings);
        Assert.Equal($"AAC ADTS: lost sync at offset {damagedAt}: skipped {clean[10].Data.Length} bytes to the next frame header at offset {damagedAt + clean[10].Data.Length}", warning);
    }

    [Fact]
    public async Task Adts_cut_inside_a_frame_ends_with_a_warning()
    {
        byte[] original = Bytes("tone.aac");
        List<Frame> clean = await ReadAllAsync(null, original);
        int cut = clean.Take(40).Sum(f => f.Data.Length) + 50;
        var warnings = new List<string>();

        List<Frame> frames = await ReadAllAsync(null, original[..cut], warnings: warnings);

        Assert.Equal(clean.Take(40), frames);
        Assert.Equal($"AAC ADTS: the stream ends inside the frame, 50 of its {clean[40].Data.Length} bytes at offset {cut - 50}: the partial frame is dropped", Assert.Single(warnings));
    }
}
