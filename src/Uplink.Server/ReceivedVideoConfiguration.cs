namespace Uplink.Server;

/// <summary>The video codec configuration a publisher sent (from its sequence header: avcC, hvcC, av1C or vpcC).</summary>
/// <param name="Codec">The codec: <c>H.264</c>, <c>HEVC</c>, <c>AV1</c>, <c>VP9</c>, or the FLV codec name / FourCC for others.</param>
/// <param name="Profile">The profile name (e.g. <c>High</c>, <c>Main 10</c>, <c>Profile 0</c>), or empty when unknown.</param>
/// <param name="Level">The level (e.g. <c>3.1</c>), or empty when unknown.</param>
/// <param name="Width">Width in pixels (from the SPS or sequence header; for VP9 the first key frame), 0 when unknown.</param>
/// <param name="Height">Height in pixels, 0 when unknown.</param>
public sealed record ReceivedVideoConfiguration(string Codec, string Profile, string Level, int Width, int Height)
{
    /// <summary>A short description: <c>H.264 High 3.1 1280x720</c>.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Codec, Profile, Level, Width > 0 ? $"{Width}x{Height}" : "" }.Where(s => s.Length > 0));
}

/// <summary>The audio codec configuration a publisher sent (from its sequence header, or the first frame of AC-3, E-AC-3 and MP3).</summary>
/// <param name="Codec">The codec: <c>AAC</c>, <c>Opus</c>, <c>FLAC</c>, <c>AC-3</c>, <c>E-AC-3</c>, <c>MP3</c>, or the FLV sound format name / FourCC for others.</param>
/// <param name="SampleRate">Sample rate in Hz, 0 when unknown.</param>
/// <param name="Channels">Channel count, 0 when unknown.</param>
public sealed record ReceivedAudioConfiguration(string Codec, int SampleRate, int Channels)
{
    /// <summary>A short description: <c>AAC 48000 Hz 2 ch</c>.</summary>
    public override string ToString() => SampleRate > 0 ? $"{Codec} {SampleRate} Hz {Channels} ch" : Codec;
}

/// <summary>One video track a publisher sent: its Enhanced RTMP trackId (0 for plain single-track video), configuration and frame count.</summary>
/// <param name="TrackId">The trackId (0 for messages that are not multitrack, and the default track).</param>
/// <param name="Configuration">Its configuration, or null when none arrived.</param>
/// <param name="Frames">Frames received on the track (sequence headers not counted).</param>
public sealed record ReceivedVideoTrack(int TrackId, ReceivedVideoConfiguration? Configuration, long Frames)
{
    /// <summary>A short description: <c>track 1 H.264 High 3.1 1280x720, 250 frames</c>.</summary>
    public override string ToString() => $"track {TrackId} {Configuration?.ToString() ?? "unknown"}, {Frames} frames";
}

/// <summary>One audio track a publisher sent: its Enhanced RTMP trackId (0 for plain single-track audio), configuration and frame count.</summary>
/// <param name="TrackId">The trackId (0 for messages that are not multitrack, and the default track).</param>
/// <param name="Configuration">Its configuration, or null when none arrived.</param>
/// <param name="Frames">Frames received on the track (sequence headers not counted).</param>
public sealed record ReceivedAudioTrack(int TrackId, ReceivedAudioConfiguration? Configuration, long Frames)
{
    /// <summary>A short description: <c>track 1 Opus 48000 Hz 2 ch, 500 frames</c>.</summary>
    public override string ToString() => $"track {TrackId} {Configuration?.ToString() ?? "unknown"}, {Frames} frames";
}
