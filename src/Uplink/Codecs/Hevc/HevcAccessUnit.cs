using System.Buffers.Binary;

namespace Uplink.Codecs.Hevc;

/// <summary>
/// Looks at the NAL units of one HEVC access unit, Annex-B or length-prefixed, for what an FLV tag needs: keyframe,
/// disposable, parameter sets, and the sample to send (4-byte NAL lengths). Neither allocates unless a parameter set
/// is new or changed.
/// </summary>
internal static class HevcAccessUnit
{
    /// <summary>
    /// Classifies the access unit and hands its base-layer VPS, SPS and PPS to <paramref name="parameterSets"/>.
    /// <para>
    /// Keyframe: a base-layer slice of type BLA, IDR or CRA (16 to 21). FFmpeg (IS_IRAP) and OBS take 16 to 23; 22 and
    /// 23 are reserved, and a decoder ignores reserved types, so such an access unit has no picture to start at.
    /// </para>
    /// <para>
    /// Non-reference (disposable): every slice is of a sub-layer non-reference type (TRAIL_N, TSA_N, STSA_N, RADL_N,
    /// RASL_N, or the reserved _N types 10, 12, 14) and in the highest temporal sub-layer the SPS allows. A sub-layer
    /// non-reference picture is one that no later picture of its own sub-layer refers to, but pictures of higher
    /// sub-layers may (H.265 3.1, definitions); in the highest sub-layer there are none above it, so nothing refers to
    /// it. An x265 TRAIL_N B-frame without temporal layers (one sub-layer) is such a picture; with
    /// <c>--temporal-layers</c> its B-frames are TSA_N in sub-layer 1 of 2. An access unit with slices of another layer
    /// (multi-layer extensions) is never disposable: those layers' parameter sets are not tracked.
    /// </para>
    /// <para>
    /// Stripped: access unit delimiters (35) and filler data (38). In a length-prefixed sample an FLV tag already
    /// delimits the access unit, so the delimiter says nothing, and filler only pads a constant bit rate the RTMP
    /// connection does not need. FFmpeg's FLV muxer and OBS keep both (they copy every NAL unit); dropping them
    /// changes no decoded picture. End of sequence (36) and end of bitstream (37) are kept: after them the next picture
    /// starts a new coded video sequence (a CRA then drops its RASL pictures, POC restarts), which a decoder needs to
    /// know. Parameter sets and SEI are kept, as FFmpeg keeps them (the hvcC does not mark its arrays complete).
    /// </para>
    /// </summary>
    /// <param name="accessUnit">The access unit: Annex-B when <paramref name="nalLengthSize"/> is 0, else length-prefixed.</param>
    /// <param name="nalLengthSize">0 for Annex-B, or the length prefix size the hvcC declares: 1, 2 or 4.</param>
    /// <param name="parameterSets">
    /// The stream's parameter sets: the access unit's own are added to it, and its
    /// <see cref="HevcParameterSets.HighestTemporalId"/> after them decides which sub-layer is the highest.
    /// </param>
    /// <exception cref="InvalidDataException">
    /// A NAL unit header is malformed, a length prefix overruns the data, Annex-B data does not start with a start code,
    /// or a new parameter set does not parse.
    /// </exception>
    public static HevcAccessUnitInfo Inspect(ReadOnlySpan<byte> accessUnit, int nalLengthSize, HevcParameterSets parameterSets)
    {
        ArgumentNullException.ThrowIfNull(parameterSets);
        var state = new State();
        if (nalLengthSize == 0)
        {
            RequireStartCode(accessUnit);
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
            {
                state.Add(nal, parameterSets);
            }
        }
        else
        {
            foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(accessUnit, nalLengthSize))
            {
                state.Add(nal, parameterSets);
            }
        }

        return state.ToInfo(parameterSets.HighestTemporalId);
    }

    /// <summary>
    /// True for the NAL units a sample leaves out: access unit delimiters and filler data (see <see cref="Inspect"/>).
    /// </summary>
    public static bool IsStripped(HevcNalUnitType type) => type is HevcNalUnitType.AccessUnitDelimiter or HevcNalUnitType.FillerData;

    /// <summary>
    /// Writes the access unit as an FLV/MP4 sample: every NAL unit but the stripped ones, each after its 4-byte
    /// big-endian length. <see cref="HevcAccessUnitInfo.SampleSize"/> says how many bytes that takes.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Inspect"/>.</exception>
    public static int WriteSample(ReadOnlySpan<byte> accessUnit, int nalLengthSize, Span<byte> destination)
    {
        int written = 0;
        if (nalLengthSize == 0)
        {
            RequireStartCode(accessUnit);
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
            {
                written = Append(nal, destination, written);
            }
        }
        else
        {
            foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(accessUnit, nalLengthSize))
            {
                written = Append(nal, destination, written);
            }
        }

        return written;
    }

    private static int Append(ReadOnlySpan<byte> nal, Span<byte> destination, int written)
    {
        if (IsStripped(HevcNalUnitHeader.Read(nal).Type))
        {
            return written;
        }

        if (destination.Length - written < 4 + nal.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, too small for the sample", nameof(destination));
        }

        BinaryPrimitives.WriteInt32BigEndian(destination[written..], nal.Length);
        nal.CopyTo(destination[(written + 4)..]);
        return written + 4 + nal.Length;
    }

    private static void RequireStartCode(ReadOnlySpan<byte> accessUnit)
    {
        if (!AnnexB.StartsWithStartCode(accessUnit))
        {
            throw new InvalidDataException("HEVC access unit does not start with an Annex-B start code, but was declared Annex-B");
        }
    }

    /// <summary>The counts gathered over one access unit.</summary>
    private struct State
    {
        private bool _keyframe;
        private bool _changed;
        private int _vcl;
        private int _referenced;
        private int _stripped;
        private int _sampleSize;
        private int _nonReferenceTemporalIds; // bit t: a base-layer slice of a sub-layer non-reference type with TemporalId t

        public void Add(ReadOnlySpan<byte> nal, HevcParameterSets parameterSets)
        {
            HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
            if (IsStripped(header.Type))
            {
                _stripped++;
                return;
            }

            _sampleSize = checked(_sampleSize + 4 + nal.Length);
            if (header.IsVcl)
            {
                _vcl++;
                _keyframe |= header.IsIrap && header.LayerId == 0;
                if (header.IsSubLayerNonReference && header.LayerId == 0)
                {
                    _nonReferenceTemporalIds |= 1 << header.TemporalId;
                }
                else
                {
                    _referenced++;
                }
            }
            else if (header.Type is HevcNalUnitType.Vps or HevcNalUnitType.Sps or HevcNalUnitType.Pps)
            {
                _changed |= parameterSets.Add(nal);
            }
        }

        /// <summary>
        /// The sub-layer test is made once every NAL unit is in, so that the access unit's own SPS (which comes before its
        /// slices) decides the highest sub-layer.
        /// </summary>
        public readonly HevcAccessUnitInfo ToInfo(int highestTemporalId)
        {
            // A slice below the highest sub-layer may be referred to from above it. (One above it is outside what the SPS
            // allows; nothing can refer to it either.)
            bool belowHighest = (_nonReferenceTemporalIds & ((1 << highestTemporalId) - 1)) != 0;
            bool nonReference = _vcl > 0 && _referenced == 0 && !belowHighest;
            return new HevcAccessUnitInfo(_keyframe, nonReference, _vcl, _changed, _stripped, _sampleSize);
        }
    }
}
