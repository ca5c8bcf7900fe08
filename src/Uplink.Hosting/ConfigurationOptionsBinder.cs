using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Uplink.Server;

namespace Uplink.Hosting;

/// <summary>
/// Binds <see cref="RtmpWriterOptions"/> and <see cref="RtmpServerOptions"/> from a configuration section. Most settings
/// bind as the configuration binder binds any object; the few whose types have no text form are read here from a
/// name (<c>"Video": "None"</c>, <c>"Audio": "AacAdts"</c>, <c>"Listen": "127.0.0.1:1935"</c>). A key that names no
/// setting, or a value that does not parse, fails with the key's path, so a typo does not pass as a default.
/// </summary>
internal static class ConfigurationOptionsBinder
{
    private const string Video = nameof(RtmpWriterOptions.Video);
    private const string Audio = nameof(RtmpWriterOptions.Audio);
    private const string Listen = nameof(RtmpServerOptions.Listen);

    public static void BindWriter(IConfiguration section, RtmpWriterOptions options)
    {
        BindCommon(section, options, Video, Audio);
        if (section[Video] is { } video)
        {
            Set(options, Video, video.ToUpperInvariant() switch
            {
                "H264" or "H264ANNEXB" => VideoMediaType.H264AnnexB,
                "HEVC" or "HEVCANNEXB" => VideoMediaType.HevcAnnexB,
                "AV1" => VideoMediaType.Av1(),
                "VP9" => VideoMediaType.Vp9(),
                "NONE" or "" => null,
                _ => throw Invalid(section, Video, video, "H264AnnexB, HevcAnnexB (parameter sets in band), Av1 (sequence header in band), Vp9 or None"),
            });
        }

        if (section[Audio] is { } audio)
        {
            Set(options, Audio, audio.ToUpperInvariant() switch
            {
                "AAC" or "AACADTS" => AudioMediaType.AacAdts,
                "AC3" => AudioMediaType.Ac3,
                "EAC3" => AudioMediaType.Eac3,
                "MP3" => AudioMediaType.Mp3,
                "NONE" or "" => null,
                _ => throw Invalid(section, Audio, audio, "AacAdts (AAC in ADTS), Ac3, Eac3, Mp3 or None (Opus and FLAC need their header: set them in code)"),
            });
        }
    }

    public static void BindServer(IConfiguration section, RtmpServerOptions options)
    {
        BindCommon(section, options, Listen);
        if (section[Listen] is { } listen)
        {
            // IPEndPoint.TryParse takes "1935" for the address 0.0.7.143: a port alone is not an endpoint here.
            if (!listen.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(listen, out IPEndPoint? endpoint))
            {
                throw Invalid(section, Listen, listen, "an address and port, such as 127.0.0.1:1935, 0.0.0.0:1935 or [::1]:1935");
            }

            Set(options, Listen, endpoint);
        }
    }

    /// <summary>Binds every key but <paramref name="readHere"/>, which the caller reads itself.</summary>
    private static void BindCommon(IConfiguration section, object options, params string[] readHere)
    {
        var rest = section.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null && !readHere.Any(name => IsUnder(pair.Key, name)))
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        IConfiguration copy = new ConfigurationBuilder().AddInMemoryCollection(rest).Build();
        try
        {
            copy.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{PathOf(section)}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    private static bool IsUnder(string key, string name) =>
        key.Equals(name, StringComparison.OrdinalIgnoreCase) || key.StartsWith(name + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);

    /// <summary>The options are init-only records; the configuration binder sets such properties the same way.</summary>
    private static void Set(object options, string property, object? value) =>
        options.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.SetValue(options, value);

    private static InvalidOperationException Invalid(IConfiguration section, string key, string value, string expected) =>
        new($"{PathOf(section)}{ConfigurationPath.KeyDelimiter}{key}: '{value}' is not {expected}.");

    private static string PathOf(IConfiguration section) => section is IConfigurationSection s ? s.Path : "(configuration root)";
}
