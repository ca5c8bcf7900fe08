using System.Diagnostics;
using Uplink.Codecs.Vp9;
using Xunit.Abstractions;

namespace Uplink.Tests.Codecs.Vp9;

/// <summary>
/// Every truncation of every real sample, then thousands of seeded damaged samples (bit flips, cuts, garbage, forged
/// superframe indexes): the inspector returns or throws InvalidDataException (NotSupportedException only for a 4:4:0 key
/// frame, which vpcC cannot describe), quickly and with bounded allocation.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class Vp9RobustnessTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_truncation_of_real_samples_returns_or_throws_InvalidDataException()
    {
        foreach (Vp9Case c in Vp9TestData.Cases.Values)
        {
            var inspector = new Vp9SampleInspector();
            foreach (byte[] sample in c.Samples)
            {
                for (int length = 0; length <= sample.Length; length++)
                {
                    Assert.NotEqual(Outcome.Unsupported, InspectOrInvalid(inspector, sample[..length]));
                }
            }
        }
    }

    [Fact]
    public void Damaged_samples_return_or_throw_quickly_with_bounded_allocation()
    {
        Vp9Case[] cases = [.. Vp9TestData.Cases.Values];
        var random = new Random(20261207);
        var total = Stopwatch.StartNew();
        int count = 0, failed = 0;
        while (count < 20_000 && total.Elapsed < TimeSpan.FromSeconds(15))
        {
            Vp9Case c = cases[random.Next(cases.Length)];
            byte[] sample = Mutate(c.Samples[random.Next(c.Samples.Count)], random);
            var inspector = new Vp9SampleInspector();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            failed += InspectOrInvalid(inspector, sample) == Outcome.Read ? 0 : 1;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"case {count} took {watch.Elapsed}");
            Assert.True(allocated < 16 * 1024, $"case {count} allocated {allocated} bytes");
            count++;
        }

        output.WriteLine($"{count} cases in {total.Elapsed}: {failed} threw");
        Assert.True(count >= 1000, $"only {count} cases in the time budget");
        Assert.True(failed > 0 && failed < count, $"{failed} of {count} failed");
    }

    [Fact]
    public void Inspecting_allocates_nothing_in_steady_state()
    {
        var inspectors = Vp9TestData.Cases.Values.Select(c => (c, new Vp9SampleInspector())).ToArray();
        foreach ((Vp9Case c, Vp9SampleInspector inspector) in inspectors)
        {
            inspector.Inspect(c.Samples[0]);
        }

        long checksum = 0;
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach ((Vp9Case c, Vp9SampleInspector inspector) in inspectors)
            {
                IReadOnlyList<byte[]> samples = c.Samples;
                for (int i = 0; i < samples.Count; i++) // no boxed enumerator
                {
                    Vp9SampleInfo info = inspector.Inspect(samples[i]);
                    checksum += info.FrameCount + info.HiddenFrames + (info.IsKeyframe ? 1 : 0);
                }
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    private enum Outcome
    {
        Read,
        Invalid,
        Unsupported,
    }

    private static Outcome InspectOrInvalid(Vp9SampleInspector inspector, byte[] sample)
    {
        try
        {
            Vp9SampleInfo info = inspector.Inspect(sample);
            Assert.InRange(info.FrameCount, 1, Vp9Superframe.MaxFrames);
            return Outcome.Read;
        }
        catch (InvalidDataException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            return Outcome.Invalid;
        }
        catch (NotSupportedException e)
        {
            Assert.Equal("VP9 4:4:0 has no vpcC chromaSubsampling value", e.Message);
            return Outcome.Unsupported;
        }
    }

    private static byte[] Mutate(byte[] original, Random random) => BitstreamMutator.Mutate(original, random, Forge, headerBytes: 4);

    /// <summary>A forged superframe index with random sizes.</summary>
    private static byte[] Forge(byte[] data, Random random)
    {
        int frames = random.Next(1, 9), width = random.Next(1, 5);
        byte marker = (byte)(0xC0 | ((width - 1) << 3) | (frames - 1));
        byte[] sizes = new byte[frames * width];
        random.NextBytes(sizes);
        return [.. data, marker, .. sizes, marker];
    }
}
