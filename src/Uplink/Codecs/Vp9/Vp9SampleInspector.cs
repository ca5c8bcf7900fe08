namespace Uplink.Codecs.Vp9;

/// <summary>
/// Reads VP9 samples (frames or superframes) for the FLV tag builder: the keyframe flag, and the vpcC of the stream,
/// renewed when a key frame changes the profile, bit depth, colour or size. Inspecting allocates nothing unless the
/// configuration changes.
/// </summary>
/// <remarks>
/// A sample is a keyframe when its first frame is a key frame; a superframe's hidden alt-ref frame comes first, so
/// such a sample never is. No VP9 sample is reported disposable: refresh_frame_flags 0 keeps the reference slots, but
/// the next frame may still depend on this one through state no flag announces (the previous frame's motion vectors
/// when it was shown at the same size, loop filter deltas, segmentation, and probability contexts saved with
/// refresh_frame_context), so dropping it could corrupt what follows until the next key frame.
/// </remarks>
internal sealed class Vp9SampleInspector
{
    private readonly double? _frameRate;
    private Vp9CodecConfigurationRecord? _record;

    /// <param name="frameRate">The frame rate, for the vpcC level; null to use the picture size alone, as FFmpeg does.</param>
    public Vp9SampleInspector(double? frameRate = null)
    {
        _frameRate = frameRate;
    }

    /// <summary>The header of the last key frame seen, null before the first.</summary>
    public Vp9FrameHeader? LastKeyFrame { get; private set; }

    /// <summary>The vpcC body (version, flags, record) for the stream: the SequenceStart body for FourCC vp09. Null until a key frame.</summary>
    public byte[]? CodecConfiguration { get; private set; }

    /// <summary>True when <see cref="CodecConfiguration"/> changed since the caller last cleared it (a SequenceStart is due).</summary>
    public bool ConfigurationChanged { get; set; }

    /// <summary>Reads one sample.</summary>
    /// <exception cref="InvalidDataException">The superframe index or a frame header is malformed.</exception>
    /// <exception cref="NotSupportedException">A key frame is 4:4:0, which vpcC cannot describe.</exception>
    public Vp9SampleInfo Inspect(ReadOnlySpan<byte> sample)
    {
        bool keyframe = false;
        int frames = 0, hidden = 0;
        foreach (ReadOnlySpan<byte> frame in Vp9Superframe.EnumerateFrames(sample))
        {
            var header = Vp9FrameHeader.Parse(frame);
            if (frames++ == 0 && header.IsKeyFrame)
            {
                keyframe = true;
                Adopt(header);
            }

            if (!header.ShowFrame)
            {
                hidden++;
            }
        }

        return new Vp9SampleInfo(keyframe, frames, hidden);
    }

    private void Adopt(in Vp9FrameHeader header)
    {
        LastKeyFrame = header;
        var record = Vp9CodecConfigurationRecord.FromFrameHeader(header, _frameRate);
        if (_record == record)
        {
            return;
        }

        _record = record;
        CodecConfiguration = record.ToFullBoxBody();
        ConfigurationChanged = true;
    }
}
