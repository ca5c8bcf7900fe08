using System.Buffers;
using System.Buffers.Binary;
using Uplink.Protocol;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Fuzz.Targets;

namespace Uplink.Fuzz;

/// <summary>
/// Writes the protocol targets' seeds: what a well-behaved server sends (nginx-rtmp and Node-Media-Server shapes),
/// encoded with the client's own AMF0 and chunk writers, so the fuzzer starts from inputs that reach deep.
/// </summary>
internal static class ProtocolSeeds
{
    public static void Write(string corpus)
    {
        byte[] session = ServerSession(chunkSize: 4096, ""u8);
        Save(corpus, "client", "publish-accepted", ServerSession(chunkSize: 4096, ProtocolTargets.TurnSeparator));
        Save(corpus, "client", "publish-accepted-small-chunks", ServerSession(chunkSize: 60, ProtocolTargets.TurnSeparator));
        Save(corpus, "client", "connect-refused", Chunked(128, Command("_error", 1, null, Status("error", "NetConnection.Connect.Rejected", "[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : "))));
        Save(corpus, "chunks", "publish-accepted", session);
        Save(corpus, "chunks", "extended-timestamps", ExtendedTimestamps());
        Save(corpus, "handshake", "simple", [3, .. new byte[2 * HandshakePacket.Size]]);
        Save(corpus, "amf", "connect-result", [.. ConnectResult()[1..]]);
        Save(corpus, "amf", "values", Values());
        Save(corpus, "command", "connect-result", ConnectResult());
        Save(corpus, "command", "publish-start", Command("onStatus", 0, null, Status("status", "NetStream.Publish.Start", "key is now published.")));
        Save(corpus, "command", "reconnect-request", Command("onStatus", 0, null, Status("status", "NetConnection.Connect.ReconnectRequest", "go elsewhere").Add("tcUrl", "rtmp://127.0.0.2/app")));
    }

    private static void Save(string corpus, string target, string name, byte[] bytes)
    {
        string folder = Path.Combine(corpus, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    /// <summary>A server's side of connect, publish and unpublish, its turns split by <paramref name="turn"/>.</summary>
    private static byte[] ServerSession(int chunkSize, ReadOnlySpan<byte> turn)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChunkStreamWriter();
        Message(output, writer, 2, RtmpMessageType.WindowAcknowledgementSize, UInt32(2_500_000));
        Message(output, writer, 2, RtmpMessageType.SetPeerBandwidth, [.. UInt32(2_500_000), 2]);
        Message(output, writer, 2, RtmpMessageType.SetChunkSize, UInt32((uint)chunkSize));
        writer.ChunkSize = chunkSize;
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, ConnectResult());
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, Command("onBWDone", 0, null));
        Message(output, writer, 2, RtmpMessageType.UserControl, [0, 6, .. UInt32(1234)]);
        output.Write(turn);
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, Command("_result", 2, null));
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, Command("_result", 3, null));
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, Command("_result", 4, null, 1d));
        output.Write(turn);
        Message(output, writer, 2, RtmpMessageType.UserControl, [0, 0, .. UInt32(1)]);
        Message(output, writer, 5, RtmpMessageType.CommandAmf0, Command("onStatus", 0, null, Status("status", "NetStream.Publish.Start", "key is now published.")), streamId: 1);
        output.Write(turn);
        Message(output, writer, 2, RtmpMessageType.Acknowledgement, UInt32(3073));
        Message(output, writer, 3, RtmpMessageType.CommandAmf3, [0, .. Command("onStatus", 0, null, Status("status", "NetStream.Unpublish.Success", "bye"))]);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ExtendedTimestamps()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChunkStreamWriter();
        byte[] video = new byte[300];
        for (uint t = 0xFFFFF0; t < 0x1000100; t += 40)
        {
            Message(output, writer, 6, RtmpMessageType.Video, video, streamId: 1, timestamp: t);
        }

        Message(output, writer, 2, RtmpMessageType.Abort, UInt32(6));
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Chunked(int chunkSize, byte[] command)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChunkStreamWriter { ChunkSize = chunkSize };
        Message(output, writer, 3, RtmpMessageType.CommandAmf0, command);
        return output.WrittenSpan.ToArray();
    }

    private static void Message(ArrayBufferWriter<byte> output, ChunkStreamWriter writer, int chunkStream, RtmpMessageType type, byte[] payload, uint streamId = 0, uint timestamp = 0) =>
        writer.Write(output, chunkStream, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload);

    private static byte[] UInt32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static AmfObject Status(string level, string code, string description) =>
        new AmfObject().Add("level", level).Add("code", code).Add("description", description);

    private static byte[] ConnectResult() => Command(
        "_result",
        1,
        new AmfObject().Add("fmsVer", "FMS/3,0,1,123").Add("capabilities", 31d).Add("fourCcList", new object?[] { "avc1", "hvc1", "av01", "Opus" })
            .Add("videoFourCcInfoMap", new AmfObject().Add("hvc1", 7d).Add("*", 4d)).Add("audioFourCcInfoMap", new AmfObject().Add("Opus", 7d)),
        Status("status", "NetConnection.Connect.Success", "Connection succeeded.").Add("objectEncoding", 0d));

    private static byte[] Command(string name, double transaction, AmfObject? commandObject, params object?[] arguments)
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(output, name);
        Amf0Writer.WriteNumber(output, transaction);
        Amf0Writer.WriteValue(output, commandObject);
        foreach (object? argument in arguments)
        {
            Amf0Writer.WriteValue(output, argument);
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] Values()
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteValue(output, true);
        Amf0Writer.WriteValue(output, new string('x', 300));
        Amf0Writer.WriteValue(output, new object?[] { 1d, null, "a", new AmfObject(isEcmaArray: true).Add("k", false) });
        Amf0Writer.WriteDate(output, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Amf0Writer.WriteValue(output, new AmfObject { ClassName = "Typed" }.Add("n", 2d));
        return output.WrittenSpan.ToArray();
    }
}
