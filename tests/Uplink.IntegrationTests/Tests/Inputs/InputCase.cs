using Uplink.IntegrationTests.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// One input of <c>uplink publish</c>: the clip given as INPUT, optionally a second clip given as <c>--audio FILE</c>,
/// and extra arguments. Every clip is a <c>-c copy</c> remux of an FLV clip (<see cref="ClipGenerator"/>), so the frames
/// of the files are known.
/// </summary>
/// <param name="Input">The INPUT clip (its <see cref="ClipOptions.Format"/> is the container under test).</param>
/// <param name="AudioInput">The <c>--audio</c> clip (ADTS), or null.</param>
/// <param name="ExtraArguments">More <c>uplink publish</c> arguments, e.g. <c>--fps 25</c>.</param>
internal sealed record InputCase(ClipOptions Input, ClipOptions? AudioInput = null, IReadOnlyList<string>? ExtraArguments = null)
{
    /// <summary>The FLV clip the input was remuxed from: its raw AAC packets are what a recording holds.</summary>
    public ClipOptions Origin => (AudioInput ?? Input) with { Format = "flv", MovFlags = null };
}
