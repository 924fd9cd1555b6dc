using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MediaCenter.Launcher;

namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>
/// A temporary data directory with its own ports, in which tests run <c>./mediacenter</c> as an operator would. Disposing it
/// stops whatever is still running there (the launcher, every process it reported, the private PostgreSQL) even when the
/// test failed, and removes the directory.
/// </summary>
public sealed partial class LauncherHome : IAsyncDisposable
{
    private readonly List<LauncherRun> _runs = [];

    public LauncherHome()
    {
        Data = Path.Combine(Path.GetTempPath(), "mc-up-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Data);
        // The private PostgreSQL runs as the postgres user when tests run as root: it must reach the directory.
        File.SetUnixFileMode(Data, (UnixFileMode)0b111_101_101);
        Ports = PortSetting.All.ToDictionary(p => p.Variable, _ => FreePorts.Next());
    }

    /// <summary>MEDIACENTER_DATA of every run.</summary>
    public string Data { get; }

    /// <summary>The port variables (MEDIACENTER_WEB_PORT …) and their values.</summary>
    public Dictionary<string, int> Ports { get; }

    public int WebPort => Ports[PortSetting.Web.Variable];
    public int SiloHttpPort => Ports[PortSetting.SiloHttp.Variable];
    public int GatewayHttpPort => Ports[PortSetting.GatewayHttp.Variable];

    /// <summary>The private PostgreSQL of this directory.</summary>
    public PostgresCluster Postgres => new(Path.Combine(Data, "postgres"), Ports[PortSetting.Postgres.Variable]);

    /// <summary>Starts <c>./mediacenter ARGS</c> in the background.</summary>
    public LauncherRun Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = LauncherRun.Start(this, args, environment);
        _runs.Add(run);
        return run;
    }

    /// <summary>Runs <c>./mediacenter ARGS</c> to its end (within <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var run = Start(args, environment);
        var exit = await run.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (exit, run.Stdout, run.Stderr);
    }

    /// <summary>Starts <c>up</c> (or <c>cluster up …</c>) without building and waits for its ready line.</summary>
    public async Task<LauncherRun> UpAsync(string[] command, params string[] extra)
    {
        var run = Start(command.Append("--no-build").Concat(extra));
        await run.WaitForOutputAsync(" ready in ", TimeSpan.FromSeconds(300));
        return run;
    }

    /// <summary>True when <paramref name="pid"/> runs (a zombie, exited but not yet reaped, does not).</summary>
    public static bool IsRunning(int pid)
    {
        var status = $"/proc/{pid}/status";
        try
        {
            return !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            await run.DisposeAsync();
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        await Postgres.StopAsync("immediate");
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One <c>./mediacenter</c> process of a <see cref="LauncherHome"/>, with everything it printed.</summary>
public sealed partial class LauncherRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private LauncherRun(Process process)
    {
        _process = process;
    }

    /// <summary>The launcher's pid (the script execs it).</summary>
    public int Pid => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Everything printed, stdout and stderr interleaved as they arrived.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>The latest pid the launcher reported for each process name ("silo2: started (pid N)").</summary>
    public Dictionary<string, int> Pids => Started().Matches(Stdout).GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => int.Parse(g.Last().Groups[2].Value));

    /// <summary>Every pid the launcher ever reported.</summary>
    public IReadOnlyList<int> AllPids => Started().Matches(Stdout).Select(m => int.Parse(m.Groups[2].Value)).ToList();

    internal static LauncherRun Start(LauncherHome home, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(Repo.Root, "mediacenter") },
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("MEDIACENTER_DB");
        info.Environment.Remove("MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD");
        info.Environment.Remove("MEDIACENTER_PG_BIN");
        info.Environment["MEDIACENTER_CONFIGURATION"] = Repo.Configuration;
        info.Environment["MEDIACENTER_DATA"] = home.Data;
        foreach (var (name, port) in home.Ports)
        {
            info.Environment[name] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var run = new LauncherRun(Process.Start(info)!);
        run._process.OutputDataReceived += (_, e) => run.Append(run._stdout, e.Data);
        run._process.ErrorDataReceived += (_, e) => run.Append(run._stderr, e.Data);
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits until the output holds <paramref name="text"/> (counting from <paramref name="after"/> characters of it); fails with the output otherwise.</summary>
    public async Task<TimeSpan> WaitForOutputAsync(string text, TimeSpan timeout, int after = 0)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var output = Output;
            if (output.Length > after && output.IndexOf(text, after, StringComparison.Ordinal) >= 0)
            {
                return clock.Elapsed;
            }

            if (_process.HasExited)
            {
                // The parameterless wait also waits for the output pumps: what it printed last (on stderr) says why.
                _process.WaitForExit();
                Assert.Fail($"./mediacenter exited (code {_process.ExitCode}) before printing '{text}'. Output:\n{Output}");
            }

            await Task.Delay(100);
        }

        Assert.Fail($"./mediacenter did not print '{text}' within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        return clock.Elapsed;
    }

    /// <summary>Waits for the process to end; kills it and fails when it does not in time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"./mediacenter did not end within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }

        // The output pumps finish after the exit.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Ctrl-C, and waits for a clean stop (exit code 0).</summary>
    public async Task StopAsync()
    {
        Posix.Signal(_process.Id, Posix.SigInt);
        Assert.Equal(0, await WaitForExitAsync(TimeSpan.FromSeconds(90)));
    }

    /// <summary>A crash of the whole launcher: SIGKILL to it and to every process it reported (not to PostgreSQL).</summary>
    public async Task CrashAsync()
    {
        Posix.Signal(_process.Id, Posix.SigKill);
        foreach (var pid in AllPids)
        {
            Posix.Signal(pid, Posix.SigKill);
        }

        await _process.WaitForExitAsync();
    }

    // A pid printed minutes ago may belong to something else by now: only processes running this repository's builds are ended.
    private static bool IsFromThisRepository(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(Repo.Root, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Append(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            sink.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Posix.Signal(_process.Id, Posix.SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        // Whatever it started and did not stop (it was killed, or the test failed half-way) ends here.
        foreach (var pid in AllPids.Where(p => LauncherHome.IsRunning(p) && IsFromThisRepository(p)))
        {
            Posix.Signal(pid, Posix.SigKill);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^(\S+): started \(pid (\d+)\)", RegexOptions.Multiline)]
    private static partial Regex Started();
}
