using System.Diagnostics;
using System.Globalization;

namespace MediaCenter.Launcher;

/// <summary>The kinds of process the launcher runs.</summary>
public enum ProcessKind
{
    Silo,
    Web,
    Gateway,
}

/// <summary>How to start one supervised process; the same for its first start and every restart (same ports, same settings).</summary>
public sealed record ProcessSpec(string Name, ProcessKind Kind, string Folder, string Project, int HttpPort, IReadOnlyDictionary<string, string> Environment,
    int? SiloPort = null);

/// <summary>
/// Keeps the launcher's processes running: one that exits on its own is started again after a backoff (1 s, 2 s, 4 s … at most
/// 30 s; a process that stayed up <see cref="StableAfter"/> starts again from 1 s), at most <see cref="LauncherSettings.RestartLimit"/>
/// times within <see cref="DefaultWindow"/>; past that the launcher gives up on that process and the rest keep running. Every
/// restart is logged and counted in <see cref="LauncherState"/> (<c>./mediacenter status</c>). Only <see cref="StopAsync"/>
/// (Ctrl-C, SIGTERM) stops them all.
/// </summary>
public sealed class Supervisor
{
    /// <summary>Restarts of one process allowed within <see cref="DefaultWindow"/>.</summary>
    public const int DefaultRestartLimit = 5;

    /// <summary>The window the restart limit counts in.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>An uptime after which a process counts as having recovered: its backoff starts again from the first step.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    // Only a guard against a process that hangs: on a quiet machine each is ready in seconds, on a starved one (four .NET
    // processes starting at once on two busy cores) the web took over 90 s.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    private readonly LauncherSettings _settings;
    private readonly string _logs;
    private readonly LauncherState _state;
    private readonly Func<ProcessSpec, Task> _beforeRestart;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly List<Supervised> _processes = [];
    private readonly List<Task> _watchers = [];

    /// <param name="beforeRestart">Runs after a process died and before it starts again (a silo's membership entry is declared dead there).</param>
    public Supervisor(LauncherSettings settings, string logs, LauncherState state, Func<ProcessSpec, Task> beforeRestart, TextWriter output, TextWriter error,
        TimeProvider time)
    {
        _time = time;
        _settings = settings;
        _logs = logs;
        _state = state;
        _beforeRestart = beforeRestart;
        _output = output;
        _error = error;
    }

    /// <summary>Starts the processes and waits until every one is ready; one that is not is a <see cref="LaunchException"/>.</summary>
    public async Task StartAsync(IEnumerable<ProcessSpec> specs, CancellationToken cancellationToken)
    {
        var started = new List<Supervised>();
        foreach (var spec in specs)
        {
            var supervised = new Supervised(spec, Start(spec), _time.GetUtcNow());
            _processes.Add(supervised);
            started.Add(supervised);
            _state.Update(supervised.Snapshot());
        }

        await Task.WhenAll(started.Select(async s =>
        {
            if (!await s.Current.WaitReadyAsync(ReadyTimeout, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new LaunchException(s.Current.HasExited
                    ? $"The {s.Spec.Name} exited with code {s.Current.ExitCode} before it was ready. Last log lines:\n{s.Current.Tail()}"
                    : $"The {s.Spec.Name} was not ready within {ReadyTimeout.TotalSeconds:0} s. Last log lines:\n{s.Current.Tail()}");
            }

            s.State = SupervisedState.Ready;
            _state.Update(s.Snapshot());
            _output.WriteLine($"{s.Spec.Name}: ready");
        }));
    }

    /// <summary>From now on a process that exits is restarted, until <paramref name="stop"/>.</summary>
    public void Watch(CancellationToken stop)
    {
        foreach (var process in _processes)
        {
            _watchers.Add(SuperviseAsync(process, stop));
        }
    }

    /// <summary>Stops supervising (after <paramref name="stop"/> was cancelled) and stops every process: web and gateway first, then the silos.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_watchers);
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].Current.DisposeAsync();
            _processes[i].State = SupervisedState.Stopped;
            _state.Update(_processes[i].Snapshot());
        }
    }

    private async Task SuperviseAsync(Supervised process, CancellationToken stop)
    {
        var consecutive = 0;
        var recent = new Queue<DateTimeOffset>();
        while (true)
        {
            try
            {
                await process.Current.WaitForExitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var uptime = now - process.StartedAt;
            var exit = process.Current.ExitCode;
            process.LastExit = exit;
            process.LastExitAt = now;
            if (uptime >= StableAfter)
            {
                consecutive = 0;
            }

            while (recent.Count > 0 && now - recent.Peek() > DefaultWindow)
            {
                recent.Dequeue();
            }

            var died = string.Create(CultureInfo.InvariantCulture, $"{process.Spec.Name}: exited unexpectedly ({Describe(exit)}) after {uptime.TotalSeconds:0.0} s");
            if (recent.Count >= _settings.RestartLimit)
            {
                process.State = SupervisedState.GaveUp;
                _state.Update(process.Snapshot());
                _error.WriteLine($"{died}; restarted {recent.Count} time(s) in the last {DefaultWindow.TotalMinutes:0} minutes, the limit " +
                    $"(--restart-limit {_settings.RestartLimit}): not restarting it again; the rest keep running. Last log lines:\n{process.Current.Tail()}");
                return;
            }

            var delay = Backoff(consecutive++);
            process.State = SupervisedState.Restarting;
            _state.Update(process.Snapshot());
            _error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{died}; restarting it in {delay.TotalSeconds:0} s (restart {process.Restarts + 1}; at most {_settings.RestartLimit} in {DefaultWindow.TotalMinutes:0} minutes). Last log lines:\n{process.Current.Tail(10)}"));
            await process.Current.DisposeAsync();
            try
            {
                await _beforeRestart(process.Spec);
                await Task.Delay(delay, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                _error.WriteLine($"{process.Spec.Name}: could not prepare the restart ({ex.Message}); restarting it anyway");
            }

            recent.Enqueue(_time.GetUtcNow());
            process.Restarts++;
            try
            {
                process.Current = Start(process.Spec);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Nothing to wait for: the build output is gone or the process cannot be created at all.
                process.State = SupervisedState.GaveUp;
                _state.Update(process.Snapshot());
                _error.WriteLine($"{process.Spec.Name}: cannot be started again ({ex.Message}); the rest keep running.");
                return;
            }

            process.StartedAt = _time.GetUtcNow();
            process.State = SupervisedState.Starting;
            _state.Update(process.Snapshot());
            _output.WriteLine($"{process.Spec.Name}: restarted (pid {process.Current.Pid}), restart {process.Restarts}");

            var clock = Stopwatch.StartNew();
            if (await process.Current.WaitReadyAsync(ReadyTimeout, stop))
            {
                process.State = SupervisedState.Ready;
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{process.Spec.Name}: ready again {clock.Elapsed.TotalSeconds:0.0} s after the restart"));
            }
            else if (!stop.IsCancellationRequested && !process.Current.HasExited)
            {
                // Alive but never ready: ending it lets the loop above count it and try again.
                _error.WriteLine($"{process.Spec.Name}: not ready {ReadyTimeout.TotalSeconds:0} s after the restart; ending it (SIGKILL)");
                process.Current.Kill();
            }

            _state.Update(process.Snapshot());
        }
    }

    private ServiceProcess Start(ProcessSpec spec)
    {
        var environment = new Dictionary<string, string>(spec.Environment) { ["Urls"] = $"http://127.0.0.1:{spec.HttpPort}" };
        var process = ServiceProcess.Start(spec.Name, _settings.Assembly(spec.Folder, spec.Project), Path.Combine(_settings.Root, spec.Folder, spec.Project),
            new Uri($"http://127.0.0.1:{spec.HttpPort}"), environment, Path.Combine(_logs, spec.Name + ".log"));
        _output.WriteLine($"{spec.Name}: started (pid {process.Pid}), log {process.LogPath}");
        return process;
    }

    /// <summary>The wait before restart number <paramref name="consecutive"/> + 1 of a process that keeps dying.</summary>
    public static TimeSpan Backoff(int consecutive) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(consecutive, 10)));

    private static string Describe(int exit) => exit switch
    {
        137 => "code 137: SIGKILL",
        139 => "code 139: SIGSEGV",
        134 => "code 134: SIGABRT",
        143 => "code 143: SIGTERM",
        _ => $"code {exit}",
    };

    private sealed class Supervised(ProcessSpec spec, ServiceProcess current, DateTimeOffset startedAt)
    {
        public ProcessSpec Spec { get; } = spec;
        public ServiceProcess Current { get; set; } = current;
        public DateTimeOffset StartedAt { get; set; } = startedAt;
        public SupervisedState State { get; set; } = SupervisedState.Starting;
        public int Restarts { get; set; }
        public int? LastExit { get; set; }
        public DateTimeOffset? LastExitAt { get; set; }

        public SupervisedProcess Snapshot() => new(Spec.Name, Spec.Kind, Current.Pid, Current.Assembly, Current.HttpBase.ToString(), State, Restarts, LastExit, LastExitAt);
    }
}

/// <summary>Where a supervised process stands.</summary>
public enum SupervisedState
{
    Starting,
    Ready,
    Restarting,
    GaveUp,
    Stopped,
}
