namespace Uplink.Media.Elementary;

/// <summary>An access unit waiting in the look-ahead: where its bytes are and where it sorts in output order.</summary>
/// <param name="Index">The buffer index of its first byte (its first start code).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Offset">The stream offset of its first byte.</param>
/// <param name="IsKeyframe">True when it holds an IDR slice.</param>
/// <param name="Period">The IDR period it belongs to.</param>
/// <param name="PictureOrderCount">Its picture order count within the period.</param>
internal record struct AccessUnit(int Index, int Length, long Offset, bool IsKeyframe, long Period, long PictureOrderCount)
{
    /// <summary>True when this access unit is output after <paramref name="other"/>.</summary>
    public readonly bool IsOutputAfter(in AccessUnit other) =>
        Period != other.Period ? Period > other.Period : PictureOrderCount > other.PictureOrderCount;
}
