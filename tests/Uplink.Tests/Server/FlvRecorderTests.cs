using System.Buffers.Binary;
using Uplink.Server;

namespace Uplink.Tests.Server;

public sealed class FlvRecorderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"uplink-recorder-{Guid.NewGuid():N}.flv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Tags_are_rebased_to_the_first_media_tag_with_previous_tag_sizes_and_patched_flags()
    {
        using (var recorder = new FlvRecorder(new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite), _path))
        {
            recorder.Write(FlvRecorder.ScriptTag, 90_000, [2, 0, 1, (byte)'x']);
            recorder.Write(FlvRecorder.VideoTag, 100_000, [0x17, 0, 0, 0, 0]);
            recorder.Write(FlvRecorder.VideoTag, 0x0100_0000 + 100_000, [0x27, 1, 0, 0, 0, 9]);
            recorder.Write(FlvRecorder.VideoTag, 99_000, [0x27, 1, 0, 0, 0, 8]);
        }

        byte[] file = File.ReadAllBytes(_path);
        Assert.Equal("FLV"u8.ToArray(), file[..3]);
        Assert.Equal(0x01, file[4]); // video only
        int at = 13;
        var tags = new List<(byte Type, uint Timestamp, int Size)>();
        while (at < file.Length)
        {
            int size = (file[at + 1] << 16) | (file[at + 2] << 8) | file[at + 3];
            uint ts = (uint)((file[at + 7] << 24) | (file[at + 4] << 16) | (file[at + 5] << 8) | file[at + 6]);
            tags.Add((file[at], ts, size));
            Assert.Equal((uint)(11 + size), BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 11 + size)));
            at += 11 + size + 4;
        }

        Assert.Equal([(18, 0u, 4), (9, 0u, 5), (9, 0x0100_0000u, 6), (9, 0u, 6)], tags);
    }
}
