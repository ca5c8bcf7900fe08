using Uplink.Codecs;

namespace Uplink.Protocol;

/// <summary>
/// What a receiver reads from the codec configuration a publisher sends (the AVC sequence header, the AAC
/// AudioSpecificConfig) to describe the stream. Reads only: the parsers behind it stay internal to Uplink.
/// </summary>
public static class CodecConfiguration
{
    /// <summary>Reads an AVCDecoderConfigurationRecord and its first sequence parameter set.</summary>
    /// <param name="record">The record (an FLV AVC sequence header's body after its 5-byte video header).</param>
    /// <param name="profile">The H.264 profile ("High", …); empty when the record has no readable SPS.</param>
    /// <param name="level">The H.264 level ("4.1", …); empty when the record has no readable SPS.</param>
    /// <param name="width">The picture width in pixels; 0 when unknown.</param>
    /// <param name="height">The picture height in pixels; 0 when unknown.</param>
    /// <returns>False when the record itself is malformed.</returns>
    public static bool TryReadAvc(ReadOnlySpan<byte> record, out string profile, out string level, out int width, out int height)
    {
        (profile, level, width, height) = ("", "", 0, 0);
        try
        {
            var config = AvcDecoderConfigurationRecord.Parse(record);
            if (config.SequenceParameterSets.Count > 0 && H264SequenceParameterSet.TryParse(config.SequenceParameterSets[0], out H264SequenceParameterSet? sps))
            {
                (profile, level, width, height) = (sps.ProfileName, sps.LevelName, sps.Width, sps.Height);
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Reads an AAC AudioSpecificConfig.</summary>
    /// <param name="config">The AudioSpecificConfig (an FLV AAC sequence header's body after its 2-byte audio header).</param>
    /// <param name="sampleRate">The sampling rate in Hz.</param>
    /// <param name="channels">The channel count.</param>
    /// <returns>False when the configuration is malformed.</returns>
    public static bool TryReadAac(ReadOnlySpan<byte> config, out int sampleRate, out int channels)
    {
        try
        {
            var asc = AudioSpecificConfig.Parse(config);
            (sampleRate, channels) = (asc.SampleRate, asc.Channels);
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException)
        {
            (sampleRate, channels) = (0, 0);
            return false;
        }
    }
}
