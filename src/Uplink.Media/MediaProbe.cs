using Uplink.Codecs;

namespace Uplink.Media;

/// <summary>Reads an input to the end and describes its tracks (what <c>uplink probe</c> prints).</summary>
public static class MediaProbe
{
    /// <summary>Reads every frame of <paramref name="reader"/> and describes its tracks.</summary>
    /// <remarks>
    /// Every track in <see cref="IMediaReader.VideoTracks"/> and <see cref="IMediaReader.AudioTracks"/> is described; open
    /// the reader with <see cref="MediaReaderOptions.AllTracks"/> for it to list (and deliver) more than the default ones.
    /// </remarks>
    public static async Task<MediaProbeResult> ProbeAsync(IMediaReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // A reader may learn its tracks while reading (FLV declares them by its tags): a tally starts with the media type
        // known when its track's first frame comes, and the tracks listed at the end are the ones described.
        var video = new List<VideoTally> { new(reader.Video) };
        var audio = new List<AudioTally> { new(reader.Audio) };
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            MediaFrame f = reader.Current;
            // A frame of a track its reader does not list would be a reader's bug; it is not counted.
            int listed = f.Track == MediaTrack.Video ? reader.VideoTracks.Count : reader.AudioTracks.Count;
            if (f.IsConfiguration || f.TrackIndex < 0 || f.TrackIndex >= Math.Max(listed, 1))
            {
                continue;
            }

            if (f.Track == MediaTrack.Video)
            {
                while (video.Count <= f.TrackIndex)
                {
                    video.Add(new VideoTally(TrackAt(reader.VideoTracks, video.Count)));
                }

                video[f.TrackIndex].Add(f);
            }
            else
            {
                while (audio.Count <= f.TrackIndex)
                {
                    audio.Add(new AudioTally(TrackAt(reader.AudioTracks, audio.Count)));
                }

                audio[f.TrackIndex].Add(f);
            }
        }

        var tracks = new List<TrackProbe>();
        for (int i = 0; i < reader.VideoTracks.Count; i++)
        {
            tracks.Add((i < video.Count ? video[i] : new VideoTally(reader.VideoTracks[i])).ToProbe() with { Index = i });
        }

        for (int i = 0; i < reader.AudioTracks.Count; i++)
        {
            tracks.Add((i < audio.Count ? audio[i] : new AudioTally(reader.AudioTracks[i])).ToProbe() with { Index = i });
        }

        TimeSpan duration = tracks.Count == 0 ? TimeSpan.Zero : tracks.Max(t => t.Start + t.Duration) - tracks.Min(t => t.Start);
        return new MediaProbeResult(reader.FormatName, duration, tracks);
    }

    private static T? TrackAt<T>(IReadOnlyList<T> tracks, int index)
        where T : class => index < tracks.Count ? tracks[index] : null;

    internal static string AacProfile(int objectType, bool sbr, bool ps) => (objectType, sbr, ps) switch
    {
        (_, _, true) or (29, _, _) => "HE-AACv2",
        (_, true, _) or (5, _, _) => "HE-AAC",
        (1, _, _) => "Main",
        (2, _, _) => "LC",
        (3, _, _) => "SSR",
        (4, _, _) => "LTP",
        (23, _, _) => "LD",
        (39, _, _) => "ELD",
        _ => $"object type {objectType}",
    };

    private sealed class VideoTally(VideoMediaType? type)
    {
        private readonly VideoCodec _codec = type?.Codec ?? VideoCodec.H264;
        private H264SequenceParameterSet? _sps = type is { Codec: VideoCodec.H264, DecoderConfiguration.IsEmpty: false } t ? SpsFromRecord(t.DecoderConfiguration.Span) : null;
        private VideoDescription _description = Describe(type);
        private long _frames;
        private long _keyframes;
        private long _sinceKeyframe = -1;
        private long _gop;
        private bool _reordered;
        private TimeSpan _lastPts = TimeSpan.MinValue;
        private TimeSpan _firstDts;
        private TimeSpan _lastDts;
        private TimeSpan _minPts = TimeSpan.MaxValue;
        private TimeSpan _maxPts = TimeSpan.MinValue;

        public void Add(in MediaFrame f)
        {
            if (_sps is null && type is { Codec: VideoCodec.H264, NalLengthSize: 0 })
            {
                _sps = SpsInBand(f.Data.Span);
            }

            // vpcC has no picture size: the first key frame's header gives it.
            if (_codec == VideoCodec.Vp9 && _description.Width == 0 && f.IsKeyframe)
            {
                StreamDescription.TryAddVp9FrameSize(f.Data.Span, ref _description);
            }

            if (_frames == 0)
            {
                _firstDts = f.Dts;
            }

            _frames++;
            _lastDts = f.Dts;
            if (f.IsKeyframe)
            {
                if (_sinceKeyframe >= 0)
                {
                    _gop = Math.Max(_gop, _sinceKeyframe);
                }

                _keyframes++;
                _sinceKeyframe = 0;
            }

            if (_sinceKeyframe >= 0)
            {
                _sinceKeyframe++;
            }

            _reordered |= f.Pts < _lastPts;
            _lastPts = f.Pts;
            _minPts = f.Pts < _minPts ? f.Pts : _minPts;
            _maxPts = f.Pts > _maxPts ? f.Pts : _maxPts;
        }

        public TrackProbe ToProbe()
        {
            double? measured = _frames > 1 && _lastDts > _firstDts ? Math.Round((_frames - 1) / (_lastDts - _firstDts).TotalSeconds, 3) : null;
            double? rate = _sps?.FrameRate ?? _description.FrameRate ?? type?.FrameRate ?? measured;
            TimeSpan frame = rate is > 0 ? TimeSpan.FromSeconds(1 / rate.Value) : TimeSpan.Zero;
            TimeSpan duration = _frames == 0 ? TimeSpan.Zero : _maxPts - _minPts + frame;
            long gop = _keyframes <= 1 ? _frames : Math.Max(_gop, _sinceKeyframe);
            if (_codec != VideoCodec.H264)
            {
                return new TrackProbe(
                    "video", CodecName(_codec), Optional(_description.Profile), Optional(_description.Level),
                    _description.Width > 0 ? _description.Width : type?.Width, _description.Height > 0 ? _description.Height : type?.Height,
                    rate, null, null, _frames, _keyframes, gop, _reordered, duration, _frames == 0 ? TimeSpan.Zero : _minPts)
                { Hdr = _description.Hdr };
            }

            return new TrackProbe(
                "video", "h264", _sps?.ProfileName, _sps?.LevelName, _sps?.Width ?? type?.Width, _sps?.Height ?? type?.Height,
                rate, null, null, _frames, _keyframes, gop, _reordered, duration, _frames == 0 ? TimeSpan.Zero : _minPts);
        }

        private static VideoDescription Describe(VideoMediaType? type) =>
            type is { Codec: not VideoCodec.H264, DecoderConfiguration.IsEmpty: false } t && StreamDescription.TryReadVideo(t.Codec, t.DecoderConfiguration.Span, out VideoDescription d)
                ? d
                : VideoDescription.Unknown;

        private static string? Optional(string text) => text.Length == 0 ? null : text;

        private static string CodecName(VideoCodec codec) => codec switch
        {
            VideoCodec.Hevc => "hevc",
            VideoCodec.Av1 => "av1",
            _ => "vp9",
        };

        private static H264SequenceParameterSet? SpsFromRecord(ReadOnlySpan<byte> record)
        {
            try
            {
                var r = AvcDecoderConfigurationRecord.Parse(record);
                return r.SequenceParameterSets.Count > 0 && H264SequenceParameterSet.TryParse(r.SequenceParameterSets[0], out H264SequenceParameterSet? sps) ? sps : null;
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }

        private static H264SequenceParameterSet? SpsInBand(ReadOnlySpan<byte> accessUnit)
        {
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
            {
                if (nal.Length > 0 && (nal[0] & 0x1F) == (int)H264NalUnitType.Sps && H264SequenceParameterSet.TryParse(nal, out H264SequenceParameterSet? sps))
                {
                    return sps;
                }
            }

            return null;
        }
    }

    private sealed class AudioTally(AudioMediaType? type)
    {
        private readonly AudioCodec _codec = type?.Codec ?? AudioCodec.Aac;
        private AudioSpecificConfig? _config = type is { Codec: AudioCodec.Aac, AudioSpecificConfig.IsEmpty: false } t ? Parse(t.AudioSpecificConfig.Span) : null;
        private int? _frameRate = type?.SampleRate;
        private int? _frameChannels = type?.Channels;
        private long _frames;
        private TimeSpan _first;
        private TimeSpan _last;

        public void Add(in MediaFrame f)
        {
            if (_config is null && type is { Codec: AudioCodec.Aac, IsAdts: true } && AdtsHeader.TryParse(f.Data.Span, out AdtsHeader header))
            {
                _config = Parse(AudioSpecificConfig.FromAdts(header));
            }

            // AC-3, E-AC-3 and MP3 describe themselves in every frame; the first one will do.
            if (_frames == 0 && _frameRate is null && StreamDescription.TryReadAudioFrame(_codec, f.Data.Span, out int rate, out int channels))
            {
                (_frameRate, _frameChannels) = (rate, channels);
            }

            if (_frames == 0)
            {
                _first = f.Pts;
            }

            _frames++;
            _last = f.Pts;
        }

        public TrackProbe ToProbe()
        {
            if (_codec != AudioCodec.Aac)
            {
                // Frame sizes vary by codec and encoder: the last frame lasts as long as the average step.
                TimeSpan step = _frames > 1 ? (_last - _first) / (_frames - 1) : TimeSpan.Zero;
                return new TrackProbe(
                    "audio", CodecName(_codec), null, null, null, null, null, _frameRate, _frameChannels, _frames, null, null, null,
                    _frames == 0 ? TimeSpan.Zero : _last - _first + step, _first);
            }

            int? rate = _config?.SampleRate ?? type?.SampleRate;
            int samples = _config?.SamplesPerFrame ?? 1024;
            TimeSpan frame = rate is > 0 ? TimeSpan.FromSeconds(samples / (double)rate.Value) : TimeSpan.Zero;
            TimeSpan duration = _frames == 0 ? TimeSpan.Zero : _last - _first + frame;
            string? profile = _config is null ? null : AacProfile(_config.ObjectType, _config.ExtensionSampleRate is not null, _config.PsPresent);
            return new TrackProbe(
                "audio", "aac", profile, null, null, null, null, rate, _config?.Channels ?? type?.Channels, _frames, null, null, null, duration, _first);
        }

        private static string CodecName(AudioCodec codec) => codec switch
        {
            AudioCodec.Opus => "opus",
            AudioCodec.Flac => "flac",
            AudioCodec.Ac3 => "ac3",
            AudioCodec.Eac3 => "eac3",
            _ => "mp3",
        };

        private static AudioSpecificConfig? Parse(ReadOnlySpan<byte> config)
        {
            try
            {
                return AudioSpecificConfig.Parse(config);
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }
    }
}
