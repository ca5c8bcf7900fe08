using System.Buffers.Binary;
using System.Diagnostics;
using Uplink.Media;

namespace Uplink.Tests.Faults;

/// <summary>The clip the fault tests write (the 2 s FLV sample, frames in memory) and the real-time pacing they write it with.</summary>
internal static class FaultClip
{
    /// <summary>One frame of the clip as written (timestamps already moved for the loop it belongs to).</summary>
    internal sealed record Frame(bool Video, TimeSpan Dts, TimeSpan Pts, bool Keyframe, bool Disposable, byte[] Data);

    internal sealed record Clip(VideoMediaType Video, AudioMediaType Audio, IReadOnlyList<Frame> Frames, TimeSpan Length)
    {
        public IEnumerable<Frame> Loops(int first, int count)
        {
            for (int loop = first; loop < first + count; loop++)
            {
                foreach (Frame f in Frames)
                {
                    yield return f with { Dts = f.Dts + (Length * loop), Pts = f.Pts + (Length * loop) };
                }
            }
        }
    }

    /// <summary>The 2 s FLV sample (320x180 High with B-frames, AAC), frames in memory.</summary>
    public static async Task<Clip> LoadAsync()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "Flv", "sample-h264-aac.flv");
        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(path));
        var frames = new List<Frame>();
        TimeSpan last = TimeSpan.Zero;
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            if (f.IsConfiguration)
            {
                continue;
            }

            bool video = f.Track == MediaTrack.Video;
            frames.Add(new Frame(video, f.Dts, f.Pts, video && f.IsKeyframe, video && IsNonReference(f.Data.Span), f.Data.ToArray()));
            last = f.Dts > last ? f.Dts : last;
        }

        return new Clip(reader.Video!, reader.Audio!, frames, last + TimeSpan.FromMilliseconds(40));
    }

    /// <summary>A picture no other refers to: every slice NAL unit (4-byte lengths) has nal_ref_idc 0.</summary>
    private static bool IsNonReference(ReadOnlySpan<byte> avcc)
    {
        int slices = 0;
        while (avcc.Length >= 5)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(avcc);
            byte header = avcc[4];
            if ((header & 0x1F) is >= 1 and <= 5)
            {
                slices++;
                if ((header & 0x60) != 0)
                {
                    return false;
                }
            }

            avcc = avcc[Math.Min(avcc.Length, 4 + length)..];
        }

        return slices > 0;
    }

    /// <summary>Writes at the frames' timestamps (a live source), from <paramref name="origin"/> on the media clock.</summary>
    public static async Task<TimeSpan> WriteInRealTimeAsync(IEnumerable<Frame> frames, TimeSpan origin, Func<Frame, ValueTask> write)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan longest = TimeSpan.Zero;
        foreach (Frame f in frames)
        {
            TimeSpan due = f.Dts - origin - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            long started = Stopwatch.GetTimestamp();
            await write(f);
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            longest = took > longest ? took : longest;
        }

        return longest;
    }
}
