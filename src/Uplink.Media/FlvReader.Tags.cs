using Uplink.Codecs;
using Uplink.Codecs.Audio;
using Uplink.Flv.Parsing;

namespace Uplink.Media;

/// <summary>Tag bodies into frames: the video and audio tag headers (legacy and Enhanced RTMP), which codecs are taken, and what is refused.</summary>
public sealed partial class FlvReader
{
    /// <summary>
    /// Decodes a tag's tracks after the first <paramref name="skip"/> until one yields a frame or configuration.
    /// <paramref name="resumeAt"/> is then how many tracks were read, to resume after them; 0 once the tag is done.
    /// </summary>
    private TagContent DecodeTag(
        int headerIndex, int tagType, int dataSize, long tagOffset, int skip,
        out int payloadIndex, out int payloadLength, out bool isKeyframe, out int compositionTime, out int trackIndex, out int resumeAt)
    {
        payloadIndex = headerIndex + TagHeaderSize;
        payloadLength = 0;
        isKeyframe = false;
        compositionTime = 0;
        trackIndex = 0;
        resumeAt = 0;
        ReadOnlySpan<byte> body = _input.Array.AsSpan(payloadIndex, dataSize);
        switch (tagType)
        {
            case VideoTagType:
                return DecodeVideoTag(body, tagOffset, skip, ref payloadIndex, out payloadLength, out isKeyframe, out compositionTime, out trackIndex, out resumeAt);
            case AudioTagType:
                isKeyframe = true;
                return DecodeAudioTag(body, tagOffset, skip, ref payloadIndex, out payloadLength, out trackIndex, out resumeAt);
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
        ReadOnlySpan<byte> body, long tagOffset, int skip, ref int payloadIndex,
        out int payloadLength, out bool isKeyframe, out int compositionTime, out int trackIndex, out int resumeAt)
    {
        payloadLength = 0;
        isKeyframe = false;
        compositionTime = 0;
        trackIndex = 0;
        resumeAt = 0;
        int read = 0;
        var tracks = new FlvVideoTracks(body);
        while (true)
        {
            try
            {
                if (!tracks.MoveNext())
                {
                    return TagContent.Ignored;
                }
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"FLV video tag at offset {tagOffset}: {e.Message}", e);
            }

            _sawMultitrack |= tracks.IsMultitrack;
            if (++read <= skip)
            {
                continue;
            }

            TagContent content = DecodeVideoTrack(tracks.Current, body, tagOffset, out trackIndex);
            if (content != TagContent.Ignored)
            {
                FlvVideoTagHeader header = tracks.Current;
                payloadIndex += header.PayloadOffset;
                payloadLength = header.PayloadLength;
                isKeyframe = header.IsKeyframe;
                compositionTime = header.CompositionTime;
                resumeAt = tracks.IsMultitrack ? read : 0;
                return content;
            }
        }
    }

    private TagContent DecodeVideoTrack(FlvVideoTagHeader header, ReadOnlySpan<byte> body, long tagOffset, out int trackIndex)
    {
        trackIndex = 0;
        if (header.Problem is string problem)
        {
            // An extra track in a codec the reader does not take is left out, as a player would; the default one fails.
            if (header.TrackId != 0)
            {
                return TagContent.Ignored;
            }

            throw header.IsMalformed
                ? new InvalidDataException($"FLV video tag at offset {tagOffset}: {problem}")
                : new NotSupportedException($"FLV video tag at offset {tagOffset}: {problem}");
        }

        ReadOnlySpan<byte> payload = body.Slice(header.PayloadOffset, header.PayloadLength);
        if (header.Kind is not (FlvPacketKind.SequenceStart or FlvPacketKind.CodedFrames) || payload.IsEmpty)
        {
            return TagContent.Ignored;
        }

        VideoTrackState? track = FindTrack(_videoTracks, header.TrackId, static id => new VideoTrackState(id), out trackIndex);
        if (track is null)
        {
            return TagContent.Ignored;
        }

        VideoCodec codec = header.Codec!.Value;
        if (track.Codec is VideoCodec first && first != codec)
        {
            throw new NotSupportedException($"FLV video tag at offset {tagOffset}: the video{TrackName(track)} codec changes from {StreamDescription.Name(first)} to {StreamDescription.Name(codec)}, which one input cannot do");
        }

        track.Codec = codec;
        if (header.Kind == FlvPacketKind.CodedFrames)
        {
            track.SawFrame = true;
            return TagContent.VideoFrame;
        }

        if (track.Configuration is null)
        {
            track.Configuration = payload.ToArray();
            return codec == VideoCodec.H264 ? TagContent.VideoConfiguration : TagContent.Ignored;
        }

        // H.264 sequence headers become configuration frames (the writer takes a change mid-stream); for the other
        // codecs the media type carries the configuration, so the first and its repeats are skipped.
        return codec == VideoCodec.H264 ? TagContent.VideoConfiguration
            : payload.SequenceEqual(track.Configuration) ? TagContent.Ignored
            : throw new NotSupportedException($"FLV video tag at offset {tagOffset}: the {StreamDescription.Name(codec)}{TrackName(track)} sequence start differs from the first; a configuration change mid-file is supported for H.264 only");
    }

    private TagContent DecodeAudioTag(
        ReadOnlySpan<byte> body, long tagOffset, int skip, ref int payloadIndex, out int payloadLength, out int trackIndex, out int resumeAt)
    {
        payloadLength = 0;
        trackIndex = 0;
        resumeAt = 0;
        int read = 0;
        var tracks = new FlvAudioTracks(body);
        while (true)
        {
            try
            {
                if (!tracks.MoveNext())
                {
                    return TagContent.Ignored;
                }
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"FLV audio tag at offset {tagOffset}: {e.Message}", e);
            }

            _sawMultitrack |= tracks.IsMultitrack;
            if (++read <= skip)
            {
                continue;
            }

            TagContent content = DecodeAudioTrack(tracks.Current, body, tagOffset, out trackIndex);
            if (content != TagContent.Ignored)
            {
                payloadIndex += tracks.Current.PayloadOffset;
                payloadLength = tracks.Current.PayloadLength;
                resumeAt = tracks.IsMultitrack ? read : 0;
                return content;
            }
        }
    }

    private TagContent DecodeAudioTrack(FlvAudioTagHeader header, ReadOnlySpan<byte> body, long tagOffset, out int trackIndex)
    {
        trackIndex = 0;
        if (header.Problem is string problem)
        {
            if (header.TrackId != 0)
            {
                return TagContent.Ignored;
            }

            throw header.IsMalformed
                ? new InvalidDataException($"FLV audio tag at offset {tagOffset}: {problem}")
                : new NotSupportedException($"FLV audio tag at offset {tagOffset}: {problem}");
        }

        ReadOnlySpan<byte> payload = body.Slice(header.PayloadOffset, header.PayloadLength);
        if (header.Kind is not (FlvPacketKind.SequenceStart or FlvPacketKind.CodedFrames) || payload.IsEmpty)
        {
            return TagContent.Ignored;
        }

        AudioTrackState? track = FindTrack(_audioTracks, header.TrackId, static id => new AudioTrackState(id), out trackIndex);
        if (track is null)
        {
            return TagContent.Ignored;
        }

        AudioCodec codec = header.Codec!.Value;
        if (track.Codec is AudioCodec first && first != codec)
        {
            throw new NotSupportedException($"FLV audio tag at offset {tagOffset}: the audio{TrackName(track)} codec changes from {StreamDescription.Name(first)} to {StreamDescription.Name(codec)}, which one input cannot do");
        }

        track.Codec = codec;
        if (header.Kind == FlvPacketKind.CodedFrames)
        {
            track.SawFrame = true;
            return TagContent.AudioFrame;
        }

        if (track.Configuration is null)
        {
            track.Configuration = payload.ToArray();
            return codec == AudioCodec.Aac ? TagContent.AudioConfiguration : TagContent.Ignored;
        }

        return codec == AudioCodec.Aac ? TagContent.AudioConfiguration
            : SameAudioStream(codec, track.Configuration, payload) ? TagContent.Ignored
            : throw new NotSupportedException($"FLV audio tag at offset {tagOffset}: the {StreamDescription.Name(codec)}{TrackName(track)} sequence start differs from the first; a configuration change mid-file is supported for AAC only");
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
}
