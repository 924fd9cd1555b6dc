using System.Runtime.InteropServices;
using System.Runtime.Versioning;

// The launcher runs PostgreSQL and signals processes the Unix way.
[assembly: UnsupportedOSPlatform("windows")]

namespace MediaCenter.Launcher;

/// <summary>The few POSIX calls .NET does not expose.</summary>
public static partial class Posix
{
    /// <summary>SIGTERM: asks a process to shut down cleanly.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL: ends a process at once.</summary>
    public const int SigKill = 9;

    /// <summary>SIGINT: what Ctrl-C sends.</summary>
    public const int SigInt = 2;

    /// <summary>True when running as root.</summary>
    public static bool IsRoot => geteuid() == 0;

    /// <summary>Sends a signal to a process; false when it no longer exists.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
