using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Uplink.IntegrationTests.Processes;

/// <summary>
/// A child process with captured stdout/stderr that can be waited on with a deadline and is always
/// stopped on dispose: SIGTERM first, then SIGKILL of the whole process tree (ffmpeg blocked in a
/// network write ignores a single SIGTERM).
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Predicate<string> Match, TaskCompletionSource<string> Found)> _lineWaiters = [];
    private readonly List<string> _stdoutLines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    /// <summary>The command line, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>The operating-system process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited and its output is fully read.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>What the process wrote to stdout so far.</summary>
    public string StandardOutput { get { lock (_gate) { return _stdout.ToString(); } } }

    /// <summary>What the process wrote to stderr so far.</summary>
    public string StandardError { get { lock (_gate) { return _stderr.ToString(); } } }

    /// <summary>Starts <paramref name="fileName"/> with the given arguments (no shell involved).</summary>
    /// <exception cref="InvalidOperationException">The program cannot be started (e.g. not installed).</exception>
    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var commandLine = fileName + " " + string.Join(' ', startInfo.ArgumentList.Select(Quote));
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var external = new ExternalProcess(process, commandLine);
        process.OutputDataReceived += (_, e) => external.OnStandardOutput(e.Data);
        process.ErrorDataReceived += (_, e) => external.OnStandardError(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Cannot start `{commandLine}`: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = external.ObserveExitAsync();
        return external;
    }

    /// <summary>Starts a process and waits for it to exit; kills it when <paramref name="timeout"/> passes.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        await using var process = Start(fileName, arguments, workingDirectory);
        return await process.WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit; after <paramref name="timeout"/> it is killed and the result says so.</summary>
    public async Task<ProcessResult> WaitForExitAsync(TimeSpan timeout)
    {
        var timedOut = false;
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            await StopAsync(TimeSpan.Zero);
        }

        return new ProcessResult(CommandLine, timedOut ? -1 : _process.ExitCode, StandardOutput, StandardError, timedOut);
    }

    /// <summary>
    /// Waits until stdout has a line matching <paramref name="match"/> (lines already printed count) and returns it.
    /// Fails with a message holding the output when the process exits first or the deadline passes.
    /// </summary>
    public async Task<string> WaitForLineAsync(Predicate<string> match, string what, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var line in _stdoutLines)
            {
                if (match(line))
                {
                    return line;
                }
            }

            _lineWaiters.Add((match, found));
        }

        var winner = await Task.WhenAny(found.Task, _exited.Task, Task.Delay(timeout));
        if (winner == found.Task)
        {
            return await found.Task;
        }

        lock (_gate)
        {
            _lineWaiters.RemoveAll(w => w.Found == found);
        }

        if (found.Task.IsCompleted)
        {
            return await found.Task;
        }

        var why = winner == _exited.Task ? $"it exited with {_process.ExitCode} first" : $"nothing matched within {timeout.TotalSeconds:0.#} s";
        throw new TimeoutException(
            $"Waited for {what} from `{CommandLine}` but {why}.\n--- stdout ---\n{ProcessResult.Tail(StandardOutput)}\n--- stderr ---\n{ProcessResult.Tail(StandardError)}");
    }

    /// <summary>Stops the process: SIGTERM, then after <paramref name="grace"/> SIGKILL of the whole tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }

        if (grace > TimeSpan.Zero && UnixSignals.Terminate(_process.Id))
        {
            try
            {
                await _exited.Task.WaitAsync(grace);
                return;
            }
            catch (TimeoutException)
            {
                // It ignored SIGTERM (ffmpeg does while blocked in a write): fall through to SIGKILL.
            }
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        // Bounded: a SIGKILLed process cannot refuse; the bound only guards against a stuck pipe reader.
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(DefaultGrace);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task ObserveExitAsync()
    {
        try
        {
            // Waits for exit and for the redirected streams to reach end of file.
            await _process.WaitForExitAsync();
        }
        finally
        {
            _exited.TrySetResult();
        }
    }

    private void OnStandardOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>>? matched = null;
        lock (_gate)
        {
            _stdout.AppendLine(line);
            _stdoutLines.Add(line);
            for (var i = _lineWaiters.Count - 1; i >= 0; i--)
            {
                if (_lineWaiters[i].Match(line))
                {
                    (matched ??= []).Add(_lineWaiters[i].Found);
                    _lineWaiters.RemoveAt(i);
                }
            }
        }

        if (matched is not null)
        {
            foreach (var found in matched)
            {
                found.TrySetResult(line);
            }
        }
    }

    private void OnStandardError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stderr.AppendLine(line);
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
