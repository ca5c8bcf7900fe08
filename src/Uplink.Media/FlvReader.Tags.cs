using System.Buffers.Binary;

namespace Uplink.Media;

/// <summary>Tag bodies into frames: the video and audio tag headers, which codecs are taken, and what is refused.</summary>
public sealed partial class FlvReader
{
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
                return DecodeAudioTag(body, tagOffset, ref payloadIndex, out payloadLength, out isKeyframe);
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
        if (body.Length <= 1)
        {
            return TagContent.Ignored;
        }

        byte first = body[0];
        if ((first & 0x80) != 0)
        {
            throw new NotSupportedException($"Enhanced RTMP video with FourCC '{FourCc(body)}' at offset {tagOffset}: only H.264 (FLV codec id 7) is supported");
        }

        int frameType = first >> 4;
        int codecId = first & 0x0F;
        if (frameType == VideoCommandFrameType)
        {
            return TagContent.Ignored;
        }

        if (codecId != AvcCodecId)
        {
            throw new NotSupportedException($"video codec {FlvCodecNames.Video(codecId)} (FLV codec id {codecId}) at offset {tagOffset}: only H.264 is supported");
        }

        if (body.Length < 5)
        {
            throw new InvalidDataException($"H.264 video tag at offset {tagOffset} has {body.Length} bytes of data, fewer than its 5-byte AVC packet header");
        }

        payloadIndex += 5;
        payloadLength = body.Length - 5;
        isKeyframe = frameType is 1 or 4;
        switch (body[1])
        {
            case 0:
                if (payloadLength == 0)
                {
                    return TagContent.Ignored;
                }

                HasVideo = true;
                _videoConfiguration ??= body[5..].ToArray();
                return TagContent.VideoConfiguration;
            case 1:
                if (payloadLength == 0)
                {
                    return TagContent.Ignored;
                }

                HasVideo = true;
                int raw = body[2] << 16 | body[3] << 8 | body[4];
                compositionTime = (raw << 8) >> 8;
                return TagContent.VideoFrame;
            case 2:
                return TagContent.Ignored;
            default:
                throw new InvalidDataException($"H.264 video tag at offset {tagOffset} has unknown AVC packet type {body[1]}");
        }
    }

    private TagContent DecodeAudioTag(
        ReadOnlySpan<byte> body, long tagOffset, ref int payloadIndex, out int payloadLength, out bool isKeyframe)
    {
        payloadLength = 0;
        isKeyframe = true;
        if (body.Length <= 1)
        {
            return TagContent.Ignored;
        }

        int soundFormat = body[0] >> 4;
        if (soundFormat == EnhancedAudioSoundFormat)
        {
            throw new NotSupportedException($"Enhanced RTMP audio with FourCC '{FourCc(body)}' at offset {tagOffset}: only AAC (FLV sound format 10) is supported");
        }

        if (soundFormat != AacSoundFormat)
        {
            throw new NotSupportedException($"audio format {FlvCodecNames.Audio(soundFormat)} (FLV sound format {soundFormat}) at offset {tagOffset}: only AAC is supported");
        }

        payloadIndex += 2;
        payloadLength = body.Length - 2;
        switch (body[1])
        {
            case 0:
                if (payloadLength == 0)
                {
                    return TagContent.Ignored;
                }

                HasAudio = true;
                _audioConfiguration ??= body[2..].ToArray();
                return TagContent.AudioConfiguration;
            case 1:
                if (payloadLength == 0)
                {
                    return TagContent.Ignored;
                }

                HasAudio = true;
                return TagContent.AudioFrame;
            default:
                throw new InvalidDataException($"AAC audio tag at offset {tagOffset} has unknown AAC packet type {body[1]}");
        }
    }

    private static string FourCc(ReadOnlySpan<byte> body) => FlvCodecNames.Printable(body.Slice(1, Math.Min(4, body.Length - 1)));
}
