using Uplink.Protocol;
using Uplink.Protocol.Chunks;
using Uplink.Transport;

namespace Uplink.Session;

/// <summary>Acknowledgements both ways: the window we announce and what the server confirmed, and ours for what we read.</summary>
internal sealed partial class RtmpClientConnection
{
    private readonly AcknowledgementWindow _window = new();
    private readonly SettledAcknowledgements _transportConfirmed = new();
    private long _bytesReceived;
    private long _bytesAcknowledged;
    private bool _serverAcknowledges;
    private uint _announcedWindow;

    /// <summary>Bytes the server has acknowledged with Acknowledgement messages.</summary>
    public long BytesAcknowledged => Interlocked.Read(ref _bytesAcknowledged);

    /// <summary>
    /// What the server is known to have received, for the replay after a loss: its Acknowledgements when it sends them.
    /// A server that ignores our window (nothing acknowledged after two windows' worth) confirms nothing itself, so what
    /// its host's TCP acknowledged at least a second ago stands in (<see cref="SettledAcknowledgements"/>), where the
    /// transport knows it (plain TCP on Linux); otherwise nothing.
    /// </summary>
    public long BytesConfirmed
    {
        get
        {
            if (Volatile.Read(ref _serverAcknowledges))
            {
                return BytesAcknowledged;
            }

            if (BytesSent - RtmpHandshake.BytesSent > 2L * _announcedWindow && _transport.TryGetBytesAcknowledged(out long tcp))
            {
                return _transportConfirmed.Sample(Math.Min(tcp, BytesSent));
            }

            // Once the socket is gone (the loss) the figures read before it are the best there are.
            return _transportConfirmed.SettledAt(System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Announces a new Window Acknowledgement Size; the caller is sending (between <see cref="EnterSendAsync"/> and <see cref="ExitSend"/>).</summary>
    public void AnnounceWindow(uint window)
    {
        ProtocolControl.EnqueueUInt32(this, RtmpMessageType.WindowAcknowledgementSize, window);
        _announcedWindow = window;
    }

    private async Task CountReceivedAsync(long consumed)
    {
        _bytesReceived += consumed;
        if (_window.TryAcknowledge(_bytesReceived, out uint sequenceNumber))
        {
            await PostControl(c => ProtocolControl.EnqueueUInt32(c, RtmpMessageType.Acknowledgement, sequenceNumber)).ConfigureAwait(false);
        }
    }

    private void UpdateAcknowledged(uint sequenceNumber)
    {
        // The server counts bytes modulo 2^32; unwrap against what we have sent.
        long sent = Interlocked.Read(ref _bytesSent);
        long acknowledged = (sent & ~0xFFFFFFFFL) | sequenceNumber;
        if (acknowledged > sent)
        {
            acknowledged -= 1L << 32;
        }

        if (acknowledged >= 0)
        {
            Volatile.Write(ref _serverAcknowledges, true);
            long previous = Interlocked.Exchange(ref _bytesAcknowledged, acknowledged);
            if (acknowledged > previous)
            {
                UplinkMetrics.BytesAcknowledged.Add(acknowledged - previous);
            }
        }
    }
}
