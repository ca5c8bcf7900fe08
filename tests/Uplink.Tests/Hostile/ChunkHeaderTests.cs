namespace Uplink.Tests.Hostile;

/// <summary>
/// Hostile chunk headers: absurd timestamps, chunk sizes changed at awkward moments or to absurd values, headers
/// that continue streams never started, and every basic header form with extreme ids.
/// </summary>
public class ChunkHeaderTests
{
    public static TheoryData<Phase, uint> Timestamps() => Cross(0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFE, 0xFFFFFF, 0x1000000);

    [Theory]
    [MemberData(nameof(Timestamps))]
    public async Task Any_timestamp_extended_or_not_is_read_past(Phase phase, uint timestamp)
    {
        // 300 bytes: three chunks, so the extended timestamp repeats on the type-3 chunks.
        byte[] hostile = new HostileChunks()
            .Message(20, 9, new byte[300], timestamp)
            .Message(20, 18, new byte[5], timestamp);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task Timestamp_deltas_that_wrap_past_2_to_the_32_are_read_past(Phase phase)
    {
        byte[] hostile = new HostileChunks()
            .Message(20, 9, new byte[10], 0xFFFFFFF0)

            // Type 2 (delta 0xFFFFFE, just below the marker), then type 3 repeating the delta twice.
            .BasicHeader(2, 20).UInt24(0xFFFFFE).Raw(new byte[10])
            .BasicHeader(3, 20).Raw(new byte[10])
            .BasicHeader(3, 20).Raw(new byte[10])

            // Type 1 with an extended delta.
            .BasicHeader(1, 20).UInt24(0xFFFFFF).UInt24(10).Raw(9).UInt32(0xFFFFFFFF).Raw(new byte[10]);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect, 4096u)]
    [InlineData(Phase.Connect, 1u)]
    [InlineData(Phase.Publishing, 4096u)]
    [InlineData(Phase.Publishing, 1u)]
    [InlineData(Phase.Publishing, 1u << 24)]
    public async Task A_chunk_size_change_between_chunks_of_another_message_applies_to_its_next_chunk(Phase phase, uint size)
    {
        byte[] payload = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        var h = new HostileChunks();
        h.BasicHeader(0, 20).UInt24(0).UInt24(300).Raw(9).Raw(0, 0, 0, 0).Raw(payload[..128]);
        h.SetChunkSize(size);
        for (int at = 128; at < 300; at += h.ChunkSize)
        {
            h.BasicHeader(3, 20).Raw(payload[at..Math.Min(300, at + h.ChunkSize)]);
        }

        // Back to what the scripted server sends at.
        h.SetChunkSize(128);
        await HostileServerRun.ExpectAsync(phase, h, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task Chunk_size_1_for_a_whole_message_is_read(Phase phase)
    {
        byte[] hostile = new HostileChunks().SetChunkSize(1).Message(20, 9, new byte[300]).Message(21, 20, [2, 0, 1, (byte)'x']).SetChunkSize(128);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Ignored);
    }

    public static TheoryData<Phase, uint> AbsurdChunkSizes() => Cross(0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (1u << 24) + 1);

    [Theory]
    [MemberData(nameof(AbsurdChunkSizes))]
    public async Task An_absurd_chunk_size_is_a_protocol_error(Phase phase, uint size)
    {
        await HostileServerRun.ExpectAsync(phase, new HostileChunks().SetChunkSize(size), Outcome.Protocol, "chunk size");
    }

    [Theory]
    [InlineData(Phase.Connect, 1)]
    [InlineData(Phase.Connect, 2)]
    [InlineData(Phase.Connect, 3)]
    [InlineData(Phase.Publishing, 1)]
    [InlineData(Phase.Publishing, 2)]
    [InlineData(Phase.Publishing, 3)]
    public async Task A_chunk_stream_that_starts_without_a_type_0_header_is_a_protocol_error(Phase phase, int fmt)
    {
        var h = new HostileChunks().BasicHeader(fmt, 40);
        if (fmt <= 2)
        {
            h.UInt24(0);
        }

        if (fmt <= 1)
        {
            h.UInt24(4).Raw(9);
        }

        h.Raw(1, 2, 3, 4);
        await HostileServerRun.ExpectAsync(phase, h, Outcome.Protocol, "chunk stream 40 starts with a type-" + fmt);
    }

    [Theory]
    [InlineData(Phase.Connect, 1)]
    [InlineData(Phase.Publishing, 2)]
    public async Task A_type_1_or_2_header_in_the_middle_of_a_message_is_a_protocol_error(Phase phase, int fmt)
    {
        var h = new HostileChunks();
        h.BasicHeader(0, 20).UInt24(0).UInt24(300).Raw(9).Raw(0, 0, 0, 0).Raw(new byte[128]);
        h.BasicHeader(fmt, 20).UInt24(0);
        if (fmt == 1)
        {
            h.UInt24(300).Raw(9);
        }

        h.Raw(new byte[128]);
        await HostileServerRun.ExpectAsync(phase, h, Outcome.Protocol, "in the middle of a message");
    }

    public static TheoryData<Phase, int> ChunkStreamIds() => new()
    {
        { Phase.Connect, 64 },
        { Phase.Connect, 319 },
        { Phase.Connect, 320 },
        { Phase.Connect, 65599 },
        { Phase.Publishing, 64 },
        { Phase.Publishing, 319 },
        { Phase.Publishing, 65599 },
    };

    [Theory]
    [MemberData(nameof(ChunkStreamIds))]
    public async Task Two_and_three_byte_basic_headers_with_extreme_ids_are_read(Phase phase, int csid)
    {
        byte[] hostile = new HostileChunks().Message(csid, 9, new byte[300]).Message(csid, 20, [2, 0, 1, (byte)'x']);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task The_three_byte_form_of_a_small_id_is_the_same_stream(Phase phase)
    {
        // Chunk stream 64 opened in the 3-byte form and continued in the 2-byte form.
        var h = new HostileChunks().Raw(0x01, 0x00, 0x00).UInt24(0).UInt24(200).Raw(9).Raw(0, 0, 0, 0).Raw(new byte[128]);
        h.BasicHeader(3, 64).Raw(new byte[72]);
        await HostileServerRun.ExpectAsync(phase, h, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task More_than_1024_chunk_streams_is_a_protocol_error(Phase phase)
    {
        var h = new HostileChunks();
        for (int csid = 64; csid < 64 + 1100; csid++)
        {
            h.Message(csid, 9, [0x17]);
        }

        await HostileServerRun.ExpectAsync(phase, h, Outcome.Protocol, "1024 chunk streams");
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task An_abort_discards_a_half_message_and_the_stream_starts_again(Phase phase)
    {
        var h = new HostileChunks();
        h.BasicHeader(0, 20).UInt24(0).UInt24(300).Raw(9).Raw(0, 0, 0, 0).Raw(new byte[128]);
        h.Message(2, 2, HostileChunks.BigEndian(20));
        h.Message(20, 9, new byte[300]);
        await HostileServerRun.ExpectAsync(phase, h, Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task Zero_length_messages_repeated_by_type_3_headers_are_read_past(Phase phase)
    {
        var h = new HostileChunks().Message(20, 9, []);
        for (int i = 0; i < 1000; i++)
        {
            h.BasicHeader(3, 20);
        }

        await HostileServerRun.ExpectAsync(phase, h, Outcome.Ignored);
    }

    private static TheoryData<Phase, uint> Cross(params uint[] values)
    {
        var data = new TheoryData<Phase, uint>();
        foreach (Phase phase in Enum.GetValues<Phase>())
        {
            foreach (uint v in values)
            {
                data.Add(phase, v);
            }
        }

        return data;
    }
}
