using System.Buffers.Binary;
using System.Diagnostics;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>
/// Mutates the committed samples (bit flips in the index, truncations, duplicated boxes, absurd 32/64-bit box
/// sizes and entry counts, random fragment flags) and checks that the reader only ever ends cleanly or throws
/// InvalidDataException / NotSupportedException, never hangs, and allocates in proportion to its input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class Mp4ReaderFuzzTests
{
    private const int CasesPerFile = 1000;
    private const long AllocationAllowance = 1024 * 1024;
    private const int AllocationPerInputByte = 4;

    private static readonly string[] Files =
    [
        "faststart.mp4", "moov-at-end.mp4", "fragmented.mp4", "fragmented-base-moof.mp4", "sample.mov", "audio-only-mono.m4a", "negative-cts.mp4",
    ];

    private static readonly HashSet<string> CountedTables = ["stsz", "stco", "co64", "stsc", "stts", "ctts", "stss", "stsd", "trun", "stz2"];

    [Fact]
    public async Task Mutated_files_end_cleanly_or_fail_with_a_data_error_without_hangs_or_runaway_allocation()
    {
        var outcomes = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();
        long worstAllocation = 0;
        for (int f = 0; f < Files.Length; f++)
        {
            byte[] original = Mp4TestData.Bytes(Files[f]);
            List<Mp4BoxLayout> boxes = Mp4BoxLayout.Walk(original);
            for (int i = 0; i < CasesPerFile; i++)
            {
                var random = new Random((f * 100_003) + i);
                byte[] input = Mutate(original, boxes, random, out string mutation);
                if (random.Next(4) == 0)
                {
                    input = Mutate(input, Mp4BoxLayout.Walk(input), random, out string second);
                    mutation += " + " + second;
                }

                bool pipe = random.Next(2) == 0;
                string where = $"{Files[f]} case {i} ({mutation}, {(pipe ? "pipe" : "seekable")})";
                Task<(string Outcome, long Allocated, int Frames)> run = Task.Factory.StartNew(
                    () => ReaderFuzzing.ReadEverything(async stream => await Mp4Reader.OpenAsync(stream), input, pipe), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                (string outcome, long allocated, int frames) = await run.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(outcome is "end" or nameof(InvalidDataException) or nameof(NotSupportedException), $"{where}: {outcome}");
                Assert.True(allocated < AllocationAllowance + ((long)input.Length * AllocationPerInputByte), $"{where}: allocated {allocated} bytes for {input.Length} bytes of input");
                Assert.True(frames <= input.Length, $"{where}: {frames} frames from {input.Length} bytes");
                worstAllocation = Math.Max(worstAllocation, allocated - input.Length);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        // Both kinds of outcome occur: the mutations reach the parser and the reader survives many of them.
        Assert.True(outcomes.GetValueOrDefault("end") > 100, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) > 100, string.Join(", ", outcomes));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}; worst allocation beyond input {worstAllocation}");
    }

    private static byte[] Mutate(byte[] original, List<Mp4BoxLayout> boxes, Random random, out string mutation)
    {
        byte[] bytes = (byte[])original.Clone();
        List<Mp4BoxLayout> index = boxes.FindAll(b => b.AncestorOffsets.Count > 0 || b.Type is "moov" or "moof");
        if (index.Count == 0 || boxes.Count == 0)
        {
            mutation = "truncation (no boxes)";
            return bytes[..random.Next(bytes.Length + 1)];
        }

        switch (random.Next(6))
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++)
                {
                    Mp4BoxLayout box = index[random.Next(index.Count)];
                    int at = random.Next(4) == 0 ? random.Next(bytes.Length) : box.Offset + random.Next(Math.Min(box.Size, 64));
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
                Mp4BoxLayout box = index[random.Next(index.Count)];
                mutation = $"duplicated '{box.Type}' at {box.Offset}";
                byte[] duplicated = [.. bytes.AsSpan(0, box.Offset + box.Size), .. bytes.AsSpan(box.Offset, box.Size), .. bytes.AsSpan(box.Offset + box.Size)];
                foreach (int ancestor in box.AncestorOffsets)
                {
                    uint size = BinaryPrimitives.ReadUInt32BigEndian(duplicated.AsSpan(ancestor));
                    if (size > 1)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(duplicated.AsSpan(ancestor), size + (uint)box.Size);
                    }
                }

                return duplicated;
            }

            case 3:
            {
                Mp4BoxLayout box = boxes[random.Next(boxes.Count)];
                uint[] sizes = [0, 1, 2, 7, 8, (uint)box.Size - 1, (uint)box.Size + 1, 0x7FFFFFFF, 0xFFFFFFFF, (uint)random.Next()];
                uint size = sizes[random.Next(sizes.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(box.Offset), size);
                mutation = $"'{box.Type}' at {box.Offset} size {size}";
                if (size == 1 && box.Offset + 16 <= bytes.Length)
                {
                    ulong[] large = [0, 15, 16, (ulong)box.Size + 8, 1UL << 62, ulong.MaxValue, (ulong)random.NextInt64()];
                    ulong largeSize = large[random.Next(large.Length)];
                    BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(box.Offset + 8), largeSize);
                    mutation += $" (64-bit {largeSize})";
                }

                return bytes;
            }

            case 4:
            {
                List<Mp4BoxLayout> tables = boxes.FindAll(b => CountedTables.Contains(b.Type));
                Mp4BoxLayout box = tables.Count > 0 ? tables[random.Next(tables.Count)] : index[random.Next(index.Count)];
                int at = box.Offset + (box.Type is "stsz" or "stz2" ? 16 : 12);
                if (at + 4 > bytes.Length)
                {
                    mutation = "nothing";
                    return bytes;
                }

                uint original32 = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
                uint[] counts = [0, 1, 0xFFFFFFFF, 0x80000000, 0x10000000, original32 + 1, 65536, 4096, 4097, (uint)random.Next()];
                uint count = counts[random.Next(counts.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), count);
                mutation = $"'{box.Type}' at {box.Offset} count {count}";
                return bytes;
            }

            default:
            {
                List<Mp4BoxLayout> fullBoxes = boxes.FindAll(b => b.Type is "trun" or "tfhd" or "tfdt" or "mdhd" or "ctts" or "stsz" or "mvhd" or "tkhd" or "hdlr");
                Mp4BoxLayout box = fullBoxes.Count > 0 ? fullBoxes[random.Next(fullBoxes.Count)] : index[random.Next(index.Count)];
                int version = random.Next(3);
                int flags = random.Next(1 << 24);
                bytes[box.Offset + 8] = (byte)version;
                bytes[box.Offset + 9] = (byte)(flags >> 16);
                bytes[box.Offset + 10] = (byte)(flags >> 8);
                bytes[box.Offset + 11] = (byte)flags;
                mutation = $"'{box.Type}' at {box.Offset} version {version} flags 0x{flags:X6}";
                return bytes;
            }
        }
    }
}
