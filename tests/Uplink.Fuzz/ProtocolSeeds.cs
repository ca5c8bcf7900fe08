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
        Save(corpus, "server", "publish-h264-aac", PublisherSession(chunkSize: 4096, enhanced: false, amf3: false));
        Save(corpus, "server", "publish-small-chunks-amf3", PublisherSession(chunkSize: 64, enhanced: false, amf3: true));
        Save(corpus, "server", "publish-enhanced", PublisherSession(chunkSize: 4096, enhanced: true, amf3: false));
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

    // An H.264 sequence header (avcC of a 64x48 stream), an AAC one, and a frame of each, as FLV tag bodies.
    private static readonly byte[] AvcSequenceHeader = Convert.FromHexString("170000000001f4000affe1001867f4000a919b288f6022000003000200000300281e244b2c01000568ce0f1920fff8f800");
    private static readonly byte[] AacSequenceHeader = Convert.FromHexString("af001408");
    private static readonly byte[] AvcKeyFrame = Convert.FromHexString("1701000000000000066588840021ff");
    private static readonly byte[] AacFrame = Convert.FromHexString("af01de02004c61764300c8000000");

    /// <summary>
    /// A publisher's side after the handshake (see <see cref="ServerTarget.HandshakePrefix"/>): Set Chunk Size, connect,
    /// releaseStream, FCPublish, createStream, publish, metadata, sequence headers, frames, an aggregate, unpublish.
    /// </summary>
    private static byte[] PublisherSession(int chunkSize, bool enhanced, bool amf3)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChunkStreamWriter();
        RtmpMessageType command = amf3 ? RtmpMessageType.CommandAmf3 : RtmpMessageType.CommandAmf0;
        byte[] Encoded(byte[] amf0) => amf3 ? [0, .. amf0] : amf0;
        Message(output, writer, 2, RtmpMessageType.SetChunkSize, UInt32((uint)chunkSize));
        writer.ChunkSize = chunkSize;
        Message(output, writer, 3, command, Encoded(Command("connect", 1, new AmfObject().Add("app", "live").Add("type", "nonprivate").Add("tcUrl", "rtmp://127.0.0.1/live").Add("objectEncoding", 0d))));
        Message(output, writer, 2, RtmpMessageType.WindowAcknowledgementSize, UInt32(4096));
        Message(output, writer, 3, command, Encoded(Command("releaseStream", 2, null, "key")));
        Message(output, writer, 3, command, Encoded(Command("FCPublish", 3, null, "key")));
        Message(output, writer, 3, command, Encoded(Command("createStream", 4, null)));
        Message(output, writer, 4, command, Encoded(Command("publish", 5, null, "key?token=1", "live")), streamId: 1);
        var metadata = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(metadata, "@setDataFrame");
        Amf0Writer.WriteString(metadata, "onMetaData");
        Amf0Writer.WriteValue(metadata, new AmfObject(isEcmaArray: true).Add("width", 64d).Add("height", 48d).Add("videocodecid", 7d).Add("audiocodecid", 10d));
        Message(output, writer, 4, RtmpMessageType.DataAmf0, metadata.WrittenSpan.ToArray(), streamId: 1);
        byte[] videoHeader = enhanced ? [0x90, .. "avc1"u8, .. AvcSequenceHeader.AsSpan(5)] : AvcSequenceHeader;
        byte[] videoFrame = enhanced ? [0x93, .. "avc1"u8, .. AvcKeyFrame.AsSpan(5)] : AvcKeyFrame;
        Message(output, writer, 6, RtmpMessageType.Video, videoHeader, streamId: 1);
        Message(output, writer, 7, RtmpMessageType.Audio, AacSequenceHeader, streamId: 1);
        for (uint t = 0; t < 120; t += 40)
        {
            Message(output, writer, 6, RtmpMessageType.Video, videoFrame, streamId: 1, timestamp: t);
            Message(output, writer, 7, RtmpMessageType.Audio, AacFrame, streamId: 1, timestamp: t + 3);
        }

        Message(output, writer, 6, RtmpMessageType.Aggregate, [.. Tag(9, 160, videoFrame), .. Tag(8, 163, AacFrame)], streamId: 1, timestamp: 160);
        Message(output, writer, 3, command, Encoded(Command("FCUnpublish", 6, null, "key")));
        Message(output, writer, 4, command, Encoded(Command("deleteStream", 7, null, 1d)), streamId: 1);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>An FLV tag (header, body, previous tag size) as an aggregate message carries it.</summary>
    private static byte[] Tag(byte type, uint timestamp, byte[] body)
    {
        byte[] tag = new byte[11 + body.Length + 4];
        tag[0] = type;
        tag[1] = (byte)(body.Length >> 16);
        tag[2] = (byte)(body.Length >> 8);
        tag[3] = (byte)body.Length;
        tag[4] = (byte)(timestamp >> 16);
        tag[5] = (byte)(timestamp >> 8);
        tag[6] = (byte)timestamp;
        tag[7] = (byte)(timestamp >> 24);
        body.CopyTo(tag, 11);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(11 + body.Length), (uint)(11 + body.Length));
        return tag;
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
