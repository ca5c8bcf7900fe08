namespace Uplink.Codecs.Hevc;

/// <summary>
/// One st_ref_pic_set() (ITU-T H.265 7.3.7, semantics 7.4.8): the POC differences of the pictures kept for reference,
/// before (S0, negative) and after (S1, positive) the current picture in output order. An SPS holds a list of them;
/// each but the first may be coded as a prediction from the one before it, so parsing the list means deriving each set.
/// </summary>
internal sealed class HevcShortTermRefPicSet
{
    /// <summary>The most entries a set may hold (HEVC's largest DPB, as FFmpeg bounds it).</summary>
    public const int MaxPictures = 16;

    private const uint MaxDeltaMinus1 = (1 << 15) - 1;

    private HevcShortTermRefPicSet(int[] deltaPocS0, bool[] usedS0, int[] deltaPocS1, bool[] usedS1)
    {
        DeltaPocS0 = deltaPocS0;
        UsedByCurrentPictureS0 = usedS0;
        DeltaPocS1 = deltaPocS1;
        UsedByCurrentPictureS1 = usedS1;
    }

    /// <summary>DeltaPocS0: negative POC differences, nearest first.</summary>
    public IReadOnlyList<int> DeltaPocS0 { get; }

    /// <summary>UsedByCurrPicS0, one per <see cref="DeltaPocS0"/> entry.</summary>
    public IReadOnlyList<bool> UsedByCurrentPictureS0 { get; }

    /// <summary>DeltaPocS1: positive POC differences, nearest first.</summary>
    public IReadOnlyList<int> DeltaPocS1 { get; }

    /// <summary>UsedByCurrPicS1, one per <see cref="DeltaPocS1"/> entry.</summary>
    public IReadOnlyList<bool> UsedByCurrentPictureS1 { get; }

    /// <summary>NumDeltaPocs: the number of entries in both lists.</summary>
    public int NumDeltaPocs => DeltaPocS0.Count + DeltaPocS1.Count;

    /// <summary>
    /// Reads st_ref_pic_set(<paramref name="index"/>). <paramref name="previous"/> holds the sets already read
    /// (index entries); <paramref name="count"/> is num_short_term_ref_pic_sets, so index == count is the set of a slice
    /// header, which names its reference set with delta_idx_minus1.
    /// </summary>
    /// <exception cref="InvalidDataException">The data ends early or a field is out of range.</exception>
    public static HevcShortTermRefPicSet Read(ref BitstreamReader reader, int index, int count, IReadOnlyList<HevcShortTermRefPicSet> previous)
    {
        bool predicted = index != 0 && reader.ReadBit(); // inter_ref_pic_set_prediction_flag
        return predicted ? ReadPredicted(ref reader, index, count, previous) : ReadExplicit(ref reader);
    }

    private static HevcShortTermRefPicSet ReadExplicit(ref BitstreamReader reader)
    {
        int negative = (int)reader.ReadUnsignedExpGolomb(MaxPictures, "num_negative_pics");
        int positive = (int)reader.ReadUnsignedExpGolomb((uint)(MaxPictures - negative), "num_positive_pics");
        var s0 = new int[negative];
        var used0 = new bool[negative];
        var s1 = new int[positive];
        var used1 = new bool[positive];
        int poc = 0;
        for (int i = 0; i < negative; i++)
        {
            poc -= (int)reader.ReadUnsignedExpGolomb(MaxDeltaMinus1, "delta_poc_s0_minus1") + 1;
            s0[i] = poc;
            used0[i] = reader.ReadBit();
        }

        poc = 0;
        for (int i = 0; i < positive; i++)
        {
            poc += (int)reader.ReadUnsignedExpGolomb(MaxDeltaMinus1, "delta_poc_s1_minus1") + 1;
            s1[i] = poc;
            used1[i] = reader.ReadBit();
        }

        return new HevcShortTermRefPicSet(s0, used0, s1, used1);
    }

    /// <summary>
    /// A set predicted from the reference set RefRpsIdx: each of the reference set's pictures, and the reference picture
    /// itself (at deltaRps), is kept or not (use_delta_flag) with its POC difference moved by deltaRps, equations 7-61
    /// and 7-62 of H.265.
    /// </summary>
    private static HevcShortTermRefPicSet ReadPredicted(ref BitstreamReader reader, int index, int count, IReadOnlyList<HevcShortTermRefPicSet> previous)
    {
        int deltaIdx = index == count ? (int)reader.ReadUnsignedExpGolomb((uint)(index - 1), "delta_idx_minus1") + 1 : 1;
        HevcShortTermRefPicSet reference = previous[index - deltaIdx];
        bool negativeSign = reader.ReadBit(); // delta_rps_sign
        int magnitude = (int)reader.ReadUnsignedExpGolomb(MaxDeltaMinus1, "abs_delta_rps_minus1") + 1;
        int deltaRps = negativeSign ? -magnitude : magnitude;

        // One pair of flags per picture of the reference set (S0 then S1), then one for the reference picture itself.
        int entries = reference.NumDeltaPocs + 1;
        bool[] usedByCurrent = new bool[entries];
        bool[] useDelta = new bool[entries];
        for (int j = 0; j < entries; j++)
        {
            usedByCurrent[j] = reader.ReadBit();
            useDelta[j] = usedByCurrent[j] || reader.ReadBit(); // use_delta_flag, inferred 1 when absent
        }

        int refNegative = reference.DeltaPocS0.Count;
        int refPositive = reference.DeltaPocS1.Count;
        var s0 = new List<int>(MaxPictures);
        var used0 = new List<bool>(MaxPictures);
        for (int j = refPositive - 1; j >= 0; j--)
        {
            AddIf(s0, used0, reference.DeltaPocS1[j] + deltaRps < 0, reference.DeltaPocS1[j] + deltaRps, refNegative + j);
        }

        AddIf(s0, used0, deltaRps < 0, deltaRps, refNegative + refPositive);
        for (int j = 0; j < refNegative; j++)
        {
            AddIf(s0, used0, reference.DeltaPocS0[j] + deltaRps < 0, reference.DeltaPocS0[j] + deltaRps, j);
        }

        var s1 = new List<int>(MaxPictures);
        var used1 = new List<bool>(MaxPictures);
        for (int j = refNegative - 1; j >= 0; j--)
        {
            AddIf(s1, used1, reference.DeltaPocS0[j] + deltaRps > 0, reference.DeltaPocS0[j] + deltaRps, j);
        }

        AddIf(s1, used1, deltaRps > 0, deltaRps, refNegative + refPositive);
        for (int j = 0; j < refPositive; j++)
        {
            AddIf(s1, used1, reference.DeltaPocS1[j] + deltaRps > 0, reference.DeltaPocS1[j] + deltaRps, refNegative + j);
        }

        if (s0.Count + s1.Count > MaxPictures)
        {
            throw new InvalidDataException(
                $"SPS st_ref_pic_set {index} predicts {s0.Count + s1.Count} reference pictures, more than {MaxPictures}");
        }

        return new HevcShortTermRefPicSet([.. s0], [.. used0], [.. s1], [.. used1]);

        void AddIf(List<int> pocs, List<bool> used, bool condition, int poc, int flag)
        {
            if (condition && useDelta[flag])
            {
                pocs.Add(poc);
                used.Add(usedByCurrent[flag]);
            }
        }
    }
}
