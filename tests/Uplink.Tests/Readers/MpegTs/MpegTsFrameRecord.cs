using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>A copy of one frame (the reader's own data is only valid until its next read), timestamps in ticks.</summary>
internal sealed record MpegTsFrameRecord(MediaTrack Track, long DtsTicks, long PtsTicks, bool IsKeyframe, byte[] Data, long PesOffset)
{
    /// <summary>The DTS on the 90 kHz clock (exact: ticks are 90 kHz × 1000 / 9 rounded to nearest).</summary>
    public long Dts90kHz => (long)Math.Round(DtsTicks * 9 / 1000.0);

    /// <summary>The PTS on the 90 kHz clock.</summary>
    public long Pts90kHz => (long)Math.Round(PtsTicks * 9 / 1000.0);

    public static async Task<List<MpegTsFrameRecord>> ReadAllAsync(MpegTsReader reader)
    {
        var frames = new List<MpegTsFrameRecord>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            Assert.False(f.IsConfiguration);
            frames.Add(new MpegTsFrameRecord(f.Track, f.Dts.Ticks, f.Pts.Ticks, f.IsKeyframe, f.Data.ToArray(), reader.CurrentPesOffset));
        }

        return frames;
    }

    public static async Task<List<MpegTsFrameRecord>> ReadAllAsync(Stream stream, List<string>? warnings = null)
    {
        var options = new MediaReaderOptions { OnWarning = warnings is null ? null : warnings.Add };
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(stream, options);
        return await ReadAllAsync(reader);
    }

    public bool SameAs(MpegTsFrameRecord other)
        => Track == other.Track && DtsTicks == other.DtsTicks && PtsTicks == other.PtsTicks && IsKeyframe == other.IsKeyframe
           && PesOffset == other.PesOffset && Data.AsSpan().SequenceEqual(other.Data);

    public override string ToString() => $"{Track} dts {Dts90kHz} pts {Pts90kHz} size {Data.Length} key {IsKeyframe} pes@{PesOffset}";
}
