using Uplink.Buffers;
using Uplink.Flv;
using Uplink.Tests.Codecs;
using Uplink.Tests.Codecs.Hevc;

namespace Uplink.Tests.Flv;

/// <summary>
/// Damaged frames from a caller reach the tag builders unchecked: each is refused with InvalidDataException or
/// NotSupportedException (which the writer turns into a message naming the frame), never another exception, and the
/// builder goes on with the next good frame.
/// </summary>
public class TagBuilderFuzzTests
{
    private static readonly string TestData = Path.Combine(AppContext.BaseDirectory, "TestData");

    [Theory]
    [InlineData("hevc")]
    [InlineData("av1")]
    [InlineData("vp9")]
    public void Damaged_video_frames_are_refused_cleanly_and_the_builder_goes_on(string codec)
    {
        VideoMediaType type = codec switch { "hevc" => VideoMediaType.HevcAnnexB, "av1" => VideoMediaType.Av1(), _ => VideoMediaType.Vp9() };
        IReadOnlyList<byte[]> frames = codec switch
        {
            "hevc" => [.. HevcTestData.Main.AccessUnits.Select(u => u.Data)],
            "av1" => IvfFile.Frames(Path.Combine(TestData, "Av1", "svt-main.ivf")),
            _ => IvfFile.Frames(Path.Combine(TestData, "Vp9", "profile0.ivf")),
        };
        var random = new Random(14);
        using var output = new PooledBufferWriter(256 * 1024);
        int refused = 0;
        for (int i = 0; i < 1500; i++)
        {
            var builder = VideoTagBuilder.Create(type);
            builder.InspectAndWrite(frames[0], 0, output);
            byte[] damaged = BitstreamMutator.Mutate(frames[random.Next(frames.Count)], random, static (data, _) => data, headerBytes: 8);
            output.Clear();
            try
            {
                builder.InspectAndWrite(damaged, 0, output);
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
            {
                refused++;
            }

            output.Clear();
            builder.InspectAndWrite(frames[0], 0, output);
            Assert.True(output.WrittenCount > 5, $"case {i}: the builder wrote nothing for a good frame after a damaged one");
        }

        Assert.True(refused > 0, "no damaged frame was refused: the mutations did not reach the parsers");
    }

    [Theory]
    [InlineData("ac3")]
    [InlineData("eac3")]
    [InlineData("mp3")]
    public void Damaged_audio_writes_are_refused_cleanly(string codec)
    {
        byte[] six = File.ReadAllBytes(Path.Combine(TestData, "Audio", $"six-frames.{codec}"));
        var type = codec switch { "ac3" => AudioMediaType.Ac3, "eac3" => AudioMediaType.Eac3, _ => AudioMediaType.Mp3 };
        var random = new Random(14);
        int refused = 0;
        for (int i = 0; i < 1500; i++)
        {
            var builder = AudioTagBuilder.Create(type);
            byte[] damaged = BitstreamMutator.Mutate(six, random, static (data, _) => data, headerBytes: 8);
            try
            {
                for (int offset = 0; offset < damaged.Length;)
                {
                    int length = builder.NextFrame(damaged.AsSpan(offset), out _, out _);
                    Assert.InRange(length, 1, damaged.Length - offset);
                    offset += length;
                }
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }

        Assert.True(refused > 0, "no damaged write was refused");
    }
}
