namespace Uplink.LoadTest;

/// <summary>
/// The many-streams test: N real-time publishers of one synthetic H.264 + AAC stream in this process, against an
/// RTMP server; prints one line of JSON with CPU, memory and frame counts.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        LoadTestSettings settings;
        try
        {
            settings = LoadTestSettings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        LoadTestResult result = await new LoadRunner(settings, Console.Error).RunAsync(cancel.Token).ConfigureAwait(false);
        using Stream stdout = Console.OpenStandardOutput();
        result.WriteTo(stdout);
        return result.Errors == 0 && result.FramesDropped == 0 ? 0 : 1;
    }
}
