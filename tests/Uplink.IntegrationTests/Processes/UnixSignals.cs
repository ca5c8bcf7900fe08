using System.Runtime.InteropServices;

namespace Uplink.IntegrationTests.Processes;

/// <summary>Sends a polite SIGTERM (.NET's <see cref="System.Diagnostics.Process.Kill()"/> only sends SIGKILL).</summary>
internal static class UnixSignals
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>Sends SIGINT (what Ctrl-C sends) to one process id; returns false when it is already gone.</summary>
    public static bool Interrupt(int processId) => !OperatingSystem.IsWindows() && Kill(processId, SigInt) == 0;

    /// <summary>Sends SIGTERM to one process id; returns false when it is already gone.</summary>
    public static bool Terminate(int processId) => !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    // DllImport, not LibraryImport: the source generator needs AllowUnsafeBlocks; int arguments need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
