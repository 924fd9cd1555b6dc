using System.Globalization;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MediaCenter.Grains.Operations;

/// <summary>What the patrol reads outside the grains (PostgreSQL on real silos).</summary>
public interface IPatrolProbes
{
    /// <summary>Database reachable and at the schema this build needs.</summary>
    Task<PatrolCheck> DatabaseAsync(CancellationToken cancellationToken);

    /// <summary>Terminal counts from the read model.</summary>
    Task<TerminalCensus> TerminalsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Security alerts raised since a time.</summary>
    Task<long> SecurityAlertsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Stores a report (and an event per anomaly); returns its id.</summary>
    Task<long> StoreAsync(PatrolReport report, CancellationToken cancellationToken);
}

/// <summary>Terminal figures the patrol judges.</summary>
public sealed record TerminalCensus(int Registered, int Offline, int Stale, int OverdueInspections, int OfflineOverADay);

/// <summary>Stored state of the patrol. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.PatrolState")]
public sealed class PatrolState
{
    [Id(0)] public TimeSpan? TimeOfDay { get; set; }
    [Id(1)] public string? TimeZone { get; set; }
    [Id(2)] public long LastReportId { get; set; }
    [Id(3)] public DateTimeOffset? LastRunAt { get; set; }
}

internal sealed partial class PatrolGrain(
    [PersistentState("patrol", StorageNames.Main)] IPersistentState<PatrolState> state,
    IPatrolProbes probes,
    IPatrolFlowProbes flows,
    IDataGovernanceStore governance,
    TimeProvider time,
    ILogger<PatrolGrain> logger) : Grain, IPatrolGrain, IRemindable
{
    internal const string ReminderName = "daily-patrol";

    public async Task ScheduleAsync(TimeSpan localTimeOfDay, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        if (state.State.TimeOfDay == localTimeOfDay && state.State.TimeZone == timeZone && await this.GetReminder(ReminderName) is not null)
        {
            return;
        }

        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var next = new DateTimeOffset(now.Date + localTimeOfDay, now.Offset);
        if (next <= now)
        {
            next = next.AddDays(1);
        }

        await this.RegisterOrUpdateReminder(ReminderName, next - now, TimeSpan.FromDays(1));
        state.State.TimeOfDay = localTimeOfDay;
        state.State.TimeZone = timeZone;
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Reminders may fire twice: one scheduled run per 12 hours is enough.
        if (reminderName == ReminderName && (state.State.LastRunAt is not { } last || time.GetUtcNow() - last > TimeSpan.FromHours(12)))
        {
            await RunAsync("scheduled");
        }
    }

    public async Task<PatrolReport> RunAsync(string trigger)
    {
        var started = time.GetUtcNow();
        var checks = new List<PatrolCheck>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        checks.Add(await Guard("database", () => probes.DatabaseAsync(timeout.Token)));
        checks.Add(await Guard("silos", async () =>
        {
            var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
            return new PatrolCheck("silos", hosts.Length > 0 ? PatrolStatus.Ok : PatrolStatus.Failed,
                Msg.Of("ops.patrol.detail.silos", ("count", hosts.Length), ("names", string.Join(", ", hosts.Select(h => h.SiloName)))));
        }));
        checks.Add(await Guard("scheduler", async () =>
        {
            var pulse = await GrainFactory.GetGrain<IClusterPulseGrain>(IClusterPulseGrain.DefaultKey).GetStatusAsync();
            var late = pulse.LastTickAt is not { } tick || started - tick > pulse.Period * 3;
            return new PatrolCheck("scheduler", late ? PatrolStatus.Warning : PatrolStatus.Ok,
                pulse.LastTickAt is { } t
                    ? Msg.Of("ops.patrol.detail.pulse", ("ticks", pulse.Ticks), ("last", t.ToString("O", CultureInfo.InvariantCulture)), ("period", pulse.Period))
                    : Msg.Of("ops.patrol.detail.noPulse"));
        }));
        var census = await GuardValue(() => probes.TerminalsAsync(started, timeout.Token));
        if (census is not null)
        {
            var share = census.Registered == 0 ? 0 : (double)census.Offline / census.Registered;
            checks.Add(new PatrolCheck("terminals", share > 0.2 || census.OfflineOverADay > 0 ? PatrolStatus.Warning : PatrolStatus.Ok,
                Msg.Of("ops.patrol.detail.terminals", ("registered", census.Registered), ("offline", census.Offline), ("share", (long)Math.Round(share * 100)),
                    ("overDay", census.OfflineOverADay))));
            checks.Add(new PatrolCheck("ingest", census.Stale > 0 ? PatrolStatus.Warning : PatrolStatus.Ok,
                census.Stale > 0 ? Msg.Of("ops.patrol.detail.stale", ("count", census.Stale))
                    : Msg.Of("ops.patrol.detail.healthCurrent")));
            checks.Add(new PatrolCheck("inspections", census.OverdueInspections > 0 ? PatrolStatus.Warning : PatrolStatus.Ok,
                Msg.Of("ops.patrol.detail.inspections", ("count", census.OverdueInspections))));
        }
        else
        {
            checks.Add(new PatrolCheck("terminals", PatrolStatus.Failed, Msg.Of("ops.patrol.detail.terminalsUnread")));
        }

        checks.Add(await Guard("security", async () =>
        {
            var alerts = await probes.SecurityAlertsSinceAsync(started - TimeSpan.FromDays(1), timeout.Token);
            return new PatrolCheck("security", alerts > 0 ? PatrolStatus.Warning : PatrolStatus.Ok, Msg.Of("ops.patrol.detail.security", ("count", alerts)));
        }));
        var presence = await GuardValue(() => GrainFactory.GetGrain<Terminals.IIngestPresenceGrain>(Terminals.IIngestPresenceGrain.Key).GetAsync());
        checks.Add(await Guard("web", async () =>
        {
            // Web instances are the cluster's clients other than the devices gateways. Every client keeps a connection to
            // the gateways it uses, so the busiest silo's count is the closest figure the cluster offers.
            var management = GrainFactory.GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true);
            var statistics = await management.GetRuntimeStatistics([.. hosts.Keys]);
            return PatrolFlows.Web(statistics.Length == 0 ? 0 : statistics.Max(s => s.ClientCount), presence?.GatewaysUp ?? 0);
        }));
        checks.Add(presence is null ? new PatrolCheck("gateways", PatrolStatus.Failed, Msg.Of("ops.patrol.detail.presenceUnread"))
            : PatrolFlows.Gateways(presence, started));
        checks.Add(await Guard("publishing", async () => PatrolFlows.Publishing(await flows.PublishingAsync(started, timeout.Token))));
        checks.Add(await Guard("feeds", async () => PatrolFlows.Feeds(await flows.FeedsAsync(started, timeout.Token))));
        checks.Add(await Guard("webhooks", async () => PatrolFlows.Webhooks(await flows.WebhookBacklogAsync(started, timeout.Token))));
        checks.Add(await Guard("collection", () => Intake.CollectionPatrol.CheckAsync(GrainFactory, started)));
        checks.Add(await Guard("dataQuality", async () => DataQualityCheck.Of(await governance.CountAsync(started, timeout.Token))));

        var status = checks.Max(c => c.Status);
        var report = new PatrolReport(0, started, time.GetUtcNow(), trigger, status, checks);
        try
        {
            report = report with { Id = await probes.StoreAsync(report, CancellationToken.None) };
            state.State.LastReportId = report.Id;
        }
        catch (Exception ex)
        {
            LogStoreFailed(logger, ex.Message);
        }

        await ReportIncidentsAsync(report);
        state.State.LastRunAt = started;
        await state.WriteStateAsync();
        return report;
    }

    /// <summary>Each failed or warning check opens (or counts on) the incident of that check: one open incident per check.</summary>
    private async Task ReportIncidentsAsync(PatrolReport report)
    {
        foreach (var check in report.Checks.Where(c => c.Status != PatrolStatus.Ok))
        {
            try
            {
                var source = check.Name switch
                {
                    "database" or "silos" or "web" or "gateways" => Incidents.IncidentSource.Application,
                    "publishing" or "feeds" => Incidents.IncidentSource.Publishing,
                    _ => Incidents.IncidentSource.Metric,
                };
                var severity = check.Status == PatrolStatus.Failed ? Incidents.IncidentSeverity.P2
                    : check.Name == "inspections" ? Incidents.IncidentSeverity.P4 : Incidents.IncidentSeverity.P3;
                var incident = new Incidents.IncidentReport("patrol:" + check.Name, source, severity,
                    Msg.Of("ops.patrol.incidentTitle", ("check", Msg.Of("ops.patrol.check." + check.Name)),
                        ("status", check.Status == PatrolStatus.Failed ? Msg.Of("ops.patrol.failed") : Msg.Of("ops.patrol.warning"))),
                    check.Detail, null, null, "patrol:" + check.Name, report.FinishedAt);
                await GrainFactory.GetGrain<Incidents.IIncidentDeskGrain>(incident.DedupKey)
                    .ReportAsync(incident, Incidents.IncidentActor.System, $"patrol:{report.StartedAt.UtcTicks}:{check.Name}");
            }
            catch (Exception ex)
            {
                LogStoreFailed(logger, $"incident for {check.Name}: {ex.Message}");
            }
        }
    }

    private static async Task<PatrolCheck> Guard(string name, Func<Task<PatrolCheck>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception ex)
        {
            return new PatrolCheck(name, PatrolStatus.Failed, Msg.Of("ops.patrol.detail.error", ("error", ex.Message)));
        }
    }

    private static async Task<T?> GuardValue<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The patrol report could not be stored: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string reason);
}
