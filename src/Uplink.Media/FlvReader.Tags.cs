using Uplink.Codecs;
using Uplink.Codecs.Audio;
using Uplink.Flv.Parsing;

namespace Uplink.Media;

/// <summary>Tag bodies into frames: the video and audio tag headers (legacy and Enhanced RTMP), which codecs are taken, and what is refused.</summary>
public sealed partial class FlvReader
{
    private VideoCodec? _videoCodec;
    private AudioCodec? _audioCodec;

    private TagContent DecodeTag(
        int headerIndex, int tagType, int dataSize, long tagOffset,
        out int payloadIndex, out int payloadLength, out bool isKeyframe, out int compositionTime)
    {
        payloadIndex = headerIndex + TagHeaderSize;
        payloadLength = 0;
        isKeyframe = false;
        compositionTime = 0;
        ReadOnlySpan<byte> body = _input.Array.AsSpan(payloadIndex, dataSize);
        switch (tagType)
        {
            case VideoTagType:
                return DecodeVideoTag(body, tagOffset, ref payloadIndex, out payloadLength, out isKeyframe, out compositionTime);
            case AudioTagType:
                isKeyframe = true;
                return DecodeAudioTag(body, tagOffset, ref payloadIndex, out payloadLength);
            default:
                if (_metadata is null && body.StartsWith("\u0002\0\u000AonMetaData"u8))
                {
                    _metadata = body.ToArray();
                    Duration = FlvOnMetaData.ReadDuration(body);
                    DataRates = FlvOnMetaData.ReadDataRates(body);
                }

                return TagContent.Ignored;
        }
    }

    private TagContent DecodeVideoTag(
        ReadOnlySpan<byte> body, long tagOffset, ref int payloadIndex, out int payloadLength, out bool isKeyframe, out int compositionTime)
    {
        payloadLength = 0;
        isKeyframe = false;
        compositionTime = 0;
        FlvVideoTagHeader header = FlvVideoTagHeader.Read(body);
        if (header.Problem is string problem)
        {
            throw header.IsMalformed
                ? new InvalidDataException($"FLV video tag at offset {tagOffset}: {problem}")
                : new NotSupportedException($"FLV video tag at offset {tagOffset}: {problem}");
        }

        ReadOnlySpan<byte> payload = body[header.PayloadOffset..];
        if (header.Kind is not (FlvPacketKind.SequenceStart or FlvPacketKind.CodedFrames) || payload.IsEmpty)
        {
            return TagContent.Ignored;
        }

        VideoCodec codec = header.Codec!.Value;
        if (_videoCodec is VideoCodec first && first != codec)
        {
            throw new NotSupportedException($"FLV video tag at offset {tagOffset}: the video codec changes from {StreamDescription.Name(first)} to {StreamDescription.Name(codec)}, which one input cannot do");
        }

        _videoCodec = codec;
        HasVideo = true;
        payloadIndex += header.PayloadOffset;
        payloadLength = payload.Length;
        isKeyframe = header.IsKeyframe;
        compositionTime = header.CompositionTime;
        if (header.Kind == FlvPacketKind.CodedFrames)
        {
            return TagContent.VideoFrame;
        }

        if (_videoConfiguration is null)
        {
            _videoConfiguration = payload.ToArray();
            return codec == VideoCodec.H264 ? TagContent.VideoConfiguration : TagContent.Ignored;
        }

        // H.264 sequence headers become configuration frames (the writer takes a change mid-stream); for the other
        // codecs the media type carries the configuration, so the first and its repeats are skipped.
        return codec == VideoCodec.H264 ? TagContent.VideoConfiguration
            : payload.SequenceEqual(_videoConfiguration) ? TagContent.Ignored
            : throw new NotSupportedException($"FLV video tag at offset {tagOffset}: the {StreamDescription.Name(codec)} sequence start differs from the first; a configuration change mid-file is supported for H.264 only");
    }

    private TagContent DecodeAudioTag(ReadOnlySpan<byte> body, long tagOffset, ref int payloadIndex, out int payloadLength)
    {
        payloadLength = 0;
        FlvAudioTagHeader header = FlvAudioTagHeader.Read(body);
        if (header.Problem is string problem)
        {
            throw header.IsMalformed
                ? new InvalidDataException($"FLV audio tag at offset {tagOffset}: {problem}")
                : new NotSupportedException($"FLV audio tag at offset {tagOffset}: {problem}");
        }

        ReadOnlySpan<byte> payload = body[header.PayloadOffset..];
        if (header.Kind is not (FlvPacketKind.SequenceStart or FlvPacketKind.CodedFrames) || payload.IsEmpty)
        {
            return TagContent.Ignored;
        }

        AudioCodec codec = header.Codec!.Value;
        if (_audioCodec is AudioCodec first && first != codec)
        {
            throw new NotSupportedException($"FLV audio tag at offset {tagOffset}: the audio codec changes from {StreamDescription.Name(first)} to {StreamDescription.Name(codec)}, which one input cannot do");
        }

        _audioCodec = codec;
        HasAudio = true;
        payloadIndex += header.PayloadOffset;
        payloadLength = payload.Length;
        if (header.Kind == FlvPacketKind.CodedFrames)
        {
            return TagContent.AudioFrame;
        }

        if (_audioConfiguration is null)
        {
            _audioConfiguration = payload.ToArray();
            return codec == AudioCodec.Aac ? TagContent.AudioConfiguration : TagContent.Ignored;
        }

        return codec == AudioCodec.Aac ? TagContent.AudioConfiguration
            : SameAudioStream(codec, _audioConfiguration, payload) ? TagContent.Ignored
            : throw new NotSupportedException($"FLV audio tag at offset {tagOffset}: the {StreamDescription.Name(codec)} sequence start differs from the first; a configuration change mid-file is supported for AAC only");
    }

    /// <summary>
    /// Whether a repeated audio sequence start describes the same stream. FFmpeg ends a FLAC recording with the STREAMINFO
    /// rewritten (total samples, frame sizes, MD5 filled in), which changes nothing a decoder needs.
    /// </summary>
    private static bool SameAudioStream(AudioCodec codec, byte[] first, ReadOnlySpan<byte> next)
    {
        if (next.SequenceEqual(first))
        {
            return true;
        }

        if (codec != AudioCodec.Flac)
        {
            return false;
        }

        try
        {
            FlacStreamInfo.Normalize(first, out int rate, out int channels, out int bits);
            FlacStreamInfo.Normalize(next, out int nextRate, out int nextChannels, out int nextBits);
            return (rate, channels, bits) == (nextRate, nextChannels, nextBits);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Whether the look-ahead has what the media type needs: a frame and, where the codec needs one, its sequence start.</summary>
    private bool VideoReady(bool sawFrame) => sawFrame && (_videoConfiguration is not null || _videoCodec is VideoCodec.Av1 or VideoCodec.Vp9);

    private bool AudioReady(bool sawFrame) => sawFrame && (_audioConfiguration is not null || _audioCodec is AudioCodec.Ac3 or AudioCodec.Eac3 or AudioCodec.Mp3);

    private VideoMediaType CreateVideoMediaType() => _videoCodec switch
    {
        VideoCodec.Av1 => _videoConfiguration is null ? VideoMediaType.Av1() : VideoMediaType.Av1(_videoConfiguration),
        VideoCodec.Vp9 => _videoConfiguration is null ? VideoMediaType.Vp9() : VideoMediaType.Vp9(_videoConfiguration),
        VideoCodec.Hevc => _videoConfiguration is null
            ? throw new InvalidDataException("FLV: the HEVC video has no sequence start (hvcC) before its first frames")
            : VideoMediaType.Hevc(_videoConfiguration),
        _ => _videoConfiguration is null
            ? throw new InvalidDataException("FLV: the H.264 video has no AVC sequence header (SPS/PPS) before its first frames")
            : VideoMediaType.H264(_videoConfiguration),
    };

    private AudioMediaType CreateAudioMediaType() => _audioCodec switch
    {
        AudioCodec.Ac3 => AudioMediaType.Ac3,
        AudioCodec.Eac3 => AudioMediaType.Eac3,
        AudioCodec.Mp3 => AudioMediaType.Mp3,
        AudioCodec.Opus => _audioConfiguration is null
            ? throw new InvalidDataException("FLV: the Opus audio has no sequence start (OpusHead) before its first frames")
            : AudioMediaType.Opus(_audioConfiguration),
        AudioCodec.Flac => _audioConfiguration is null
            ? throw new InvalidDataException("FLV: the FLAC audio has no sequence start (STREAMINFO) before its first frames")
            : AudioMediaType.Flac(_audioConfiguration),
        _ => _audioConfiguration is null
            ? throw new InvalidDataException("FLV: the AAC audio has no sequence header (AudioSpecificConfig) before its first frames")
            : AudioMediaType.Aac(_audioConfiguration),
    };
}
