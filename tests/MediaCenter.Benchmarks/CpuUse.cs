using System.Globalization;

namespace MediaCenter.Benchmarks;

/// <summary>
/// CPU time by process from /proc (user + system, in seconds): the named processes, every PostgreSQL process together,
/// and the whole machine. Two readings say where the CPU went between them.
/// </summary>
internal sealed class CpuUse
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly Dictionary<string, double> _seconds;

    private CpuUse(Dictionary<string, double> seconds) => _seconds = seconds;

    /// <summary>Reads the CPU time of the given processes (name → pid), of all <c>postgres</c> processes and of the machine.</summary>
    public static CpuUse Read(IReadOnlyDictionary<string, int> processes)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, pid) in processes)
        {
            seconds[name] = Of(pid) ?? 0;
        }

        double postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Comm(pid) == "postgres")
            {
                postgres += Of(pid) ?? 0;
            }
        }

        seconds["postgres"] = postgres;
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => double.Parse(cpu[i], CultureInfo.InvariantCulture));
        seconds["machine"] = busy / TicksPerSecond;
        return new CpuUse(seconds);
    }

    /// <summary>Cores used by each process between two readings, busiest first, as "silo 0.62, gateway 0.45, …".</summary>
    public static string Between(CpuUse before, CpuUse after, TimeSpan elapsed)
    {
        var parts = after._seconds
            .Select(kv => (Name: kv.Key, Cores: (kv.Value - before._seconds.GetValueOrDefault(kv.Key)) / elapsed.TotalSeconds))
            .OrderByDescending(x => x.Name == "machine" ? double.MaxValue : x.Cores)
            .Select(x => $"{x.Name} {x.Cores:0.00}");
        return string.Join(", ", parts);
    }

    private static double? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start at state; utime and stime are the 14th and 15th fields.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(rest[11], CultureInfo.InvariantCulture) + double.Parse(rest[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
