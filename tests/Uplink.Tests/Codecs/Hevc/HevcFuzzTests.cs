using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

/// <summary>
/// Truncated, mutated and random inputs to every HEVC parser: each either parses or throws InvalidDataException, never
/// anything else, never hangs, and allocates in proportion to its input.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class HevcFuzzTests
{
    private const int RandomCases = 20_000;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Parameter_sets_and_records_truncated_at_every_length_parse_or_fail_with_a_data_error()
    {
        await RunAlone(() =>
        {
            foreach (byte[] nal in SampleParameterSets())
            {
                for (int length = 0; length <= nal.Length; length++)
                {
                    ParseAll(nal[..length], $"{Convert.ToHexString(nal[..Math.Min(4, nal.Length)])} cut to {length}");
                }
            }

            foreach (byte[] record in SampleRecords())
            {
                for (int length = 0; length <= record.Length; length++)
                {
                    string outcome = Outcome(() => HevcDecoderConfigurationRecord.Parse(record.AsSpan(0, length)), record.Length, out _);
                    Assert.True(length == record.Length ? outcome == "ok" : outcome == nameof(InvalidDataException), $"hvcC cut to {length}: {outcome}");
                }
            }
        });
    }

    [Fact]
    public async Task Mutated_parameter_sets_records_and_access_units_parse_or_fail_with_a_data_error()
    {
        await RunAlone(() =>
        {
            byte[][] sets = [.. SampleParameterSets()];
            byte[][] records = [.. SampleRecords()];
            HevcTruthAccessUnit[] units = [.. HevcTestData.Streams.Values.SelectMany(s => s.AccessUnits)];
            var outcomes = new Dictionary<string, int>();
            for (int i = 0; i < RandomCases; i++)
            {
                var random = new Random(i);
                byte[] input;
                string what;
                switch (i % 3)
                {
                    case 0:
                        input = Mutate(sets[random.Next(sets.Length)], random, keepHeader: random.Next(4) != 0);
                        what = "parameter set";
                        Count(outcomes, ParseAll(input, $"case {i} ({what} {Convert.ToHexString(input)})"));
                        break;
                    case 1:
                        input = Mutate(records[random.Next(records.Length)], random, keepHeader: random.Next(4) != 0);
                        what = $"case {i} (hvcC {Convert.ToHexString(input)})";
                        Count(outcomes, Check(() => HevcDecoderConfigurationRecord.Parse(input), input.Length, what));
                        break;
                    default:
                        input = Mutate(units[random.Next(units.Length)].Data, random, keepHeader: true);
                        what = $"case {i} (access unit, seed {i})";
                        Count(outcomes, Check(() => InspectAndWrite(input, new HevcParameterSets()), input.Length, what));
                        break;
                }
            }

            // The mutations reach the parsers (errors) and leave many inputs readable.
            Assert.True(outcomes.GetValueOrDefault("ok") > RandomCases / 10, string.Join(", ", outcomes));
            Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) > RandomCases / 10, string.Join(", ", outcomes));
        });
    }

    [Fact]
    public async Task Random_bytes_parse_or_fail_with_a_data_error()
    {
        await RunAlone(() =>
        {
            var random = new Random(20_265);
            for (int i = 0; i < RandomCases; i++)
            {
                byte[] input = new byte[random.Next(0, 300)];
                random.NextBytes(input);
                if (input.Length > 2 && i % 2 == 0)
                {
                    // A valid header of a random parameter set type gets the parser past the first check.
                    input[0] = (byte)((32 + random.Next(3)) << 1);
                    input[1] = 1;
                }

                ParseAll(input, $"random case {i} ({Convert.ToHexString(input)})");
                if (input.Length > 0)
                {
                    input[0] = 1; // configurationVersion
                }

                Check(() => HevcDecoderConfigurationRecord.Parse(input), input.Length, $"random hvcC {i}");
                int lengthSize = random.Next(4) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
                byte[] accessUnit = lengthSize == 0 ? [0, 0, 1, .. input] : input;
                Check(() => InspectAndWrite(accessUnit, lengthSize, new HevcParameterSets()), accessUnit.Length, $"random access unit {i} (length size {lengthSize})");
            }
        });
    }

    /// <summary>The parameter sets the tests know: x265's and hand-made ones with scaling lists, RPS, HRD and VUI.</summary>
    private static IEnumerable<byte[]> SampleParameterSets()
    {
        foreach (HevcParamCase c in HevcTestData.Params.Values)
        {
            yield return c.Vps;
            yield return c.Sps;
            yield return c.Pps;
        }

        yield return new HevcTestSps
        {
            MaxSubLayersMinus1 = 2,
            SubLayers = [(true, true), (false, true)],
            ScalingListData = w =>
            {
                for (int matrix = 0; matrix < 20; matrix++)
                {
                    w.Bit(true).Se(1).Se(-1).Se(2);
                }
            },
            Pcm = true,
            ShortTermRefPicSets = w => w.Ue(2).Ue(2).Ue(1).Ue(0).Bit(true).Ue(1).Bit(true).Ue(1).Bit(true).Bit(true).Bit(true).Ue(0).Bit(true).Bit(true).Bit(true).Bit(true),
            LongTermPictures = [1, 2],
            Vui = HevcTestSps.VuiWith(aspectRatio: (255, 4, 3), signal: (true, 1, 1, 1), timing: (1001, 30000),
                hrd: w => w.Bit(true).Bit(true).Bit(true).Bits(0, 19).Bits(0, 8).Bits(0, 4).Bits(0, 15)
                    .Bit(false).Bit(false).Bit(false).Ue(1).Ue(1).Ue(2).Ue(3).Ue(4).Bit(true).Ue(1).Ue(2).Ue(3).Ue(4).Bit(false)
                    .Ue(5).Ue(6).Ue(7).Ue(8).Bit(true).Ue(5).Ue(6).Ue(7).Ue(8).Bit(true)
                    .Bit(true).Ue(0).Ue(0).Ue(1).Ue(1).Ue(1).Ue(1).Bit(true).Ue(1).Ue(1).Ue(1).Ue(1).Bit(true)
                    .Bit(true).Ue(0).Ue(0).Ue(1).Ue(1).Ue(1).Ue(1).Bit(true).Ue(1).Ue(1).Ue(1).Ue(1).Bit(true),
                minSpatialSegmentation: 12),
        }.ToNalUnit();
    }

    private static IEnumerable<byte[]> SampleRecords() =>
        HevcTestData.Streams.Values.SelectMany(s => (byte[][])[s.Hev1Record, s.Hvc1Record])
            .Concat(HevcTestData.Params.Values.Select(c => c.FfmpegRecord))
            .Where(r => r.Length < 1000); // the version SEI's 2 KB add nothing but time

    /// <summary>Feeds the input to the SPS, VPS and PPS parsers and to a parameter set tracker.</summary>
    private static string ParseAll(byte[] input, string what)
    {
        string sps = Check(() => HevcSequenceParameterSet.Parse(input), input.Length, what + " as SPS");
        Check(() => HevcVideoParameterSet.Parse(input), input.Length, what + " as VPS");
        Check(() => HevcPictureParameterSet.Parse(input), input.Length, what + " as PPS");
        Check(() => new HevcParameterSets().Add(input), input.Length, what + " added");
        return sps;
    }

    private static int InspectAndWrite(byte[] accessUnit, int lengthSize, HevcParameterSets parameterSets)
    {
        HevcAccessUnitInfo info = HevcAccessUnit.Inspect(accessUnit, lengthSize, parameterSets);
        byte[] sample = new byte[info.SampleSize];
        Assert.Equal(info.SampleSize, HevcAccessUnit.WriteSample(accessUnit, lengthSize, sample));
        if (parameterSets.IsComplete)
        {
            HevcDecoderConfigurationRecord.Parse(parameterSets.BuildConfigurationRecord());
        }

        return info.SampleSize;
    }

    private static int InspectAndWrite(byte[] accessUnit, HevcParameterSets parameterSets) => InspectAndWrite(accessUnit, 0, parameterSets);

    private static string Check<T>(Func<T> parse, int inputLength, string what)
    {
        string outcome = Outcome(parse, inputLength, out long allocated);
        Assert.True(outcome is "ok" or nameof(InvalidDataException), $"{what}: {outcome}");
        Assert.True(allocated < 64 * 1024 + (64L * inputLength), $"{what}: allocated {allocated} bytes for {inputLength} bytes of input");
        return outcome;
    }

    private static string Outcome<T>(Func<T> parse, int inputLength, out long allocated)
    {
        _ = inputLength;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            parse();
            return "ok";
        }
        catch (InvalidDataException)
        {
            return nameof(InvalidDataException);
        }
#pragma warning disable CA1031 // The point is to report any other exception as a failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e.ToString();
        }
        finally
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    private static byte[] Mutate(byte[] original, Random random, bool keepHeader)
    {
        byte[] bytes = (byte[])original.Clone();
        int from = keepHeader ? Math.Min(2, bytes.Length) : 0;
        switch (random.Next(4))
        {
            case 0:
                for (int flips = random.Next(1, 8); flips > 0 && bytes.Length > from; flips--)
                {
                    bytes[random.Next(from, bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length + 1)];
            case 2:
                int at = random.Next(from, bytes.Length + 1);
                byte[] inserted = new byte[random.Next(1, 8)];
                random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            default:
                for (int i = from; i < bytes.Length; i++)
                {
                    bytes[i] = random.Next(8) == 0 ? (byte)random.Next(256) : bytes[i];
                }

                return bytes;
        }
    }

    private static void Count(Dictionary<string, int> outcomes, string outcome) => outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

    /// <summary>Runs on a thread of its own (allocations are counted per thread) and fails rather than hangs.</summary>
    private static Task RunAlone(Action test) =>
        Task.Factory.StartNew(test, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(Limit);
}
