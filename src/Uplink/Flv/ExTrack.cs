namespace Uplink.Flv;

/// <summary>
/// Where an extended tag goes and how finely it is timed: the default track (<see cref="TrackId"/> 0, the plain extended
/// header every Enhanced RTMP server reads) or another track (a OneTrack Multitrack packet naming it), with the
/// sub-millisecond part of the timestamp as a ModEx TimestampOffsetNano when <see cref="NanoOffset"/> is not 0.
/// </summary>
internal readonly record struct ExTrack(byte TrackId, int NanoOffset = 0)
{
    /// <summary>The default track, without ModEx: the 5-byte header.</summary>
    public static ExTrack Default => default;

    /// <summary>The header's size: 5 bytes (flags/packet type, FourCC), 2 more for a Multitrack packet (multitrack/packet type, track id), 5 more for ModEx.</summary>
    public int HeaderSize => FlvTags.ExVideoHeaderSize + (TrackId > 0 ? 2 : 0) + (NanoOffset > 0 ? ModExSize : 0);

    /// <summary>ModEx for a 3-byte nano offset: size − 1, the three bytes, then ModEx type/next packet type.</summary>
    private const int ModExSize = 5;

    /// <summary>Writes the extended header: <paramref name="first"/> is the byte's high nibble (IsExHeader and frame type for video, SoundFormat 9 for audio).</summary>
    /// <returns>The bytes written (<see cref="HeaderSize"/>).</returns>
    public int Write(Span<byte> destination, int first, int packetType, int multitrackPacketType, uint fourCc)
    {
        int at = 0;
        int outer = TrackId > 0 ? multitrackPacketType : packetType;
        if (NanoOffset > 0)
        {
            destination[0] = (byte)(first | FlvTags.ExModEx);
            destination[1] = 2;
            destination[2] = (byte)(NanoOffset >> 16);
            destination[3] = (byte)(NanoOffset >> 8);
            destination[4] = (byte)NanoOffset;
            destination[5] = (byte)((FlvTags.ModExTimestampOffsetNano << 4) | outer);
            at = 6;
        }
        else
        {
            destination[0] = (byte)(first | outer);
            at = 1;
        }

        if (TrackId > 0)
        {
            destination[at++] = (byte)((FlvTags.MultitrackOneTrack << 4) | packetType);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[at..], fourCc);
        at += 4;
        if (TrackId > 0)
        {
            destination[at++] = TrackId;
        }

        return at;
    }
}
