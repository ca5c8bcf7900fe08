using System.Diagnostics;
using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// Thousands of mutated transport streams: the reader either refuses them (InvalidDataException or
/// NotSupportedException) or reads to a clean end; never another exception, never a hang, and never memory out of
/// proportion to the input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class MpegTsReaderFuzzTests
{
    private const int CasesPerSeed = 2500;

    public static TheoryData<string> Seeds => ["standard", "audio-only", "m2ts", "synthetic"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Mutated_streams_end_cleanly_or_are_refused_with_a_data_or_support_error(string seed)
    {
        byte[] original = SeedBytes(seed);
        var random = new Random(seed.Length * 7919);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < CasesPerSeed; i++)
        {
            byte[] input = Mutate(original, random, seed == "m2ts" ? 192 : 188);
            // WaitAsync throws TimeoutException for a case that hangs (the stuck thread is then left behind).
            (string outcome, long allocated) = await Task.Run(() => ReadAll(input)).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(allocated < (8L * input.Length) + (2 << 20), $"case {i} of {seed}: {allocated} bytes allocated for {input.Length} input bytes");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault("end") > CasesPerSeed / 4, $"{seed}: {string.Join(", ", outcomes)}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{seed}: {clock.Elapsed}");
    }

    private static (string Outcome, long Allocated) ReadAll(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        int warnings = 0;
        try
        {
            // MemoryStream reads complete synchronously, so everything runs (and allocates) on this thread.
            ValueTask<MpegTsReader> open = MpegTsReader.OpenAsync(new MemoryStream(input), new MediaReaderOptions { OnWarning = _ => warnings++ });
            Assert.True(open.IsCompleted);
            using MpegTsReader reader = open.Result;
            while (true)
            {
                ValueTask<bool> read = reader.ReadAsync();
                Assert.True(read.IsCompleted);
                if (!read.Result)
                {
                    break;
                }

                MediaFrame frame = reader.Current;
                Assert.False(frame.Data.IsEmpty);
                Assert.True(frame.Dts >= TimeSpan.Zero);
            }

            outcome = "end";
        }
        catch (InvalidDataException)
        {
            outcome = "invalid";
        }
        catch (NotSupportedException)
        {
            outcome = "unsupported";
        }

        return (outcome, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] SeedBytes(string seed)
    {
        switch (seed)
        {
            case "standard":
                return MpegTsTestData.Read("standard.ts")[..(188 * 160)];
            case "audio-only":
                return MpegTsTestData.Read("audio-only.ts")[..(188 * 40)];
            case "m2ts":
                byte[] ts = MpegTsTestData.Read("standard.ts")[..(188 * 100)];
                byte[] m2ts = new byte[ts.Length / 188 * 192];
                for (int i = 0; i < ts.Length / 188; i++)
                {
                    ts.AsSpan(i * 188, 188).CopyTo(m2ts.AsSpan((i * 192) + 4));
                }

                return m2ts;
            default:
                var writer = new MpegTsTestWriter().Program();
                for (int i = 0; i < 20; i++)
                {
                    writer.Pes(MpegTsTestWriter.VideoPid, 9000 + (i * 3600), 3600 * i, MpegTsTestWriter.AccessUnit(i % 10 == 0, 400 + (i * 37), (byte)i), bounded: i % 2 == 0)
                        .Pes(MpegTsTestWriter.AudioPid, 3600 * i, null, [.. MpegTsTestWriter.AdtsFrame(100), .. MpegTsTestWriter.AdtsFrame(120)]);
                }

                return writer.ToArray();
        }
    }

    private static byte[] Mutate(byte[] original, Random random, int packetSize)
    {
        var data = new List<byte>(original);
        int prefix = packetSize - 188;
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && data.Count > 0; m++)
        {
            int packetStart = random.Next(Math.Max(1, data.Count / packetSize)) * packetSize;
            int header = packetStart + prefix;
            switch (random.Next(9))
            {
                case 0: // bit flips anywhere
                    for (int i = random.Next(1, 12); i > 0; i--)
                    {
                        int at = random.Next(data.Count);
                        data[at] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1: // truncation
                    int cut = random.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                case 2: // a duplicated packet
                    if (packetStart + packetSize <= data.Count)
                    {
                        data.InsertRange(packetStart, data.GetRange(packetStart, packetSize));
                    }

                    break;
                case 3: // a removed packet
                    if (packetStart + packetSize <= data.Count)
                    {
                        data.RemoveRange(packetStart, packetSize);
                    }

                    break;
                case 4: // an absurd section_length or pointer_field in a table packet
                    SetInPacketOf(data, random, packetSize, pid => pid is 0 or 0x1000, random.Next(3) switch
                    {
                        0 => (5, (byte)random.Next(256)), // pointer_field … / section_length high bits
                        1 => (6, (byte)random.Next(256)), // section_length low bits
                        _ => (4, (byte)random.Next(256)), // pointer_field
                    });
                    break;
                case 5: // an absurd PES_packet_length or PES_header_data_length
                    SetInPacketOf(data, random, packetSize, pid => pid is >= 0x100 and < 0x1000, random.Next(3) switch
                    {
                        0 => (8, (byte)random.Next(256)),
                        1 => (9, (byte)random.Next(256)),
                        _ => (12, (byte)random.Next(256)),
                    });
                    break;
                case 6: // an absurd adaptation_field_length
                    if (header + 5 <= data.Count)
                    {
                        data[header + 3] = (byte)(data[header + 3] | 0x20);
                        data[header + 4] = (byte)random.Next(256);
                    }

                    break;
                case 7: // inserted garbage
                    byte[] garbage = new byte[random.Next(1, 600)];
                    random.NextBytes(garbage);
                    data.InsertRange(random.Next(data.Count), garbage);
                    break;
                default: // a random byte in a random packet header
                    if (header + 4 <= data.Count)
                    {
                        data[header + random.Next(4)] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. data];
    }

    /// <summary>Sets one byte (at <paramref name="change"/>.At from the TS packet start) in a random packet whose PID matches.</summary>
    private static void SetInPacketOf(List<byte> data, Random random, int packetSize, Func<int, bool> pidMatches, (int At, byte Value) change)
    {
        int prefix = packetSize - 188;
        var candidates = new List<int>();
        for (int start = 0; start + packetSize <= data.Count; start += packetSize)
        {
            int pid = ((data[start + prefix + 1] & 0x1F) << 8) | data[start + prefix + 2];
            if (pidMatches(pid) && (data[start + prefix + 1] & 0x40) != 0)
            {
                candidates.Add(start + prefix);
            }
        }

        if (candidates.Count > 0)
        {
            data[candidates[random.Next(candidates.Count)] + change.At] = change.Value;
        }
    }
}
