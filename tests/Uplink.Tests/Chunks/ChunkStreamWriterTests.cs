using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Chunks;

public class ChunkStreamWriterTests
{
    private static byte[] Payload(int length, byte seed = 1)
    {
        byte[] p = new byte[length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (byte)(seed + i);
        }

        return p;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    private static byte[] Write(ChunkStreamWriter writer, int csid, uint timestamp, RtmpMessageType type, uint streamId, byte[] payload)
    {
        var output = new ArrayBufferWriter<byte>();
        writer.Write(output, csid, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void First_message_gets_a_type_0_header_with_little_endian_stream_id()
    {
        var w = new ChunkStreamWriter();
        byte[] bytes = Write(w, 4, 0x010203, RtmpMessageType.Audio, 1, Payload(3));
        Assert.Equal("04" + "010203" + "000003" + "08" + "01000000" + "010203", Hex(bytes));
    }

    [Fact]
    public void Headers_shrink_to_type_1_2_and_3_as_fields_repeat()
    {
        var w = new ChunkStreamWriter();
        Write(w, 6, 0, RtmpMessageType.Video, 1, Payload(2));

        // Same stream, new length: type 1 (delta, length, type).
        Assert.Equal("46" + "000028" + "000003" + "09" + "010203", Hex(Write(w, 6, 40, RtmpMessageType.Video, 1, Payload(3))));

        // Same length and type, new delta: type 2 (delta only).
        Assert.Equal("86" + "000014" + "010203", Hex(Write(w, 6, 60, RtmpMessageType.Video, 1, Payload(3))));

        // Same delta again: type 3, no header fields at all.
        Assert.Equal("C6" + "010203", Hex(Write(w, 6, 80, RtmpMessageType.Video, 1, Payload(3))));
    }

    [Fact]
    public void A_type_3_header_never_follows_a_type_0_header_for_a_new_message()
    {
        // nginx-rtmp reads such a delta as 0 while FFmpeg and the spec read the absolute timestamp.
        var w = new ChunkStreamWriter();
        Write(w, 6, 40, RtmpMessageType.Video, 1, Payload(3));
        Assert.Equal("86" + "000028" + "010203", Hex(Write(w, 6, 80, RtmpMessageType.Video, 1, Payload(3))));
    }

    [Fact]
    public void Another_message_stream_or_a_timestamp_going_back_gets_a_full_header()
    {
        var w = new ChunkStreamWriter();
        Write(w, 3, 100, RtmpMessageType.CommandAmf0, 0, Payload(1));
        Assert.StartsWith("03" + "000064", Hex(Write(w, 3, 100, RtmpMessageType.CommandAmf0, 1, Payload(1))), StringComparison.Ordinal);
        Assert.StartsWith("03" + "000032", Hex(Write(w, 3, 50, RtmpMessageType.CommandAmf0, 1, Payload(1))), StringComparison.Ordinal);
    }

    [Fact]
    public void Long_messages_continue_in_type_3_chunks_of_the_chunk_size()
    {
        var w = new ChunkStreamWriter { ChunkSize = 128 };
        byte[] payload = Payload(300);
        byte[] bytes = Write(w, 6, 0, RtmpMessageType.Video, 1, payload);
        Assert.Equal(12 + 128 + 1 + 128 + 1 + 44, bytes.Length);
        Assert.Equal(0xC6, bytes[12 + 128]);
        Assert.Equal(0xC6, bytes[12 + 128 + 1 + 128]);
        Assert.Equal(payload[128..256], bytes[(12 + 128 + 1)..(12 + 128 + 1 + 128)]);
    }

    [Fact]
    public void Extended_timestamp_follows_0xFFFFFF_and_repeats_on_continuation_chunks()
    {
        var w = new ChunkStreamWriter { ChunkSize = 2 };
        byte[] bytes = Write(w, 6, 0x01000000, RtmpMessageType.Video, 1, Payload(5));
        Assert.Equal(
            "06" + "FFFFFF" + "000005" + "09" + "01000000" + "01000000" + "0102"
            + "C6" + "01000000" + "0304"
            + "C6" + "01000000" + "05",
            Hex(bytes));
    }

    [Fact]
    public void Extended_timestamp_starts_exactly_at_0xFFFFFF()
    {
        var w = new ChunkStreamWriter();
        Assert.Equal("06" + "FFFFFE" + "000001" + "09" + "01000000" + "01", Hex(Write(w, 6, 0xFFFFFE, RtmpMessageType.Video, 1, Payload(1))));
        w.Reset();
        Assert.Equal("06" + "FFFFFF" + "000001" + "09" + "01000000" + "00FFFFFF" + "01", Hex(Write(w, 6, 0xFFFFFF, RtmpMessageType.Video, 1, Payload(1))));
    }

    [Fact]
    public void Extended_delta_is_written_on_type_2_and_on_a_type_3_message_reusing_it()
    {
        var w = new ChunkStreamWriter();
        Write(w, 6, 0, RtmpMessageType.Video, 1, Payload(1));
        Assert.Equal("86" + "FFFFFF" + "01000000" + "01", Hex(Write(w, 6, 0x01000000, RtmpMessageType.Video, 1, Payload(1))));
        Assert.Equal("C6" + "01000000" + "01", Hex(Write(w, 6, 0x02000000, RtmpMessageType.Video, 1, Payload(1))));
    }

    [Fact]
    public void Timestamps_wrap_at_2_pow_32_as_a_small_forward_delta()
    {
        var w = new ChunkStreamWriter();
        Write(w, 6, 0xFFFFFFF0, RtmpMessageType.Video, 1, Payload(1));
        // 0xFFFFFFF0 + 0x20 wraps to 0x10: still moving forward, so a type-2 delta of 0x20, not a jump back.
        Assert.Equal("86" + "000020" + "01", Hex(Write(w, 6, 0x10, RtmpMessageType.Video, 1, Payload(1))));
    }

    [Fact]
    public void Timestamps_past_2_pow_31_are_not_treated_as_negative()
    {
        var w = new ChunkStreamWriter();
        Write(w, 6, 0x7FFFFFF0, RtmpMessageType.Video, 1, Payload(1));
        Assert.Equal("86" + "000020" + "01", Hex(Write(w, 6, 0x80000010, RtmpMessageType.Video, 1, Payload(1))));
    }

    [Theory]
    [InlineData(2, "02")]
    [InlineData(63, "3F")]
    [InlineData(64, "0000")]
    [InlineData(319, "00FF")]
    [InlineData(320, "010001")]
    [InlineData(65599, "01FFFF")]
    public void Basic_header_uses_one_two_or_three_bytes(int csid, string expected)
    {
        var w = new ChunkStreamWriter();
        byte[] bytes = Write(w, csid, 0, RtmpMessageType.Audio, 0, Payload(1));
        Assert.StartsWith(expected, Hex(bytes), StringComparison.Ordinal);
        Assert.Equal((expected.Length / 2) + 11 + 1, bytes.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536 + 1)]
    public void Chunk_size_is_bounded(int size)
    {
        var w = new ChunkStreamWriter();
        Assert.Throws<ArgumentOutOfRangeException>(() => w.ChunkSize = size);
    }

    [Fact]
    public void Messages_longer_than_24_bits_are_refused()
    {
        var w = new ChunkStreamWriter();
        byte[] big = new byte[0x1000000];
        Assert.Throws<ArgumentException>(() => w.Write(new ArrayBufferWriter<byte>(), 6, new RtmpMessageHeader(0, big.Length, RtmpMessageType.Video, 1), big));
    }
}
