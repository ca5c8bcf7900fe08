using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Uplink.Media;
using Asc = Uplink.Codecs.AudioSpecificConfig;
using AvcC = Uplink.Codecs.AvcDecoderConfigurationRecord;

namespace GettingStarted;

/// <summary>One encoded frame, as an encoder hands it out.</summary>
/// <param name="IsVideo">An H.264 access unit (all NAL units of one picture); else an AAC frame.</param>
/// <param name="IsConfiguration">A new decoder configuration (AVCC form only): an AVCDecoderConfigurationRecord or an AudioSpecificConfig.</param>
/// <param name="Data">The bytes; valid until the next frame is read (the writer copies what it keeps).</param>
/// <param name="DecodeTime">The decode timestamp (DTS) from the start of the stream.</param>
/// <param name="PresentationTime">The presentation timestamp (PTS); later than the DTS for pictures that B-frames reorder.</param>
internal readonly record struct EncodedFrame(bool IsVideo, bool IsConfiguration, ReadOnlyMemory<byte> Data, TimeSpan DecodeTime, TimeSpan PresentationTime);

/// <summary>The two forms encoders hand H.264 and AAC out in.</summary>
internal enum EncodedForm
{
    /// <summary>H.264 with start codes and SPS/PPS before each keyframe (x264, NVENC, ffmpeg -f h264); AAC with ADTS headers.</summary>
    AnnexB,

    /// <summary>Length-prefixed H.264 NAL units and raw AAC, their configurations out of band (Media Foundation, VideoToolbox).</summary>
    Avcc,
}

/// <summary>
/// Stands in for a live H.264 and AAC encoder so the guide's step 3 runs without one: replays a file's frames (FLV or MP4,
/// samples/sample.flv by default) in the form an encoder hands them out, and with <c>realTime</c> at their timestamps as a live
/// encoder would. Not part of the guide: with your encoder, its output takes this class's place.
/// </summary>
internal sealed class StandInEncoder : IAsyncDisposable
{
    // The ADTS sampling frequency index is a position in this table (ISO/IEC 14496-3).
    private static readonly int[] AdtsSampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    private readonly IMediaReader _reader;
    private readonly EncodedForm _form;
    private readonly bool _realTime;

    private StandInEncoder(IMediaReader reader, EncodedForm form, bool realTime)
    {
        _reader = reader;
        _form = form;
        _realTime = realTime;
    }

    /// <summary>The AVCDecoderConfigurationRecord (avcC) an AVCC encoder reports before its first frame.</summary>
    public ReadOnlyMemory<byte> AvcDecoderConfigurationRecord => _reader.Video!.DecoderConfiguration;

    /// <summary>The AudioSpecificConfig a raw AAC encoder reports before its first frame.</summary>
    public ReadOnlyMemory<byte> AudioSpecificConfig => _reader.Audio!.AudioSpecificConfig;

    /// <summary>Opens <paramref name="path"/>, which must hold H.264 and AAC with their configurations in its header.</summary>
    public static async Task<StandInEncoder> OpenAsync(string path, EncodedForm form, bool realTime)
    {
        IMediaReader reader = await MediaReader.OpenAsync(path);
        if (reader.Video is not { DecoderConfiguration.IsEmpty: false } || reader.Audio is not { AudioSpecificConfig.IsEmpty: false })
        {
            await reader.DisposeAsync();
            throw new InvalidDataException($"{path}: the stand-in encoder needs H.264 and AAC whose configurations the header declares (FLV or MP4)");
        }

        return new StandInEncoder(reader, form, realTime);
    }

    /// <summary>The frames in decode order; with real time, each no earlier than its DTS after the first read.</summary>
    public async IAsyncEnumerable<EncodedFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AvcC avc = AvcC.Parse(AvcDecoderConfigurationRecord.Span);
        Asc asc = Asc.Parse(AudioSpecificConfig.Span);
        long start = Stopwatch.GetTimestamp();
        await foreach (MediaFrame frame in _reader.ReadAllAsync(cancellationToken))
        {
            bool video = frame.Track == MediaTrack.Video;
            if (frame.IsConfiguration)
            {
                // A sequence header in the file: an Annex-B encoder puts the new SPS/PPS in band, an AVCC one reports it.
                if (video)
                {
                    avc = AvcC.Parse(frame.Data.Span);
                }
                else
                {
                    asc = Asc.Parse(frame.Data.Span);
                }

                if (_form == EncodedForm.Avcc)
                {
                    yield return new EncodedFrame(video, true, frame.Data, frame.Dts, frame.Pts);
                }

                continue;
            }

            TimeSpan wait = frame.Dts - Stopwatch.GetElapsedTime(start);
            if (_realTime && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            ReadOnlyMemory<byte> data = _form == EncodedForm.Avcc ? frame.Data
                : video ? ToAnnexB(frame.Data.Span, avc, frame.IsKeyframe)
                : ToAdts(frame.Data.Span, asc);
            yield return new EncodedFrame(video, false, data, frame.Dts, frame.Pts);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    /// <summary>Length-prefixed NAL units to start codes, with the SPS and PPS before a keyframe as x264 puts them.</summary>
    private static byte[] ToAnnexB(ReadOnlySpan<byte> avcc, AvcC configuration, bool keyframe)
    {
        var output = new ArrayBufferWriter<byte>(avcc.Length + 256);
        if (keyframe)
        {
            foreach (byte[] parameterSet in configuration.SequenceParameterSets.Concat(configuration.PictureParameterSets))
            {
                output.Write(StartCode);
                output.Write(parameterSet);
            }
        }

        for (int i = 0; i < avcc.Length;)
        {
            int length = 0;
            for (int end = i + configuration.NalLengthSize; i < end; i++)
            {
                length = (length << 8) | avcc[i];
            }

            output.Write(StartCode);
            output.Write(avcc.Slice(i, length));
            i += length;
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>A raw AAC frame with the 7-byte ADTS header (no CRC) an AAC encoder writing ADTS puts before it.</summary>
    private static byte[] ToAdts(ReadOnlySpan<byte> raw, Asc configuration)
    {
        int length = 7 + raw.Length;
        int profile = configuration.ObjectType - 1;
        int rate = Array.IndexOf(AdtsSampleRates, configuration.SampleRate);
        int channels = configuration.ChannelConfiguration;
        byte[] adts = new byte[length];
        adts[0] = 0xFF;   // syncword
        adts[1] = 0xF1;   // syncword, MPEG-4, layer 0, no CRC
        adts[2] = (byte)((profile << 6) | (rate << 2) | (channels >> 2));
        adts[3] = (byte)(((channels & 3) << 6) | (length >> 11));
        adts[4] = (byte)(length >> 3);
        adts[5] = (byte)(((length & 7) << 5) | 0x1F);   // buffer fullness 0x7FF: variable bit rate
        adts[6] = 0xFC;
        raw.CopyTo(adts.AsSpan(7));
        return adts;
    }
}
