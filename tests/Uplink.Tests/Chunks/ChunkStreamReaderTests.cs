using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Chunks;

public class ChunkStreamReaderTests
{
    private static List<(int Csid, RtmpMessageHeader Header, byte[] Payload)> ReadAll(ChunkStreamReader reader, byte[] bytes, int fragment)
    {
        var result = new List<(int, RtmpMessageHeader, byte[])>();
        var pending = new List<byte>();
        for (int i = 0; i < bytes.Length; i += fragment)
        {
            pending.AddRange(bytes.AsSpan(i, Math.Min(fragment, bytes.Length - i)).ToArray());
            var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
            while (reader.TryReadMessage(ref seq, out RtmpMessage m))
            {
                using (m)
                {
                    result.Add((m.ChunkStreamId, m.Header, m.Payload.ToArray()));
                }
            }

            pending.RemoveRange(0, (int)seq.Consumed);
        }

        Assert.Empty(pending);
        return result;
    }

    [Fact]
    public void Writer_output_reads_back_identically_whatever_the_fragmentation()
    {
        var random = new Random(42);
        var writer = new ChunkStreamWriter { ChunkSize = 100 };
        var output = new ArrayBufferWriter<byte>();
        var sent = new List<(int Csid, RtmpMessageHeader Header, byte[] Payload)>();
        uint[] clocks = new uint[8];
        int[] csids = [2, 3, 4, 6, 63, 64, 319, 320];
        for (int i = 0; i < 400; i++)
        {
            int k = random.Next(csids.Length);
            int length = random.Next(4) == 0 ? random.Next(0, 1000) : random.Next(1, 8);
            clocks[k] += random.Next(3) switch { 0 => 0u, 1 => 40u, _ => (uint)random.Next(0, 0x2000000) };
            byte[] payload = new byte[length];
            random.NextBytes(payload);
            var header = new RtmpMessageHeader(clocks[k], length, (RtmpMessageType)(random.Next(2) == 0 ? 8 : 9), (uint)random.Next(0, 2));
            writer.Write(output, csids[k], header, payload);
            sent.Add((csids[k], header, payload));
        }

        foreach (int fragment in new[] { 1, 7, 4096, output.WrittenCount })
        {
            var reader = new ChunkStreamReader();
            reader.SetChunkSize(100);
            var got = ReadAll(reader, output.WrittenSpan.ToArray(), fragment);
            Assert.Equal(sent.Count, got.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i].Csid, got[i].Csid);
                Assert.Equal(sent[i].Header, got[i].Header);
                Assert.Equal(sent[i].Payload, got[i].Payload);
            }
        }
    }

    [Fact]
    public void Timestamps_accumulate_across_the_2_pow_32_wrap()
    {
        var writer = new ChunkStreamWriter();
        var output = new ArrayBufferWriter<byte>();
        uint[] stamps = [0xFFFFFF00, 0xFFFFFF80, 0x00000000, 0x00000080];
        foreach (uint ts in stamps)
        {
            writer.Write(output, 6, new RtmpMessageHeader(ts, 1, RtmpMessageType.Video, 1), [1]);
        }

        var got = ReadAll(new ChunkStreamReader(), output.WrittenSpan.ToArray(), 5);
        Assert.Equal(stamps, got.Select(g => g.Header.Timestamp));
    }

    [Fact]
    public void A_type_3_chunk_starting_a_new_message_reuses_the_previous_delta()
    {
        // Type 0 at 1000 (len 1), type 2 delta 40, then a bare type 3: timestamps 1000, 1040, 1080.
        byte[] bytes = Convert.FromHexString("06" + "0003E8" + "000001" + "09" + "01000000" + "AA" + "86" + "000028" + "BB" + "C6" + "CC");
        var got = ReadAll(new ChunkStreamReader(), bytes, bytes.Length);
        Assert.Equal(new uint[] { 1000, 1040, 1080 }, got.Select(g => g.Header.Timestamp));
        Assert.Equal(new byte[] { 0xCC }, got[2].Payload);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x80000000u)]
    [InlineData(0x7FFFFFFFu)]
    public void Hostile_chunk_sizes_are_refused(uint size)
    {
        var reader = new ChunkStreamReader();
        var ex = Assert.Throws<RtmpProtocolException>(() => reader.SetChunkSize(size));
        Assert.Contains("chunk size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_longer_than_the_limit_is_refused_at_its_header()
    {
        var reader = new ChunkStreamReader(maxMessageLength: 1000);
        byte[] bytes = Convert.FromHexString("03" + "000000" + "0003E9" + "14" + "00000000");
        var ex = Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, bytes, bytes.Length));
        Assert.Contains("1001-byte message", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_message_announced_and_never_sent_costs_only_what_arrived()
    {
        var reader = new ChunkStreamReader(maxMessageLength: 0xFFFFFF);
        reader.SetChunkSize(65536);
        byte[] header = Convert.FromHexString("06" + "000000" + "FFFFFF" + "09" + "01000000");
        byte[] bytes = [.. header, .. new byte[65536]];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.False(reader.TryReadMessage(ref seq, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes for a 64 KiB chunk of a 16 MiB message");
    }

    [Fact]
    public void Unfinished_messages_across_many_chunk_streams_are_bounded_in_total()
    {
        var reader = new ChunkStreamReader(maxMessageLength: 1 << 20, maxBufferedBytes: 4 << 20);
        reader.SetChunkSize(65536);
        var bytes = new List<byte>();
        for (int csid = 10; csid < 200; csid++)
        {
            bytes.AddRange(Convert.FromHexString(csid < 64 ? csid.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : "00" + (csid - 64).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
            bytes.AddRange(Convert.FromHexString("000000" + "0FFFFF" + "09" + "01000000"));
            bytes.AddRange(new byte[65536]);
        }

        var ex = Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, [.. bytes], 1 << 20));
        Assert.Contains("unfinished messages", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_chunk_without_a_full_header_is_a_protocol_error()
    {
        byte[] bytes = Convert.FromHexString("C3AA");
        Assert.Throws<RtmpProtocolException>(() => ReadAll(new ChunkStreamReader(), bytes, bytes.Length));
    }

    [Fact]
    public void Random_bytes_only_ever_fail_with_RtmpProtocolException()
    {
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            byte[] bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            var reader = new ChunkStreamReader(maxMessageLength: 4096);
            try
            {
                var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
                while (reader.TryReadMessage(ref seq, out RtmpMessage m))
                {
                    m.Dispose();
                }
            }
            catch (RtmpProtocolException)
            {
            }
        }
    }
}
