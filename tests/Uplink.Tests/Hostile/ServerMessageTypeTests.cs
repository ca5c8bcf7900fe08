namespace Uplink.Tests.Hostile;

/// <summary>
/// Every message type a server can send (and ids no type has), with absurd payloads, before the connect answer and
/// while media flows: each is read past and ignored, or ends the connection with a protocol error naming it.
/// </summary>
public class ServerMessageTypeTests
{
    // Set Chunk Size, Abort, Acknowledgement, User Control, Window Ack Size, Set Peer Bandwidth, audio, video,
    // data AMF3, shared object AMF3, command AMF3, data AMF0, shared object AMF0, command AMF0, aggregate, unknown.
    private static readonly byte[] Types = [1, 2, 3, 4, 5, 6, 8, 9, 15, 16, 17, 18, 19, 20, 22, 0, 7, 23, 255];

    private static readonly Dictionary<string, byte[]> Payloads = new()
    {
        ["empty"] = [],
        ["1 byte"] = [0x7F],
        ["0"] = [0, 0, 0, 0],
        ["0xFFFFFFFF"] = [0xFF, 0xFF, 0xFF, 0xFF],
        ["int32 min"] = [0x80, 0, 0, 0],
        ["garbage"] = [.. Enumerable.Repeat((byte)0xA5, 300)],
    };

    public static TheoryData<Phase, byte, string> Cases()
    {
        var data = new TheoryData<Phase, byte, string>();
        foreach (Phase phase in Enum.GetValues<Phase>())
        {
            foreach (byte type in Types)
            {
                foreach (string payload in Payloads.Keys)
                {
                    data.Add(phase, type, payload);
                }
            }
        }

        return data;
    }

    /// <summary>What the client makes of one type with one payload.</summary>
    private static (Outcome Outcome, string? Names) Expected(byte type, byte[] payload) => type switch
    {
        // Too short to carry a size: ignored. Every 4-byte value here is out of range (0, past 2^24, or 0 once bit 31 is cleared).
        1 when payload.Length < 4 => (Outcome.Ignored, null),
        1 => (Outcome.Protocol, "chunk size"),

        // A command that is not AMF0 (or an AMF3 command whose body after the format byte is not).
        20 => (Outcome.Protocol, "malformed command"),
        17 when payload.Length > 0 => (Outcome.Protocol, "malformed command"),
        _ => (Outcome.Ignored, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_message_of_any_type_with_an_absurd_payload_is_ignored_or_a_protocol_error(Phase phase, byte type, string payload)
    {
        byte[] body = Payloads[payload];
        (Outcome outcome, string? names) = Expected(type, body);
        await HostileServerRun.ExpectAsync(phase, new HostileChunks().Message(20, type, body), outcome, names);
    }

    [Theory]
    [InlineData(Phase.Connect, 9)]
    [InlineData(Phase.Connect, 20)]
    [InlineData(Phase.Connect, 255)]
    [InlineData(Phase.Publishing, 9)]
    [InlineData(Phase.Publishing, 20)]
    [InlineData(Phase.Publishing, 255)]
    public async Task A_16_MB_message_is_refused_at_its_header(Phase phase, byte type)
    {
        // 0xFFFFFF announced, 10 bytes sent: refused before any of it is buffered.
        byte[] hostile = new HostileChunks().Message(20, type, new byte[10], announcedLength: 0xFFFFFF);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Protocol, "16777215-byte message");
    }

    [Theory]
    [InlineData(Phase.Connect, 9)]
    [InlineData(Phase.Connect, 20)]
    [InlineData(Phase.Publishing, 9)]
    [InlineData(Phase.Publishing, 20)]
    public async Task A_truncated_message_is_waited_for(Phase phase, byte type)
    {
        // 100 bytes announced, 10 sent: the client waits for the rest (connect times out; a publish goes on).
        byte[] hostile = new HostileChunks().Message(20, type, new byte[10], announcedLength: 100);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Waits);
    }

    [Theory]
    [InlineData(Phase.Connect, 0, 4)]
    [InlineData(Phase.Connect, 1, 4)]
    [InlineData(Phase.Connect, 2, 4)]
    [InlineData(Phase.Connect, 3, 4)]
    [InlineData(Phase.Connect, 4, 4)]
    [InlineData(Phase.Connect, 5, 0)]
    [InlineData(Phase.Connect, 6, 0)]
    [InlineData(Phase.Connect, 6, 3)]
    [InlineData(Phase.Connect, 7, 4)]
    [InlineData(Phase.Connect, 31, 4)]
    [InlineData(Phase.Connect, 32, 4)]
    [InlineData(Phase.Connect, 33, 4)]
    [InlineData(Phase.Connect, 0xFFFF, 100)]
    [InlineData(Phase.Publishing, 0, 4)]
    [InlineData(Phase.Publishing, 1, 4)]
    [InlineData(Phase.Publishing, 4, 4)]
    [InlineData(Phase.Publishing, 6, 3)]
    [InlineData(Phase.Publishing, 6, 100)]
    [InlineData(Phase.Publishing, 7, 4)]
    [InlineData(Phase.Publishing, 31, 0)]
    [InlineData(Phase.Publishing, 1234, 4)]
    [InlineData(Phase.Publishing, 0xFFFF, 100)]
    public async Task Every_user_control_event_known_or_not_is_read_past(Phase phase, int eventType, int dataLength)
    {
        byte[] payload = [(byte)(eventType >> 8), (byte)eventType, .. Enumerable.Repeat((byte)0xFF, dataLength)];
        await HostileServerRun.ExpectAsync(phase, new HostileChunks().Message(2, 4, payload), Outcome.Ignored);
    }

    [Theory]
    [InlineData(Phase.Connect)]
    [InlineData(Phase.Publishing)]
    public async Task A_ping_request_with_extra_bytes_is_answered(Phase phase)
    {
        byte[] payload = [0, 6, .. HostileChunks.BigEndian(0xBEEF), 1, 2, 3, 4];
        byte[] hostile = new HostileChunks().Message(2, 4, payload);
        await HostileServerRun.ExpectAsync(phase, hostile, Outcome.Ignored);
    }
}
