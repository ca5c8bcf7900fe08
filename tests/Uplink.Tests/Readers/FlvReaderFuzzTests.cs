using System.Buffers.Binary;
using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>
/// Mutates the committed FLV sample (bit flips, truncations, duplicated and removed tags, absurd data sizes and
/// timestamps) and checks that the reader only ever ends cleanly or throws InvalidDataException /
/// NotSupportedException, never hangs, and allocates in proportion to its input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class FlvReaderFuzzTests
{
    // The Enhanced FLV samples (FFmpeg 8.1: ex headers, FourCCs, Metadata and MultichannelConfig packets) are smaller
    // and newer, so fewer cases each; together they exercise the shared tag header parser on every codec. The multitrack
    // one (every track read) exercises the Multitrack framing.
    [Theory]
    [InlineData("sample-h264-aac.flv", 3000)]
    [InlineData("sample-hevc-opus.flv", 800)]
    [InlineData("sample-av1-flac.flv", 800)]
    [InlineData("sample-vp9-ac3.flv", 800)]
    [InlineData("sample-hevc-eac3.flv", 500)]
    [InlineData("sample-h264-mp3.flv", 500)]
    [InlineData("sample-multitrack.flv", 500)]
    public async Task Mutated_files_end_cleanly_or_fail_with_a_data_error_without_hangs_or_runaway_allocation(string sample, int cases)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Flv", sample));
        var allTracks = new MediaReaderOptions { AllTracks = sample.Contains("multitrack", StringComparison.Ordinal) };
        List<(int Offset, int Length)> tags = Tags(original);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < cases; i++)
        {
            var random = new Random(i);
            byte[] input = Mutate(original, tags, random, out string mutation);
            bool pipe = random.Next(2) == 0;
            string where = $"case {i} ({mutation}, {(pipe ? "pipe" : "seekable")})";
            (string outcome, long allocated, int frames) = await Task.Factory.StartNew(
                () => ReaderFuzzing.ReadEverything(async stream => await FlvReader.OpenAsync(stream, allTracks), input, pipe),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(outcome is "end" or nameof(InvalidDataException) or nameof(NotSupportedException), $"{where}: {outcome}");
            Assert.True(allocated < (1024 * 1024) + (4L * input.Length), $"{where}: allocated {allocated} bytes for {input.Length} bytes of input");
            Assert.True(frames <= input.Length / 11, $"{where}: {frames} frames from {input.Length} bytes");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // The mutations reach the parser (errors) and the reader survives many of them (clean ends).
        Assert.True(outcomes.GetValueOrDefault("end") > cases / 10, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) + outcomes.GetValueOrDefault(nameof(NotSupportedException)) > cases / 10, string.Join(", ", outcomes));
    }

    /// <summary>Offsets and lengths (header, data and PreviousTagSize) of every tag after the 13-byte file header.</summary>
    private static List<(int Offset, int Length)> Tags(byte[] file)
    {
        var tags = new List<(int, int)>();
        int at = 13;
        while (at + 11 <= file.Length)
        {
            int size = (file[at + 1] << 16) | (file[at + 2] << 8) | file[at + 3];
            int length = 11 + size + 4;
            if (at + length > file.Length)
            {
                break;
            }

            tags.Add((at, length));
            at += length;
        }

        return tags;
    }

    private static byte[] Mutate(byte[] original, List<(int Offset, int Length)> tags, Random random, out string mutation)
    {
        byte[] bytes = (byte[])original.Clone();
        (int offset, int length) = tags[random.Next(tags.Count)];
        switch (random.Next(7))
        {
            case 0:
                int flips = random.Next(1, 16);
                for (int i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                mutation = $"{flips} bit flips";
                return bytes;
            case 1:
                int cut = random.Next(bytes.Length);
                mutation = $"truncated at {cut}";
                return bytes[..cut];
            case 2:
                mutation = $"tag at {offset} duplicated";
                return [.. bytes[..(offset + length)], .. bytes[offset..(offset + length)], .. bytes[(offset + length)..]];
            case 3:
                mutation = $"tag at {offset} removed";
                return [.. bytes[..offset], .. bytes[(offset + length)..]];
            case 4:
                int size = random.Next(3) switch { 0 => 0xFFFFFF, 1 => 0, _ => random.Next(0, 0x1000000) };
                bytes[offset + 1] = (byte)(size >> 16);
                bytes[offset + 2] = (byte)(size >> 8);
                bytes[offset + 3] = (byte)size;
                mutation = $"tag at {offset} claims {size} bytes";
                return bytes;
            case 5:
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 4), (uint)random.Next());
                mutation = $"tag at {offset} has a random timestamp";
                return bytes;
            default:
                // The tag's body: codec bytes, packet type, composition time, NAL lengths.
                int body = offset + 11;
                int n = Math.Min(8, length - 15);
                for (int i = 0; i < n; i++)
                {
                    bytes[body + i] = (byte)random.Next(256);
                }

                mutation = $"tag at {offset} has {n} random body bytes";
                return bytes;
        }
    }
}
