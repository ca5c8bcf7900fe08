using System.Buffers;
using Uplink.Flv.Parsing;

namespace Uplink.Flv;

/// <summary>
/// FLV tag bodies as RTMP carries them: legacy AVC/AAC signalling (FLV specification 10.1 E.4) and the Enhanced RTMP
/// extended headers (a FourCC instead of a codec id, with a packet type).
/// </summary>
internal static class FlvTags
{
    /// <summary>Video frame type 1, a random access point.</summary>
    public const int KeyFrame = 1;

    /// <summary>Video frame type 2.</summary>
    public const int InterFrame = 2;

    /// <summary>Video frame type 5, for packets that carry no picture (Metadata).</summary>
    public const int InfoFrame = 5;

    /// <summary>Enhanced RTMP VideoPacketType / AudioPacketType values.</summary>
    public const int ExSequenceStart = 0;
    public const int ExCodedFrames = 1;
    public const int ExSequenceEnd = 2;
    public const int ExCodedFramesX = 3;
    public const int ExMetadata = 4;
    public const int ExMultichannelConfig = 4;
    public const int ExAudioMultitrack = 5;
    public const int ExVideoMultitrack = 6;
    public const int ExModEx = 7;

    /// <summary>ModEx type 0: the data is a UI24 of nanoseconds to add to the message timestamp.</summary>
    public const int ModExTimestampOffsetNano = 0;

    /// <summary>AvMultitrackType OneTrack: one track's packet, with its id but no size.</summary>
    public const int MultitrackOneTrack = 0;

    /// <summary>Size of the extended video header: the frame type/packet type byte, then the FourCC.</summary>
    public const int ExVideoHeaderSize = 5;


    /// <summary>The Enhanced RTMP FourCC of a video codec, big-endian as it goes on the wire and into onMetaData.</summary>
    public static uint FourCcOf(VideoCodec codec) => codec switch
    {
        VideoCodec.Hevc => FlvFourCc.Hvc1,
        VideoCodec.Av1 => FlvFourCc.Av01,
        VideoCodec.Vp9 => FlvFourCc.Vp09,
        _ => FlvFourCc.Avc1,
    };

    /// <summary>The Enhanced RTMP FourCC of an audio codec.</summary>
    public static uint FourCcOf(AudioCodec codec) => codec switch
    {
        AudioCodec.Opus => FlvFourCc.Opus,
        AudioCodec.Flac => FlvFourCc.Flac,
        AudioCodec.Ac3 => FlvFourCc.Ac3,
        AudioCodec.Eac3 => FlvFourCc.Eac3,
        AudioCodec.Mp3 => FlvFourCc.Mp3,
        _ => FlvFourCc.Mp4a,
    };

    /// <summary>True when a tag body is a sequence header: AVC/AAC packet type 0, or an extended SequenceStart (of any track).</summary>
    public static bool IsSequenceHeader(bool video, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        if (IsExtended(video, body))
        {
            return ExPacketType(video, body) == ExSequenceStart;
        }

        return video
            ? body.Length > 1 && (body[0] & 0x0F) == 7 && body[1] == AvcSequenceHeader
            : body.Length > 1 && body[0] >> 4 == 10 && body[1] == AacSequenceHeader;
    }

    /// <summary>
    /// True when a tag body describes the stream beside its sequence header: a video Metadata packet (colorInfo) or an
    /// audio MultichannelConfig (both packet type 4 of an extended header).
    /// </summary>
    public static bool IsDescriptor(bool video, ReadOnlySpan<byte> body) =>
        !body.IsEmpty && IsExtended(video, body) && ExPacketType(video, body) == ExMetadata;

    /// <summary>
    /// The composition time (presentation minus decoding time, ms) of a coded video frame: the legacy AVC header's, or an
    /// extended single-track CodedFrames'; 0 for CodedFramesX and codecs without one. False for what is not a coded frame
    /// or is cut short (a multitrack body's tracks may differ: also false).
    /// </summary>
    public static bool TryReadCompositionTime(ReadOnlySpan<byte> body, out int compositionTimeMs)
    {
        compositionTimeMs = 0;
        if (body.Length < 5)
        {
            return false;
        }

        int at;
        if ((body[0] & 0x80) == 0)
        {
            if ((body[0] & 0x0F) != 7 || body[1] != 1)
            {
                return false;
            }

            at = 2;
        }
        else
        {
            int packetType = body[0] & 0x0F;
            if (packetType == ExCodedFramesX)
            {
                return true;
            }

            if (packetType != ExCodedFrames || body.Length < ExVideoHeaderSize + 3)
            {
                return false;
            }

            at = ExVideoHeaderSize;
        }

        // SI24, big-endian.
        int raw = (body[at] << 16) | (body[at + 1] << 8) | body[at + 2];
        compositionTimeMs = (raw << 8) >> 8;
        return true;
    }

    private static bool IsExtended(bool video, ReadOnlySpan<byte> body) => video ? (body[0] & 0x80) != 0 : body[0] >> 4 == 9;

    /// <summary>The packet type of a body this class wrote in the extended form, past a ModEx and a OneTrack Multitrack wrapper; -1 when cut short.</summary>
    private static int ExPacketType(bool video, ReadOnlySpan<byte> body)
    {
        int type = body[0] & 0x0F;
        int at = 1;
        if (type == ExModEx)
        {
            // Only what ExTrack writes: the size − 1, one block of data, then ModEx type/next packet type.
            if (body.Length < 2 || body.Length <= 2 + body[1] + 1)
            {
                return -1;
            }

            at = 2 + body[1] + 1;
            type = body[at] & 0x0F;
            at++;
        }

        if (type == (video ? ExVideoMultitrack : ExAudioMultitrack))
        {
            return body.Length > at ? body[at] & 0x0F : -1;
        }

        return type;
    }

    /// <summary>Writes the extended video header (see <see cref="ExTrack"/>).</summary>
    /// <returns>The bytes written: <paramref name="track"/>'s <see cref="ExTrack.HeaderSize"/>.</returns>
    public static int WriteExVideoHeader(Span<byte> destination, int frameType, int packetType, VideoCodec codec, ExTrack track) =>
        track.Write(destination, 0x80 | (frameType << 4), packetType, ExVideoMultitrack, FourCcOf(codec));

    /// <summary>The size of an extended coded-frames header: 3 bytes more than the track's header with an SI24 composition time, none without (CodedFramesX).</summary>
    public static int ExCodedFramesHeaderSize(int compositionTimeMs, ExTrack track) => track.HeaderSize + (compositionTimeMs == 0 ? 0 : 3);

    /// <summary>
    /// Writes the header of an H.264 or HEVC frame in the extended form: CodedFramesX when the composition time is 0,
    /// else CodedFrames with it (<see cref="ExCodedFramesHeaderSize"/> bytes).
    /// </summary>
    public static void WriteExCodedFramesHeader(Span<byte> destination, bool keyframe, VideoCodec codec, int compositionTimeMs, ExTrack track)
    {
        int frameType = keyframe ? KeyFrame : InterFrame;
        if (compositionTimeMs == 0)
        {
            WriteExVideoHeader(destination, frameType, ExCodedFramesX, codec, track);
            return;
        }

        int at = WriteExVideoHeader(destination, frameType, ExCodedFrames, codec, track);
        destination[at] = (byte)(compositionTimeMs >> 16);
        destination[at + 1] = (byte)(compositionTimeMs >> 8);
        destination[at + 2] = (byte)compositionTimeMs;
    }

    /// <summary>Writes an extended audio tag body: the header with <paramref name="packetType"/>, then <paramref name="body"/>.</summary>
    public static void WriteExAudio(IBufferWriter<byte> output, int packetType, AudioCodec codec, ReadOnlySpan<byte> body, ExTrack track)
    {
        int header = track.HeaderSize;
        Span<byte> span = output.GetSpan(header + body.Length);
        WriteExAudioHeader(span, packetType, codec, track);
        body.CopyTo(span[header..]);
        output.Advance(header + body.Length);
    }

    /// <summary>Writes the extended audio header: SoundFormat 9 (ExHeader), packet type, FourCC (see <see cref="ExTrack"/>).</summary>
    /// <returns>The bytes written.</returns>
    public static int WriteExAudioHeader(Span<byte> destination, int packetType, AudioCodec codec, ExTrack track) =>
        track.Write(destination, 0x90, packetType, ExAudioMultitrack, FourCcOf(codec));

    /// <summary>Writes an extended video SequenceStart tag body: keyframe, the FourCC, the configuration record.</summary>
    public static void WriteExSequenceStart(IBufferWriter<byte> output, VideoCodec codec, ReadOnlySpan<byte> configuration, ExTrack track)
    {
        int header = track.HeaderSize;
        Span<byte> span = output.GetSpan(header + configuration.Length);
        WriteExVideoHeader(span, KeyFrame, ExSequenceStart, codec, track);
        configuration.CopyTo(span[header..]);
        output.Advance(header + configuration.Length);
    }

    /// <summary>AAC sound byte: format 10, 44 kHz, 16-bit, stereo — the spec fixes these fields for AAC; the real values live in the AudioSpecificConfig.</summary>
    public const byte AacSoundByte = 0xAF;

    public const byte AacSequenceHeader = 0;
    public const byte AacRaw = 1;

    public const byte AvcSequenceHeader = 0;
    public const byte AvcNalu = 1;
    public const byte AvcEndOfSequence = 2;

    /// <summary>Size of the video tag header: frame type/codec, AVC packet type, 24-bit composition time.</summary>
    public const int VideoHeaderSize = 5;

    /// <summary>Size of the audio tag header: sound byte, AAC packet type.</summary>
    public const int AudioHeaderSize = 2;

    /// <summary>Largest composition time offset a signed 24-bit field holds, in ms.</summary>
    public const int MaxCompositionTime = 0x7FFFFF;

    /// <summary>Writes the 5-byte video tag header.</summary>
    public static void WriteVideoHeader(Span<byte> destination, bool keyframe, byte avcPacketType, int compositionTimeMs)
    {
        if (compositionTimeMs is > MaxCompositionTime or < -MaxCompositionTime - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(compositionTimeMs), compositionTimeMs, "composition time offset (PTS - DTS) does not fit a signed 24-bit millisecond field");
        }

        destination[0] = keyframe ? (byte)0x17 : (byte)0x27;
        destination[1] = avcPacketType;
        destination[2] = (byte)(compositionTimeMs >> 16);
        destination[3] = (byte)(compositionTimeMs >> 8);
        destination[4] = (byte)compositionTimeMs;
    }

    /// <summary>Writes an AVC sequence header tag body: keyframe, packet type 0, the AVCDecoderConfigurationRecord.</summary>
    public static void WriteAvcSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        Span<byte> span = output.GetSpan(VideoHeaderSize + decoderConfigurationRecord.Length);
        WriteVideoHeader(span, keyframe: true, AvcSequenceHeader, 0);
        decoderConfigurationRecord.CopyTo(span[VideoHeaderSize..]);
        output.Advance(VideoHeaderSize + decoderConfigurationRecord.Length);
    }

    /// <summary>Writes an AAC tag body: the sound byte, the packet type, then the AudioSpecificConfig or the raw frame.</summary>
    public static void WriteAac(IBufferWriter<byte> output, byte aacPacketType, ReadOnlySpan<byte> data)
    {
        Span<byte> span = output.GetSpan(AudioHeaderSize + data.Length);
        span[0] = AacSoundByte;
        span[1] = aacPacketType;
        data.CopyTo(span[AudioHeaderSize..]);
        output.Advance(AudioHeaderSize + data.Length);
    }
}
