using System.Diagnostics;
using Uplink.Codecs.Av1;
using Xunit.Abstractions;

namespace Uplink.Tests.Codecs.Av1;

/// <summary>
/// Every truncation of every real temporal unit, then thousands of seeded damaged units (bit flips, cuts, garbage,
/// absurd sizes): the inspector returns or throws InvalidDataException, quickly and with bounded allocation.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class Av1RobustnessTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_truncation_of_real_units_returns_or_throws_InvalidDataException()
    {
        foreach (Av1Case c in Av1TestData.Cases.Values)
        {
            var inspector = Warmed(c);
            foreach (byte[] unit in c.TemporalUnits)
            {
                for (int length = 0; length <= unit.Length; length++)
                {
                    InspectOrInvalid(inspector, unit[..length]);
                }
            }
        }
    }

    [Fact]
    public void Damaged_units_return_or_throw_InvalidDataException_quickly_with_bounded_allocation()
    {
        Av1Case[] cases = [.. Av1TestData.Cases.Values];
        var random = new Random(20261206);
        var total = Stopwatch.StartNew();
        int count = 0, failed = 0;
        while (count < 20_000 && total.Elapsed < TimeSpan.FromSeconds(15))
        {
            Av1Case c = cases[random.Next(cases.Length)];
            byte[] unit = Mutate(c.TemporalUnits[random.Next(c.TemporalUnits.Count)], random);
            var inspector = Warmed(c);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            failed += InspectOrInvalid(inspector, unit) ? 0 : 1;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"case {count} took {watch.Elapsed}");
            Assert.True(allocated < 64 * 1024, $"case {count} allocated {allocated} bytes");
            count++;
        }

        output.WriteLine($"{count} cases in {total.Elapsed}: {failed} threw InvalidDataException");
        Assert.True(count >= 1000, $"only {count} cases in the time budget");
        Assert.True(failed > 0 && failed < count, $"{failed} of {count} failed");
    }

    [Fact]
    public void Inspecting_allocates_nothing_in_steady_state()
    {
        var inspectors = Av1TestData.Cases.Values.Select(c => (c, Warmed(c))).ToArray();
        long checksum = 0;
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach ((Av1Case c, Av1TemporalUnitInspector inspector) in inspectors)
            {
                IReadOnlyList<byte[]> units = c.TemporalUnits;
                for (int i = 0; i < units.Count; i++) // no boxed enumerator
                {
                    Av1TemporalUnitInfo info = inspector.Inspect(units[i]);
                    checksum += info.KeptLength + (info.IsKeyframe ? 1 : 0) + (info.IsDisposable ? 2 : 0);
                }
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    private static Av1TemporalUnitInspector Warmed(Av1Case c)
    {
        var inspector = new Av1TemporalUnitInspector();
        inspector.Inspect(c.TemporalUnits[0]);
        return inspector;
    }

    /// <summary>True when the unit was read, false when it threw InvalidDataException; anything else fails the test.</summary>
    private static bool InspectOrInvalid(Av1TemporalUnitInspector inspector, byte[] unit)
    {
        try
        {
            Av1TemporalUnitInfo info = inspector.Inspect(unit);
            Assert.InRange(info.KeptLength, 0, unit.Length);
            return true;
        }
        catch (InvalidDataException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            return false;
        }
    }

    private static byte[] Mutate(byte[] original, Random random) => BitstreamMutator.Mutate(original, random, Forge, headerBytes: 3);

    /// <summary>An absurd leb128 size after an OBU header.</summary>
    private static byte[] Forge(byte[] data, Random random)
    {
        int at = random.Next(data.Length + 1);
        return [.. data.AsSpan(0, at), 0x32, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. data.AsSpan(at)];
    }
}
