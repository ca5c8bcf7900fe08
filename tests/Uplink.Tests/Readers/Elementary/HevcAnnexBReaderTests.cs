using System.Security.Cryptography;
using Uplink.Media;

namespace Uplink.Tests.Readers.Elementary;

/// <summary>
/// Raw HEVC Annex-B: detection against H.264, access units as FFmpeg 8.1's parser cuts them (TestData/Hevc/README.md),
/// timing by the VUI frame rate or the option, the refusal of B-frames, and no allocation per frame.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class HevcAnnexBReaderTests
{
    private static readonly int[] FfmpegSizes = [3570, 334, 273, 411, 183, 3970, 290, 437, 252, 376];

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Hevc", name));

    [Fact]
    public void The_detector_tells_HEVC_from_H264_by_the_first_NAL_header()
    {
        Assert.Equal(MediaFormat.HevcAnnexB, MediaFormatDetector.Detect(Sample("x265-no-bframes.h265")));
        Assert.Equal(MediaFormat.HevcAnnexB, MediaFormatDetector.Detect(Sample("x265-main.h265")));
        Assert.Equal(MediaFormat.HevcAnnexB, MediaFormatDetector.Detect([0, 0, 0, 1, 0x46, 0x01, 0x50])); // an HEVC AUD
        Assert.Equal(MediaFormat.H264AnnexB, MediaFormatDetector.Detect([0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1F])); // an H.264 SPS
        Assert.Equal(MediaFormat.H264AnnexB, MediaFormatDetector.Detect([0, 0, 0, 1, 0x09, 0xF0])); // an H.264 AUD
        Assert.Equal("HEVC Annex-B", MediaFormatDetector.Name(MediaFormat.HevcAnnexB));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 7)]
    [InlineData(true, 1000)]
    public async Task Access_units_are_FFmpegs_and_timed_by_the_VUI_frame_rate(bool pipe, int maxChunk)
    {
        byte[] bytes = Sample("x265-no-bframes.h265");
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 5, maxChunk: maxChunk) : new MemoryStream(bytes);
        await using IMediaReader reader = await MediaReader.OpenAsync(stream);
        var elementary = Assert.IsType<ElementaryStreamReader>(reader);
        Assert.Equal(("HEVC Annex-B", VideoCodec.Hevc, 25.0), (reader.FormatName, reader.Video!.Codec, elementary.FrameRate));
        var sizes = new List<int>();
        var keys = "";
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            Assert.Equal((TimeSpan.FromMilliseconds(40 * sizes.Count), f.Dts), (f.Pts, f.Dts));
            sizes.Add(f.Data.Length);
            keys += f.IsKeyframe ? "K" : "_";
            all.AppendData(f.Data.Span);
        }

        Assert.Equal(FfmpegSizes, sizes);
        Assert.Equal("K____K____", keys);
        Assert.Equal(MD5.HashData(bytes), all.GetHashAndReset()); // every byte in exactly one frame, in order
    }

    [Fact]
    public async Task The_frame_rate_option_overrides_the_VUI()
    {
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(new MemoryStream(Sample("x265-no-bframes.h265")), null, new ElementaryStreamOptions { VideoCodec = VideoCodec.Hevc, FrameRate = 50 });
        Assert.True(await reader.ReadAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal(TimeSpan.FromMilliseconds(20), reader.Current.Dts);
    }

    [Fact]
    public async Task A_stream_with_B_frames_is_refused_naming_the_SPS()
    {
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await MediaReader.OpenAsync(new MemoryStream(Sample("x265-main.h265"))));
        Assert.StartsWith("HEVC Annex-B: the SPS at offset 32 allows reordering (sps_max_num_reorder_pics ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_an_SPS_or_start_code_is_not_HEVC()
    {
        var options = new ElementaryStreamOptions { VideoCodec = VideoCodec.Hevc };
        var none = await Assert.ThrowsAsync<InvalidDataException>(async () => await ElementaryStreamReader.OpenAsync(new MemoryStream(new byte[100]), null, options));
        Assert.Equal("not an HEVC Annex-B stream: no start code in the first 100 bytes", none.Message);
        byte[] aud = [0, 0, 0, 1, 0x46, 0x01, 0x50, 0, 0, 1, 0x02, 0x01, 0x80, 0x11];
        var noSps = await Assert.ThrowsAsync<InvalidDataException>(async () => await ElementaryStreamReader.OpenAsync(new MemoryStream(aud), null, options));
        Assert.Equal("not an HEVC Annex-B stream: no SPS in its 14 bytes", noSps.Message);
    }

    [Fact]
    public async Task Steady_state_reading_allocates_nothing_per_frame()
    {
        byte[] one = Sample("x265-no-bframes.h265");
        byte[] bytes = [.. Enumerable.Repeat(one, 40).SelectMany(b => b)];
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192), null, new ElementaryStreamOptions { VideoCodec = VideoCodec.Hevc });
        long checksum = ReaderAllocation.ReadSynchronously(reader, 20);
        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 100, ref checksum);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Mutated_streams_end_cleanly_or_fail_with_a_data_error_quickly_and_with_bounded_allocation()
    {
        byte[] original = [.. Sample("x265-no-bframes.h265"), .. Sample("x265-no-bframes.h265")];
        var random = new Random(20261206);
        var total = System.Diagnostics.Stopwatch.StartNew();
        int cases = 0, clean = 0, failed = 0;
        while (cases < 3000 && total.Elapsed < TimeSpan.FromSeconds(15))
        {
            byte[] input = Mutate(original, random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ReadAll(input);
                clean++;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                Assert.DoesNotContain('\n', e.Message);
                failed++;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 2 * 1024 * 1024, $"case {cases} allocated {allocated} bytes");
            cases++;
        }

        Assert.True(cases >= 500, $"only {cases} cases in the time budget");
        Assert.True(clean > 0 && failed > 0, $"{clean} clean, {failed} failed");
    }

    /// <summary>Reads everything synchronously (memory streams complete at once), so the allocation counter sees it all.</summary>
    private static void ReadAll(byte[] input)
    {
        ValueTask<ElementaryStreamReader> open = ElementaryStreamReader.OpenWithLimitAsync(new MemoryStream(input), null, new ElementaryStreamOptions { VideoCodec = VideoCodec.Hevc }, new MediaReaderOptions { OnWarning = _ => { } }, 256 * 1024, default);
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

            Assert.InRange(++frames, 1, input.Length / 4);
            Assert.False(reader.Current.Data.IsEmpty);
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int k = random.Next(1, 16); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                int from = random.Next(bytes.Length), length = random.Next(1, 2000);
                return [.. bytes[..from], .. bytes[from..Math.Min(bytes.Length, from + length)], .. bytes[from..]];
            default:
                byte[] garbage = new byte[random.Next(1, 500)];
                random.NextBytes(garbage);
                int at = random.Next(bytes.Length);
                return [.. bytes[..at], .. garbage, .. bytes[at..]];
        }
    }
}
