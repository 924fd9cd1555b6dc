using System.Net;
using MediaCenter.Database;
using MediaCenter.Grains;
using MediaCenter.Grains.Platform;
using MediaCenter.Hosting;
using MediaCenter.Hosting.Outbound;
using MediaCenter.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace MediaCenter.Silo;

/// <summary>Composition of the silo: PostgreSQL clustering, grain storage and reminders, readiness.</summary>
public static class SiloHosting
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Adds the Orleans silo with MediaCenter's providers and settings.</summary>
    public static WebApplicationBuilder AddMediaCenterSilo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SiloSettings>().Bind(builder.Configuration.GetSection(SiloSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloSettings>, SiloSettingsValidator>();
        services.AddOptions<PulseSettings>().Bind(builder.Configuration.GetSection(PulseSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PulseSettings>, PulseSettingsValidator>();

        // A silo never starts on a database that is behind (or ahead of) this build.
        services.AddHostedService<SchemaGuard>();

        // Read here because it decides the composition; the validator above checks the pod's variables at start-up.
        var kubernetes = builder.Configuration.GetValue<bool>($"{SiloSettings.Section}:{nameof(SiloSettings.Kubernetes)}");

        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringSiloOptions> options) => options.Configure<IOptions<DatabaseSettings>>((o, db) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = db.Value.ConnectionString;
            }));
            silo.AddAdoNetGrainStorage(StorageNames.Main, (OptionsBuilder<AdoNetGrainStorageOptions> options) => options.Configure<IOptions<DatabaseSettings>>((o, db) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = db.Value.ConnectionString;
            }));
            silo.UseAdoNetReminderService((OptionsBuilder<AdoNetReminderTableOptions> options) => options.Configure<IOptions<DatabaseSettings>>((o, db) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = db.Value.ConnectionString;
            }));
            // Feeds the Orleans Dashboard that client-web serves to operators (/dashboard).
            silo.AddDashboard();
            // Domain events: live delivery in memory; what a silo loss drops, consumers read back from mc.event_log (docs/ARCHITECTURE.md).
            // Consumers subscribe implicitly (by namespace), so no pub-sub store is needed.
            silo.AddMemoryStreams(Grains.Events.DomainStreams.Provider, streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
            silo.AddStartupTask<StartClusterPulse>();
            silo.AddStartupTask<ScheduleDailyPatrol>();
            silo.AddStartupTask<ScheduleRetention>();
            silo.AddStartupTask<ScheduleIndicatorMonthClose>();
            silo.AddStartupTask<ScheduleReportArchive>();
            silo.AddStartupTask<SealWebhookSecrets>();
            var tls = ClusterTlsSettings.From(builder.Configuration);
            if (tls.Enabled)
            {
                // Silo-to-silo and client-to-silo connections: mutual TLS with the cluster's certificate (docs/SECURITY.md).
                silo.UseTls(tls.Apply);
            }

            if (kubernetes)
            {
                // Name, advertised address (POD_IP), listening on any address, cluster ids, and pods watched.
                silo.UseKubernetesHosting();
            }
        });

        services.AddOptions<ClusterOptions>().Configure<IOptions<ClusterSettings>>((o, c) =>
        {
            o.ClusterId = c.Value.ClusterId;
            o.ServiceId = c.Value.ServiceId;
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloSettings>>((o, s) =>
        {
            o.SiloPort = s.Value.Port;
            o.GatewayPort = s.Value.GatewayPort;
            if (kubernetes)
            {
                // Left unset on purpose: the Kubernetes hosting fills in the pod's address and listens on any address.
                return;
            }

            var address = IPAddress.Parse(s.Value.AdvertisedAddress);
            o.AdvertisedIPAddress = address;
            o.SiloListeningEndpoint = new IPEndPoint(address, s.Value.Port);
            o.GatewayListeningEndpoint = new IPEndPoint(address, s.Value.GatewayPort);
        });
        if (!kubernetes)
        {
            // In Kubernetes the Kubernetes hosting names the silo after its pod (POD_NAME).
            services.AddOptions<SiloOptions>().Configure<IOptions<SiloSettings>>((o, s) =>
            {
                o.SiloName = s.Value.Name ?? $"{Environment.MachineName}-{s.Value.Port}";
            });
        }

        // A silo that stops answering is suspected after two missed 2 s probes (Orleans' defaults: three of 5 s), and every silo
        // reads the membership table every 10 s (default 60 s), so the cluster stops routing to a dead silo within seconds;
        // docs/OPERATIONS.md (Supervision and recovery) has the measurements. Deployments can tune all of it (tests shorten it further).
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("ClusterTuning:Membership"));
        services.AddOptions<Orleans.Serialization.OrleansJsonSerializerOptions>()
            .PostConfigure<IOptions<SiloSettings>>((o, s) => GrainStateJson.Apply(o.JsonSerializerSettings, s.Value.CompactGrainState));
        services.Configure<ReminderOptions>(builder.Configuration.GetSection("ClusterTuning:Reminders"));

        services.AddSingleton<PostgresEventLog>();
        services.AddSingleton<Grains.Events.IEventLogReader>(sp => sp.GetRequiredService<PostgresEventLog>());
        services.AddOptions<Grains.People.EditorOptions>().Bind(builder.Configuration.GetSection(Grains.People.EditorOptions.Section));
        services.AddOptions<Grains.Terminals.TerminalOptions>().Bind(builder.Configuration.GetSection(Grains.Terminals.TerminalOptions.Section));
        services.AddSingleton<Grains.Terminals.ITerminalJournal, PostgresTerminalJournal>();
        services.AddSingleton<Grains.Terminals.ITerminalMetrics, PrometheusTerminalMetrics>();
        services.AddSingleton<Grains.Operations.IPatrolProbes, PostgresPatrolProbes>();
        services.AddSingleton<Grains.Operations.IPatrolFlowProbes, PostgresPatrolFlows>();
        services.AddSingleton<Grains.Operations.IDataGovernanceStore, PostgresDataGovernance>();
        services.AddSingleton<Grains.Newsroom.INewsroomJournal, PostgresNewsroomJournal>();
        services.AddSingleton<Grains.Operations.IHotEventJournal, PostgresHotEventJournal>();
        services.AddSingleton<Grains.Operations.IOperationsJournal, PostgresOperationsJournal>();
        services.AddOptions<Grains.Incidents.IncidentOptions>().Bind(builder.Configuration.GetSection(Grains.Incidents.IncidentOptions.Section));
        services.AddOptions<Grains.Incidents.IncidentGroupingOptions>().Bind(builder.Configuration.GetSection(Grains.Incidents.IncidentGroupingOptions.Section));
        services.AddSingleton<Grains.Incidents.IIncidentJournal, PostgresIncidentJournal>();
        services.AddSingleton<Grains.Incidents.IAlertCentreJournal, PostgresAlertCentreJournal>();
        // The key ring the web's sessions and personal data use: webhook secrets are sealed with it.
        services.AddMediaCenterDataProtection();
        services.AddSingleton<Grains.Incidents.IWebhookSecrets, DataProtectionWebhookSecrets>();
        services.AddSingleton<Grains.Incidents.IMaintenanceJournal, PostgresMaintenanceJournal>();
        services.AddSingleton<Grains.Newsroom.IMediaJournal, PostgresMediaJournal>();
        services.AddSingleton<Grains.People.IPeopleJournal, PostgresPeopleJournal>();
        services.AddSingleton<Grains.People.IAppraisalJournal, PostgresAppraisalJournal>();
        services.AddSingleton<Grains.Indicators.IIndicatorJournal, PostgresIndicatorJournal>();
        services.AddOptions<Grains.Indicators.IndicatorOptions>().Bind(builder.Configuration.GetSection(Grains.Indicators.IndicatorOptions.Section));
        services.AddOptions<Grains.Indicators.ReportArchiveOptions>().Bind(builder.Configuration.GetSection(Grains.Indicators.ReportArchiveOptions.Section))
            .Validate(o => o.CheckEvery >= TimeSpan.FromMinutes(1), "Reports:CheckEvery must be at least 00:01:00 (Orleans reminders run at most once a minute).")
            .ValidateOnStart();
        services.AddSingleton<MediaCenter.Reports.IndicatorReadModel>();
        services.AddSingleton<MediaCenter.Reports.ReportPack>();
        services.AddSingleton<Grains.Indicators.IReportArchive, PostgresReportArchive>();
        services.AddSingleton<Grains.Indicators.IReportExports, PostgresReportExports>();
        services.AddSingleton<Grains.Rectification.IRectificationJournal, PostgresRectificationJournal>();
        services.AddSingleton<Grains.Applications.IApplicationJournal, PostgresApplicationJournal>();
        services.AddOptions<Grains.People.StaffOptions>().Bind(builder.Configuration.GetSection(Grains.People.EditorOptions.Section))
            .Validate(o => o.CertificateReminderDays is >= 1 and <= 365, "People:CertificateReminderDays must be between 1 and 365 (days).")
            .Validate(o => o.RetrainingDueDays is >= 1 and <= 365, "People:RetrainingDueDays must be between 1 and 365 (days).")
            .Validate(o => o.ReviewEvery >= TimeSpan.FromMinutes(1), "People:ReviewEvery must be at least 00:01:00 (Orleans reminders run at most once a minute).")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "People:TimeZone must name a time zone of this machine (e.g. Asia/Shanghai).")
            .ValidateOnStart();
        services.AddSingleton<Grains.Tickets.ITicketJournal, PostgresTicketJournal>();
        services.AddSingleton<Grains.Supervision.ISupervisionJournal, PostgresSupervisionJournal>();
        services.AddSingleton<Grains.Evaluation.IEvaluationJournal, PostgresEvaluationJournal>();
        services.AddSingleton<Grains.Public.IPublicProfileJournal, PostgresPublicProfileJournal>();
        services.AddSingleton<Grains.Interactive.IInteractionJournal, PostgresInteractionJournal>();
        services.AddSingleton<IValidateOptions<Grains.Tickets.TicketOptions>, Hosting.Tickets.TicketOptionsValidator>();
        services.AddOptions<Grains.Tickets.TicketOptions>().Bind(builder.Configuration.GetSection(Grains.Tickets.TicketOptions.Section))
            .Validate(o => o.CheckEvery >= TimeSpan.FromMinutes(1), "Tickets:CheckEvery must be at least 00:01:00 (Orleans reminders run at most once a minute).")
            .ValidateOnStart();
        services.AddOptions<Grains.Newsroom.MediaOptions>().Bind(builder.Configuration.GetSection(Grains.Newsroom.MediaOptions.Section));
        services.AddOptions<WebhookSettings>().Bind(builder.Configuration.GetSection(WebhookSettings.Section));
        services.AddHttpClient(WebhookDispatcher.Client).UseOutboundGuard();
        services.AddHostedService<WebhookDispatcher>();
        MediaCenter.Hosting.Intake.IntakeHosting.AddWebIntake(services);
        services.AddHostedService<TerminalWatch>();
        services.AddHostedService<TerminalCensusMetric>();
        services.AddOptions<PatrolSettings>().Bind(builder.Configuration.GetSection(PatrolSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PatrolSettings>, PatrolSettingsValidator>();

        services.AddHealthChecks().AddCheck<SiloActiveHealthCheck>("silo", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }
}

/// <summary>Refuses to start the silo when the database schema is not the version this build needs.</summary>
/// <remarks>Checks in <c>StartingAsync</c>, which runs before any hosted service (Orleans included) starts.</remarks>
internal sealed partial class SchemaGuard(IOptions<DatabaseSettings> database, ILogger<SchemaGuard> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Migrator.EnsureCurrentAsync(database.Value.ConnectionString, cancellationToken);
        }
        catch (SchemaVersionException ex)
        {
            LogRefused(logger, ex.Message);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "The silo will not start: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

/// <summary>Ready when this silo is an active member of the cluster.</summary>
internal sealed class SiloActiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(local.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{local.Name} active; {active} active silo(s)")
            : HealthCheckResult.Unhealthy($"{local.Name} is {status}"));
    }
}

/// <summary>Makes sure the cluster pulse reminder exists once the silo is active.</summary>
internal sealed class StartClusterPulse(IGrainFactory grains, IOptions<PulseSettings> settings) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        grains.GetGrain<IClusterPulseGrain>(IClusterPulseGrain.DefaultKey).StartAsync(settings.Value.Period);
}

/// <summary>Makes sure the daily patrol is scheduled once the silo is active.</summary>
internal sealed class ScheduleDailyPatrol(IGrainFactory grains, IOptions<PatrolSettings> settings) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        grains.GetGrain<Grains.Operations.IPatrolGrain>(Grains.Operations.IPatrolGrain.DefaultKey).ScheduleAsync(settings.Value.TimeOfDay, settings.Value.TimeZone);
}

/// <summary>Makes sure the daily retention job is scheduled once the silo is active.</summary>
internal sealed class ScheduleRetention(IGrainFactory grains) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        grains.GetGrain<Grains.Operations.IRetentionGrain>(Grains.Operations.IRetentionGrain.DefaultKey).ScheduleAsync();
}

/// <summary>Makes sure the indicators' month close is scheduled once the silo is active.</summary>
internal sealed class ScheduleIndicatorMonthClose(IGrainFactory grains) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        grains.GetGrain<Grains.Indicators.IIndicatorMonthGrain>(Grains.Indicators.IIndicatorMonthGrain.DefaultKey).ScheduleAsync();
}

/// <summary>Makes sure the monthly report packs are scheduled once the silo is active.</summary>
internal sealed class ScheduleReportArchive(IGrainFactory grains) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        grains.GetGrain<Grains.Indicators.IReportArchiveGrain>(Grains.Indicators.IReportArchiveGrain.DefaultKey).ScheduleAsync();
}
