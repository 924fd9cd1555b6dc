using System.Diagnostics;
using MediaCenter.Grains.Terminals;
using Npgsql;
using Prometheus;

namespace MediaCenter.Silo;

/// <summary>
/// Terminal grains watch their own deadlines, but only while they are active. When a silo dies, or the whole cluster
/// restarts, the grains of terminals that said nothing since are not active anywhere, and a terminal that went silent then
/// would never be flagged. So the oldest live silo wakes every terminal the read model shows online — once after this silo
/// starts and again whenever a silo is declared dead — and each judges itself (a full timeout after it wakes, since no one
/// was listening before).
/// </summary>
internal sealed partial class TerminalWatch(
    IClusterMembershipService membership, ILocalSiloDetails local, IGrainFactory grains, NpgsqlDataSource db, ILogger<TerminalWatch> logger)
    : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly Counter Woken = Metrics.CreateCounter("mediacenter_terminal_watch_woken_total", "Terminal grains woken after a silo loss or a cluster start.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Settle, stoppingToken);
            await SweepIfOldestAsync("start", stoppingToken);
            var dead = DeadSilos(membership.CurrentSnapshot);
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var now = DeadSilos(snapshot);
                if (now.Except(dead).Any())
                {
                    await SweepIfOldestAsync("silo-lost", stoppingToken);
                }

                dead = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static HashSet<SiloAddress> DeadSilos(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();

    private async Task SweepIfOldestAsync(string reason, CancellationToken cancellationToken)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var oldest = active.OrderBy(s => s.Generation).ThenBy(s => s.ToParsableString(), StringComparer.Ordinal).FirstOrDefault();
        if (oldest is not null && !oldest.Equals(local.SiloAddress))
        {
            return;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var ids = new List<string>();
            await using (var command = db.CreateCommand("SELECT id FROM mc.terminals WHERE health IN ('Online', 'Degraded')"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
                async (id, _) => await grains.GetGrain<ITerminalGrain>(id).GetAsync());
            Woken.Inc(ids.Count);
            LogSwept(logger, ids.Count, reason, clock.ElapsedMilliseconds);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogSweepFailed(logger, reason, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Count} online terminals ({Reason}) in {Milliseconds} ms")]
    private static partial void LogSwept(ILogger logger, int count, string reason, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake the online terminals ({Reason}): {Error}")]
    private static partial void LogSweepFailed(ILogger logger, string reason, string error);
}
