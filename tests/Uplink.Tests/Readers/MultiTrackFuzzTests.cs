using System.Buffers.Binary;
using System.Diagnostics;
using Uplink.Media;
using Uplink.Tests.Readers.Matroska;
using Uplink.Tests.Readers.Mp4;
using Uplink.Tests.Readers.MpegTs;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers;

/// <summary>
/// Mutated multi-track inputs read with <see cref="MediaReaderOptions.AllTracks"/>: the MP4, Matroska and MPEG-TS readers
/// only ever end cleanly or throw InvalidDataException / NotSupportedException, never hang, and allocate in proportion
/// to their input, however the extra tracks and programs are damaged.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class MultiTrackFuzzTests
{
    private const int Cases = 800;
    private const long AllocationAllowance = 2 * 1024 * 1024;
    private const int AllocationPerInputByte = 8;
    private static readonly MediaReaderOptions AllTracks = new() { AllTracks = true };

    public static TheoryData<string> Seeds => ["mp4", "mkv", "ts"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Mutated_multi_track_inputs_end_cleanly_or_are_refused(string seed)
    {
        byte[] original = SeedBytes(seed);
        Func<Stream, ValueTask<IMediaReader>> open = seed switch
        {
            "mp4" => async stream => await Mp4Reader.OpenAsync(stream, AllTracks),
            "mkv" => async stream => await MatroskaReader.OpenAsync(stream, AllTracks),
            _ => async stream => await MpegTsReader.OpenAsync(stream, AllTracks),
        };
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            var random = new Random((seed.Length * 7919) + i);
            byte[] input = Mutate(original, random);
            bool pipe = random.Next(2) == 0;
            Task<(string Outcome, long Allocated, int Frames)> run = Task.Factory.StartNew(
                () => ReaderFuzzing.ReadEverything(open, input, pipe), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            (string outcome, long allocated, int frames) = await run.WaitAsync(TimeSpan.FromSeconds(10));
            string where = $"{seed} case {i} ({(pipe ? "pipe" : "seekable")})";
            Assert.True(outcome is "end" or nameof(InvalidDataException) or nameof(NotSupportedException), $"{where}: {outcome}");
            Assert.True(allocated < AllocationAllowance + ((long)input.Length * AllocationPerInputByte), $"{where}: allocated {allocated} bytes for {input.Length} bytes of input");
            Assert.True(frames <= input.Length, $"{where}: {frames} frames from {input.Length} bytes");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault("end") > Cases / 10, $"{seed}: {string.Join(", ", outcomes)}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{seed}: {clock.Elapsed}");
    }

    /// <summary>Flips bytes, writes absurd 32-bit values or cuts the input, half the time within its first 4 KiB (the headers and tables).</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] input = [.. original];
        int span = random.Next(2) == 0 ? Math.Min(4096, input.Length) : input.Length;
        for (int n = random.Next(1, 6); n > 0; n--)
        {
            int at = random.Next(span - 4);
            switch (random.Next(4))
            {
                case 0:
                    input[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    input[at] = (byte)random.Next(256);
                    break;
                case 2:
                    BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(at), random.Next(2) == 0 ? uint.MaxValue : (uint)random.Next());
                    break;
                default:
                    input[at] = 0;
                    break;
            }
        }

        return random.Next(5) == 0 ? input[..random.Next(input.Length)] : input;
    }

    private static byte[] SeedBytes(string seed)
    {
        switch (seed)
        {
            case "mp4":
                return Mp4TestData.Bytes("extra-tracks.mp4");
            case "mkv":
                var blocks = new List<EbmlElement>();
                for (short i = 0; i < 30; i++)
                {
                    blocks.Add(SimpleBlockOf(1, (short)(i * 40), i % 10 == 0, [0, 0, 0, 2, 0x65, (byte)i]));
                    blocks.Add(SimpleBlockOf(2, (short)(i * 40), true, [0x21, (byte)i]));
                    blocks.Add(SimpleBlockOf(3, (short)(i * 40), true, [0x22, (byte)i]));
                }

                return Build([InfoOf(), TracksOf(VideoTrack(), AudioTrack(number: 2), AudioTrack(number: 3)), ClusterOf(0, blocks), ClusterOf(1200, blocks)]);
            default:
                const int Pmt2 = 0x1100, V2 = 0x200, A2 = 0x201;
                var writer = new MpegTsTestWriter()
                    .Pat((1, MpegTsTestWriter.PmtPid), (2, Pmt2))
                    .Pmt(1, MpegTsTestWriter.PmtPid, 0, (0x1B, MpegTsTestWriter.VideoPid, []), (0x0F, MpegTsTestWriter.AudioPid, []))
                    .Pmt(2, Pmt2, 0, (0x24, V2, []), (0x81, A2, []));
                for (int i = 0; i < 40; i++)
                {
                    long dts = 90_000 + (i * 3600L);
                    writer.Pes(MpegTsTestWriter.VideoPid, dts + 7200, dts, MpegTsTestWriter.AccessUnit(i % 10 == 0, 300, (byte)i));
                    writer.Pes(V2, dts, null, [0, 0, 0, 1, (byte)((i % 10 == 0 ? 19 : 1) << 1), 1, .. new byte[200], (byte)(i | 1)]);
                    writer.Pes(MpegTsTestWriter.AudioPid, dts, null, MpegTsTestWriter.AdtsFrame(100, fill: (byte)i));
                    writer.Pes(A2, dts, null, [0x0B, 0x77, .. new byte[100], (byte)i], streamId: 0xBD);
                }

                return writer.ToArray();
        }
    }
}
