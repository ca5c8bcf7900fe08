using BenchmarkDotNet.Attributes;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Benchmarks;

/// <summary>
/// <see cref="ChunkStreamWriter.Write"/> of one message into a reused <see cref="PooledBufferWriter"/> at chunk size 4096:
/// a 200-byte audio message, a 4 KB and a 60 KB video message, with timestamps moving on as in a stream.
/// <see cref="CopyOnly60KB"/> is the floor: the same 60 KB copied into the buffer with no chunking.
/// </summary>
[MemoryDiagnoser]
public class ChunkStreamWriterBenchmarks
{
    private readonly ChunkStreamWriter _writer = new() { ChunkSize = 4096 };
    private readonly PooledBufferWriter _output = new(128 * 1024);
    private byte[] _audio = [];
    private byte[] _video4K = [];
    private byte[] _video60K = [];
    private uint _audioTimestamp;
    private uint _videoTimestamp;

    /// <summary>Takes real AAC and H.264 bytes from the benchmark clip.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        BenchmarkClip clip = await BenchmarkClip.LoadAsync().ConfigureAwait(false);
        _audio = Slice(clip.AudioFrames[10], 200);
        byte[] video = clip.VideoFrames[0];
        _video4K = Slice(video, 4 * 1024);
        _video60K = Slice(video, 60 * 1024);
    }

    /// <summary>Returns the output buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    /// <summary>A 200-byte audio message (one chunk, type-3 header once the delta repeats).</summary>
    [Benchmark]
    public int Audio200B()
    {
        _output.Clear();
        _audioTimestamp += 21;
        _writer.Write(_output, ChunkStreamIds.Audio, new RtmpMessageHeader(_audioTimestamp, _audio.Length, RtmpMessageType.Audio, 1), _audio);
        return _output.WrittenCount;
    }

    /// <summary>A 4 KB video message (one full chunk).</summary>
    [Benchmark]
    public int Video4KB()
    {
        _output.Clear();
        _videoTimestamp += 33;
        _writer.Write(_output, ChunkStreamIds.Video, new RtmpMessageHeader(_videoTimestamp, _video4K.Length, RtmpMessageType.Video, 1), _video4K);
        return _output.WrittenCount;
    }

    /// <summary>A 60 KB video message (15 chunks).</summary>
    [Benchmark]
    public int Video60KB()
    {
        _output.Clear();
        _videoTimestamp += 33;
        _writer.Write(_output, ChunkStreamIds.Video, new RtmpMessageHeader(_videoTimestamp, _video60K.Length, RtmpMessageType.Video, 1), _video60K);
        return _output.WrittenCount;
    }

    /// <summary>The floor for <see cref="Video60KB"/>: copying the 60 KB payload into the same buffer.</summary>
    [Benchmark]
    public int CopyOnly60KB()
    {
        _output.Clear();
        _video60K.CopyTo(_output.GetSpan(_video60K.Length));
        _output.Advance(_video60K.Length);
        return _output.WrittenCount;
    }

    private static byte[] Slice(byte[] source, int length)
    {
        var result = new byte[length];
        for (int at = 0; at < length; at += source.Length)
        {
            source.AsSpan(0, Math.Min(source.Length, length - at)).CopyTo(result.AsSpan(at));
        }

        return result;
    }
}
