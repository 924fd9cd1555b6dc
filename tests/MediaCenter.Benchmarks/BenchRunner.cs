using System.Diagnostics;
using System.Globalization;
using System.Text;
using MediaCenter.Grains.Terminals;
using MediaCenter.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace MediaCenter.Benchmarks;

/// <summary>
/// The benchmark suite (apart from the tests): each benchmark runs against the real processes on loopback,
/// measures its own baseline in the same run, prints a table and rewrites docs/BENCHMARKS.md.
/// Implemented so far: B2 (offline detection at the deadline), B4 (newsroom transitions), B5 (public reads during a hot event) and B6 (memory per terminal grain).
/// </summary>
public static class BenchRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var b2Terminals = Option(args, "--b2-terminals", 200);
        var b6Terminals = Option(args, "--b6-terminals", 100_000);
        var b4Users = Option(args, "--b4-users", 50);
        var b4Seconds = Option(args, "--b4-seconds", 30);
        var only = OnlyOption(args);
        bool Runs(string id) => only.Count == 0 || only.Contains(id);
        var rows = new List<string[]>();
        Console.WriteLine($"machine: {Machine()}");

        await using var postgres = await TestPostgres.StartAsync();
        if (Runs("B2"))
        {
            await using var deployment = await ProductionLikeAsync(postgres);
            rows.Add(await OfflineDetectionAsync(deployment, b2Terminals));
        }

        if (Runs("B4"))
        {
            await using var deployment = await ProductionLikeAsync(postgres);
            rows.Add(await ArticleTransitions.RunAsync(deployment, b4Users, TimeSpan.FromSeconds(b4Seconds)));
        }

        if (Runs("B5"))
        {
            await using var deployment = await ProductionLikeAsync(postgres);
            rows.Add(await PublicReads.RunAsync(deployment, Option(args, "--b5-staff", 10)));
        }

        if (Runs("B6"))
        {
            await using var deployment = await ProductionLikeAsync(postgres);
            rows.Add(await MemoryPerTerminalAsync(deployment, b6Terminals));
        }

        // Rows of benchmarks not run this time (--only) are kept from the existing document, with the date they were measured.
        var stamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var lines = KeptRows(rows.Select(r => r[0]).ToHashSet());
        foreach (var row in rows)
        {
            lines[row[0]] = "| " + string.Join(" | ", row) + $" | {stamp} |";
        }

        var table = new StringBuilder("| id | what | baseline (same run) | result | target | verdict | measured (UTC) |\n|---|---|---|---|---|---|---|\n");
        foreach (var line in lines.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            table.Append(line.Value).Append('\n');
        }

        Console.WriteLine();
        Console.WriteLine(table);
        await WriteDocAsync(table.ToString());
        return 0;
    }

    // The test deployment's settings, but with production's checkpoint and bucket cadence.
    private static async Task<Deployment> ProductionLikeAsync(TestPostgres postgres)
    {
        var deployment = new Deployment(await postgres.CreateMigratedDatabaseAsync("bench"));
        deployment.Common["Terminals__CheckpointInterval"] = "00:05:00";
        deployment.Common["Terminals__TelemetryBucket"] = "00:05:00";
        return deployment;
    }

    // B2: terminals heartbeat, then fall silent at known instants; each must be offline at most 1 s after its deadline.
    private static async Task<string[]> OfflineDetectionAsync(Deployment deployment, int count)
    {
        Console.WriteLine($"B2: {count} terminals, heartbeat 1 s, timeout 3 s, silent at staggered instants …");
        await deployment.StartSiloAsync("bench-silo");
        var gateway = await deployment.StartGatewayAsync();
        var client = await deployment.ConnectClientAsync();
        await deployment.Identity.Directory.CreatePartyAsync("bench", "基准测试");
        var port = int.Parse(gateway["Mqtt__Port"]);
        var terminals = new List<(string Id, IMqttClient Mqtt)>();
        var factory = new MqttClientFactory();
        for (var i = 0; i < count; i++)
        {
            var id = $"b2-{i:D5}";
            var secret = await deployment.Identity.Terminals.IssueAsync(id, "bench", null);
            await client.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration(id, TerminalKind.Screen, "bench", "bench", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), "register");
            var mqtt = factory.CreateMqttClient();
            await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id).WithCredentials(id, secret)
                .WithKeepAlivePeriod(TimeSpan.FromMinutes(5)).Build());
            terminals.Add((id, mqtt));
        }

        // Heartbeat every second for 5 s, then each terminal stops after a different number of extra beats.
        var stopAfter = terminals.Select((t, i) => i % 5).ToArray();
        for (var beat = 0; beat < 10; beat++)
        {
            var tick = Stopwatch.StartNew();
            for (var i = 0; i < terminals.Count; i++)
            {
                if (beat < 5 + stopAfter[i])
                {
                    await terminals[i].Mqtt.PublishStringAsync($"mc/t/{terminals[i].Id}/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtMostOnce);
                }
            }

            var left = TimeSpan.FromSeconds(1) - tick.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        var lateness = new List<double>();
        foreach (var (id, _) in terminals)
        {
            var s = await client.GetGrain<ITerminalGrain>(id).GetAsync();
            if (s.Health == TerminalHealth.Offline && s.LastSeen is { } seen && s.HealthSince is { } since)
            {
                lateness.Add((since - (seen + TimeSpan.FromSeconds(3))).TotalMilliseconds);
            }
        }

        foreach (var (_, mqtt) in terminals)
        {
            mqtt.Dispose();
        }

        lateness.Sort();
        var max = lateness.Count > 0 ? lateness[^1] : double.NaN;
        var verdict = lateness.Count == count && max <= 1000 ? "met" : "not met";
        Console.WriteLine($"B2: {lateness.Count}/{count} offline; lateness after the deadline p50 {Pct(lateness, 0.5):0} ms, max {max:0} ms");
        return ["B2", $"{count} silent terminals (heartbeat 1 s, timeout 3 s; without B1's load, which is not built yet)", "the configured deadline (last heartbeat + 3 s)",
            $"{lateness.Count}/{count} offline; late by p50 {Pct(lateness, 0.5):0} ms, p99 {Pct(lateness, 0.99):0} ms, max {max:0} ms",
            "every one ≤ 1 s after its deadline (max)", verdict];
    }

    // B6: silo memory before and after activating N terminal grains (registered, so each holds real state).
    private static async Task<string[]> MemoryPerTerminalAsync(Deployment deployment, int count)
    {
        Console.WriteLine($"B6: activating {count} terminal grains …");
        var silo = await deployment.StartSiloAsync("bench-silo");
        var client = await deployment.ConnectClientAsync();
        await deployment.Identity.Directory.CreatePartyAsync("bench", "基准测试");
        await client.GetGrain<ITerminalGrain>("warm-up").RegisterAsync(
            new TerminalRegistration("warm", TerminalKind.Kiosk, "bench", "bench", TimeSpan.FromSeconds(30), null), "warm");
        var before = await SettledRssAsync(silo.Process.Pid);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            pending.Add(client.GetGrain<ITerminalGrain>($"b6-{i:D6}").RegisterAsync(
                new TerminalRegistration($"b6-{i}", TerminalKind.Kiosk, "bench", "bench", TimeSpan.FromSeconds(30), null), "register"));
            if (pending.Count == 128)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }

            if (i % 20_000 == 0 && i > 0)
            {
                Console.WriteLine($"B6: {i} activated ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }

        await Task.WhenAll(pending);
        var after = await SettledRssAsync(silo.Process.Pid);
        var perGrain = (after - before) / count;
        Console.WriteLine($"B6: RSS {before / 1_048_576.0:0} MiB → {after / 1_048_576.0:0} MiB; {perGrain / 1024.0:0.00} KiB per terminal ({clock.Elapsed.TotalSeconds:0} s)");
        return ["B6", $"{count:N0} activated terminal grains", $"silo RSS before: {before / 1_048_576.0:0} MiB",
            $"{after / 1_048_576.0:0} MiB after: {perGrain / 1024.0:0.00} KiB per terminal", "≤ 10 KB per terminal", perGrain <= 10_000 ? "met" : "not met"];
    }

    // RSS after the GC has had a moment: two readings a second apart, the lower one.
    private static async Task<long> SettledRssAsync(int pid)
    {
        await Task.Delay(2000);
        var first = Rss(pid);
        await Task.Delay(1000);
        return Math.Min(first, Rss(pid));
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static SortedDictionary<string, string> KeptRows(HashSet<string> replaced)
    {
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var path = Path.Combine(Repo.Root, "docs", "BENCHMARKS.md");
        if (!File.Exists(path))
        {
            return kept;
        }

        foreach (var line in File.ReadLines(path).Where(l => l.StartsWith("| B", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 2 && !replaced.Contains(cells[1]))
            {
                // Rows written before the "measured" column get the date of the document they came from.
                kept[cells[1]] = cells.Length >= 9 ? line : line + " 2026-11-26 15:50 |";
            }
        }

        return kept;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return $"{Environment.ProcessorCount} cores, {long.Parse(memory, CultureInfo.InvariantCulture) / 1_048_576.0:0.0} GiB, {cpu}";
    }

    // --only B4,B6 runs a subset (docs/BENCHMARKS.md is then rewritten with that subset only).
    private static HashSet<string> OnlyOption(string[] args)
    {
        var i = Array.IndexOf(args, "--only");
        return i >= 0 && i + 1 < args.Length ? [.. args[i + 1].ToUpperInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries)] : [];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
    }

    private static async Task WriteDocAsync(string table)
    {
        var path = Path.Combine(Repo.Root, "docs", "BENCHMARKS.md");
        var doc = $"""
            # Benchmarks

            Written by `./mediacenter bench` on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine()}; the load generator runs on
            the same machine. Each benchmark states the baseline it measured in the same run; `--only B4` re-measures a subset and
            keeps the other rows with the date they were measured.

            {table}
            Implemented so far: B2 (on an otherwise idle system; the target asks for it during B1), B4, B5 and B6. B1 (heartbeat ingest
            rate against a plain-subscriber baseline) and B3 (SignalR fan-out) are not built yet (issue #8).

            Load average when this was written: {File.ReadAllText("/proc/loadavg").Trim()} (other work on a shared machine shows here).

            B4, what was measured and changed: the first version answered a transition only after the event log, the read model and the
            channel's board index (one grain, written on every change) were updated; at 10 users it gave 120 transitions/s, p50 79 ms,
            p99 168 ms. Answering right after the story's own write (the rest follows on a grain timer) and writing the board index on
            a 500 ms cadence gave 262/s, p50 34 ms, p99 94 ms in the same setting (both runs on a busy machine, load average about 6).
            What is left per transition, by reading the code (not yet profiled with dotnet-trace): authentication against PostgreSQL
            (token, user, roles), the operation-log insert, the story's state write (the Orleans ADO.NET storage function) and the
            grain calls; the single-row upsert baseline is one round trip with none of these, so 0.5 × baseline is not within reach of
            this design on two shared cores, and p99 ≤ 50 ms is not met at 50 concurrent users.

            Foundation figures measured by hand (2026-11-26): first build of a fresh clone 25.6 s; first `up` 3.5 s;
            later `up` 3.0–3.6 s.
            """;
        await File.WriteAllTextAsync(path, doc.Replace("\n            ", "\n", StringComparison.Ordinal));
        Console.WriteLine($"wrote {path}");
    }
}
