namespace Uplink;

/// <summary>Decides how long the writer waits before each reconnection attempt.</summary>
public interface IReconnectPolicy
{
    /// <summary>The wait before attempt <paramref name="attempt"/> (1 for the first).</summary>
    TimeSpan GetDelay(int attempt);
}
