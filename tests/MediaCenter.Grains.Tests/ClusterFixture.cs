using System.Collections.Concurrent;
using MediaCenter.Grains;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Terminals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace MediaCenter.Grains.Tests;

/// <summary>
/// One in-process test cluster (in-memory storage and reminders) shared by every grain unit test.
/// Real PostgreSQL behaviour is proven in MediaCenter.IntegrationTests.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    /// <summary>The running test cluster.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Grain factory of the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>The clock grains see (and their timers run on); tests move it.</summary>
    public static FakeTimeProvider GrainClock { get; } = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    /// <summary>What the patrol reads, set by the tests.</summary>
    public static FakePatrolProbes Probes { get; } = new();

    /// <summary>The data-flow figures the patrol reads, set by the tests.</summary>
    public static MediaCenter.Grains.Tests.Operations.FakePatrolFlowProbes Flows { get; } = new();

    public static MediaCenter.Grains.Tests.Operations.FakeDataGovernanceStore Governance { get; } = new();

    /// <summary>What incident grains recorded and notified.</summary>
    public static RecordingIncidentJournal Incidents { get; } = new();

    /// <summary>What hot event grains recorded (timeline and read model).</summary>
    public static MediaCenter.Grains.Tests.Operations.RecordingHotEventJournal HotEvents { get; } = new();

    /// <summary>What plan, drill and campaign grains recorded, and the rows they load when their state is empty.</summary>
    public static MediaCenter.Grains.Tests.Operations.RecordingOperationsJournal Operations { get; } = new();

    /// <summary>What terminal grains recorded.</summary>
    public static RecordingTerminalJournal Journal { get; } = new();

    /// <summary>What terminal grains reported as applied.</summary>
    public static RecordingTerminalMetrics Metrics { get; } = new();

    /// <summary>What article grains stored: draft versions, timeline events, projected cards (the feeds' table).</summary>
    public static RecordingNewsroomJournal Newsroom { get; } = new();

    /// <summary>What webhook, inbox and article grains wrote to the alert centre.</summary>
    public static MediaCenter.Grains.Tests.Incidents.RecordingAlertCentreJournal AlertCentre { get; } = new();

    /// <summary>What maintenance window grains recorded.</summary>
    public static MediaCenter.Grains.Tests.Incidents.RecordingMaintenanceJournal Maintenance { get; } = new();

    /// <summary>What media grains stored.</summary>
    public static MediaCenter.Grains.Tests.Newsroom.RecordingMediaJournal Media { get; } = new();

    /// <summary>What feed sources and reprints fetch: answers scripted by the tests, requests recorded.</summary>
    public static MediaCenter.Grains.Tests.Intake.ScriptedWebIntake WebIntake { get; } = new();

    /// <summary>The event log editor grains read back from, written by the tests.</summary>
    public static MediaCenter.Grains.Tests.People.InMemoryEventLog EventLog { get; } = new();

    /// <summary>What staff grains recorded (read table and history).</summary>
    public static MediaCenter.Grains.Tests.People.RecordingPeopleJournal People { get; } = new();

    /// <summary>What appraisal grains recorded, and the figures they read (set by the tests).</summary>
    public static MediaCenter.Grains.Tests.People.RecordingAppraisalJournal Appraisals { get; } = new();

    /// <summary>What indicator, month and rectification grains recorded, and the measures they read (set by the tests).</summary>
    public static MediaCenter.Grains.Tests.Indicators.RecordingIndicatorJournal Indicators { get; } = new();

    public static MediaCenter.Grains.Tests.Indicators.RecordingReportArchive ReportArchive { get; } = new();

    /// <summary>The on-demand report packs the export grains keep and make.</summary>
    public static MediaCenter.Grains.Tests.Indicators.RecordingReportExports ReportExports { get; } = new();
    /// <summary>What ticket grains recorded (read table and history).</summary>
    public static MediaCenter.Grains.Tests.Tickets.RecordingTicketJournal Tickets { get; } = new();

    /// <summary>The supervision records and surveys every silo of the cluster writes to.</summary>
    public static MediaCenter.Grains.Tests.Supervision.RecordingSupervisionJournal Supervision { get; } = new();

    /// <summary>The evaluations every silo of the cluster writes to.</summary>
    public static MediaCenter.Grains.Tests.Evaluation.RecordingEvaluationJournal Evaluations { get; } = new();

    public static MediaCenter.Grains.Tests.Public.RecordingPublicProfileJournal PublicProfiles { get; } = new();

    /// <summary>What application grains recorded, and the channels and terminals the tests give each application.</summary>
    public static MediaCenter.Grains.Tests.Applications.RecordingApplicationJournal Applications { get; } = new();

    /// <summary>The interaction results and questions every silo of the cluster writes to.</summary>
    public static MediaCenter.Grains.Tests.Interactive.RecordingInteractionJournal Interactions { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    private const string HeldStorage = "main-memory";

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // Memory storage whose writes of a held incident wait, as its journal's do (a slow database under the grain's state).
            siloBuilder.AddMemoryGrainStorage(HeldStorage);
            siloBuilder.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(StorageNames.Main,
                (services, _) => new HoldingGrainStorage(services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(HeldStorage), Incidents));
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(200));
            siloBuilder.Services.AddSingleton(TimeProvider.System);
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, GrainClock);
            siloBuilder.Services.AddSingleton<ITerminalJournal>(Journal);
            siloBuilder.Services.AddSingleton<ITerminalMetrics>(Metrics);
            siloBuilder.Services.AddSingleton<INewsroomJournal>(Newsroom);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Incidents.IIncidentJournal>(Incidents);
            siloBuilder.Services.AddOptions<MediaCenter.Grains.Incidents.IncidentOptions>();
            siloBuilder.Services.AddOptions<MediaCenter.Grains.Incidents.IncidentGroupingOptions>();
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Operations.IPatrolProbes>(Probes);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Operations.IPatrolFlowProbes>(Flows);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Operations.IDataGovernanceStore>(Governance);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Operations.IHotEventJournal>(HotEvents);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Operations.IOperationsJournal>(Operations);
            siloBuilder.Services.AddOptions<TerminalOptions>();
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Incidents.IAlertCentreJournal>(AlertCentre);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Incidents.IWebhookSecrets, MediaCenter.Grains.Tests.Incidents.TestWebhookSecrets>();
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Incidents.IMaintenanceJournal>(Maintenance);
            siloBuilder.Services.AddSingleton<IMediaJournal>(Media);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Intake.IWebIntake>(WebIntake);
            siloBuilder.Services.AddOptions<MediaOptions>().Configure(o => o.MaxUploadBytes = 1024);
            siloBuilder.AddMemoryStreams(MediaCenter.Grains.Events.DomainStreams.Provider, s => s.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Events.IEventLogReader>(EventLog);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.People.IPeopleJournal>(People);
            siloBuilder.Services.AddOptions<MediaCenter.Grains.People.StaffOptions>();
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.People.IAppraisalJournal>(Appraisals);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Indicators.IIndicatorJournal>(Indicators);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Rectification.IRectificationJournal>(Indicators);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Indicators.IReportArchive>(ReportArchive);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Indicators.IReportExports>(ReportExports);
            siloBuilder.Services.AddOptions<MediaCenter.Grains.Indicators.IndicatorOptions>().Configure(o =>
            {
                o.FirstCheckAfter = TimeSpan.FromMilliseconds(200);
                o.CheckEvery = TimeSpan.FromMilliseconds(500);
            });
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Tickets.ITicketJournal>(Tickets);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Supervision.ISupervisionJournal>(Supervision);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Evaluation.IEvaluationJournal>(Evaluations);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Public.IPublicProfileJournal>(PublicProfiles);
            siloBuilder.Services.AddOptions<MediaCenter.Grains.Tickets.TicketOptions>();
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Applications.IApplicationJournal>(Applications);
            siloBuilder.Services.AddSingleton<MediaCenter.Grains.Interactive.IInteractionJournal>(Interactions);
        }
    }

    /// <summary>The tests publish domain events as the silo's event log would.</summary>
    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.AddMemoryStreams(MediaCenter.Grains.Events.DomainStreams.Provider);
    }
}

/// <summary>The collection every grain test class joins, so the cluster is deployed once.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "grain cluster";
}

/// <summary>Remembers every message terminal grains reported as applied, with the instant.</summary>
public sealed class RecordingTerminalMetrics : ITerminalMetrics
{
    private readonly ConcurrentQueue<(TerminalMessage Message, DateTimeOffset AppliedAt)> _applied = new();

    /// <summary>Messages of one terminal applied so far, in order.</summary>
    public IReadOnlyList<(TerminalMessage Message, DateTimeOffset AppliedAt)> AppliedOf(string terminalId) =>
        _applied.Where(a => a.Message.TerminalId == terminalId).ToList();

    public void Applied(TerminalMessage message, DateTimeOffset appliedAt) => _applied.Enqueue((message, appliedAt));
}

/// <summary>An in-memory terminal journal that remembers what was recorded.</summary>
public sealed class RecordingTerminalJournal : ITerminalJournal
{
    private readonly ConcurrentQueue<TerminalEvent> _events = new();

    /// <summary>Events recorded for one terminal, in order.</summary>
    public IReadOnlyList<TerminalEvent> EventsOf(string terminalId) => _events.Where(e => e.TerminalId == terminalId).ToList();

    public Task RecordStateAsync(TerminalSnapshot snapshot, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private readonly ConcurrentDictionary<(string, DateOnly), TerminalActivity> _activity = new();

    /// <summary>The last stored usage of a terminal on a day.</summary>
    public TerminalActivity? ActivityOf(string terminalId, DateOnly day) => _activity.GetValueOrDefault((terminalId, day));

    private readonly ConcurrentDictionary<(string, DateTimeOffset), TelemetryBucket> _telemetry = new();

    /// <summary>Stored telemetry buckets of a terminal, oldest first.</summary>
    public IReadOnlyList<TelemetryBucket> TelemetryOf(string terminalId) =>
        _telemetry.Values.Where(b => b.TerminalId == terminalId).OrderBy(b => b.Start).ToList();

    public Task RecordTelemetryAsync(TelemetryBucket bucket, CancellationToken cancellationToken = default)
    {
        _telemetry[(bucket.TerminalId, bucket.Start)] = bucket;
        return Task.CompletedTask;
    }

    public Task RecordActivityAsync(TerminalActivity activity, CancellationToken cancellationToken = default)
    {
        _activity[(activity.TerminalId, activity.Day)] = activity;
        return Task.CompletedTask;
    }

    public Task RecordEventAsync(TerminalEvent terminalEvent, CancellationToken cancellationToken = default)
    {
        _events.Enqueue(terminalEvent);
        return Task.CompletedTask;
    }

    private readonly ConcurrentQueue<TerminalInspected> _inspections = new();

    /// <summary>Inspections appended for one terminal, in order.</summary>
    public IReadOnlyList<TerminalInspected> InspectionsOf(string terminalId) => _inspections.Where(i => i.EntityId == terminalId).ToList();

    public Task RecordInspectionAsync(TerminalInspected inspection, CancellationToken cancellationToken = default)
    {
        _inspections.Enqueue(inspection);
        return Task.CompletedTask;
    }
}

/// <summary>
/// An in-memory newsroom journal: every draft version, every timeline event, and the latest projected card and
/// draft per story (the highest card version wins, like the version-guarded table). Projections can be made to
/// fail, to stand for a feeds' table that cannot be written.
/// </summary>
public sealed class RecordingNewsroomJournal : INewsroomJournal
{
    private readonly ConcurrentDictionary<(string ArticleId, int Version), StoredDraft> _drafts = new();
    private readonly ConcurrentQueue<(ArticleCard Card, ArticleHistoryEntry Entry)> _events = new();
    private readonly ConcurrentDictionary<string, Projection> _projections = new(StringComparer.Ordinal);

    /// <summary>When true, every projection throws (the read model and the feeds' table are unreachable).</summary>
    public bool FailProjections { get; set; }

    /// <summary>Stored draft versions of a story, oldest first.</summary>
    public IReadOnlyList<StoredDraft> DraftsOf(string articleId) =>
        [.. _drafts.Values.Where(d => d.ArticleId == articleId).OrderBy(d => d.Version)];

    /// <summary>Timeline entries recorded for a story, in order.</summary>
    public IReadOnlyList<ArticleHistoryEntry> EventsOf(string articleId) =>
        [.. _events.Where(e => e.Card.Id == articleId).Select(e => e.Entry)];

    /// <summary>The latest projected card and draft of a story, or null when none was projected.</summary>
    public Projection? ProjectionOf(string articleId) => _projections.GetValueOrDefault(articleId);

    private readonly ConcurrentQueue<(string ArticleId, long Version)> _projected = new();

    /// <summary>How many times a story's version was projected (before the answer or with its events).</summary>
    public int ProjectionsOf(string articleId, long version) => _projected.Count(p => p.ArticleId == articleId && p.Version == version);

    private readonly ConcurrentDictionary<(string Channel, string Operation), (long Number, string ArticleId)> _allocations = new();

    /// <summary>How many allocations a channel recorded.</summary>
    public int AllocationsOf(string channel) => _allocations.Keys.Count(k => k.Channel == channel);

    public Task<string> AllocateArticleIdAsync(string channel, string operationId, long number, string articleId, CancellationToken cancellationToken = default)
    {
        lock (_allocations)
        {
            if (_allocations.Any(a => a.Key.Channel == channel && a.Key.Operation != operationId && a.Value.Number == number))
            {
                throw new InvalidOperationException($"number {number} of {channel} is taken (unique, as in PostgreSQL)");
            }

            return Task.FromResult(_allocations.GetOrAdd((channel, operationId), (number, articleId)).ArticleId);
        }
    }

    public Task<long> LastArticleNumberAsync(string channel, CancellationToken cancellationToken = default) =>
        Task.FromResult(_allocations.Where(a => a.Key.Channel == channel).Select(a => a.Value.Number).DefaultIfEmpty(0).Max());

    public Task SaveDraftAsync(string articleId, int version, DraftContent draft, Person by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        // Idempotent per (story, version): a replay of a stored version changes nothing.
        _drafts.TryAdd((articleId, version), new StoredDraft(articleId, version, draft, by, at));
        return Task.CompletedTask;
    }

    private readonly ConcurrentQueue<(string ArticleId, OwedArticleEntry Owed)> _owed = new();

    /// <summary>The entries a story handed over with what it knew of the moment before each, in order.</summary>
    public IReadOnlyList<OwedArticleEntry> OwedOf(string articleId) => [.. _owed.Where(o => o.ArticleId == articleId).Select(o => o.Owed)];

    public Task FollowAsync(ArticleCard card, IReadOnlyList<OwedArticleEntry> owed, DraftContent? draft, bool project,
        CancellationToken cancellationToken = default)
    {
        // One transaction: nothing of it is kept when the projection cannot be written.
        if (project && FailProjections)
        {
            throw new InvalidOperationException("the feeds' table cannot be written (test)");
        }

        foreach (var entry in owed)
        {
            _events.Enqueue((card, entry.Entry));
            _owed.Enqueue((card.Id, entry));
        }

        return project ? ProjectAsync(card, draft, cancellationToken) : Task.CompletedTask;
    }

    public Task<IReadOnlyList<ArticleHistoryEntry>> HistoryAsync(string articleId, CancellationToken cancellationToken = default) =>
        // As the log holds them: one entry per version (a replay changes nothing), oldest first.
        Task.FromResult<IReadOnlyList<ArticleHistoryEntry>>(_events.Where(e => e.Card.Id == articleId).Select(e => e.Entry)
            .GroupBy(e => e.Version).Select(g => g.First()).OrderBy(e => e.Version).ToList());

    public Task<IReadOnlyList<ArticleCard>> BoardCardsAsync(string channel, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ArticleCard>>(_projections.Values.Where(p => p.Card.Channel == channel && p.Card.Stage != ArticleStage.Deleted)
            .Select(p => p.Card).ToList());

    public Task ProjectAsync(ArticleCard card, DraftContent? draft, CancellationToken cancellationToken = default)
    {
        if (FailProjections)
        {
            throw new InvalidOperationException("the feeds' table cannot be written (test)");
        }

        _projected.Enqueue((card.Id, card.Version));
        _projections.AddOrUpdate(card.Id, new Projection(card, draft),
            (_, known) => card.Version > known.Card.Version ? new Projection(card, draft) : known);
        return Task.CompletedTask;
    }

    /// <summary>A stored draft version.</summary>
    public sealed record StoredDraft(string ArticleId, int Version, DraftContent Content, Person By, DateTimeOffset At);

    /// <summary>What the read model and the feeds hold of a story.</summary>
    public sealed record Projection(ArticleCard Card, DraftContent? Draft);
}

/// <summary>Patrol probes whose answers the tests set.</summary>
public sealed class FakePatrolProbes : MediaCenter.Grains.Operations.IPatrolProbes
{
    public bool DatabaseDown { get; set; }
    public MediaCenter.Grains.Operations.TerminalCensus Census { get; set; } = new(10, 0, 0, 0, 0);
    public List<MediaCenter.Grains.Operations.PatrolReport> Stored { get; } = [];

    public Task<MediaCenter.Grains.Operations.PatrolCheck> DatabaseAsync(CancellationToken cancellationToken) =>
        DatabaseDown ? throw new InvalidOperationException("connection refused")
            : Task.FromResult(new MediaCenter.Grains.Operations.PatrolCheck("database", MediaCenter.Grains.Operations.PatrolStatus.Ok, "schema 7/7"));

    public Task<MediaCenter.Grains.Operations.TerminalCensus> TerminalsAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Census);

    public Task<long> SecurityAlertsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<long> StoreAsync(MediaCenter.Grains.Operations.PatrolReport report, CancellationToken cancellationToken)
    {
        lock (Stored)
        {
            Stored.Add(report);
            return Task.FromResult((long)Stored.Count);
        }
    }
}

/// <summary>The grain storage of the test cluster: memory storage whose state writes wait while the grain's key is held by the incident journal.</summary>
/// <remarks>It also counts the state writes of every grain (<see cref="WritesOf"/>).</remarks>
public sealed class HoldingGrainStorage(Orleans.Storage.IGrainStorage inner, RecordingIncidentJournal holds) : Orleans.Storage.IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, int> Writes = new();

    /// <summary>How many times a grain's state was written in this test run.</summary>
    public static int WritesOf(GrainId grain) => Writes.GetValueOrDefault(grain);

    private static readonly ConcurrentDictionary<GrainId, object> Stored = new();

    /// <summary>Stores a state as an earlier build wrote it: the grain's first read finds it.</summary>
    public static void Store<T>(GrainId grain, T state) where T : class => Stored[grain] = state;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Stored.TryRemove(grainId, out var stored))
        {
            grainState.State = (T)stored;
            grainState.RecordExists = true;
            grainState.ETag = null;
            await inner.WriteStateAsync(stateName, grainId, grainState);
            return;
        }

        await inner.ReadStateAsync(stateName, grainId, grainState);
    }

    private static readonly ConcurrentDictionary<GrainId, ArticleState> Articles = new();

    private static readonly ConcurrentDictionary<GrainId, ChannelState> Channels = new();

    /// <summary>A channel's state as last written (the same object the grain holds, so read it between calls), or null.</summary>
    public static ChannelState? WrittenChannel(GrainId grain) => Channels.GetValueOrDefault(grain);

    /// <summary>A story's state as last written (a copy), or null.</summary>
    public static ArticleState? WrittenArticle(GrainId grain) => Articles.GetValueOrDefault(grain);

    private static int _failNextIncidentWrite;

    /// <summary>The next state write of an incident fails (its silo lost before the state was stored).</summary>
    public static void FailNextIncidentWrite() => Interlocked.Exchange(ref _failNextIncidentWrite, 1);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is MediaCenter.Grains.Incidents.IncidentState && Interlocked.Exchange(ref _failNextIncidentWrite, 0) == 1)
        {
            throw new InvalidOperationException("the incident's state could not be written (test)");
        }

        Writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        if (grainState.State is ChannelState channel)
        {
            Channels[grainId] = channel;
        }

        if (grainState.State is ArticleState article)
        {
            Articles[grainId] = System.Text.Json.JsonSerializer.Deserialize<ArticleState>(System.Text.Json.JsonSerializer.Serialize(article))!;
        }
        if (holds.HoldOf(grainId.Key.ToString()!) is { } hold)
        {
            await hold;
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>An in-memory incident journal: the latest snapshot per incident and every notification, in order.</summary>
public sealed class RecordingIncidentJournal : MediaCenter.Grains.Incidents.IIncidentJournal
{
    private readonly ConcurrentDictionary<string, MediaCenter.Grains.Incidents.IncidentSnapshot> _snapshots = new();
    private readonly ConcurrentQueue<MediaCenter.Grains.Incidents.IncidentNotification> _notifications = new();

    /// <summary>When set, notifying fails (the alert centre is unreachable).</summary>
    public bool FailNotifications { get; set; }

    /// <summary>The latest recorded snapshot of an incident.</summary>
    public MediaCenter.Grains.Incidents.IncidentSnapshot? SnapshotOf(string id) => _snapshots.GetValueOrDefault(id);

    /// <summary>Notifications of one incident, in order.</summary>
    public IReadOnlyList<MediaCenter.Grains.Incidents.IncidentNotification> NotificationsOf(string id) => _notifications.Where(n => n.IncidentId == id).ToList();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();

    /// <summary>
    /// Holds every write of an incident, to its read model here and of its grain state (<see cref="HoldingGrainStorage"/>), until
    /// <see cref="Release"/> (a slow database, for as long as a test needs).
    /// </summary>
    public void Hold(string incidentId) => _holds.GetOrAdd(incidentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The hold on an incident's writes, or null.</summary>
    internal Task? HoldOf(string incidentId) => _holds.TryGetValue(incidentId, out var hold) ? hold.Task : null;

    /// <summary>Lets the held writes of an incident through.</summary>
    public void Release(string incidentId)
    {
        if (_holds.TryRemove(incidentId, out var hold))
        {
            hold.TrySetResult();
        }
    }

    public async Task RecordAsync(MediaCenter.Grains.Incidents.IncidentSnapshot snapshot, MediaCenter.Grains.Incidents.IncidentTimelineEntry? entry,
        CancellationToken cancellationToken = default)
    {
        if (_holds.TryGetValue(snapshot.Id, out var hold))
        {
            await hold.Task;
        }

        _snapshots.AddOrUpdate(snapshot.Id, snapshot, (_, old) => old.Version > snapshot.Version ? old : snapshot);
    }

    public Task NotifyAsync(MediaCenter.Grains.Incidents.IncidentNotification notification, CancellationToken cancellationToken = default)
    {
        if (FailNotifications)
        {
            throw new InvalidOperationException("the alert centre is unreachable");
        }

        if (_notifications.All(n => n.Id != notification.Id))
        {
            _notifications.Enqueue(notification);
        }

        return Task.CompletedTask;
    }
}
