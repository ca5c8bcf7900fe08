using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>A copy of one frame (the reader's data is only valid until its next read), with the sample's offset.</summary>
internal sealed record Mp4FrameRecord(MediaTrack Track, TimeSpan Dts, TimeSpan Pts, bool IsKeyframe, bool IsConfiguration, byte[] Data, long Offset)
{
    public static async Task<List<Mp4FrameRecord>> ReadAllAsync(Mp4Reader reader)
    {
        var frames = new List<Mp4FrameRecord>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            frames.Add(new Mp4FrameRecord(f.Track, f.Dts, f.Pts, f.IsKeyframe, f.IsConfiguration, f.Data.ToArray(), reader.CurrentOffset));
        }

        return frames;
    }

    public static async Task<List<Mp4FrameRecord>> ReadAllAsync(Stream stream, MediaReaderOptions? options = null)
    {
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(stream, options);
        return await ReadAllAsync(reader);
    }

    public bool SameAs(Mp4FrameRecord other)
        => Track == other.Track && Dts == other.Dts && Pts == other.Pts && IsKeyframe == other.IsKeyframe
           && IsConfiguration == other.IsConfiguration && Offset == other.Offset && Data.AsSpan().SequenceEqual(other.Data);
}
