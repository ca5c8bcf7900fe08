using System.Diagnostics;
using Uplink.Media;
using Xunit.Abstractions;
using static Uplink.Tests.Readers.Elementary.ElementaryTestData;

namespace Uplink.Tests.Readers.Elementary;

/// <summary>
/// Thousands of damaged streams (bit flips, truncations, duplicated and dropped ranges, garbage, absurd ADTS lengths,
/// long runs without start codes): the reader ends cleanly or throws InvalidDataException/NotSupportedException, each
/// case quickly and with bounded allocation.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class ElementaryStreamReaderFuzzTests(ITestOutputHelper output)
{
    private const int AccessUnitLimit = 256 * 1024;

    [Fact]
    public void Mutated_streams_end_cleanly_or_fail_with_invalid_data()
    {
        byte[] video = Bytes("bf3-pyramid.h264");
        byte[] audio = Bytes("tone.aac");
        var random = new Random(20261124);
        var total = Stopwatch.StartNew();
        int cases = 0, clean = 0, failed = 0;
        while (cases < 8000 && total.Elapsed < TimeSpan.FromSeconds(15))
        {
            int which = cases % 3;
            byte[]? v = which != 1 ? Mutate(video, random, isAdts: false) : null;
            byte[]? a = which != 0 ? Mutate(audio, random, isAdts: true) : null;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            try
            {
                ReadAll(v, a);
                clean++;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                Assert.DoesNotContain('\n', e.Message);
                failed++;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"case {cases} took {watch.Elapsed}");
            Assert.True(allocated < 2 * 1024 * 1024, $"case {cases} allocated {allocated} bytes");
            cases++;
        }

        output.WriteLine($"{cases} cases in {total.Elapsed}: {clean} ended cleanly, {failed} failed with InvalidDataException/NotSupportedException");
        Assert.True(cases >= 1000, $"only {cases} cases in the time budget");
        Assert.True(clean > 0 && failed > 0, $"{clean} clean, {failed} failed");
    }

    /// <summary>Reads everything synchronously (memory streams complete at once), so the allocation counter sees it all.</summary>
    private static void ReadAll(byte[]? video, byte[]? audio)
    {
        int warnings = 0;
        var options = new MediaReaderOptions { OnWarning = _ => warnings++ };
        ValueTask<ElementaryStreamReader> open = ElementaryStreamReader.OpenWithLimitAsync(
            video is null ? null : new MemoryStream(video), audio is null ? null : new MemoryStream(audio), null, options, AccessUnitLimit, default);
        Assert.True(open.IsCompleted);
        using ElementaryStreamReader reader = open.Result;
        int frames = 0;
        while (true)
        {
            ValueTask<bool> read = reader.ReadAsync();
            Assert.True(read.IsCompleted);
            if (!read.Result)
            {
                break;
            }

            Assert.InRange(++frames, 0, 100_000);
            Assert.False(reader.Current.Data.IsEmpty);
        }
    }

    private static byte[] Mutate(byte[] original, Random random, bool isAdts)
    {
        byte[] data = (byte[])original.Clone();
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(8))
            {
                case 0: // bit flips
                    for (int i = random.Next(1, 30); i > 0 && data.Length > 0; i--)
                    {
                        data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1: // truncation
                    data = data[..random.Next(data.Length + 1)];
                    break;
                case 2: // a duplicated range (often whole NAL units or frames)
                    if (data.Length > 2)
                    {
                        int start = random.Next(data.Length - 1);
                        int length = random.Next(1, Math.Min(4000, data.Length - start));
                        int at = random.Next(data.Length);
                        data = [.. data.AsSpan(0, at), .. data.AsSpan(start, length), .. data.AsSpan(at)];
                    }

                    break;
                case 3: // a dropped range
                    if (data.Length > 2)
                    {
                        int start = random.Next(data.Length - 1);
                        int length = random.Next(1, Math.Min(4000, data.Length - start));
                        data = [.. data.AsSpan(0, start), .. data.AsSpan(start + length)];
                    }

                    break;
                case 4: // garbage, sometimes behind a start code
                    {
                        byte[] garbage = new byte[random.Next(1, 200)];
                        random.NextBytes(garbage);
                        if (random.Next(2) == 0 && garbage.Length > 4)
                        {
                            garbage[0] = 0;
                            garbage[1] = 0;
                            garbage[2] = 1;
                        }

                        int at = random.Next(data.Length + 1);
                        data = [.. data.AsSpan(0, at), .. garbage, .. data.AsSpan(at)];
                    }

                    break;
                case 5: // absurd sizes: an ADTS length field, or a long run without start codes
                    if (isAdts)
                    {
                        int at = random.Next(Math.Max(1, data.Length - 7));
                        int syncAt = data.AsSpan(at).IndexOf((byte)0xFF);
                        if (syncAt >= 0 && at + syncAt + 6 < data.Length)
                        {
                            int p = at + syncAt;
                            int length = random.Next(2) == 0 ? random.Next(8) : 8191;
                            data[p + 3] = (byte)((data[p + 3] & 0xFC) | (length >> 11));
                            data[p + 4] = (byte)(length >> 3);
                            data[p + 5] = (byte)((data[p + 5] & 0x1F) | ((length & 7) << 5));
                        }
                    }
                    else
                    {
                        int at = random.Next(data.Length + 1);
                        byte[] run = new byte[random.Next(2) == 0 ? 300_000 : 1000];
                        run.AsSpan().Fill((byte)random.Next(1, 256));
                        data = [.. data.AsSpan(0, at), .. run, .. data.AsSpan(at)];
                    }

                    break;
                case 6: // zeroed range (start codes and empty NAL units appear)
                    if (data.Length > 2)
                    {
                        int start = random.Next(data.Length - 1);
                        data.AsSpan(start, random.Next(1, Math.Min(64, data.Length - start))).Clear();
                    }

                    break;
                default: // a NAL header rewritten to a random type
                    {
                        int at = random.Next(Math.Max(1, data.Length - 4));
                        int found = data.AsSpan(at).IndexOf((ReadOnlySpan<byte>)[0, 0, 1]);
                        if (found >= 0 && at + found + 3 < data.Length)
                        {
                            data[at + found + 3] = (byte)random.Next(256);
                        }
                    }

                    break;
            }
        }

        return data;
    }
}
