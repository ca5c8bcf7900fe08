using Uplink.Codecs;
using Uplink.Flv.Parsing;
using Uplink.Protocol;

namespace Uplink.Server;

/// <summary>
/// Counts what one publish delivers: frames per track (Enhanced RTMP multitrack included), each track's codec
/// configuration, the largest timestamp gaps. Allocation-free per frame once a track has been seen.
/// </summary>
internal sealed class PublishStatistics
{
    // A trackId is a UI8, so at most 256 of each kind: bounded whatever the publisher sends.
    private readonly List<TrackState> _video = [];
    private readonly List<TrackState> _audio = [];

    public long VideoFrames { get; private set; }

    public long AudioFrames { get; private set; }

    /// <summary>The largest timestamp step between consecutive frames of one video track, over all of them.</summary>
    public uint LargestVideoGap { get; private set; }

    /// <summary>The largest timestamp step between consecutive frames of one audio track, over all of them.</summary>
    public uint LargestAudioGap { get; private set; }

    /// <summary>The default video track's configuration: trackId 0, else the lowest trackId seen.</summary>
    public ReceivedVideoConfiguration? Video => Default(_video)?.Video;

    /// <summary>The default audio track's configuration: trackId 0, else the lowest trackId seen.</summary>
    public ReceivedAudioConfiguration? Audio => Default(_audio)?.Audio;

    /// <summary>Every video track seen, by trackId.</summary>
    public IReadOnlyList<ReceivedVideoTrack> VideoTracks =>
        [.. _video.OrderBy(t => t.TrackId).Select(t => new ReceivedVideoTrack(t.TrackId, t.Video, t.Frames))];

    /// <summary>Every audio track seen, by trackId.</summary>
    public IReadOnlyList<ReceivedAudioTrack> AudioTracks =>
        [.. _audio.OrderBy(t => t.TrackId).Select(t => new ReceivedAudioTrack(t.TrackId, t.Audio, t.Frames))];

    /// <summary>Counts one video message (FLV video tag body, legacy or Enhanced RTMP, one track or several).</summary>
    public void OnVideo(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        try
        {
            foreach (FlvVideoTagHeader header in new FlvVideoTracks(body))
            {
                OnVideoTrack(timestamp, header, body);
            }
        }
        catch (InvalidDataException)
        {
            // Broken multitrack framing: counted on the default track, named as unreadable.
            TrackState track = Find(_video, 0);
            track.Video ??= new ReceivedVideoConfiguration("unreadable video", "", "", 0, 0);
            CountVideo(track, timestamp);
        }
    }

    /// <summary>Counts one audio message (FLV audio tag body, legacy or Enhanced RTMP, one track or several).</summary>
    public void OnAudio(uint timestamp, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        try
        {
            foreach (FlvAudioTagHeader header in new FlvAudioTracks(body))
            {
                OnAudioTrack(timestamp, header, body);
            }
        }
        catch (InvalidDataException)
        {
            TrackState track = Find(_audio, 0);
            track.Audio ??= new ReceivedAudioConfiguration("unreadable audio", 0, 0);
            CountAudio(track, timestamp);
        }
    }

    private void OnVideoTrack(uint timestamp, FlvVideoTagHeader header, ReadOnlySpan<byte> body)
    {
        TrackState track = Find(_video, header.TrackId);
        ReadOnlySpan<byte> payload = body.Slice(header.PayloadOffset, header.PayloadLength);
        if (header.Problem is not null)
        {
            // Not one Uplink reads (another legacy codec, a FourCC it does not know): counted, named as sent.
            track.Video ??= new ReceivedVideoConfiguration(header.CodecLabel.Length > 0 ? header.CodecLabel : "unreadable video", "", "", 0, 0);
        }
        else if (header.Kind == FlvPacketKind.SequenceStart)
        {
            track.VideoCodec = header.Codec!.Value;
            track.Video = DescribeVideo(track.VideoCodec, payload);
            return;
        }
        else if (header.Kind != FlvPacketKind.CodedFrames)
        {
            return; // end of sequence, metadata, command frame: not pictures
        }
        else if (header.Codec == VideoCodec.Vp9 && track.Video is { Width: 0 } && header.IsKeyframe && track.VideoCodec == VideoCodec.Vp9)
        {
            var description = VideoDescription.Unknown;
            if (StreamDescription.TryAddVp9FrameSize(payload, ref description))
            {
                track.Video = track.Video with { Width = description.Width, Height = description.Height };
            }
        }

        CountVideo(track, timestamp);
    }

    private void OnAudioTrack(uint timestamp, FlvAudioTagHeader header, ReadOnlySpan<byte> body)
    {
        TrackState track = Find(_audio, header.TrackId);
        ReadOnlySpan<byte> payload = body.Slice(header.PayloadOffset, header.PayloadLength);
        if (header.Problem is not null)
        {
            track.Audio ??= new ReceivedAudioConfiguration(header.CodecLabel.Length > 0 ? header.CodecLabel : "unreadable audio", 0, 0);
        }
        else if (header.Kind == FlvPacketKind.SequenceStart)
        {
            // FFmpeg sends an empty one for AC-3 and E-AC-3: those are described by their first frame instead.
            if (header.Codec is not (AudioCodec.Ac3 or AudioCodec.Eac3 or AudioCodec.Mp3))
            {
                track.Audio = DescribeAudio(header.Codec!.Value, payload);
            }

            return;
        }
        else if (header.Kind != FlvPacketKind.CodedFrames)
        {
            return; // end of sequence, channel configuration: no samples
        }
        else if (track.Audio is null && header.Codec is AudioCodec codec)
        {
            // AC-3, E-AC-3 and MP3 have no sequence start: their first frame describes them (once, so no per-frame cost).
            track.Audio = StreamDescription.TryReadAudioFrame(codec, payload, out int rate, out int channels)
                ? new ReceivedAudioConfiguration(StreamDescription.Name(codec), rate, channels)
                : new ReceivedAudioConfiguration(StreamDescription.Name(codec), 0, 0);
        }

        CountAudio(track, timestamp);
    }

    private void CountVideo(TrackState track, uint timestamp)
    {
        LargestVideoGap = Math.Max(LargestVideoGap, track.Count(timestamp));
        VideoFrames++;
    }

    private void CountAudio(TrackState track, uint timestamp)
    {
        LargestAudioGap = Math.Max(LargestAudioGap, track.Count(timestamp));
        AudioFrames++;
    }

    private static TrackState Find(List<TrackState> tracks, int trackId)
    {
        foreach (TrackState t in tracks)
        {
            if (t.TrackId == trackId)
            {
                return t;
            }
        }

        var track = new TrackState(trackId);
        tracks.Add(track);
        return track;
    }

    private static TrackState? Default(List<TrackState> tracks)
    {
        TrackState? best = null;
        foreach (TrackState t in tracks)
        {
            if (best is null || t.TrackId < best.TrackId)
            {
                best = t;
            }
        }

        return best;
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

    private static ReceivedVideoConfiguration DescribeAvc(ReadOnlySpan<byte> record) =>
        CodecConfiguration.TryReadAvc(record, out string profile, out string level, out int width, out int height)
            ? new ReceivedVideoConfiguration("H.264", profile, level, width, height)
            : new ReceivedVideoConfiguration("H.264 (unreadable configuration)", "", "", 0, 0);

    private static ReceivedAudioConfiguration DescribeAac(ReadOnlySpan<byte> config) =>
        CodecConfiguration.TryReadAac(config, out int sampleRate, out int channels)
            ? new ReceivedAudioConfiguration("AAC", sampleRate, channels)
            : new ReceivedAudioConfiguration("AAC (unreadable configuration)", 0, 0);

    /// <summary>One track of one kind: its configuration, frames and last timestamp.</summary>
    private sealed class TrackState(int trackId)
    {
        private bool _hasFrame;
        private uint _last;

        public int TrackId { get; } = trackId;

        public long Frames { get; private set; }

        public VideoCodec VideoCodec { get; set; }

        public ReceivedVideoConfiguration? Video { get; set; }

        public ReceivedAudioConfiguration? Audio { get; set; }

        /// <summary>Counts a frame; returns its step from the previous one (0 for the first or a step back).</summary>
        public uint Count(uint timestamp)
        {
            uint gap = _hasFrame ? timestamp - _last : 0;
            _hasFrame = true;
            _last = timestamp;
            Frames++;
            return gap < 0x80000000 ? gap : 0;
        }
    }
}
