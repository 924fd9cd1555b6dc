using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.Testing;
using Npgsql;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B4: newsroom transitions through the HTTP API on PostgreSQL with N concurrent users, each walking stories from pitch
/// to publication (file, confirm, assign, save draft, submit, three approvals, publish). Baseline in the same run: single-row
/// upserts per second through Npgsql on the same database with the same concurrency.
/// </summary>
internal static class ArticleTransitions
{
    private static readonly string[] Steps = ["file", "confirm", "assign", "save-draft", "submit", "approve-1", "approve-2", "approve-3", "publish"];

    /// <summary>Signed-in newsroom staff of one channel: users holding chief and editor, and one reviewer per level.</summary>
    public sealed record Staff(string Channel, List<(Guid Id, HttpClient Client)> Users, HttpClient[] Reviewers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var client in Users.Select(s => s.Client).Concat(Reviewers))
            {
                client.Dispose();
            }
        }
    }

    public static async Task<string[]> RunAsync(Deployment deployment, int users, TimeSpan duration, TimeSpan warmup)
    {
        Console.WriteLine($"B4: {users} concurrent users, {duration.TotalSeconds:0} s of story transitions through the API …");
        var silo = await deployment.StartSiloAsync("bench-silo");
        var web = await deployment.StartWebAsync("bench-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "100000" });
        using var staff = await StaffAsync(deployment, web, users);
        var (baseline, baselineCpu) = await UpsertBaselineAsync(deployment.ConnectionString, users, TimeSpan.FromSeconds(10));
        Console.WriteLine($"B4 baseline: {baseline:0} single-row upserts/s with {users} connections, {PerOperation(baselineCpu, baseline)} per upsert");

        // Warm-up: one story per user (grain activation, pools), then the full load until the runtime has compiled the hot paths
        // at their final tier (right after start the silo spends about a quarter of its CPU in the JIT's background compiler), not measured.
        await LoadAsync(staff, TimeSpan.Zero, null, CancellationToken.None);
        if (warmup > TimeSpan.Zero)
        {
            var warming = new ConcurrentBag<double>();
            await LoadAsync(staff, warmup, warming, CancellationToken.None);
            Console.WriteLine($"B4: warm-up, {warmup.TotalSeconds:0} s of the full load: {warming.Count / warmup.TotalSeconds:0} transitions/s (not measured)");
        }

        // One user alone first: the latency of a transition when nothing queues.
        var alone = new ConcurrentBag<double>();
        await LoadAsync(staff with { Users = staff.Users.Take(1).ToList() }, TimeSpan.FromSeconds(5), alone, CancellationToken.None);

        var aloneSorted = alone.OrderBy(x => x).ToList();
        Console.WriteLine($"B4: one user alone: {aloneSorted.Count / 5.0:0}/s, p50 {Pct(aloneSorted, 0.5):0.0} ms, p99 {Pct(aloneSorted, 0.99):0.0} ms");
        var pids = new Dictionary<string, int>
        {
            ["silo"] = silo.Process.Pid,
            ["web"] = web.Process.Pid,
            ["load generator"] = Environment.ProcessId,
        };
        var latencies = new ConcurrentBag<double>();
        var statements = await StatementStatistics.ResetAsync(deployment.ConnectionString);
        var cpuBefore = CpuUse.Read(pids);
        var clock = Stopwatch.StartNew();
        var failures = await LoadAsync(staff, duration, latencies, CancellationToken.None);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuAfter = CpuUse.Read(pids);
        var cpu = CpuUse.Between(cpuBefore, cpuAfter, clock.Elapsed);
        var machine = CpuUse.Machine(cpuBefore, cpuAfter, clock.Elapsed);
        Console.WriteLine($"B4: CPU in cores: {cpu}");
        var top = statements ? await StatementStatistics.TopAsync(deployment.ConnectionString, 12, latencies.Count) : [];
        if (top.Count > 0)
        {
            Console.WriteLine("B4: database time by statement (pg_stat_statements, the measured window):");
            foreach (var statement in top)
            {
                Console.WriteLine("  " + statement);
            }
        }

        var sizes = await StatementStatistics.GrainStateSizesAsync(deployment.ConnectionString);
        foreach (var line in sizes)
        {
            Console.WriteLine("B4: grain state " + line);
        }

        var sorted = latencies.OrderBy(x => x).ToList();
        var rate = sorted.Count / elapsed;
        var p50 = Pct(sorted, 0.5);
        var p99 = Pct(sorted, 0.99);
        var ratio = rate / baseline;
        var verdict = ratio >= 0.25 && p99 <= 100 && failures == 0 ? "met" : "not met";
        Console.WriteLine($"B4: {sorted.Count} transitions in {elapsed:0.0} s = {rate:0}/s ({ratio:0.00} × baseline), p50 {p50:0.0} ms, p99 {p99:0.0} ms, {failures} failed, {PerOperation(machine, rate)} per transition");
        return ["B4", $"story transitions through the API ({string.Join(" → ", Steps)}), {users} concurrent users, {duration.TotalSeconds:0} s " +
                $"after {warmup.TotalSeconds:0} s of the same load",
            $"{baseline:0} single-row upserts/s (Npgsql, {users} connections, same database); {PerOperation(baselineCpu, baseline)} per upsert",
            $"{rate:0} transitions/s = {ratio:0.00} × baseline; p50 {p50:0.0} ms, p99 {p99:0.0} ms; {failures} failed. One user alone: p50 " +
            $"{Pct(aloneSorted, 0.5):0.0} ms, p99 {Pct(aloneSorted, 0.99):0.0} ms. {PerOperation(machine, rate)} per transition. CPU in cores over the window: {cpu}. Database execution time " +
            $"(pg_stat_statements): {(top.Count == 0 ? "not available" : string.Join(", ", top.Take(5).Select(t => t.Short())))}; " +
            $"{(sizes.Count > 0 ? "grain state " + sizes[0] : "")}",
            "≥ 0.25 × baseline with p99 ≤ 100 ms (and at a newsroom's pace during B5, p99 ≤ 50 ms: B5's staff)", verdict];
    }

    /// <summary>Creates and signs in the staff of channel {party}-home (party b4 unless given).</summary>
    public static async Task<Staff> StaffAsync(Deployment deployment, TestProcess web, int users, string party = "b4")
    {
        var identity = deployment.Identity;
        await identity.PartyAsync(party);
        var channel = party + "-home";
        var reviewers = new HttpClient[3];
        for (var level = 1; level <= 3; level++)
        {
            var id = await identity.PartyUserAsync($"{party}-rev{level}", party, PartyRoles.Member);
            await identity.Users.AddChannelRoleAsync(channel, id, ChannelRoles.Reviewer, level);
            reviewers[level - 1] = await TestIdentity.SignInAsync(web.Http, $"{party}-rev{level}");
        }

        var staff = new List<(Guid Id, HttpClient Client)>();
        for (var i = 0; i < users; i++)
        {
            var id = await identity.PartyUserAsync($"{party}-user{i}", party, PartyRoles.Member);
            await identity.Users.AddChannelRoleAsync(channel, id, ChannelRoles.Chief, null);
            await identity.Users.AddChannelRoleAsync(channel, id, ChannelRoles.Editor, null);
            staff.Add((id, await TestIdentity.SignInAsync(web.Http, $"{party}-user{i}")));
        }

        return new Staff(channel, staff, reviewers);
    }

    /// <summary>
    /// Every user walks stories until the time is up (zero: exactly one story each, a warm-up); returns how many failed.
    /// With a <paramref name="pace"/>, each user makes at most one transition per pace (B3's steady newsroom); without, as fast as answered.
    /// </summary>
    public static async Task<int> LoadAsync(Staff staff, TimeSpan duration, ConcurrentBag<double>? latencies, CancellationToken cancellationToken,
        TimeSpan pace = default)
    {
        var failures = 0;
        var once = duration == TimeSpan.Zero;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!once)
        {
            stop.CancelAfter(duration);
        }

        var workers = staff.Users.Select(async (s, i) =>
        {
            if (pace > TimeSpan.Zero && !once)
            {
                // Staff at a pace are not in step: each starts at its own offset within the pace, so their requests spread over it
                // instead of arriving together every pace.
                try
                {
                    await Task.Delay(pace * i / staff.Users.Count, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }

            do
            {
                try
                {
                    await StoryAsync(s.Client, s.Id, staff.Reviewers, staff.Channel, latencies, pace, once ? CancellationToken.None : stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref failures) <= 3)
                    {
                        Console.WriteLine($"a story transition failed: {ex.Message}");
                    }
                }
            }
            while (!once && !stop.IsCancellationRequested);
        }).ToList();
        await Task.WhenAll(workers);
        return failures;
    }

    private static async Task StoryAsync(HttpClient user, Guid userId, HttpClient[] reviewers, string channel, ConcurrentBag<double>? latencies,
        TimeSpan pace, CancellationToken cancellationToken)
    {
        var filed = await TimedAsync(user, $"/api/v1/channels/{channel}/pitches", new { title = "基准稿件", angle = "压测" }, latencies, pace, cancellationToken);
        var id = filed.GetProperty("id").GetString()!;
        await TimedAsync(user, $"/api/v1/articles/{id}/confirm", new { }, latencies, pace, cancellationToken);
        await TimedAsync(user, $"/api/v1/articles/{id}/assign", new { assignees = new[] { userId }, dueAt = DateTimeOffset.UtcNow.AddDays(1) }, latencies, pace,
            cancellationToken);
        await TimedAsync(user, $"/api/v1/articles/{id}/save-draft",
            new { baseVersion = 0, draft = new { kind = "ImageText", title = "基准稿件", summary = "摘要", bodyHtml = "<p>正文</p>" } }, latencies, pace, cancellationToken);
        await TimedAsync(user, $"/api/v1/articles/{id}/submit", new { }, latencies, pace, cancellationToken);
        foreach (var reviewer in reviewers)
        {
            await TimedAsync(reviewer, $"/api/v1/articles/{id}/approve", new { }, latencies, pace, cancellationToken);
        }

        await TimedAsync(user, $"/api/v1/articles/{id}/publish", new { }, latencies, pace, cancellationToken);
    }

    private static async Task<JsonElement> TimedAsync(HttpClient client, string path, object body, ConcurrentBag<double>? latencies, TimeSpan pace,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        }

        latencies?.Add(ms);
        if (pace > clock.Elapsed)
        {
            await Task.Delay(pace - clock.Elapsed, cancellationToken);
        }

        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The machine's CPU per operation, as "0.10 ms of machine CPU (kernel 43 %)".</summary>
    private static string PerOperation((double All, double Kernel) cores, double perSecond) =>
        $"{cores.All * 1000 / perSecond:0.00} ms of machine CPU (kernel {(cores.All > 0 ? cores.Kernel / cores.All : 0):0 %})";

    /// <summary>Single-row upserts per second over <paramref name="duration"/>, and the cores the machine used meanwhile.</summary>
    private static async Task<(double PerSecond, (double All, double Kernel) Cores)> UpsertBaselineAsync(string connectionString, int concurrency, TimeSpan duration)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = concurrency + 5 };
        await using var db = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var create = db.CreateCommand("CREATE TABLE IF NOT EXISTS bench_upserts (id int PRIMARY KEY, v bigint NOT NULL, at timestamptz NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        long count = 0;
        using var stop = new CancellationTokenSource(duration);
        var before = CpuUse.Read(new Dictionary<string, int>());
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                await using var command = db.CreateCommand("""
                    INSERT INTO bench_upserts (id, v, at) VALUES (@id, 1, now()) ON CONFLICT (id) DO UPDATE SET v = bench_upserts.v + 1, at = now()
                    """);
                command.Parameters.AddWithValue("id", random.Next(10_000));
                await command.ExecuteNonQueryAsync();
                Interlocked.Increment(ref count);
            }
        }));
        var elapsed = clock.Elapsed;
        return (count / elapsed.TotalSeconds, CpuUse.Machine(before, CpuUse.Read(new Dictionary<string, int>()), elapsed));
    }

    internal static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
