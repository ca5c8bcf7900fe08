namespace Uplink;

/// <summary>Waits <c>delay × 2^(attempt−1)</c>, capped, with ±20 % jitter so many publishers do not return at once.</summary>
public sealed class ExponentialBackoffPolicy : IReconnectPolicy
{
    private readonly TimeSpan _delay;
    private readonly TimeSpan _cap;

    /// <summary>Creates the policy.</summary>
    public ExponentialBackoffPolicy(TimeSpan delay, TimeSpan cap)
    {
        _delay = delay;
        _cap = cap;
    }

    /// <inheritdoc/>
    public TimeSpan GetDelay(int attempt)
    {
        double scaled = _delay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        double capped = Math.Min(scaled, _cap.TotalMilliseconds);
        double jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(capped * jitter);
    }
}
