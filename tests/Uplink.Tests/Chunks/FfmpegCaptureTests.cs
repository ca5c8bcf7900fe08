using System.Buffers;
using System.Buffers.Binary;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Chunks;

/// <summary>
/// Cross-checks the chunk reader, the chunk writer and AMF0 against the bytes FFmpeg 5.1 actually sent to
/// nginx-rtmp when it published a tiny clip (TestData/FfmpegCapture, made by tools/capture/capture-ffmpeg.sh).
/// </summary>
public class FfmpegCaptureTests
{
    private const int HandshakeLength = 1 + 1536 + 1536;

    private static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "FfmpegCapture", name));

    /// <summary>Reads every message of one direction, applying that direction's own Set Chunk Size as it goes.</summary>
    private static List<(int Csid, RtmpMessageHeader Header, byte[] Payload)> ReadMessages(byte[] capture)
    {
        var reader = new ChunkStreamReader();
        var messages = new List<(int, RtmpMessageHeader, byte[])>();
        var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(capture, HandshakeLength, capture.Length - HandshakeLength));
        while (reader.TryReadMessage(ref seq, out RtmpMessage m))
        {
            using (m)
            {
                messages.Add((m.ChunkStreamId, m.Header, m.Payload.ToArray()));
                if (m.Header.Type == RtmpMessageType.SetChunkSize)
                {
                    reader.SetChunkSize(BinaryPrimitives.ReadUInt32BigEndian(m.Payload));
                }
            }
        }

        Assert.Equal(0, seq.Remaining);
        return messages;
    }

    private static string? CommandName(byte[] payload) => new Amf0Reader(payload).ReadValue() as string;

    [Fact]
    public void The_reader_parses_everything_ffmpeg_sent_to_the_last_byte()
    {
        var messages = ReadMessages(Load("client.bin"));
        var commands = messages.Where(m => m.Header.Type == RtmpMessageType.CommandAmf0).Select(m => CommandName(m.Payload)).ToList();
        Assert.Equal(["connect", "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish", "deleteStream"], commands);
        Assert.Equal("@setDataFrame", CommandName(messages.Single(m => m.Header.Type == RtmpMessageType.DataAmf0).Payload));
        var video = messages.Where(m => m.Header.Type == RtmpMessageType.Video).Select(m => m.Payload[1]).ToList();
        Assert.Equal([0, 1, 1, 1, 1, 1, 2], video); // sequence header, 5 frames, end of sequence
        Assert.Equal(11 + 1, messages.Count(m => m.Header.Type == RtmpMessageType.Audio));
    }

    [Fact]
    public void The_reader_parses_everything_nginx_answered()
    {
        var messages = ReadMessages(Load("server.bin"));
        Assert.Contains(messages, m => m.Header.Type == RtmpMessageType.WindowAcknowledgementSize);
        Assert.Contains(messages, m => m.Header.Type == RtmpMessageType.SetPeerBandwidth);
        var statuses = messages.Where(m => m.Header.Type == RtmpMessageType.CommandAmf0)
            .Select(m =>
            {
                var r = new Amf0Reader(m.Payload);
                string name = r.ReadString();
                r.ReadValue();
                r.ReadValue();
                return r.IsAtEnd ? name : name + " " + (r.ReadValue() as AmfObject)?.GetString("code");
            })
            .ToList();
        Assert.Contains("_result NetConnection.Connect.Success", statuses);
        Assert.Contains("onStatus NetStream.Publish.Start", statuses);
        Assert.Contains("onStatus NetStream.Unpublish.Success", statuses);
    }

    [Fact]
    public void Amf0_re_encodes_every_command_and_data_message_to_ffmpegs_bytes()
    {
        foreach (var m in ReadMessages(Load("client.bin")).Where(m => m.Header.Type is RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0))
        {
            var values = new List<object?>();
            var r = new Amf0Reader(m.Payload);
            while (!r.IsAtEnd)
            {
                values.Add(r.ReadValue());
            }

            var w = new ArrayBufferWriter<byte>();
            foreach (object? v in values)
            {
                Amf0Writer.WriteValue(w, v);
            }

            Assert.Equal(Convert.ToHexString(m.Payload), Convert.ToHexString(w.WrittenSpan));
        }
    }

    [Fact]
    public void The_writer_chunks_ffmpegs_messages_into_ffmpegs_bytes_wherever_it_picks_the_same_header_type()
    {
        // FFmpeg writes each message's chunks together, so the capture splits into per-message byte ranges.
        byte[] capture = Load("client.bin");
        var ffmpeg = SplitByMessage(capture.AsSpan(HandshakeLength).ToArray(), out var messages);
        var writer = new ChunkStreamWriter();
        int same = 0;
        var differing = new List<string>();
        for (int i = 0; i < messages.Count; i++)
        {
            var (csid, header, payload) = messages[i];
            var output = new ArrayBufferWriter<byte>();
            writer.Write(output, csid, header, payload);
            if (header.Type == RtmpMessageType.SetChunkSize)
            {
                writer.ChunkSize = (int)BinaryPrimitives.ReadUInt32BigEndian(payload);
            }

            byte[] ours = output.WrittenSpan.ToArray();
            if (ours[0] >> 6 == ffmpeg[i][0] >> 6)
            {
                Assert.Equal(Convert.ToHexString(ffmpeg[i]), Convert.ToHexString(ours));
                same++;
            }
            else
            {
                // A legal, different choice; ours must never be the longer header.
                Assert.True(ours[0] >> 6 > ffmpeg[i][0] >> 6, $"message {i}: we chose type {ours[0] >> 6}, FFmpeg the smaller type {ffmpeg[i][0] >> 6}");
                differing.Add($"{i}:{(RtmpMessageType)header.Type}");
            }
        }

        Assert.True(same >= messages.Count - 3, $"only {same} of {messages.Count} messages chunked identically; differing: {string.Join(", ", differing)}");
    }

    private static List<byte[]> SplitByMessage(byte[] chunks, out List<(int Csid, RtmpMessageHeader Header, byte[] Payload)> messages)
    {
        var reader = new ChunkStreamReader();
        var ranges = new List<byte[]>();
        messages = [];
        var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(chunks));
        long start = 0;
        while (reader.TryReadMessage(ref seq, out RtmpMessage m))
        {
            using (m)
            {
                ranges.Add(chunks[(int)start..(int)seq.Consumed]);
                start = seq.Consumed;
                messages.Add((m.ChunkStreamId, m.Header, m.Payload.ToArray()));
                if (m.Header.Type == RtmpMessageType.SetChunkSize)
                {
                    reader.SetChunkSize(BinaryPrimitives.ReadUInt32BigEndian(m.Payload));
                }
            }
        }

        return ranges;
    }
}
