using Uplink.Codecs.Audio;
using Uplink.Codecs.Av1;
using Uplink.Codecs.Hevc;
using Uplink.Codecs.Vp9;

namespace Uplink.Codecs;

/// <summary>What a video configuration says about the picture, for reports (server summaries, <c>uplink probe</c>).</summary>
/// <param name="Profile">The profile name ("Main 10", "Main", "Profile 0"); empty when unknown.</param>
/// <param name="Level">The level ("4.1"); empty when unknown.</param>
/// <param name="Width">Width in pixels; 0 when unknown.</param>
/// <param name="Height">Height in pixels; 0 when unknown.</param>
/// <param name="FrameRate">Frames per second the configuration states, when it does.</param>
/// <param name="TransferCharacteristics">ITU-T H.273 transfer characteristics (16 PQ, 18 HLG); 2 when unspecified.</param>
/// <param name="BitDepth">Luma bit depth; 0 when unknown.</param>
internal readonly record struct VideoDescription(string Profile, string Level, int Width, int Height, double? FrameRate, int TransferCharacteristics, int BitDepth)
{
    private const int Unspecified = 2;

    public static VideoDescription Unknown { get; } = new("", "", 0, 0, null, Unspecified, 0);

    /// <summary>"PQ" (transfer 16) or "HLG" (18), the HDR transfers; null for anything else.</summary>
    public string? Hdr => TransferCharacteristics switch
    {
        16 => "PQ",
        18 => "HLG",
        _ => null,
    };
}

/// <summary>Reads decoder configurations and first frames into <see cref="VideoDescription"/>s and audio rate/channels; never throws.</summary>
internal static class StreamDescription
{
    /// <summary>The codec's display name: H.264, HEVC, AV1, VP9.</summary>
    public static string Name(VideoCodec codec) => codec switch
    {
        VideoCodec.Hevc => "HEVC",
        VideoCodec.Av1 => "AV1",
        VideoCodec.Vp9 => "VP9",
        _ => "H.264",
    };

    /// <summary>The codec's display name: AAC, Opus, FLAC, AC-3, E-AC-3, MP3.</summary>
    public static string Name(AudioCodec codec) => codec switch
    {
        AudioCodec.Opus => "Opus",
        AudioCodec.Flac => "FLAC",
        AudioCodec.Ac3 => "AC-3",
        AudioCodec.Eac3 => "E-AC-3",
        AudioCodec.Mp3 => "MP3",
        _ => "AAC",
    };

    /// <summary>Reads a sequence header's record: avcC, hvcC, av1C or vpcC (which has no picture size).</summary>
    /// <returns>False when the record is malformed.</returns>
    public static bool TryReadVideo(VideoCodec codec, ReadOnlySpan<byte> record, out VideoDescription description)
    {
        description = VideoDescription.Unknown;
        try
        {
            description = codec switch
            {
                VideoCodec.Hevc => ReadHevc(record),
                VideoCodec.Av1 => ReadAv1(record),
                VideoCodec.Vp9 => ReadVp9(record),
                _ => ReadAvc(record),
            };
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Adds the picture size of a VP9 key frame (the one thing vpcC lacks) to <paramref name="description"/>, and the
    /// profile, level and colour when there was no vpcC (VP9 in Matroska or IVF carries none).
    /// </summary>
    public static bool TryAddVp9FrameSize(ReadOnlySpan<byte> frame, ref VideoDescription description)
    {
        try
        {
            Vp9FrameHeader header = Vp9FrameHeader.Parse(frame);
            if (!header.IsKeyFrame || !header.HasFrameSize)
            {
                return false;
            }

            if (description.Profile.Length == 0)
            {
                description = ReadVp9(Vp9CodecConfigurationRecord.FromFrameHeader(header).ToFullBoxBody());
            }

            description = description with { Width = header.Width, Height = header.Height };
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Reads an audio sequence start: AudioSpecificConfig, OpusHead, FLAC STREAMINFO (bare or with its "fLaC" header).</summary>
    public static bool TryReadAudioConfiguration(AudioCodec codec, ReadOnlySpan<byte> config, out int sampleRate, out int channels)
    {
        (sampleRate, channels) = (0, 0);
        try
        {
            switch (codec)
            {
                case AudioCodec.Aac:
                    var asc = AudioSpecificConfig.Parse(config);
                    (sampleRate, channels) = (asc.ExtensionSampleRate ?? asc.SampleRate, asc.PsPresent && asc.Channels == 1 ? 2 : asc.Channels);
                    return true;
                case AudioCodec.Opus:
                    OpusHeader.Normalize(config, out channels, out _);
                    sampleRate = 48000; // Opus always decodes at 48 kHz.
                    return true;
                case AudioCodec.Flac:
                    FlacStreamInfo.Normalize(config, out sampleRate, out channels, out _);
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Reads the rate and channels from the first frame of codecs that describe themselves: AC-3, E-AC-3, MP3.</summary>
    public static bool TryReadAudioFrame(AudioCodec codec, ReadOnlySpan<byte> frame, out int sampleRate, out int channels)
    {
        (sampleRate, channels) = (0, 0);
        switch (codec)
        {
            case AudioCodec.Ac3 or AudioCodec.Eac3 when Ac3SyncFrame.TryRead(frame, out _) is Ac3SyncFrame sync:
                (sampleRate, channels) = (sync.SampleRate, sync.Channels);
                return true;
            case AudioCodec.Mp3 when MpegAudioFrameHeader.TryRead(frame, out _) is MpegAudioFrameHeader mp3:
                (sampleRate, channels) = (mp3.SampleRate, mp3.Channels);
                return true;
            default:
                return false;
        }
    }

    private static VideoDescription ReadAvc(ReadOnlySpan<byte> record)
    {
        var config = AvcDecoderConfigurationRecord.Parse(record);
        if (config.SequenceParameterSets.Count == 0 || !H264SequenceParameterSet.TryParse(config.SequenceParameterSets[0], out H264SequenceParameterSet? sps))
        {
            return VideoDescription.Unknown;
        }

        return VideoDescription.Unknown with { Profile = sps.ProfileName, Level = sps.LevelName, Width = sps.Width, Height = sps.Height, FrameRate = sps.FrameRate };
    }

    private static VideoDescription ReadHevc(ReadOnlySpan<byte> record)
    {
        var config = HevcDecoderConfigurationRecord.Parse(record);
        HevcProfileTierLevel ptl = config.ProfileTierLevel;
        var description = VideoDescription.Unknown with { Profile = ptl.ProfileName, Level = ptl.LevelName, BitDepth = config.BitDepthLuma };
        if (config.SequenceParameterSets.Count > 0 && HevcSequenceParameterSet.TryParse(config.SequenceParameterSets[0], out HevcSequenceParameterSet? sps))
        {
            description = description with
            {
                Width = sps.Width,
                Height = sps.Height,
                FrameRate = sps.FrameRate,
                TransferCharacteristics = sps.TransferCharacteristics,
                BitDepth = sps.BitDepthLuma,
            };
        }

        return description;
    }

    private static VideoDescription ReadAv1(ReadOnlySpan<byte> record)
    {
        var config = Av1CodecConfigurationRecord.Parse(record);
        Av1SequenceHeader? sequence = config.SequenceHeader;
        if (sequence is null)
        {
            return VideoDescription.Unknown with { BitDepth = config.BitDepth };
        }

        return new VideoDescription(
            sequence.ProfileName, sequence.LevelName, sequence.MaxFrameWidth, sequence.MaxFrameHeight, sequence.FrameRate,
            sequence.ColorConfig.TransferCharacteristics, sequence.BitDepth);
    }

    private static VideoDescription ReadVp9(ReadOnlySpan<byte> record)
    {
        var config = Vp9CodecConfigurationRecord.Parse(record);
        string level = config.Level == 0 ? "" : $"{config.Level / 10}.{config.Level % 10}";
        return new VideoDescription($"Profile {config.Profile}", level, 0, 0, null, config.TransferCharacteristics, config.BitDepth);
    }
}
