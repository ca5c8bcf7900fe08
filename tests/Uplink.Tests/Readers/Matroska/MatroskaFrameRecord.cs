using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>A copy of one frame (the reader's data is only valid until its next read), with its block's offset.</summary>
internal sealed record MatroskaFrameRecord(MediaTrack Track, TimeSpan Dts, TimeSpan Pts, bool IsKeyframe, byte[] Data, long Offset)
{
    public static async Task<List<MatroskaFrameRecord>> ReadAllAsync(MatroskaReader reader)
    {
        var frames = new List<MatroskaFrameRecord>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            Assert.False(f.IsConfiguration);
            frames.Add(new MatroskaFrameRecord(f.Track, f.Dts, f.Pts, f.IsKeyframe, f.Data.ToArray(), reader.CurrentOffset));
        }

        return frames;
    }

    public static async Task<List<MatroskaFrameRecord>> ReadAllAsync(Stream stream, MediaReaderOptions? options = null)
    {
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(stream, options);
        return await ReadAllAsync(reader);
    }

    public static Task<List<MatroskaFrameRecord>> ReadAllAsync(byte[] bytes, MediaReaderOptions? options = null) => ReadAllAsync(new MemoryStream(bytes), options);

    /// <summary>Equal in everything but the offset (which a rewritten file moves).</summary>
    public bool SameFrameAs(MatroskaFrameRecord other)
        => Track == other.Track && Dts == other.Dts && Pts == other.Pts && IsKeyframe == other.IsKeyframe && Data.AsSpan().SequenceEqual(other.Data);

    public bool SameAs(MatroskaFrameRecord other) => SameFrameAs(other) && Offset == other.Offset;

    public override string ToString() => $"{Track} dts {Dts.TotalMilliseconds} pts {Pts.TotalMilliseconds} {(IsKeyframe ? "key " : "")}{Data.Length} bytes at {Offset}";
}
