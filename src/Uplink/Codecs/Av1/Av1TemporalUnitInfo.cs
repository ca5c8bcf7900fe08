namespace Uplink.Codecs.Av1;

/// <summary>What <see cref="Av1TemporalUnitInspector.Inspect"/> found in a temporal unit.</summary>
/// <param name="IsKeyframe">
/// The first frame is a key frame with show_frame set: an AV1 random access point, an FLV keyframe.
/// </param>
/// <param name="IsDisposable">
/// No frame of the unit refreshes a reference slot (every refresh_frame_flags is 0, and no shown existing frame is a
/// key frame): no later frame depends on it, so live mode may drop it alone.
/// </param>
/// <param name="FrameCount">Frame headers in the unit (OBU_FRAME and OBU_FRAME_HEADER), shown or not.</param>
/// <param name="HasSequenceHeader">The unit carries a sequence header OBU.</param>
/// <param name="KeptLength">The bytes of the OBUs an FLV sample keeps (see <see cref="Av1TemporalUnitInspector.IsStripped"/>).</param>
/// <param name="KeptOffset">
/// Where the kept OBUs start when they lie in one run (usually: only a leading temporal delimiter goes), so the sample
/// is a slice of the input; -1 when they must be gathered with <see cref="Av1TemporalUnitInspector.CopyKept"/>.
/// </param>
internal readonly record struct Av1TemporalUnitInfo(
    bool IsKeyframe,
    bool IsDisposable,
    int FrameCount,
    bool HasSequenceHeader,
    int KeptLength,
    int KeptOffset);
