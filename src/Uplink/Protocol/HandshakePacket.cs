namespace Uplink.Protocol;

/// <summary>The sizes of the RTMP handshake (RTMP specification 5.2), the same for both ends.</summary>
public static class HandshakePacket
{
    /// <summary>The C0/S0 version byte of plain RTMP.</summary>
    public const byte Version = 3;

    /// <summary>The size of C1, S1, C2 and S2.</summary>
    public const int Size = 1536;
}
