using System.Collections.Concurrent;
using System.Diagnostics;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using MediaCenter.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B7: a region's terminals go silent within a few seconds (a power cut, a region losing its network) while operators
/// read the incident board. What the duty officer gets in the first minute (incidents, notifications), how soon each
/// silent terminal is listed on an incident after its deadline, and how the board answers meanwhile. The baseline is the
/// same storm on the same build with grouping switched off (group window 0: every alert its own incident, as before
/// issue 20), in a deployment of its own.
/// </summary>
public static class AlertStorm
{
    private const string Party = "b7";
    private const string Region = "演示区";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FirstMinute = TimeSpan.FromMinutes(1);

    /// <param name="Terminals">Terminals of the region that go silent.</param>
    /// <param name="SpreadSeconds">The silence spreads over this many seconds (the first stops at 0, the last at the end).</param>
    /// <param name="Staff">Operators reading the board throughout, one request after another each.</param>
    /// <param name="Witnesses">Terminals of another region that keep beating through the same gateway (so the gateway is seen to work).</param>
    public sealed record Options(int Terminals, int SpreadSeconds, int Staff, int Witnesses);

    private sealed record Outcome(
        int Incidents,
        int OpsNotifications,
        int Listed,
        List<double> LatenessMs,
        List<double> IdleMs,
        List<double> StormMs,
        int StaffErrors);

    public static async Task<string[]> RunAsync(TestPostgres postgres, Options options)
    {
        Console.WriteLine($"B7: {options.Terminals} terminals of one region silent within {options.SpreadSeconds} s; baseline with grouping off first …");
        var baseline = await RunOnceAsync(postgres, options, grouping: false);
        Print("baseline (grouping off)", options, baseline);
        var product = await RunOnceAsync(postgres, options, grouping: true);
        Print("grouping on", options, product);

        var allListed = product.Listed == options.Terminals;
        var maxLate = Max(product.LatenessMs);
        var met = product.Incidents <= 5 && product.OpsNotifications <= 5 && allListed && maxLate <= 2000 && Pct(product.StormMs, 0.99) <= 250;
        return ["B7", $"{options.Terminals:N0} terminals of one region silent within {options.SpreadSeconds} s (heartbeat {Heartbeat.TotalSeconds:0} s, timeout {Timeout.TotalSeconds:0} s), {options.Staff} operators reading the board",
            $"grouping off (window 0): {Summary(options, baseline)}",
            Summary(options, product),
            "≤ 5 incidents and ≤ 5 notifications per operator in the first minute; every member listed ≤ 2 s after its deadline; staff p99 ≤ 250 ms",
            met ? "met" : "not met"];
    }

    private static string Summary(Options options, Outcome o) =>
        $"in the first minute {o.Incidents} incident(s) opened and {o.OpsNotifications} notification(s) per operator; {o.Listed}/{options.Terminals} listed, " +
        $"after the deadline p50 {Pct(o.LatenessMs, 0.5):0} ms, p99 {Pct(o.LatenessMs, 0.99):0} ms, max {Max(o.LatenessMs):0} ms; " +
        $"board p99 {Pct(o.StormMs, 0.99):0} ms during the storm ({o.StormMs.Count} reads, {o.StaffErrors} failed), {Pct(o.IdleMs, 0.99):0} ms before it, while the fleet came online";

    private static void Print(string what, Options options, Outcome o) => Console.WriteLine($"B7 {what}: {Summary(options, o)}");

    private static async Task<Outcome> RunOnceAsync(TestPostgres postgres, Options options, bool grouping)
    {
        await using var deployment = new Deployment(await postgres.CreateMigratedDatabaseAsync(grouping ? "b7" : "b7base"));
        deployment.Common["Terminals__CheckpointInterval"] = "00:05:00";
        deployment.Common["Terminals__TelemetryBucket"] = "00:05:00";
        var siloSettings = new Dictionary<string, string>();
        if (!grouping)
        {
            siloSettings["Incidents__Grouping__Window"] = "00:00:00";
        }

        await deployment.StartSiloAsync("bench-silo", siloSettings);
        var gateway = await deployment.StartGatewayAsync();
        var web = await deployment.StartWebAsync("bench-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "100000" });
        var cluster = await deployment.ConnectClientAsync();
        await deployment.Identity.PartyAsync(Party);
        var staff = new List<HttpClient>();
        for (var i = 0; i < options.Staff; i++)
        {
            await deployment.Identity.PlatformUserAsync($"b7-op{i}", PlatformRoles.Operator);
            staff.Add(await TestIdentity.SignInAsync(web.Http, $"b7-op{i}"));
        }

        var port = int.Parse(gateway["Mqtt__Port"]);
        var ids = Enumerable.Range(0, options.Terminals).Select(i => $"b7-{i:D5}")
            .Concat(Enumerable.Range(0, options.Witnesses).Select(i => $"b7-north-{i:D3}")).ToList();
        var clock = Stopwatch.StartNew();
        var secrets = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            secrets[id] = await deployment.Identity.Terminals.IssueAsync(id, Party, null);
            var region = id.StartsWith("b7-north", StringComparison.Ordinal) ? "北区" : Region;
            await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration("基准屏 " + id, TerminalKind.Screen, region, Party, Heartbeat, Timeout), "register-" + id);
        });
        var factory = new MqttClientFactory();
        var clients = new ConcurrentDictionary<string, IMqttClient>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            var mqtt = factory.CreateMqttClient();
            await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id).WithCredentials(id, secrets[id])
                .WithKeepAlivePeriod(TimeSpan.FromMinutes(5)).Build(), ct);
            clients[id] = mqtt;
        });
        Console.WriteLine($"B7: {ids.Count} terminals registered and connected in {clock.Elapsed.TotalSeconds:0} s");

        try
        {
            // Everyone beats every second; a storm terminal stops at its own instant, spread evenly over the spread.
            var stopAt = new Dictionary<string, TimeSpan>();
            for (var i = 0; i < options.Terminals; i++)
            {
                stopAt[ids[i]] = TimeSpan.FromSeconds(options.SpreadSeconds * (double)i / Math.Max(1, options.Terminals - 1));
            }

            using var stop = new CancellationTokenSource();
            var silence = new TaskCompletionSource<(DateTimeOffset At, Stopwatch Clock)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var beating = BeatAsync(ids, clients, stopAt, TimeSpan.FromSeconds(15), silence, stop.Token);

            // The staff read the board from the start: what they see before the storm is their baseline.
            var reads = new ConcurrentBag<(DateTimeOffset At, double Ms, bool Ok)>();
            var watched = new ConcurrentDictionary<string, byte>();
            var readers = staff.Select(http => ReadBoardAsync(http, watched, reads, stop.Token)).ToList();

            var (silentFrom, _) = await silence.Task;
            var (listedAt, holding) = await WatchMembersAsync(deployment.ConnectionString, cluster, silentFrom, grouping, options.Terminals, watched, stop.Token);
            await stop.CancelAsync();
            await Task.WhenAll(readers.Append(beating));

            // Each terminal's deadline is the silo's own: the last heartbeat it applied plus the timeout.
            var lateness = new List<double>();
            foreach (var id in ids.Take(options.Terminals))
            {
                var terminal = await cluster.GetGrain<ITerminalGrain>(id).GetAsync();
                if (listedAt.TryGetValue(id, out var listed) && terminal.LastSeen is { } seen)
                {
                    lateness.Add((listed - (seen + Timeout)).TotalMilliseconds);
                }
            }

            lateness.Sort();
            var to = silentFrom + FirstMinute;
            // The storm's incidents: those opened in its first minute, and any opened before (a flap while the fleet came online)
            // that its members joined.
            var opened = await IdsAsync(deployment.ConnectionString,
                "SELECT id FROM mc.incidents WHERE party_id = @party AND reported_at >= @from AND reported_at < @to", silentFrom, to);
            var incidents = opened.Union(holding).Count();
            var notifications = (int)await ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.notifications WHERE audience = 'ops' AND created_at >= @from AND created_at < @to", silentFrom, to);
            var idle = reads.Where(r => r.At < silentFrom && r.Ok).Select(r => r.Ms).Order().ToList();
            var storm = reads.Where(r => r.At >= silentFrom && r.Ok).Select(r => r.Ms).Order().ToList();
            return new Outcome(incidents, notifications, listedAt.Count, lateness, idle, storm, reads.Count(r => r.At >= silentFrom && !r.Ok));
        }
        finally
        {
            foreach (var mqtt in clients.Values)
            {
                mqtt.Dispose();
            }

            foreach (var http in staff)
            {
                http.Dispose();
            }
        }
    }

    // Heartbeats (QoS 0) every second; after the warm-up the silence begins and each storm terminal stops at its instant.
    private static async Task BeatAsync(List<string> ids, ConcurrentDictionary<string, IMqttClient> clients, Dictionary<string, TimeSpan> stopAt,
        TimeSpan warmUp, TaskCompletionSource<(DateTimeOffset, Stopwatch)> silence, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        Stopwatch? silent = null;
        while (!stop.IsCancellationRequested)
        {
            var tick = Stopwatch.StartNew();
            if (silent is null && clock.Elapsed >= warmUp)
            {
                silent = Stopwatch.StartNew();
                silence.TrySetResult((DateTimeOffset.UtcNow, silent));
            }

            foreach (var id in ids)
            {
                if (silent is not null && stopAt.TryGetValue(id, out var at) && silent.Elapsed >= at)
                {
                    continue;
                }

                await clients[id].PublishStringAsync($"mc/t/{id}/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: CancellationToken.None);
            }

            var left = Heartbeat - tick.Elapsed;
            if (left > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(left, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    // What an operator's board does: the incident list, then each incident being watched (the grouped one's member list).
    private static async Task ReadBoardAsync(HttpClient http, ConcurrentDictionary<string, byte> watched, ConcurrentBag<(DateTimeOffset, double, bool)> reads,
        CancellationToken stop)
    {
        var rotation = 0;
        while (!stop.IsCancellationRequested)
        {
            var open = watched.Keys.ToList();
            var path = open.Count == 0 || rotation++ % 2 == 0 ? $"/api/v1/incidents?party={Party}&limit=100" : $"/api/v1/incidents/{open[rotation % open.Count]}";
            var at = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await http.GetAsync(path, CancellationToken.None);
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                reads.Add((at, clock.Elapsed.TotalMilliseconds, response.IsSuccessStatusCode));
            }
            catch (HttpRequestException)
            {
                reads.Add((at, clock.Elapsed.TotalMilliseconds, false));
            }

            try
            {
                // A person's board re-reads on pushes, not in a tight loop: a quarter of a second between reads per operator.
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    // For the first minute after the silence began: the instant each silent terminal is first seen listed on an incident, read
    // from the incident grains as the incident page reads them, every quarter second.
    private static async Task<(Dictionary<string, DateTimeOffset> ListedAt, HashSet<string> Holding)> WatchMembersAsync(string connectionString,
        IClusterClient cluster, DateTimeOffset from, bool grouping, int terminals, ConcurrentDictionary<string, byte> watched, CancellationToken stop)
    {
        var listedAt = new Dictionary<string, DateTimeOffset>();
        var holding = new HashSet<string>();
        var done = new HashSet<string>();
        await using var db = NpgsqlDataSource.Create(connectionString);
        var until = from + FirstMinute;
        while (DateTimeOffset.UtcNow < until && !stop.IsCancellationRequested)
        {
            var tick = Stopwatch.StartNew();
            var incidentIds = new List<string>();
            await using (var command = db.CreateCommand("SELECT id FROM mc.incidents WHERE party_id = @party"))
            {
                command.Parameters.AddWithValue("party", Party);
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    incidentIds.Add(reader.GetString(0));
                }
            }

            foreach (var id in incidentIds.Where(i => !done.Contains(i)))
            {
                watched.TryAdd(id, 0);
                var incident = await cluster.GetGrain<IIncidentGrain>(id).GetAsync();
                var now = DateTimeOffset.UtcNow;
                // A member counts once it is listed as out since the silence: a terminal that flapped while the fleet came online is
                // already on an incident (recovered, or out since before), and only its going out again in the storm is measured.
                foreach (var member in incident?.Group?.Members ?? [])
                {
                    if (member.RecoveredAt is null && member.Since >= from && listedAt.TryAdd(member.Id, now) && !member.Id.StartsWith("b7-north", StringComparison.Ordinal))
                    {
                        holding.Add(id);
                    }
                }

                // Without grouping an incident gains no new member: once each of its members is counted, it need not be read again.
                if (!grouping && incident?.Group is { Members.Count: > 0 } g && g.Members.All(m => listedAt.ContainsKey(m.Id)))
                {
                    done.Add(id);
                }
            }

            if (listedAt.Keys.Count(k => !k.StartsWith("b7-north", StringComparison.Ordinal)) >= terminals)
            {
                break;
            }

            var left = TimeSpan.FromMilliseconds(250) - tick.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, CancellationToken.None);
            }
        }

        // The rest of the first minute still counts for incidents and notifications.
        var rest = until - DateTimeOffset.UtcNow;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, CancellationToken.None);
        }

        return (listedAt.Where(p => !p.Key.StartsWith("b7-north", StringComparison.Ordinal)).ToDictionary(), holding);
    }

    private static async Task<List<string>> IdsAsync(string connectionString, string sql, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("party", Party);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, DateTimeOffset from, DateTimeOffset to)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("party", Party);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];
}
