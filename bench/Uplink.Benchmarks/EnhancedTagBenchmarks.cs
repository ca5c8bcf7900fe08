using BenchmarkDotNet.Attributes;
using Uplink.Buffers;
using Uplink.Flv;

namespace Uplink.Benchmarks;

/// <summary>
/// Per-frame cost of the Enhanced RTMP tag paths, on the committed test streams (tests/Uplink.Tests/TestData): HEVC
/// Annex-B (inspect, parameter sets, 4-byte lengths), AV1 (OBU walk, temporal delimiter stripped), VP9 (frame header),
/// and AC-3 syncframe splitting. Each benchmark writes one whole stream; divide by the frame count printed at setup.
/// </summary>
[MemoryDiagnoser]
public class EnhancedTagBenchmarks
{
    private readonly PooledBufferWriter _output = new(256 * 1024);
    private byte[][] _hevc = [];
    private byte[][] _av1 = [];
    private byte[][] _vp9 = [];
    private byte[] _ac3 = [];
    private VideoTagBuilder _hevcBuilder = null!;
    private VideoTagBuilder _av1Builder = null!;
    private VideoTagBuilder _vp9Builder = null!;
    private AudioTagBuilder _ac3Builder = null!;

    /// <summary>Loads the streams and primes each builder with its configuration.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string data = Path.Combine(RepositoryRoot(), "tests", "Uplink.Tests", "TestData");
        _hevc = SplitAnnexB(File.ReadAllBytes(Path.Combine(data, "Hevc", "x265-main.h265")));
        _av1 = ReadIvf(Path.Combine(data, "Av1", "svt-main.ivf"));
        _vp9 = ReadIvf(Path.Combine(data, "Vp9", "profile0.ivf"));
        _ac3 = File.ReadAllBytes(Path.Combine(data, "Audio", "six-frames.ac3"));
        _hevcBuilder = VideoTagBuilder.Create(VideoMediaType.HevcAnnexB);
        _av1Builder = VideoTagBuilder.Create(VideoMediaType.Av1());
        _vp9Builder = VideoTagBuilder.Create(VideoMediaType.Vp9());
        _ac3Builder = AudioTagBuilder.Create(AudioMediaType.Ac3);
        HevcStream();
        Av1Stream();
        Vp9Stream();
        Ac3Frames();
        Console.WriteLine($"// frames: HEVC {_hevc.Length}, AV1 {_av1.Length}, VP9 {_vp9.Length}, AC-3 6");
    }

    /// <summary>Returns the output buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    /// <summary>Every access unit of the HEVC stream.</summary>
    [Benchmark]
    public long HevcStream() => WriteAll(_hevcBuilder, _hevc);

    /// <summary>Every temporal unit of the AV1 stream.</summary>
    [Benchmark]
    public long Av1Stream() => WriteAll(_av1Builder, _av1);

    /// <summary>Every frame of the VP9 stream.</summary>
    [Benchmark]
    public long Vp9Stream() => WriteAll(_vp9Builder, _vp9);

    /// <summary>Six AC-3 syncframes from one write, split and tagged.</summary>
    [Benchmark]
    public long Ac3Frames()
    {
        long written = 0;
        for (int offset = 0; offset < _ac3.Length;)
        {
            int length = _ac3Builder.NextFrame(_ac3.AsSpan(offset), out _, out _);
            _output.Clear();
            _ac3Builder.WriteFrame(_output, _ac3.AsSpan(offset, length));
            written += _output.WrittenCount;
            offset += length;
        }

        return written;
    }

    private long WriteAll(VideoTagBuilder builder, byte[][] frames)
    {
        long written = 0;
        foreach (byte[] frame in frames)
        {
            _output.Clear();
            builder.InspectAndWrite(frame, 0, _output);
            written += _output.WrittenCount;
        }

        return written;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Uplink.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (Uplink.slnx) is not above the benchmark's directory");
    }

    private static byte[][] ReadIvf(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var frames = new List<byte[]>();
        for (int at = BitConverter.ToUInt16(file, 6); at + 12 <= file.Length;)
        {
            int size = (int)BitConverter.ToUInt32(file, at);
            frames.Add(file.AsSpan(at + 12, size).ToArray());
            at += 12 + size;
        }

        return [.. frames];
    }

    // Access units of an x265 stream: each starts at an access unit delimiter (x265 writes one per picture).
    private static byte[][] SplitAnnexB(byte[] stream)
    {
        var starts = new List<int>();
        for (int i = 0; i + 4 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 && ((stream[i + 3] >> 1) & 0x3F) == 35)
            {
                starts.Add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
            }
        }

        return [.. starts.Select((s, k) => stream[s..(k + 1 < starts.Count ? starts[k + 1] : stream.Length)])];
    }
}
