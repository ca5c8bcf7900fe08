using System.Buffers.Binary;
using System.Text;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>Malformed input gives one clear line naming the problem and the offset; odd but valid box sizes work.</summary>
public class Mp4ReaderErrorTests
{
    private static async Task<InvalidDataException> OpenFailsAsync(byte[] bytes, bool pipe = false)
    {
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 1) : new MemoryStream(bytes);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using Mp4Reader reader = await Mp4Reader.OpenAsync(stream);
            while (await reader.ReadAsync())
            {
            }
        });
        Assert.StartsWith("MP4: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public async Task An_empty_stream_is_not_an_MP4_file()
    {
        var e = await OpenFailsAsync([]);
        Assert.Equal("MP4: not an MP4/MOV file: the stream is empty", e.Message);
    }

    [Fact]
    public async Task Text_is_not_an_MP4_file()
    {
        var e = await OpenFailsAsync(Encoding.ASCII.GetBytes("hello world, this is not a movie\n"), pipe: true);
        Assert.Equal("MP4: not an MP4/MOV file: the first box at offset 0 has type 'o wo' (expected ftyp, moov, mdat, free …)", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_bytes_are_not_an_MP4_file(int seed)
    {
        byte[] bytes = new byte[5000];
        new Random(seed).NextBytes(bytes);
        var e = await OpenFailsAsync(bytes);
        Assert.Contains("not an MP4/MOV file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_a_moov_box_says_so()
    {
        byte[] ftypOnly = Mp4TestData.Bytes("faststart.mp4")[..Mp4BoxLayout.Find(Mp4TestData.Bytes("faststart.mp4"), "moov").Offset];
        var e = await OpenFailsAsync(ftypOnly, pipe: true);
        Assert.Equal($"MP4: no moov box (the file's index) in the {ftypOnly.Length} bytes of the stream", e.Message);
    }

    [Fact]
    public async Task A_sample_size_table_claiming_more_entries_than_its_bytes_hold_names_box_and_offset()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        Mp4BoxLayout stsz = Mp4BoxLayout.Find(bytes, "stsz");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(stsz.Offset + 16), uint.MaxValue);
        var e = await OpenFailsAsync(bytes, pipe: true);
        Assert.Equal($"MP4: box 'stsz' at offset {stsz.Offset} claims 4294967295 entries in {stsz.Size} bytes", e.Message);
    }

    [Fact]
    public async Task A_box_larger_than_its_parent_names_box_offset_and_parent()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        Mp4BoxLayout stts = Mp4BoxLayout.Find(bytes, "stts");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(stts.Offset), 0x7FFFFFF0);
        var e = await OpenFailsAsync(bytes);
        Assert.StartsWith($"MP4: box 'stts' at offset {stts.Offset} claims 2147483632 bytes, more than the ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(" left in 'stbl'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_64_bit_box_size_past_the_stream_names_the_box()
    {
        byte[] bytes = Mp4TestData.Bytes("moov-at-end.mp4");
        Mp4BoxLayout free = Mp4BoxLayout.Find(bytes, "free");
        Mp4BoxLayout mdat = Mp4BoxLayout.Find(bytes, "mdat");
        Assert.Equal(free.Offset + 8, mdat.Offset);
        WriteLargeHeader(bytes, free.Offset, "mdat", ulong.MaxValue / 4);
        var e = await OpenFailsAsync(bytes);
        Assert.StartsWith($"MP4: box 'mdat' at offset {free.Offset} claims 4611686018427387903 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_moov_larger_than_the_stream_on_a_pipe_ends_with_the_offset()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        Mp4BoxLayout moov = Mp4BoxLayout.Find(bytes, "moov");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(moov.Offset), 100_000_000);
        var e = await OpenFailsAsync(bytes, pipe: true);
        Assert.Equal($"MP4: the stream ends at offset {bytes.Length}, inside the moov box at offset {moov.Offset} (100000000 bytes)", e.Message);
    }

    [Fact]
    public async Task An_mdat_with_a_64_bit_size_is_read_like_one_with_a_32_bit_size()
    {
        // FFmpeg's 'free' box before mdat is room for exactly this: rewriting both headers as one 16-byte header.
        byte[] bytes = Mp4TestData.Bytes("moov-at-end.mp4");
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Mp4BoxLayout free = Mp4BoxLayout.Find(bytes, "free");
        Mp4BoxLayout mdat = Mp4BoxLayout.Find(bytes, "mdat");
        WriteLargeHeader(bytes, free.Offset, "mdat", (ulong)(mdat.Size + 8));
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal(138, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task A_last_mdat_whose_size_runs_to_the_end_is_read_on_a_pipe()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Mp4BoxLayout mdat = Mp4BoxLayout.Find(bytes, "mdat");
        Assert.Equal(bytes.Length, mdat.Offset + mdat.Size);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(mdat.Offset), 0);
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(new NonSeekableChunkedStream(bytes, seed: 4));
        Assert.Equal(138, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task A_moof_before_the_moov_is_an_error()
    {
        byte[] bytes = Mp4TestData.Bytes("fragmented.mp4");
        Mp4BoxLayout moov = Mp4BoxLayout.Find(bytes, "moov");
        Encoding.ASCII.GetBytes("moof").CopyTo(bytes, moov.Offset + 4);
        var e = await OpenFailsAsync(bytes, pipe: true);
        Assert.Equal($"MP4: box 'moof' at offset {moov.Offset} comes before the moov box", e.Message);
    }

    [Fact]
    public async Task A_track_run_claiming_more_samples_than_its_bytes_names_box_and_offset()
    {
        byte[] bytes = Mp4TestData.Bytes("fragmented.mp4");
        Mp4BoxLayout trun = Mp4BoxLayout.Walk(bytes).First(b => b.Type == "trun");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(trun.Offset + 12), 0x10000000);
        var e = await OpenFailsAsync(bytes, pipe: true);
        Assert.Equal($"MP4: box 'trun' at offset {trun.Offset} claims 268435456 entries in {trun.Size} bytes", e.Message);
    }

    [Fact]
    public async Task A_huge_sample_size_is_refused_before_it_is_buffered()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        Mp4BoxLayout stsz = Mp4BoxLayout.Find(bytes, "stsz");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(stsz.Offset + 20), 0xFFFFFFF0); // first sample's size
        var e = await OpenFailsAsync(bytes, pipe: true);
        Assert.Contains("claims 4294967280 bytes, more than the limit of", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_timescale_is_an_error()
    {
        byte[] bytes = Mp4TestData.Bytes("faststart.mp4");
        Mp4BoxLayout mdhd = Mp4BoxLayout.Find(bytes, "mdhd");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(mdhd.Offset + 20), 0);
        var e = await OpenFailsAsync(bytes);
        Assert.Equal($"MP4: track 1: box 'mdhd' at offset {mdhd.Offset} has timescale 0", e.Message);
    }

    [Fact]
    public async Task A_malformed_avcC_names_the_track_and_offset()
    {
        byte[] bytes = Mp4TestData.Bytes("video-only.mp4");
        Mp4BoxLayout stsd = Mp4BoxLayout.Find(bytes, "stsd");
        int avcC = Mp4ReaderCodecTests.IndexOf(bytes, Encoding.ASCII.GetBytes("avcC"), stsd.Offset) - 4;
        bytes[avcC + 8] = 7; // configurationVersion
        var e = await OpenFailsAsync(bytes);
        Assert.StartsWith($"MP4: track 1 (video): the avcC box at offset {avcC} is malformed: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_before_a_read_returns_a_cancelled_task()
    {
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(Mp4TestData.Bytes("faststart.mp4")));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cts.Token));
        Assert.True(await reader.ReadAsync());
    }

    private static void WriteLargeHeader(byte[] bytes, int offset, string type, ulong size)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), 1);
        Encoding.ASCII.GetBytes(type).CopyTo(bytes, offset + 4);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset + 8), size);
    }
}
