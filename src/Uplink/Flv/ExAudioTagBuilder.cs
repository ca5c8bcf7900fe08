using System.Buffers;
using System.Buffers.Binary;
using Uplink.Codecs;
using Uplink.Codecs.Audio;

namespace Uplink.Flv;

/// <summary>
/// Opus, FLAC, AC-3 and E-AC-3 as Enhanced RTMP audio tags (SoundFormat 9 and a FourCC): a SequenceStart with the
/// OpusHead, the FLAC STREAMINFO, or nothing for AC-3/E-AC-3 (their frames describe themselves, as FFmpeg sends them),
/// then a MultichannelConfig with the channel layout, then CodedFrames. AC-3 and E-AC-3 writes are split into frames.
/// </summary>
internal sealed class ExAudioTagBuilder : AudioTagBuilder
{
    private int? _sampleRate;
    private int? _channels;
    private uint _channelMask;

    public ExAudioTagBuilder(AudioMediaType mediaType)
    {
        Codec = mediaType.Codec;
        if (!mediaType.DecoderConfiguration.IsEmpty)
        {
            SetConfiguration(mediaType.DecoderConfiguration.Span);
        }
    }

    public override AudioCodec Codec { get; }

    public override int? SampleRate => _sampleRate;

    public override int? Channels => _channels;

    public override int NextFrame(ReadOnlySpan<byte> data, out int samples, out int sampleRate)
    {
        if (Codec is not (AudioCodec.Ac3 or AudioCodec.Eac3))
        {
            return base.NextFrame(data, out samples, out sampleRate);
        }

        Ac3SyncFrame frame = ReadSyncFrame(data);
        int length = frame.Length;

        // An E-AC-3 access unit is an independent frame and the dependent substreams that extend it: one message.
        while (Codec == AudioCodec.Eac3 && length < data.Length && Ac3SyncFrame.TryRead(data[length..], out _) is { IsDependent: true } dependent)
        {
            length += dependent.Length;
        }

        if (length > data.Length)
        {
            throw new InvalidDataException($"{Name} frame declares {length} bytes but only {data.Length} remain");
        }

        if (Configuration is null || frame.SampleRate != _sampleRate || frame.Channels != _channels)
        {
            _sampleRate = frame.SampleRate;
            _channels = frame.Channels;
            _channelMask = Ac3ChannelMask(frame.ChannelMode, frame.Lfe);
            Configuration = [];
            ConfigurationChanged = true;
        }

        samples = frame.Samples;
        sampleRate = frame.SampleRate;
        return length;
    }

    public override bool WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration)
    {
        FlvTags.WriteExAudio(output, FlvTags.ExSequenceStart, Codec, configuration, Form);
        return true;
    }

    public override bool WriteChannelConfiguration(IBufferWriter<byte> output)
    {
        if (_channels is not int channels)
        {
            return false;
        }

        // Channel order 1 (native): the channels present, as a mask of the spec's AudioChannelMask (FFmpeg's layout bits).
        ExTrack form = Form;
        Span<byte> span = output.GetSpan(form.HeaderSize + 6);
        int at = FlvTags.WriteExAudioHeader(span, FlvTags.ExMultichannelConfig, Codec, form);
        span[at] = 1;
        span[at + 1] = (byte)channels;
        BinaryPrimitives.WriteUInt32BigEndian(span[(at + 2)..], _channelMask);
        output.Advance(at + 6);
        return true;
    }

    public override void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> frame) =>
        FlvTags.WriteExAudio(output, FlvTags.ExCodedFrames, Codec, frame, Form);

    public override void SetConfiguration(ReadOnlySpan<byte> configuration)
    {
        if (Configuration is not null && configuration.SequenceEqual(Configuration))
        {
            return;
        }

        int channels;
        switch (Codec)
        {
            case AudioCodec.Opus:
                Configuration = OpusHeader.Normalize(configuration, out channels, out _);
                _sampleRate = 48000;
                break;
            case AudioCodec.Flac:
                Configuration = FlacStreamInfo.Normalize(configuration, out int rate, out channels, out _);
                _sampleRate = rate;
                break;
            default:
                throw new InvalidDataException($"{Name} carries its configuration in every frame; there is none to set");
        }

        _channels = channels;
        _channelMask = DefaultChannelMask(channels);
        ConfigurationChanged = true;
    }

    private string Name => StreamDescription.Name(Codec);

    /// <summary>The independent syncframe at the start of <paramref name="data"/> (the rest of the write).</summary>
    private Ac3SyncFrame ReadSyncFrame(ReadOnlySpan<byte> data)
    {
        if (Ac3SyncFrame.TryRead(data, out string? problem) is not { } frame)
        {
            throw new InvalidDataException($"no valid {Name} syncframe: {problem}");
        }

        if (frame.IsEnhanced != (Codec == AudioCodec.Eac3))
        {
            throw new InvalidDataException($"the frame is {(frame.IsEnhanced ? "E-AC-3" : "AC-3")}, but the audio media type says {Name}");
        }

        if (frame.IsDependent)
        {
            throw new InvalidDataException("the E-AC-3 frame is a dependent substream with no independent frame before it");
        }

        return frame;
    }

    // AudioChannelMask bits: FL 0x1, FR 0x2, FC 0x4, LFE 0x8, BL 0x10, BR 0x20, BC 0x100, SL 0x200, SR 0x400.
    private static uint Ac3ChannelMask(int channelMode, bool lfe)
    {
        uint mask = channelMode switch
        {
            0 or 2 => 0x3,      // dual mono, 2/0
            1 => 0x4,           // 1/0
            3 => 0x7,           // 3/0
            4 => 0x103,         // 2/1
            5 => 0x107,         // 3/1
            6 => 0x603,         // 2/2
            _ => 0x607,         // 3/2
        };
        return lfe ? mask | 0x8 : mask;
    }

    // The layouts FFmpeg gives a channel count (av_channel_layout_default), as Opus and FLAC decode them.
    private static uint DefaultChannelMask(int channels) => channels switch
    {
        1 => 0x4,
        2 => 0x3,
        3 => 0x7,
        4 => 0x33,
        5 => 0x37,
        6 => 0x3F,
        7 => 0x70F,
        8 => 0x63F,
        _ => 0,
    };
}
