using System.Globalization;

namespace MediaCenter.Benchmarks;

/// <summary>
/// CPU time by process from /proc (user + system, in seconds, and the system part alone): the named processes, every
/// PostgreSQL process together, and the whole machine (its kernel part counting interrupts). Two readings say where the CPU
/// went between them, and how much of it the kernel spent (on this machine mostly loopback sockets: sends, wake-ups).
/// </summary>
internal sealed class CpuUse
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly Dictionary<string, (double All, double Kernel)> _seconds;

    private CpuUse(Dictionary<string, (double All, double Kernel)> seconds) => _seconds = seconds;

    /// <summary>Reads the CPU time of the given processes (name → pid), of all <c>postgres</c> processes and of the machine.</summary>
    public static CpuUse Read(IReadOnlyDictionary<string, int> processes)
    {
        var seconds = new Dictionary<string, (double All, double Kernel)>(StringComparer.Ordinal);
        foreach (var (name, pid) in processes)
        {
            seconds[name] = Of(pid) ?? default;
        }

        (double All, double Kernel) postgres = default;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Comm(pid) == "postgres" && Of(pid) is { } one)
            {
                postgres = (postgres.All + one.All, postgres.Kernel + one.Kernel);
            }
        }

        seconds["postgres"] = postgres;
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double Field(int i) => double.Parse(cpu[i], CultureInfo.InvariantCulture);
        // user nice system idle iowait irq softirq steal: busy is all but idle and iowait; the kernel's is system, irq and softirq.
        var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(Field);
        var kernel = new[] { 3, 6, 7 }.Sum(Field);
        seconds["machine"] = (busy / TicksPerSecond, kernel / TicksPerSecond);
        return new CpuUse(seconds);
    }

    /// <summary>
    /// Cores used by each process between two readings, busiest first, with the kernel's part of them, as
    /// "machine 1.96 (kernel 0.70), silo 0.62 (kernel 0.25), …".
    /// </summary>
    public static string Between(CpuUse before, CpuUse after, TimeSpan elapsed)
    {
        var parts = after._seconds
            .Select(kv => (Name: kv.Key, Cores: Used(before, after, kv.Key, elapsed)))
            .OrderByDescending(x => x.Name == "machine" ? double.MaxValue : x.Cores.All)
            .Select(x => $"{x.Name} {x.Cores.All:0.00} (kernel {x.Cores.Kernel:0.00})");
        return string.Join(", ", parts);
    }

    /// <summary>Cores the whole machine used between two readings, and the kernel's part of them.</summary>
    public static (double All, double Kernel) Machine(CpuUse before, CpuUse after, TimeSpan elapsed) => Used(before, after, "machine", elapsed);

    private static (double All, double Kernel) Used(CpuUse before, CpuUse after, string name, TimeSpan elapsed)
    {
        var (all, kernel) = after._seconds.GetValueOrDefault(name);
        var (allBefore, kernelBefore) = before._seconds.GetValueOrDefault(name);
        return ((all - allBefore) / elapsed.TotalSeconds, (kernel - kernelBefore) / elapsed.TotalSeconds);
    }

    private static (double All, double Kernel)? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start at state; utime and stime are the 14th and 15th fields.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = double.Parse(rest[11], CultureInfo.InvariantCulture) / TicksPerSecond;
            var system = double.Parse(rest[12], CultureInfo.InvariantCulture) / TicksPerSecond;
            return (user + system, system);
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
