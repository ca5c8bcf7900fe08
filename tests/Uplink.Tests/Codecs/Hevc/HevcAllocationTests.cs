using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

[Collection(MeasuredAloneCollection.Name)]
public class HevcAllocationTests
{
    [Theory]
    [InlineData("x265-main", 0)]
    [InlineData("x265-temporal", 0)]
    [InlineData("x265-temporal", 4)]
    public void Steady_state_inspection_allocates_nothing_per_access_unit(string name, int lengthSize)
    {
        // The streams repeat their VPS, SPS and PPS at every IRAP access unit: recognising them unchanged is part of
        // the steady state. Length-prefixed access units are made beforehand.
        byte[][] units = [.. HevcTestData.Streams[name].AccessUnits.Select(u => lengthSize == 0
            ? u.Data
            : HevcAccessUnitTests.LengthPrefixed(HevcTestData.NalUnits(u.Data), lengthSize))];
        var parameterSets = new HevcParameterSets();
        byte[] sample = new byte[64 * 1024];
        long checksum = InspectAll(units, lengthSize, parameterSets, sample);

        long allocated = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int pass = 0; pass < 20; pass++)
            {
                checksum += InspectAll(units, lengthSize, parameterSets, sample);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    private static long InspectAll(byte[][] units, int lengthSize, HevcParameterSets parameterSets, byte[] sample)
    {
        long checksum = 0;
        foreach (byte[] unit in units)
        {
            HevcAccessUnitInfo info = HevcAccessUnit.Inspect(unit, lengthSize, parameterSets);
            int written = HevcAccessUnit.WriteSample(unit, lengthSize, sample);
            checksum += written + (info.IsKeyframe ? 1 : 0) + (info.IsNonReference ? 2 : 0) + sample[written - 1];
        }

        return checksum;
    }
}
