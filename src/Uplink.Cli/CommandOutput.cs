namespace Uplink.Cli;

/// <summary>
/// Where a command reports: status and summaries (stderr, or JSON lines on stdout with <c>--json</c>), warnings
/// (always one <c>uplink: warning:</c> line on stderr), and failures — one line, the right exit code, a stack
/// trace only with <c>--verbose</c>.
/// </summary>
internal sealed class CommandOutput
{
    public CommandOutput(TextWriter stdout, TextWriter stderr, bool json, bool verbose)
    {
        Stdout = stdout;
        Stderr = stderr;
        Json = json ? new JsonLines(stdout) : null;
        Verbose = verbose;
    }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public JsonLines? Json { get; }

    public bool Verbose { get; }

    public void Warn(string message)
    {
        Stderr.WriteLine("uplink: warning: " + message.ReplaceLineEndings(" "));
        Json?.Warning(message);
    }

    /// <summary>Runs a command body, turning every failure into one line and its exit code.</summary>
    public async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, Func<string> inputName, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (InputException ex)
        {
            return Fail(ex.Message, ExitCodes.BadInput, ex);
        }
        catch (RtmpException ex)
        {
            return Fail(ex.Message, ExitCodes.Connection, ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or EndOfStreamException or ArgumentException)
        {
            return Fail($"{inputName()}: {ex.Message}", ExitCodes.BadInput, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
#pragma warning disable CA1031 // The last line of defence: one line, exit 1, no stack trace unless --verbose.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Fail($"unexpected failure: {ex.Message}", ExitCodes.Unexpected, ex);
        }
    }

    private int Fail(string message, int exitCode, Exception ex)
    {
        string line = message.ReplaceLineEndings(" ");
        Json?.Error(line, exitCode);
        Stderr.WriteLine("uplink: error: " + line);
        if (Verbose)
        {
            Stderr.WriteLine(ex.ToString());
        }

        return exitCode;
    }
}
