namespace Uplink.Codecs.Hevc;

/// <summary>What <see cref="HevcAccessUnit.Inspect"/> found in an access unit.</summary>
/// <param name="IsKeyframe">A base-layer picture a decoder can start at: a BLA, IDR or CRA slice (types 16 to 21).</param>
/// <param name="IsNonReference">
/// No later picture refers to this one, so live mode may drop it alone; see <see cref="HevcAccessUnit.Inspect"/> for the rule.
/// </param>
/// <param name="VclNalUnits">The number of coded slice segments.</param>
/// <param name="ParameterSetsChanged">A VPS, SPS or PPS came that was new or differed from the one of its id.</param>
/// <param name="StrippedNalUnits">The access unit delimiters and filler data NAL units a sample leaves out.</param>
/// <param name="SampleSize">The size of the sample <see cref="HevcAccessUnit.WriteSample"/> writes: 4-byte lengths, without the stripped NAL units.</param>
internal readonly record struct HevcAccessUnitInfo(
    bool IsKeyframe, bool IsNonReference, int VclNalUnits, bool ParameterSetsChanged, int StrippedNalUnits, int SampleSize);
