namespace Uplink.Protocol;

/// <summary>
/// The one place a connection records why it is ending. The first reason wins: what follows a failure (the socket
/// error an abort causes, the cancellation a close causes) must never hide its cause.
/// </summary>
public sealed class ConnectionShutdown
{
    private readonly Lock _gate = new();
    private string? _reason;
    private RtmpErrorKind _kind = RtmpErrorKind.Disconnected;

    /// <summary>Why the connection ended, or null while it has not.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>What kind of failure the first reason was (<see cref="RtmpErrorKind.Disconnected"/> unless given).</summary>
    public RtmpErrorKind Kind
    {
        get
        {
            lock (_gate)
            {
                return _kind;
            }
        }
    }

    /// <summary>Records <paramref name="reason"/> unless a reason was already recorded.</summary>
    /// <returns>True when this call's reason is the one kept.</returns>
    public bool Shutdown(string reason, RtmpErrorKind kind = RtmpErrorKind.Disconnected)
    {
        lock (_gate)
        {
            if (_reason is not null)
            {
                return false;
            }

            _kind = kind;
            Volatile.Write(ref _reason, reason);
            return true;
        }
    }
}
