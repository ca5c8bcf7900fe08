using BenchmarkDotNet.Attributes;
using Uplink.Codecs;

namespace Uplink.Benchmarks;

/// <summary>
/// <see cref="AnnexB"/> → length-prefixed conversion of a real ~10–40 KB access unit (720p P-frame) and of a
/// keyframe led by SPS and PPS: sizing pass, writing pass, and both as the tag builder does them.
/// </summary>
[MemoryDiagnoser]
public class AnnexBBenchmarks
{
    private byte[] _frame = [];
    private byte[] _keyframe = [];
    private byte[] _destination = [];

    /// <summary>Converts two clip access units to Annex-B.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        BenchmarkClip clip = await BenchmarkClip.LoadAsync().ConfigureAwait(false);
        _frame = BenchmarkClip.ToAnnexB(clip.VideoFrames[clip.TypicalFrameIndex]);
        _keyframe = BenchmarkClip.ToAnnexB(clip.VideoFrames[0], clip.Sps, clip.Pps);
        _destination = new byte[Math.Max(_frame.Length, _keyframe.Length) + 64];
        Console.WriteLine($"// P-frame {_frame.Length} bytes, keyframe with SPS/PPS {_keyframe.Length} bytes (Annex-B)");
    }

    /// <summary>The sizing pass alone (one start-code scan).</summary>
    [Benchmark]
    public int GetLengthPrefixedSize() => AnnexB.GetLengthPrefixedSize(_frame);

    /// <summary>Sizing and writing, as <c>VideoTagBuilder.Write</c> does (two scans and one copy).</summary>
    [Benchmark]
    public int ConvertFrame()
    {
        AnnexB.GetLengthPrefixedSize(_frame);
        return AnnexB.WriteLengthPrefixed(_frame, _destination);
    }

    /// <summary>Sizing and writing a keyframe with SPS and PPS in front.</summary>
    [Benchmark]
    public int ConvertKeyframe()
    {
        AnnexB.GetLengthPrefixedSize(_keyframe);
        return AnnexB.WriteLengthPrefixed(_keyframe, _destination);
    }

    /// <summary>The floor: copying the frame's bytes.</summary>
    [Benchmark]
    public int CopyOnly()
    {
        _frame.CopyTo(_destination, 0);
        return _frame.Length;
    }
}
