using BenchmarkDotNet.Attributes;
using Uplink.Buffers;
using Uplink.Flv;

namespace Uplink.Benchmarks;

/// <summary>
/// FLV tag bodies from real access units (a ~10–40 KB P-frame of the 720p clip): <see cref="AvcTagBuilder.Write"/>
/// from Annex-B and from length-prefixed input, <see cref="AvcTagBuilder.Inspect"/> (parameter sets and keyframe flag,
/// run before every write), and an AAC tag. <see cref="CopyOnly"/> is the floor: the access unit copied into the buffer.
/// </summary>
[MemoryDiagnoser]
public class FlvTagBenchmarks
{
    private readonly PooledBufferWriter _output = new(128 * 1024);
    private AvcTagBuilder _annexBBuilder = null!;
    private AvcTagBuilder _lengthPrefixedBuilder = null!;
    private byte[] _lengthPrefixed = [];
    private byte[] _annexB = [];
    private byte[] _aac = [];

    /// <summary>Picks the access unit and sets up one builder per input format.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        BenchmarkClip clip = await BenchmarkClip.LoadAsync().ConfigureAwait(false);
        _lengthPrefixed = clip.VideoFrames[clip.TypicalFrameIndex];
        _annexB = BenchmarkClip.ToAnnexB(_lengthPrefixed);
        _aac = clip.AudioFrames[10];
        _annexBBuilder = new AvcTagBuilder(VideoMediaType.H264AnnexB);
        _annexBBuilder.Inspect(BenchmarkClip.ToAnnexB(clip.VideoFrames[0], clip.Sps, clip.Pps));
        _lengthPrefixedBuilder = new AvcTagBuilder(VideoMediaType.H264(clip.VideoConfiguration));
        Console.WriteLine($"// access unit: {_lengthPrefixed.Length} bytes length-prefixed, {_annexB.Length} bytes Annex-B; AAC frame {_aac.Length} bytes");
    }

    /// <summary>Returns the output buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    /// <summary>Annex-B access unit → 5-byte header + NAL units with 4-byte lengths.</summary>
    [Benchmark]
    public int VideoFromAnnexB()
    {
        _output.Clear();
        _annexBBuilder.Write(_annexB, keyframe: false, 0, _output);
        return _output.WrittenCount;
    }

    /// <summary>What the writer does per Annex-B frame: inspect (keyframe, parameter sets) and convert in one pass.</summary>
    [Benchmark]
    public int InspectAndWriteAnnexB()
    {
        _output.Clear();
        _annexBBuilder.InspectAndWrite(_annexB, 0, _output);
        return _output.WrittenCount;
    }

    /// <summary>What the writer does per length-prefixed frame: inspect and copy.</summary>
    [Benchmark]
    public int InspectAndWriteLengthPrefixed()
    {
        _output.Clear();
        _lengthPrefixedBuilder.InspectAndWrite(_lengthPrefixed, 0, _output);
        return _output.WrittenCount;
    }

    /// <summary>Length-prefixed (4-byte) access unit → 5-byte header + the same bytes.</summary>
    [Benchmark]
    public int VideoFromLengthPrefixed()
    {
        _output.Clear();
        _lengthPrefixedBuilder.Write(_lengthPrefixed, keyframe: false, 0, _output);
        return _output.WrittenCount;
    }

    /// <summary>Inspect of the Annex-B access unit (start-code scan, NAL types).</summary>
    [Benchmark]
    public bool InspectAnnexB() => _annexBBuilder.Inspect(_annexB);

    /// <summary>Inspect of the length-prefixed access unit.</summary>
    [Benchmark]
    public bool InspectLengthPrefixed() => _lengthPrefixedBuilder.Inspect(_lengthPrefixed);

    /// <summary>A raw AAC frame → 2-byte header + the frame.</summary>
    [Benchmark]
    public int AacTag()
    {
        _output.Clear();
        FlvTags.WriteAac(_output, FlvTags.AacRaw, _aac);
        return _output.WrittenCount;
    }

    /// <summary>The floor: the length-prefixed access unit copied into the buffer.</summary>
    [Benchmark]
    public int CopyOnly()
    {
        _output.Clear();
        _lengthPrefixed.CopyTo(_output.GetSpan(_lengthPrefixed.Length));
        _output.Advance(_lengthPrefixed.Length);
        return _output.WrittenCount;
    }
}
