namespace Uplink.Protocol;

/// <summary>
/// The receiving side of flow control: the window the peer announced (Window Acknowledgement Size) and when the bytes
/// received since our last Acknowledgement reach it.
/// </summary>
public sealed class AcknowledgementWindow
{
    // A window past 2^31 - 1 is not a number a peer means; capping it keeps the arithmetic sane.
    private const uint MaxWindow = 0x7FFFFFFF;

    private long _lastAcknowledged;

    /// <summary>The peer's window in bytes; 0 until it sends one (no acknowledgements are due before that).</summary>
    public uint PeerWindow { get; private set; }

    /// <summary>Applies the peer's Window Acknowledgement Size.</summary>
    /// <returns>The window in effect (capped at 2^31 - 1).</returns>
    public uint SetPeerWindow(uint size) => PeerWindow = Math.Min(size, MaxWindow);

    /// <summary>Whether an Acknowledgement is due with <paramref name="received"/> bytes received in all; when it is,
    /// its sequence number (the count modulo 2^32) and the window restarts from here.</summary>
    public bool TryAcknowledge(long received, out uint sequenceNumber)
    {
        if (PeerWindow == 0 || received - _lastAcknowledged < PeerWindow)
        {
            sequenceNumber = 0;
            return false;
        }

        _lastAcknowledged = received;
        sequenceNumber = (uint)received;
        return true;
    }
}
