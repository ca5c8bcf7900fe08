namespace Uplink.Server;

/// <summary>The video codec configuration a publisher sent (from its AVC sequence header).</summary>
/// <param name="Codec">The codec, e.g. <c>H.264</c>, or the FLV codec id / FourCC for others.</param>
/// <param name="Profile">The H.264 profile name (e.g. <c>High</c>), or empty when unknown.</param>
/// <param name="Level">The H.264 level (e.g. <c>3.1</c>), or empty when unknown.</param>
/// <param name="Width">Width in pixels from the SPS, 0 when unknown.</param>
/// <param name="Height">Height in pixels from the SPS, 0 when unknown.</param>
public sealed record ReceivedVideoConfiguration(string Codec, string Profile, string Level, int Width, int Height)
{
    /// <summary>A short description: <c>H.264 High 3.1 1280x720</c>.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Codec, Profile, Level, Width > 0 ? $"{Width}x{Height}" : "" }.Where(s => s.Length > 0));
}

/// <summary>The audio codec configuration a publisher sent (from its AAC sequence header).</summary>
/// <param name="Codec">The codec, e.g. <c>AAC</c>, or the FLV sound format for others.</param>
/// <param name="SampleRate">Sample rate in Hz, 0 when unknown.</param>
/// <param name="Channels">Channel count, 0 when unknown.</param>
public sealed record ReceivedAudioConfiguration(string Codec, int SampleRate, int Channels)
{
    /// <summary>A short description: <c>AAC 48000 Hz 2 ch</c>.</summary>
    public override string ToString() => SampleRate > 0 ? $"{Codec} {SampleRate} Hz {Channels} ch" : Codec;
}
