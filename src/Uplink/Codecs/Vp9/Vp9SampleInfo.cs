namespace Uplink.Codecs.Vp9;

/// <summary>What <see cref="Vp9SampleInspector.Inspect"/> found in a VP9 sample.</summary>
/// <param name="IsKeyframe">The sample's first frame is a key frame: decoding can start here (an FLV keyframe).</param>
/// <param name="FrameCount">Frames in the sample: more than 1 for a superframe.</param>
/// <param name="HiddenFrames">Frames with show_frame 0 (alt-ref frames, intra-only frames) among them.</param>
internal readonly record struct Vp9SampleInfo(bool IsKeyframe, int FrameCount, int HiddenFrames);
