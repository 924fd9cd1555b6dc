using System.Diagnostics;
using System.Text;

namespace MediaCenter.Launcher;

/// <summary>Runs short external commands (initdb, pg_ctl …) and captures what they print.</summary>
public static class ProcessRunner
{
    /// <summary>The result of a finished command.</summary>
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>True when the command exited 0.</summary>
        public bool Ok => ExitCode == 0;
    }

    /// <summary>Runs a command to completion (in <paramref name="workingDirectory"/>, else /), optionally as another user (root only, through runuser).</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? asUser = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = asUser is not null && Posix.IsRoot
            ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", asUser, "--", file } }
            : new ProcessStartInfo(file);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = workingDirectory ?? "/";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s.");
        }

        await Task.WhenAll(stdout, stderr);
        return new Result(process.ExitCode, output.ToString());
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }
}
