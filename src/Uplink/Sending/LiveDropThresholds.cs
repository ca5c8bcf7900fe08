namespace Uplink.Sending;

/// <summary><see cref="RtmpLiveDropPolicy"/> in the milliseconds the send queue counts in.</summary>
internal readonly record struct LiveDropThresholds(long DisposableFramesMs, long InterFramesMs, long RenditionRecoveryMs = 10_000)
{
    public static LiveDropThresholds From(RtmpLiveDropPolicy policy) =>
        new((long)policy.DisposableFrames.TotalMilliseconds, (long)policy.InterFrames.TotalMilliseconds, (long)policy.RenditionRecovery.TotalMilliseconds);
}
