using System.Buffers;
using Uplink.Codecs.Audio;

namespace Uplink.Flv;

/// <summary>
/// MP3 frames as legacy FLV audio tags (sound format 2), as FFmpeg sends them and every server takes them; no sequence
/// header. Writes are split into frames; the sound byte's rate and channel bits follow the first frame (48 kHz is sent
/// with the 44 kHz code, as FFmpeg does, since the field has no 48 kHz value; decoders read the frame header).
/// </summary>
internal sealed class Mp3TagBuilder : AudioTagBuilder
{
    private byte _soundByte;
    private int? _sampleRate;
    private int? _channels;

    public override AudioCodec Codec => AudioCodec.Mp3;

    public override int? SampleRate => _sampleRate;

    public override int? Channels => _channels;

    public override int NextFrame(ReadOnlySpan<byte> data, out int samples, out int sampleRate)
    {
        if (MpegAudioFrameHeader.TryRead(data, out string? problem) is not { } header)
        {
            throw new InvalidDataException($"no valid MP3 frame header: {problem}");
        }

        if (header.Length > data.Length)
        {
            throw new InvalidDataException($"MP3 frame declares {header.Length} bytes but only {data.Length} remain");
        }

        if (Configuration is null || header.SampleRate != _sampleRate || header.Channels != _channels)
        {
            _sampleRate = header.SampleRate;
            _channels = header.Channels;
            int rateCode = header.SampleRate >= 32000 ? 3 : header.SampleRate >= 16000 ? 2 : 1;
            _soundByte = (byte)((2 << 4) | (rateCode << 2) | 0x02 | (header.Channels == 2 ? 1 : 0));
            Configuration = [];
        }

        samples = header.Samples;
        sampleRate = header.SampleRate;
        return header.Length;
    }

    public override bool WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration) => false;

    public override void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> frame)
    {
        if (TrackId > 0)
        {
            // A Multitrack packet has no legacy form: the extended .mp3 one, which needs no sequence header either.
            FlvTags.WriteExAudio(output, FlvTags.ExCodedFrames, AudioCodec.Mp3, frame, Form);
            return;
        }

        Span<byte> span = output.GetSpan(1 + frame.Length);
        span[0] = _soundByte;
        frame.CopyTo(span[1..]);
        output.Advance(1 + frame.Length);
    }

    public override void SetConfiguration(ReadOnlySpan<byte> configuration) =>
        throw new InvalidDataException("MP3 carries its configuration in every frame; there is none to set");
}
