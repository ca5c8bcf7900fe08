namespace Uplink.Codecs.Av1;

/// <summary>frame_type (AV1 specification 6.8.2).</summary>
internal enum Av1FrameType
{
    KeyFrame = 0,
    InterFrame = 1,
    IntraOnlyFrame = 2,
    SwitchFrame = 3,
}
