using System.Globalization;
using System.Security.Cryptography;
using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>
/// Enhanced FLV as FFmpeg 8.1 writes it (TestData/Flv/make-enhanced-samples.sh): every frame the reader returns is the
/// packet FFmpeg 8.1's own demuxer gives (timestamps, key flag, size, MD5 in its packets.js listing).
/// </summary>
public class FlvReaderEnhancedSampleTests
{
    [Theory]
    [InlineData("sample-hevc-opus.flv", VideoCodec.Hevc, AudioCodec.Opus, 48000)]
    [InlineData("sample-av1-flac.flv", VideoCodec.Av1, AudioCodec.Flac, 48000)]
    [InlineData("sample-vp9-ac3.flv", VideoCodec.Vp9, AudioCodec.Ac3, null)]
    [InlineData("sample-hevc-eac3.flv", VideoCodec.Hevc, AudioCodec.Eac3, null)]
    [InlineData("sample-h264-mp3.flv", VideoCodec.H264, AudioCodec.Mp3, null)]
    public async Task Frames_are_FFmpeg_8_1s_packets(string sample, VideoCodec videoCodec, AudioCodec audioCodec, int? sampleRate)
    {
        string path = FlvReaderSampleTests.TestDataPath(sample);
        string[] lines = File.ReadAllLines(path + ".packets.txt");
        string[] expected = [.. lines.Where(l => !l.StartsWith('#'))];

        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(path));
        Assert.Equal(videoCodec, reader.Video?.Codec);
        Assert.Equal(audioCodec, reader.Audio?.Codec);
        Assert.Equal(sampleRate, reader.Audio?.SampleRate);
        if (videoCodec is VideoCodec.Hevc or VideoCodec.Av1)
        {
            Assert.Equal((160, 96), (reader.Video?.Width, reader.Video?.Height));
        }

        var actual = new List<string>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            Assert.False(f.IsConfiguration && videoCodec != VideoCodec.H264, "only H.264 and AAC sequence headers are frames");
            if (f.IsConfiguration)
            {
                continue;
            }

            bool video = f.Track == MediaTrack.Video;
            actual.Add(string.Create(CultureInfo.InvariantCulture,
                $"{(video ? 0 : 1)}, {(video ? 'v' : 'a')}, {(long)f.Dts.TotalMilliseconds}, {(long)f.Pts.TotalMilliseconds}, {(f.IsKeyframe ? 1 : 0)}, {f.Data.Length}, {Convert.ToHexStringLower(MD5.HashData(f.Data.Span))}"));
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("sample-hevc-opus.flv")]
    [InlineData("sample-av1-flac.flv")]
    [InlineData("sample-hevc-eac3.flv")]
    public async Task The_video_configuration_is_FFmpeg_8_1s_extradata(string sample)
    {
        string path = FlvReaderSampleTests.TestDataPath(sample);
        string streamLine = File.ReadAllLines(path + ".packets.txt").First(l => l.StartsWith("#stream 0:", StringComparison.Ordinal));
        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(path));
        Assert.EndsWith(Convert.ToHexStringLower(MD5.HashData(reader.VideoConfiguration.Span)), streamLine, StringComparison.Ordinal);
    }
}
