namespace Uplink.Codecs.Hevc;

/// <summary>
/// The current VPS, SPS and PPS of an HEVC stream by id, as they come in band or from an hvcC, so that a changed one
/// can make a new hvcC. An unchanged set (encoders repeat them at every keyframe) is recognised by its bytes without
/// allocating; only a new or changed one is parsed and copied.
/// </summary>
internal sealed class HevcParameterSets
{
    private readonly byte[]?[] _vps = new byte[16][];
    private readonly byte[]?[] _sps = new byte[16][];
    private readonly HevcSequenceParameterSet?[] _parsedSps = new HevcSequenceParameterSet[16];
    private readonly byte[]?[] _pps = new byte[64][];

    /// <summary>The SPS last added or changed, parsed; null until one is known.</summary>
    public HevcSequenceParameterSet? SequenceParameterSet { get; private set; }

    /// <summary>True when at least one VPS, SPS and PPS are known: enough for an hvcC.</summary>
    public bool IsComplete => Array.Exists(_vps, s => s is not null) && Array.Exists(_sps, s => s is not null) && Array.Exists(_pps, s => s is not null);

    /// <summary>
    /// The highest TemporalId any known SPS allows (sps_max_sub_layers_minus1); 6, the most H.265 allows, while no SPS is
    /// known, so that a picture is only taken for the highest sub-layer when it surely is.
    /// </summary>
    public int HighestTemporalId { get; private set; } = 6;

    /// <summary>
    /// Adds a VPS, SPS or PPS NAL unit of the base layer, replacing the set of the same id. Other NAL units, and parameter
    /// sets of other layers (which an hvcC does not hold), are ignored.
    /// </summary>
    /// <returns>True when the set is new or differs from the one of its id.</returns>
    /// <exception cref="InvalidDataException">A new or changed parameter set does not parse.</exception>
    public bool Add(ReadOnlySpan<byte> nal)
    {
        HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
        if (header.LayerId != 0)
        {
            return false;
        }

        switch (header.Type)
        {
            case HevcNalUnitType.Vps:
                return !Contains(_vps, nal) && Store(_vps, HevcVideoParameterSet.Parse(nal).VideoParameterSetId, nal);
            case HevcNalUnitType.Sps:
                if (Contains(_sps, nal))
                {
                    return false;
                }

                var sps = HevcSequenceParameterSet.Parse(nal);
                _parsedSps[sps.SeqParameterSetId] = sps;
                SequenceParameterSet = sps;
                Store(_sps, sps.SeqParameterSetId, nal);
                HighestTemporalId = 0;
                foreach (HevcSequenceParameterSet? known in _parsedSps)
                {
                    HighestTemporalId = Math.Max(HighestTemporalId, known?.MaxSubLayersMinus1 ?? 0);
                }

                return true;
            case HevcNalUnitType.Pps:
                return !Contains(_pps, nal) && Store(_pps, HevcPictureParameterSet.Parse(nal).PicParameterSetId, nal);
            default:
                return false;
        }
    }

    /// <summary>Forgets every set, then adds those of <paramref name="record"/>.</summary>
    /// <exception cref="InvalidDataException">A parameter set of the record does not parse.</exception>
    public void Load(HevcDecoderConfigurationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Array.Clear(_vps);
        Array.Clear(_sps);
        Array.Clear(_parsedSps);
        Array.Clear(_pps);
        SequenceParameterSet = null;
        HighestTemporalId = 6;
        foreach (HevcNalUnitArray array in record.Arrays)
        {
            foreach (byte[] nal in array.NalUnits)
            {
                Add(nal);
            }
        }
    }

    /// <summary>
    /// An hvcC holding every known set, by type and then id, with 4-byte NAL lengths; its parameter set arrays are not
    /// marked complete, since the stream may carry sets in band.
    /// </summary>
    /// <exception cref="ArgumentException">A VPS, SPS or PPS is still missing (see <see cref="IsComplete"/>).</exception>
    public byte[] BuildConfigurationRecord()
    {
        var nals = new List<ReadOnlyMemory<byte>>();
        foreach (byte[]?[] sets in (ReadOnlySpan<byte[]?[]>)[_vps, _sps, _pps])
        {
            foreach (byte[]? nal in sets)
            {
                if (nal is not null)
                {
                    nals.Add(nal);
                }
            }
        }

        return HevcDecoderConfigurationRecord.Build(nals, parameterSetArraysComplete: false, nalLengthSize: 4);
    }

    private static bool Contains(byte[]?[] sets, ReadOnlySpan<byte> nal)
    {
        foreach (byte[]? known in sets)
        {
            if (known is not null && nal.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Store(byte[]?[] sets, int id, ReadOnlySpan<byte> nal)
    {
        sets[id] = nal.ToArray();
        return true;
    }
}
