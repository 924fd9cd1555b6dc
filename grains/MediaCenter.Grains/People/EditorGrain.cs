using MediaCenter.Grains.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace MediaCenter.Grains.People;

/// <summary>
/// One staff member's tasks and activity counters. Live: the article and incident people streams (implicit
/// subscriptions keyed by the user id). Whole: before every answer, on activation and every
/// <see cref="EditorOptions.CatchUpInterval"/> it reads the log from its checkpoint, applies what the streams did not
/// deliver and skips what they did; checkpoint, skip list and counters are one stored state, so every event counts exactly once.
/// </summary>
[ImplicitStreamSubscription(DomainStreams.ArticlePeople)]
[ImplicitStreamSubscription(DomainStreams.IncidentPeople)]
internal sealed partial class EditorGrain(
    [PersistentState("editor", StorageNames.Main)] IPersistentState<EditorState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IEventLogReader log,
    IOptions<EditorOptions> options,
    ILogger<EditorGrain> logger) : Grain, IEditorGrain, IStreamSubscriptionObserver, IAsyncObserver<DomainEvent>
{
    private const int Page = 500;

    // Live events wait in the skip list until the log is read past them; past this many, the next write reads it first.
    private const int AheadBound = 32;
    private static readonly string[] Domains = [DomainNames.Article, DomainNames.Incident];
    private TimeZoneInfo? _zone;
    private IGrainTimer? _write;
    private bool _writeArmed;
    private bool _dirty;

    private EditorState S => state.State;

    private Guid Me => this.GetPrimaryKey();

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An unreachable log does not keep the grain from taking live events; the timer and every read try again.
        await PeriodicCatchUpAsync(cancellationToken);
        this.RegisterGrainTimer(PeriodicCatchUpAsync, new GrainTimerCreationOptions(options.Value.CatchUpInterval, options.Value.CatchUpInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await WriteAsync(cancellationToken);
        }
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<DomainEvent>().ResumeAsync(this);

    public Task OnNextAsync(DomainEvent item, StreamSequenceToken? token = null)
    {
        // Below the checkpoint the log already supplied it; in the skip list it came live before.
        if (item.Position < S.Checkpoint || S.Ahead.Contains(item.Position))
        {
            return Task.CompletedTask;
        }

        EditorLedger.Apply(S, item, Me, Zone, live: true);
        S.Ahead.Add(item.Position);
        S.Live++;
        _dirty = true;
        if (!_writeArmed)
        {
            // Counted from the first unwritten event, so that a steady flow of events still gets written.
            _write ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _write.Change(options.Value.WriteDelay, Timeout.InfiniteTimeSpan);
            _writeArmed = true;
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, Me, ex.Message);
        return Task.CompletedTask;
    }

    public async Task<EditorActivity> GetActivityAsync(DateOnly from, DateOnly to)
    {
        await CatchUpAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var open = S.Tasks.Where(t => t.Open).Select(t => t.Task).OrderBy(t => t.DueAt ?? DateTimeOffset.MaxValue).ThenBy(t => t.Since).ToList();
        var assignments = open.Where(t => t.Kind == EditorTaskKind.Assignment).ToList();
        var workload = new EditorWorkload(open.Count, assignments.Count,
            assignments.Count(t => t.DueAt < now),
            assignments.Count(t => t.DueAt >= now && t.DueAt < now + TimeSpan.FromDays(1)));
        var days = S.Days.Where(d => d.Day >= from && d.Day <= to).ToList();
        var totals = days.Aggregate(EditorCounters.Zero, (sum, d) => sum.Plus(d.Counters));
        return new EditorActivity(Me, from, to, open, workload, days, totals, new EditorDelivery(S.Live, S.FromLog, S.Checkpoint));
    }

    private async Task PeriodicCatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CatchUpAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next round, or the next read, tries again from the same checkpoint.
            LogCatchUpFailed(logger, Me, ex.Message);
        }
    }

    /// <summary>Reads the log from the checkpoint to its settled end and applies what the streams did not deliver.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        EventLogPage page;
        var applied = 0;
        do
        {
            page = await log.ReadAsync(Me, Domains, S.Checkpoint, Page, cancellationToken);
            foreach (var e in page.Events)
            {
                if (!S.Ahead.Remove(e.Position))
                {
                    EditorLedger.Apply(S, e, Me, Zone, live: false);
                    S.FromLog++;
                    applied++;
                }
            }

            S.Checkpoint = page.Next;
        }
        while (page.Events.Count == Page);

        EditorLedger.Prune(S);
        if (applied > 0 || _dirty)
        {
            // Checkpoint and counters move together; without anything applied, an unwritten checkpoint is only re-read.
            await WriteAsync(cancellationToken);
        }
    }

    private Task FlushAsync(CancellationToken cancellationToken)
    {
        _writeArmed = false;
        return S.Ahead.Count >= AheadBound ? PeriodicCatchUpAsync(cancellationToken) : WriteAsync(cancellationToken);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            // What was applied since the last write is still in the log: start again from the stored state.
            await state.ReadStateAsync(cancellationToken);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Editor {UserId}: reading the event log back failed: {Reason}")]
    private static partial void LogCatchUpFailed(ILogger logger, Guid userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Editor {UserId}: stream error: {Reason}")]
    private static partial void LogStreamError(ILogger logger, Guid userId, string reason);
}
