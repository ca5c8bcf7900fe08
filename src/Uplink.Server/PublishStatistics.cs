using Uplink.Codecs;
using Uplink.Flv.Parsing;
using Uplink.Protocol;

namespace Uplink.Server;

/// <summary>Counts what one publish delivers: frames per track, the codec configuration, the largest timestamp gaps. Allocation-free per frame.</summary>
internal sealed class PublishStatistics
{
    private bool _hasVideo;
    private bool _hasAudio;
    private uint _lastVideo;
    private uint _lastAudio;
    private VideoCodec _videoCodec;

    public long VideoFrames { get; private set; }

    public long AudioFrames { get; private set; }

    public uint LargestVideoGap { get; private set; }

    public uint LargestAudioGap { get; private set; }

    public ReceivedVideoConfiguration? Video { get; private set; }

    public ReceivedAudioConfiguration? Audio { get; private set; }

    /// <summary>Counts one video message (FLV video tag body, legacy or Enhanced RTMP).</summary>
    public void OnVideo(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        FlvVideoTagHeader header = FlvVideoTagHeader.Read(body);
        if (header.Problem is not null)
        {
            // Not one Uplink reads (another legacy codec, a FourCC it does not know, multitrack): counted, named as sent.
            Video ??= new ReceivedVideoConfiguration(header.CodecLabel.Length > 0 ? header.CodecLabel : "unreadable video", "", "", 0, 0);
        }
        else if (header.Kind == FlvPacketKind.SequenceStart)
        {
            _videoCodec = header.Codec!.Value;
            Video = DescribeVideo(_videoCodec, body[header.PayloadOffset..]);
            return;
        }
        else if (header.Kind != FlvPacketKind.CodedFrames)
        {
            return; // end of sequence, metadata, command frame: not pictures
        }
        else if (header.Codec == VideoCodec.Vp9 && Video is { Width: 0 } && header.IsKeyframe && _videoCodec == VideoCodec.Vp9)
        {
            AddVp9FrameSize(body[header.PayloadOffset..]);
        }

        if (_hasVideo)
        {
            uint gap = timestamp - _lastVideo;
            if (gap < 0x80000000 && gap > LargestVideoGap)
            {
                LargestVideoGap = gap;
            }
        }

        _hasVideo = true;
        _lastVideo = timestamp;
        VideoFrames++;
    }

    /// <summary>Counts one audio message (FLV audio tag body, legacy or Enhanced RTMP).</summary>
    public void OnAudio(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        FlvAudioTagHeader header = FlvAudioTagHeader.Read(body);
        if (header.Problem is not null)
        {
            Audio ??= new ReceivedAudioConfiguration(header.CodecLabel.Length > 0 ? header.CodecLabel : "unreadable audio", 0, 0);
        }
        else if (header.Kind == FlvPacketKind.SequenceStart)
        {
            // FFmpeg sends an empty one for AC-3 and E-AC-3: those are described by their first frame instead.
            if (header.Codec is not (AudioCodec.Ac3 or AudioCodec.Eac3 or AudioCodec.Mp3))
            {
                Audio = DescribeAudio(header.Codec!.Value, body[header.PayloadOffset..]);
            }

            return;
        }
        else if (header.Kind != FlvPacketKind.CodedFrames)
        {
            return; // end of sequence, channel configuration: no samples
        }
        else if (Audio is null && header.Codec is AudioCodec codec)
        {
            // AC-3, E-AC-3 and MP3 have no sequence start: their first frame describes them (once, so no per-frame cost).
            Audio = StreamDescription.TryReadAudioFrame(codec, body[header.PayloadOffset..], out int rate, out int channels)
                ? new ReceivedAudioConfiguration(StreamDescription.Name(codec), rate, channels)
                : new ReceivedAudioConfiguration(StreamDescription.Name(codec), 0, 0);
        }

        if (_hasAudio)
        {
            uint gap = timestamp - _lastAudio;
            if (gap < 0x80000000 && gap > LargestAudioGap)
            {
                LargestAudioGap = gap;
            }
        }

        _hasAudio = true;
        _lastAudio = timestamp;
        AudioFrames++;
    }

    private static ReceivedVideoConfiguration DescribeVideo(VideoCodec codec, ReadOnlySpan<byte> record)
    {
        string name = StreamDescription.Name(codec);
        if (codec == VideoCodec.H264)
        {
            return DescribeAvc(record);
        }

        return StreamDescription.TryReadVideo(codec, record, out VideoDescription d)
            ? new ReceivedVideoConfiguration(name, d.Profile, d.Level, d.Width, d.Height)
            : new ReceivedVideoConfiguration(name + " (unreadable configuration)", "", "", 0, 0);
    }

    private static ReceivedAudioConfiguration DescribeAudio(AudioCodec codec, ReadOnlySpan<byte> config)
    {
        if (codec == AudioCodec.Aac)
        {
            return DescribeAac(config);
        }

        string name = StreamDescription.Name(codec);
        return StreamDescription.TryReadAudioConfiguration(codec, config, out int rate, out int channels)
            ? new ReceivedAudioConfiguration(name, rate, channels)
            : new ReceivedAudioConfiguration(name + " (unreadable configuration)", 0, 0);
    }

    private void AddVp9FrameSize(ReadOnlySpan<byte> frame)
    {
        var description = VideoDescription.Unknown;
        if (Video is not null && StreamDescription.TryAddVp9FrameSize(frame, ref description))
        {
            Video = Video with { Width = description.Width, Height = description.Height };
        }
    }

    private static ReceivedVideoConfiguration DescribeAvc(ReadOnlySpan<byte> record) =>
        CodecConfiguration.TryReadAvc(record, out string profile, out string level, out int width, out int height)
            ? new ReceivedVideoConfiguration("H.264", profile, level, width, height)
            : new ReceivedVideoConfiguration("H.264 (unreadable configuration)", "", "", 0, 0);

    private static ReceivedAudioConfiguration DescribeAac(ReadOnlySpan<byte> config) =>
        CodecConfiguration.TryReadAac(config, out int sampleRate, out int channels)
            ? new ReceivedAudioConfiguration("AAC", sampleRate, channels)
            : new ReceivedAudioConfiguration("AAC (unreadable configuration)", 0, 0);
}
