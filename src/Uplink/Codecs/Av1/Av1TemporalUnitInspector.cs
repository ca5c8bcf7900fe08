namespace Uplink.Codecs.Av1;

/// <summary>
/// Reads AV1 temporal units (Low Overhead Bitstream Format) for the FLV tag builder: the keyframe and disposable flags,
/// the OBUs an FLV sample leaves out, and the sequence header in effect, whose change makes a new av1C. Inspecting
/// allocates nothing unless a new sequence header turns up.
/// </summary>
/// <remarks>
/// Reference slot types are tracked across units so that a unit showing an existing key frame (which refreshes every
/// slot) is not taken for disposable.
/// </remarks>
internal sealed class Av1TemporalUnitInspector
{
    private const byte UnknownSlot = 0xFF;
    private readonly byte[] _slotTypes = [UnknownSlot, UnknownSlot, UnknownSlot, UnknownSlot, UnknownSlot, UnknownSlot, UnknownSlot, UnknownSlot];
    private byte[]? _sequencePayload;

    /// <summary>The sequence header in effect, null until one is known (from an av1C or a temporal unit).</summary>
    public Av1SequenceHeader? SequenceHeader { get; private set; }

    /// <summary>The av1C for the sequence header in effect: the SequenceStart body for FourCC av01. Null until known.</summary>
    public byte[]? CodecConfiguration { get; private set; }

    /// <summary>True when <see cref="CodecConfiguration"/> changed since the caller last cleared it (a SequenceStart is due).</summary>
    public bool ConfigurationChanged { get; set; }

    /// <summary>
    /// True for the OBU types an FLV (or MP4) sample leaves out, as FFmpeg's <c>ff_av1_filter_obus</c> does and the AV1
    /// ISOBMFF binding (2.4) asks: temporal delimiters (the sample is the unit), redundant frame headers, tile lists
    /// and padding.
    /// </summary>
    public static bool IsStripped(Av1ObuType type) =>
        type is Av1ObuType.TemporalDelimiter or Av1ObuType.RedundantFrameHeader or Av1ObuType.TileList or Av1ObuType.Padding;

    /// <summary>Copies the OBUs of <paramref name="temporalUnit"/> that are not <see cref="IsStripped"/>, returning the bytes written.</summary>
    /// <exception cref="InvalidDataException">The unit's OBU framing is malformed.</exception>
    public static int CopyKept(ReadOnlySpan<byte> temporalUnit, Span<byte> destination)
    {
        int written = 0;
        foreach (Av1Obu obu in new Av1ObuEnumerator(temporalUnit))
        {
            if (!IsStripped(obu.Type))
            {
                obu.Bytes.CopyTo(destination[written..]);
                written += obu.Bytes.Length;
            }
        }

        return written;
    }

    /// <summary>
    /// Adopts an av1C given out of band (from a container), when it differs from the current one. Its sequence header,
    /// if any, becomes the one frame headers are read with.
    /// </summary>
    /// <exception cref="InvalidDataException">The av1C is malformed.</exception>
    public void SetConfiguration(ReadOnlySpan<byte> av1C)
    {
        if (CodecConfiguration is not null && av1C.SequenceEqual(CodecConfiguration))
        {
            return;
        }

        var record = Av1CodecConfigurationRecord.Parse(av1C);
        if (record.SequenceHeader is not null)
        {
            SequenceHeader = record.SequenceHeader;
            _sequencePayload = record.SequenceHeaderPayload.ToArray();
        }

        CodecConfiguration = av1C.ToArray();
        ConfigurationChanged = true;
    }

    /// <summary>Reads one temporal unit.</summary>
    /// <exception cref="InvalidDataException">The OBU framing, a sequence header or a frame header is malformed.</exception>
    public Av1TemporalUnitInfo Inspect(ReadOnlySpan<byte> temporalUnit)
    {
        bool keyframe = false, disposable = true, hasSequenceHeader = false;
        int frames = 0, keptLength = 0, keptStart = -1, keptEnd = -1;
        bool contiguous = true;
        foreach (Av1Obu obu in new Av1ObuEnumerator(temporalUnit))
        {
            if (!IsStripped(obu.Type))
            {
                if (keptStart < 0)
                {
                    keptStart = obu.Offset;
                }
                else if (keptEnd != obu.Offset)
                {
                    contiguous = false;
                }

                keptEnd = obu.Offset + obu.Bytes.Length;
                keptLength += obu.Bytes.Length;
            }

            switch (obu.Type)
            {
                case Av1ObuType.SequenceHeader:
                    hasSequenceHeader = true;
                    AdoptSequenceHeader(obu);
                    break;
                case Av1ObuType.FrameHeader or Av1ObuType.Frame:
                    var header = Av1FrameHeader.Parse(obu.Payload, SequenceHeader, obu.TemporalId, obu.SpatialId);
                    if (frames++ == 0)
                    {
                        keyframe = header.IsShownKeyFrame;
                    }

                    disposable &= Track(header) == 0;
                    break;
            }
        }

        return new Av1TemporalUnitInfo(
            keyframe,
            disposable && frames > 0,
            frames,
            hasSequenceHeader,
            keptLength,
            contiguous ? Math.Max(keptStart, 0) : -1);
    }

    /// <summary>Follows the reference slots a frame refreshes; returns the refresh flags, or -1 when they are unknown.</summary>
    private int Track(in Av1FrameHeader header)
    {
        int? refresh = header.RefreshFrameFlags;
        byte type = (byte)header.FrameType;
        if (header.ShowExistingFrame)
        {
            byte shown = _slotTypes[header.FrameToShowMapIdx];
            if (shown == (byte)Av1FrameType.KeyFrame)
            {
                // Showing an existing key frame loads it and refreshes every slot with it (AV1 specification 7.21).
                refresh = Av1FrameHeader.AllFrames;
                type = shown;
            }
            else if (shown != UnknownSlot)
            {
                refresh = 0;
            }
        }

        if (refresh is not int flags)
        {
            _slotTypes.AsSpan().Fill(UnknownSlot);
            return -1;
        }

        for (int slot = 0; slot < 8; slot++)
        {
            if ((flags & (1 << slot)) != 0)
            {
                _slotTypes[slot] = type;
            }
        }

        return flags;
    }

    private void AdoptSequenceHeader(Av1Obu obu)
    {
        if (_sequencePayload is not null && obu.Payload.SequenceEqual(_sequencePayload))
        {
            return;
        }

        byte[] configuration = Av1CodecConfigurationRecord.Build(obu.Bytes, out Av1SequenceHeader sequence);
        SequenceHeader = sequence;
        _sequencePayload = obu.Payload.ToArray();
        CodecConfiguration = configuration;
        ConfigurationChanged = true;
    }
}
