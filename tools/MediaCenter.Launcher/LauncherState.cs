using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediaCenter.Launcher;

/// <summary>One supervised process as <c>./mediacenter status</c> shows it.</summary>
public sealed record SupervisedProcess(string Name, ProcessKind Kind, int Pid, string Assembly, string Http, SupervisedState State, int Restarts, int? LastExit,
    DateTimeOffset? LastExitAt);

/// <summary>What a running launcher writes to <c>DATA/run/launcher.json</c>.</summary>
public sealed record LauncherSnapshot(int LauncherPid, DateTimeOffset StartedAt, bool Ready, IReadOnlyList<SupervisedProcess> Processes)
{
    /// <summary>Restarts of every process together.</summary>
    public int TotalRestarts => Processes.Sum(p => p.Restarts);
}

/// <summary>
/// The launcher's own record of what it runs, in the data directory: the restart counts (the supervision metric) that
/// <c>./mediacenter status</c> prints, and the pids a later <c>up</c> uses to end processes a crashed launcher left behind.
/// </summary>
public sealed class LauncherState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly string _file;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SupervisedProcess> _processes = [];
    private readonly List<string> _order = [];
    private readonly DateTimeOffset _startedAt;
    private bool _ready;

    /// <summary>A record at <paramref name="file"/> for this launcher process, started at <paramref name="startedAt"/>.</summary>
    public LauncherState(string file, DateTimeOffset startedAt)
    {
        _file = file;
        _startedAt = startedAt;
    }

    /// <summary>Reads a record, or null when there is none (or it cannot be read).</summary>
    public static LauncherSnapshot? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<LauncherSnapshot>(File.ReadAllText(file), Json);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="pid"/> is a live launcher process (not a pid reused by something else).</summary>
    public static bool IsLauncher(int pid) => CommandLine(pid).Contains("mediacenter-launcher", StringComparison.Ordinal);

    /// <summary>
    /// Before <c>up</c> starts anything: refuses when another launcher runs on this data directory, and ends the processes a
    /// launcher that ended without stopping them (SIGKILL, a crash) left running, so their ports are free again.
    /// </summary>
    public static async Task ClaimAsync(string file, string dataDir, TextWriter output)
    {
        if (Read(file) is not { } previous)
        {
            return;
        }

        if (previous.LauncherPid != Environment.ProcessId && IsLauncher(previous.LauncherPid))
        {
            throw new LaunchRefusal($"MEDIACENTER_DATA / --data: another launcher (pid {previous.LauncherPid}) runs on {dataDir}; stop it first (Ctrl-C), or give this one another data directory.");
        }

        foreach (var process in previous.Processes)
        {
            // The pid must still run the same assembly: after a reboot the number may belong to anything.
            if (!CommandLine(process.Pid).Contains(process.Assembly, StringComparison.Ordinal))
            {
                continue;
            }

            output.WriteLine($"{process.Name}: pid {process.Pid} was left running by a launcher that ended without stopping it (pid {previous.LauncherPid}); ending it");
            Posix.Signal(process.Pid, Posix.SigTerm);
            for (var i = 0; i < 100 && Posix.Signal(process.Pid, 0) && !IsZombie(process.Pid); i++)
            {
                await Task.Delay(100);
            }

            Posix.Signal(process.Pid, Posix.SigKill);
            // Its ports are free only once it is gone: a process still alive after ten seconds of SIGTERM needs a moment to die.
            for (var i = 0; i < 50 && Posix.Signal(process.Pid, 0) && !IsZombie(process.Pid); i++)
            {
                await Task.Delay(100);
            }
        }

        File.Delete(file);
    }

    /// <summary>Records a process's current state.</summary>
    public void Update(SupervisedProcess process)
    {
        lock (_lock)
        {
            if (!_processes.ContainsKey(process.Name))
            {
                _order.Add(process.Name);
            }

            _processes[process.Name] = process;
            Write();
        }
    }

    /// <summary>Records that the whole system was ready once.</summary>
    public void MarkReady()
    {
        lock (_lock)
        {
            _ready = true;
            Write();
        }
    }

    /// <summary>Removes the record (a clean stop: nothing is left running).</summary>
    public void Remove()
    {
        lock (_lock)
        {
            if (File.Exists(_file))
            {
                File.Delete(_file);
            }
        }
    }

    private void Write()
    {
        var snapshot = new LauncherSnapshot(Environment.ProcessId, _startedAt, _ready, _order.Select(n => _processes[n]).ToList());
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var partial = _file + ".partial";
        File.WriteAllText(partial, JsonSerializer.Serialize(snapshot, Json));
        File.Move(partial, _file, overwrite: true);
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
