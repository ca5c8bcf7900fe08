namespace Uplink.IntegrationTests.Media;

/// <summary>One line of ffmpeg's framemd5 output: a frame (or packet) and the MD5 of its data.</summary>
/// <param name="Index">Position in the stream, from 0.</param>
/// <param name="Pts">Presentation timestamp in the stream's time base (diagnostics only: servers rebase time).</param>
/// <param name="Size">Data size in bytes.</param>
/// <param name="Md5">MD5 of the data, lowercase hex.</param>
public readonly record struct FrameHash(int Index, long Pts, int Size, string Md5)
{
    /// <summary>Decoding timestamp in the stream's time base (milliseconds for FLV).</summary>
    public long Dts { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} pts {Pts} size {Size} md5 {Md5}";
}
