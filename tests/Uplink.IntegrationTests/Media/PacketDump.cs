using System.Buffers.Binary;
using System.Text;

namespace Uplink.IntegrationTests.Media;

/// <summary>One stream of a <see cref="PacketDump"/>: FFmpeg's codec name and extradata.</summary>
public sealed record DumpedStream(int Index, MediaKind Kind, string Codec, byte[] Extradata);

/// <summary>One demuxed packet, timestamps in microseconds.</summary>
public sealed record DumpedPacket(int StreamIndex, long DtsMicroseconds, long PtsMicroseconds, bool IsKeyframe, byte[] Data)
{
    public TimeSpan Dts => TimeSpan.FromTicks(DtsMicroseconds * 10);

    public TimeSpan Pts => TimeSpan.FromTicks(PtsMicroseconds * 10);
}

/// <summary>
/// What FFmpeg 8.1's demuxer reads from a file (<c>packets.js --dump</c>): streams with their extradata and packets in
/// file order. Feeding these to the writer tests the send path with no reader of ours in between.
/// </summary>
public sealed record PacketDump(IReadOnlyList<DumpedStream> Streams, IReadOnlyList<DumpedPacket> Packets)
{
    public DumpedStream? Video => Streams.FirstOrDefault(s => s.Kind == MediaKind.Video);

    public DumpedStream? Audio => Streams.FirstOrDefault(s => s.Kind == MediaKind.Audio);

    public static PacketDump Parse(byte[] data)
    {
        var streams = new List<DumpedStream>();
        var packets = new List<DumpedPacket>();
        int at = 0;
        while (at < data.Length)
        {
            char tag = (char)data[at];
            int index = data[at + 1];
            if (tag == 'S')
            {
                var kind = data[at + 2] == (byte)'v' ? MediaKind.Video : MediaKind.Audio;
                int nameLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at + 3));
                string name = Encoding.ASCII.GetString(data, at + 5, nameLength);
                at += 5 + nameLength;
                int extraLength = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
                streams.Add(new DumpedStream(index, kind, name, data.AsSpan(at + 4, extraLength).ToArray()));
                at += 4 + extraLength;
            }
            else if (tag == 'P')
            {
                long dts = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(at + 2));
                long pts = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(at + 10));
                bool key = data[at + 18] != 0;
                int size = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at + 19));
                packets.Add(new DumpedPacket(index, dts, pts, key, data.AsSpan(at + 23, size).ToArray()));
                at += 23 + size;
            }
            else
            {
                throw new InvalidDataException($"packet dump: unknown record '{tag}' at offset {at}");
            }
        }

        return new PacketDump(streams, packets);
    }
}
