using System.Buffers.Binary;
using System.Diagnostics;
using Uplink.Media;

namespace Uplink.Tests.Readers.Ivf;

/// <summary>
/// Mutates IVF files (bit flips anywhere, cuts, frame sizes and timestamps rewritten, garbage spliced in) and checks that
/// the reader only ever ends cleanly or throws InvalidDataException / NotSupportedException, never hangs, and allocates
/// in proportion to its input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class IvfReaderFuzzTests
{
    private const int CasesPerFile = 1000;
    private const long AllocationAllowance = 1024 * 1024;
    private const int AllocationPerInputByte = 4;

    private static readonly string[] Files = ["svt-main.ivf", "aom-main.ivf", "svt-main-1280x720.ivf"];

    [Fact]
    public async Task Mutated_files_end_cleanly_or_fail_with_a_data_error_without_hangs_or_runaway_allocation()
    {
        var outcomes = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();
        for (int f = 0; f < Files.Length; f++)
        {
            byte[] original = IvfTestFiles.Build(IvfTestFiles.Frames(Files[f]), repeat: 2);
            List<int> frameHeaders = FrameHeaders(original);
            for (int i = 0; i < CasesPerFile; i++)
            {
                var random = new Random((f * 100_003) + i);
                byte[] input = Mutate(original, frameHeaders, random, out string mutation);
                bool pipe = random.Next(2) == 0;
                string where = $"{Files[f]} case {i} ({mutation}, {(pipe ? "pipe" : "seekable")})";
                Task<(string Outcome, long Allocated, int Frames)> run = Task.Factory.StartNew(
                    () => ReaderFuzzing.ReadEverything(async stream => await IvfReader.OpenAsync(stream), input, pipe), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                (string outcome, long allocated, int frames) = await run.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(outcome is "end" or nameof(InvalidDataException) or nameof(NotSupportedException), $"{where}: {outcome}");
                Assert.True(allocated < AllocationAllowance + ((long)input.Length * AllocationPerInputByte), $"{where}: allocated {allocated} bytes for {input.Length} bytes of input");
                Assert.True(frames <= input.Length / 12, $"{where}: {frames} frames from {input.Length} bytes");
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        Assert.True(outcomes.GetValueOrDefault("end") > 1000, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) > 100, string.Join(", ", outcomes));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
    }

    private static List<int> FrameHeaders(byte[] file)
    {
        var offsets = new List<int>();
        for (int at = 32; at + 12 <= file.Length; at += 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)))
        {
            offsets.Add(at);
        }

        return offsets;
    }

    private static byte[] Mutate(byte[] original, List<int> frameHeaders, Random random, out string mutation)
    {
        byte[] bytes = (byte[])original.Clone();
        int frame = frameHeaders[random.Next(frameHeaders.Count)];
        switch (random.Next(6))
        {
            case 0:
                int flips = random.Next(1, 9);
                for (int k = 0; k < flips; k++)
                {
                    int at = random.Next(bytes.Length);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                mutation = $"{flips} bit flips";
                return bytes;
            case 1:
                int at32 = random.Next(32);
                bytes[at32] ^= (byte)(1 << random.Next(8));
                mutation = $"file header bit flip at {at32}";
                return bytes;
            case 2:
                int cut = random.Next(bytes.Length);
                mutation = $"cut at {cut}";
                return bytes[..cut];
            case 3:
                uint size = random.Next(3) switch { 0 => (uint)random.Next(), 1 => uint.MaxValue - (uint)random.Next(16), _ => (uint)random.Next(64) };
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(frame), size);
                mutation = $"frame size {size} at {frame}";
                return bytes;
            case 4:
                long pts = random.Next(2) == 0 ? long.MinValue + random.Next(8) : long.MaxValue - random.Next(8);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(frame + 4), pts);
                mutation = $"timestamp {pts} at {frame}";
                return bytes;
            default:
                byte[] garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                int where = frame + 12 + random.Next(8);
                mutation = $"{garbage.Length} garbage bytes at {where}";
                return [.. bytes[..Math.Min(where, bytes.Length)], .. garbage, .. bytes[Math.Min(where, bytes.Length)..]];
        }
    }
}
