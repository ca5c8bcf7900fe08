namespace Uplink.Codecs;

/// <summary>The AAC sampling_frequency_index table (ISO/IEC 14496-3 table 1.18).</summary>
internal static class AacSamplingFrequencies
{
    private static readonly int[] Rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The rate for an index 0 to 12, or 0 for the reserved indices 13 and 14 and the escape 15.</summary>
    public static int GetRate(int index) => (uint)index < (uint)Rates.Length ? Rates[index] : 0;

    /// <summary>The index of <paramref name="rate"/> in the table, or -1 when it needs the explicit 24-bit form.</summary>
    public static int GetIndex(int rate) => Array.IndexOf(Rates, rate);

    /// <summary>Channels for a channel_configuration (ISO/IEC 14496-3 table 1.19); 0 when a PCE defines them.</summary>
    public static int GetChannels(int channelConfiguration) => channelConfiguration switch
    {
        >= 1 and <= 6 => channelConfiguration,
        7 => 8,
        11 => 7,
        12 or 14 => 8,
        13 => 24,
        _ => 0,
    };
}
