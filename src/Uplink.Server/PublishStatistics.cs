using Uplink.Protocol;

namespace Uplink.Server;

/// <summary>Counts what one publish delivers: frames per track, the codec configuration, the largest timestamp gaps. Allocation-free per frame.</summary>
internal sealed class PublishStatistics
{
    private bool _hasVideo;
    private bool _hasAudio;
    private uint _lastVideo;
    private uint _lastAudio;

    public long VideoFrames { get; private set; }

    public long AudioFrames { get; private set; }

    public uint LargestVideoGap { get; private set; }

    public uint LargestAudioGap { get; private set; }

    public ReceivedVideoConfiguration? Video { get; private set; }

    public ReceivedAudioConfiguration? Audio { get; private set; }

    /// <summary>Counts one video message (FLV video tag body).</summary>
    public void OnVideo(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        byte first = body[0];
        int frameType = (first >> 4) & 0x07;
        if ((first & 0x80) != 0)
        {
            // Enhanced RTMP: the low nibble is the packet type (0 sequence start, 2 sequence end, 4 metadata).
            int packetType = first & 0x0F;
            if (packetType == 0 && body.Length >= 5)
            {
                Video = new ReceivedVideoConfiguration(System.Text.Encoding.ASCII.GetString(body.Slice(1, 4)), "", "", 0, 0);
                return;
            }

            if (packetType is 2 or 4 || frameType == 5)
            {
                return;
            }
        }
        else if ((first & 0x0F) == 7 && body.Length >= 2)
        {
            if (body[1] == 0)
            {
                Video = body.Length >= 5 ? DescribeAvc(body[5..]) : new ReceivedVideoConfiguration("H.264 (unreadable configuration)", "", "", 0, 0);
                return;
            }

            if (body[1] == 2)
            {
                return;
            }
        }
        else if (frameType == 5)
        {
            return; // video info/command frame, not a picture
        }
        else
        {
            Video ??= new ReceivedVideoConfiguration("FLV codec " + (first & 0x0F), "", "", 0, 0);
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

    /// <summary>Counts one audio message (FLV audio tag body).</summary>
    public void OnAudio(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        int format = body[0] >> 4;
        if (format == 10 && body.Length >= 2)
        {
            if (body[1] == 0)
            {
                Audio = DescribeAac(body[2..]);
                return;
            }
        }
        else
        {
            Audio ??= new ReceivedAudioConfiguration("FLV sound format " + format, 0, 0);
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

    private static ReceivedVideoConfiguration DescribeAvc(ReadOnlySpan<byte> record) =>
        CodecConfiguration.TryReadAvc(record, out string profile, out string level, out int width, out int height)
            ? new ReceivedVideoConfiguration("H.264", profile, level, width, height)
            : new ReceivedVideoConfiguration("H.264 (unreadable configuration)", "", "", 0, 0);

    private static ReceivedAudioConfiguration DescribeAac(ReadOnlySpan<byte> config) =>
        CodecConfiguration.TryReadAac(config, out int sampleRate, out int channels)
            ? new ReceivedAudioConfiguration("AAC", sampleRate, channels)
            : new ReceivedAudioConfiguration("AAC (unreadable configuration)", 0, 0);
}
