using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>A copy of one frame (the reader's own data is only valid until its next read), with its tag offset.</summary>
internal sealed record FlvFrameRecord(MediaTrack Track, long DtsMs, long PtsMs, bool IsKeyframe, bool IsConfiguration, byte[] Data, long TagOffset)
{
    public static async Task<List<FlvFrameRecord>> ReadAllAsync(FlvReader reader)
    {
        var frames = new List<FlvFrameRecord>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            frames.Add(new FlvFrameRecord(
                f.Track, (long)f.Dts.TotalMilliseconds, (long)f.Pts.TotalMilliseconds, f.IsKeyframe, f.IsConfiguration, f.Data.ToArray(), reader.CurrentTagOffset));
        }

        return frames;
    }

    public static async Task<List<FlvFrameRecord>> ReadAllAsync(Stream stream)
    {
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        return await ReadAllAsync(reader);
    }

    public bool SameAs(FlvFrameRecord other)
        => Track == other.Track && DtsMs == other.DtsMs && PtsMs == other.PtsMs && IsKeyframe == other.IsKeyframe
           && IsConfiguration == other.IsConfiguration && TagOffset == other.TagOffset && Data.AsSpan().SequenceEqual(other.Data);
}
