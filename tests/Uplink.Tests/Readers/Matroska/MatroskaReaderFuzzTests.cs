using System.Diagnostics;
using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// Mutates the samples and their rewritten forms (bit flips in the header, truncations, duplicated elements, absurd and
/// unknown element sizes, zeroed IDs, random block flags) and checks that the reader only ever ends cleanly or throws
/// InvalidDataException / NotSupportedException, never hangs, and allocates in proportion to its input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class MatroskaReaderFuzzTests
{
    private const int CasesPerFile = 800;
    private const long AllocationAllowance = 1024 * 1024;
    private const int AllocationPerInputByte = 4;

    private static readonly (string Name, Func<byte[]> Make)[] Files =
    [
        ("standard.mkv", () => MatroskaTestData.Bytes("standard.mkv")),
        ("live.mkv", () => MatroskaTestData.Bytes("live.mkv")),
        ("audio-only-mono.mka", () => MatroskaTestData.Bytes("audio-only-mono.mka")),
        ("unknown sizes", () => MatroskaTestFiles.WithUnknownSizes("standard.mkv")),
        ("block groups", () => MatroskaTestFiles.WithBlockGroups("standard.mkv", withDuration: true)),
        ("laced", () => MatroskaTestFiles.WithLacedAudio("standard.mkv", Lacing.Xiph, 5)),
        ("stripped", () => MatroskaTestFiles.WithHeaderStripping("standard.mkv", 2)),
    ];

    [Fact]
    public async Task Mutated_files_end_cleanly_or_fail_with_a_data_error_without_hangs_or_runaway_allocation()
    {
        var outcomes = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();
        long worstAllocation = 0;
        for (int f = 0; f < Files.Length; f++)
        {
            byte[] original = Files[f].Make();
            List<EbmlElement> elements = EbmlElement.Parse(original).SelectMany(e => e.Descendants()).ToList();
            for (int i = 0; i < CasesPerFile; i++)
            {
                var random = new Random((f * 100_003) + i);
                byte[] input = Mutate(original, original, elements, random, inPlaceOnly: false, out string mutation);
                if (random.Next(4) == 0 && input.Length == original.Length)
                {
                    input = Mutate(input, original, elements, random, inPlaceOnly: true, out string second);
                    mutation += " + " + second;
                }

                bool pipe = random.Next(2) == 0;
                string where = $"{Files[f].Name} case {i} ({mutation}, {(pipe ? "pipe" : "seekable")})";
                Task<(string Outcome, long Allocated, int Frames)> run = Task.Factory.StartNew(
                    () => ReaderFuzzing.ReadEverything(async stream => await MatroskaReader.OpenAsync(stream), input, pipe), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                (string outcome, long allocated, int frames) = await run.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(outcome is "end" or nameof(InvalidDataException) or nameof(NotSupportedException), $"{where}: {outcome}");
                Assert.True(allocated < AllocationAllowance + ((long)input.Length * AllocationPerInputByte), $"{where}: allocated {allocated} bytes for {input.Length} bytes of input");
                Assert.True(frames <= input.Length, $"{where}: {frames} frames from {input.Length} bytes");
                worstAllocation = Math.Max(worstAllocation, allocated - input.Length);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        // Both kinds of outcome occur: the mutations reach the parser and the reader survives many of them.
        Assert.True(outcomes.GetValueOrDefault("end") > 1000, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) > 100, string.Join(", ", outcomes));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}; worst allocation beyond input {worstAllocation}");
    }

    /// <summary>Mutates <paramref name="input"/>, whose elements are those of <paramref name="original"/> where they were (<paramref name="elements"/>).</summary>
    private static byte[] Mutate(byte[] input, byte[] original, List<EbmlElement> elements, Random random, bool inPlaceOnly, out string mutation)
    {
        byte[] bytes = (byte[])input.Clone();
        List<EbmlElement> header = elements.FindAll(e => e.Offset < elements.First(c => c.Id == EbmlElement.Cluster).Offset);
        int kind = random.Next(7);
        if (inPlaceOnly && kind is 1 or 2)
        {
            kind = 0;
        }

        switch (kind)
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++)
                {
                    EbmlElement element = header[random.Next(header.Count)];
                    int at = random.Next(4) == 0 ? random.Next(bytes.Length) : (int)element.Offset + random.Next(Math.Min((int)(element.DataOffset - element.Offset) + 8, bytes.Length - (int)element.Offset));
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                mutation = $"{flips} bit flips";
                return bytes;
            }

            case 1:
                mutation = "truncation";
                return bytes[..random.Next(bytes.Length + 1)];
            case 2:
            {
                // A duplicated element, its ancestors' sizes grown to hold it (the tree is written anew).
                List<EbmlElement> copy = EbmlElement.Parse(original);
                List<EbmlElement> parents = copy.SelectMany(e => e.Descendants()).Where(e => e.Children is { Count: > 0 }).ToList();
                EbmlElement parent = parents[random.Next(parents.Count)];
                EbmlElement child = parent.Children![random.Next(parent.Children.Count)];
                parent.Children.Insert(parent.Children.IndexOf(child), child);
                mutation = $"duplicated 0x{child.Id:X} in 0x{parent.Id:X}";
                return EbmlElement.Write(copy);
            }

            case 3:
            {
                // An element's size field rewritten in place (same length): unknown, 0, off by one, or anything.
                EbmlElement element = elements[random.Next(elements.Count)];
                int idLength = EbmlElement.IdBytes(element.Id).Length;
                int sizeLength = (int)(element.DataOffset - element.Offset) - idLength;
                ulong max = (1UL << (7 * sizeLength)) - 1;
                ulong current = (ulong)(element.Children is null ? element.Data!.Length : EbmlElement.Write(element.Children).Length);
                ulong[] sizes = [max, max - 1, 0, 1, current + 1, current - 1, (ulong)random.NextInt64() & max];
                ulong size = sizes[random.Next(sizes.Length)] & max;
                EbmlElement.VarInt(size, sizeLength).CopyTo(bytes, (int)element.Offset + idLength);
                mutation = $"0x{element.Id:X} at {element.Offset} size {size}{(size == max ? " (unknown)" : "")}";
                return bytes;
            }

            case 4:
            {
                EbmlElement element = elements[random.Next(elements.Count)];
                bytes[element.Offset] = random.Next(2) == 0 ? (byte)0 : (byte)random.Next(256);
                mutation = $"0x{element.Id:X} at {element.Offset} ID byte {bytes[element.Offset]:X2}";
                return bytes;
            }

            case 5:
            {
                List<EbmlElement> blocks = elements.FindAll(e => e.Id is EbmlElement.SimpleBlock or EbmlElement.Block);
                int changes = random.Next(1, 20);
                for (int i = 0; i < changes; i++)
                {
                    EbmlElement block = blocks[random.Next(blocks.Count)];
                    int at = (int)block.DataOffset + random.Next(Math.Min(6, block.Data!.Length));
                    bytes[at] = (byte)random.Next(256);
                }

                mutation = $"{changes} block header bytes";
                return bytes;
            }

            default:
            {
                // Random bytes over a stretch of the clusters.
                int at = random.Next(bytes.Length);
                int length = Math.Min(random.Next(1, 5000), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                mutation = $"{length} random bytes at {at}";
                return bytes;
            }
        }
    }
}
