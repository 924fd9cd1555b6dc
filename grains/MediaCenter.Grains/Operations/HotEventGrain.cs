using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using HotEventPipeline = MediaCenter.Grains.Workflow.CommandPipeline<MediaCenter.Grains.Operations.HotEventState, MediaCenter.Grains.Operations.HotEventStatus,
    MediaCenter.Grains.Operations.HotEventCommandType, MediaCenter.Grains.Operations.HotEventRole, MediaCenter.Grains.Operations.HotEventResult>;

namespace MediaCenter.Grains.Operations;

/// <summary>An applied operation id and what it answered, so a repeat gets the first result.</summary>
[GenerateSerializer, Alias("mc.AppliedHotEventOperation")]
public sealed record AppliedHotEventOperation([property: Id(0)] string OperationId, [property: Id(1)] HotEventResult Result);

/// <summary>Stored state of a hot event. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.HotEventState")]
public sealed class HotEventState
{
    [Id(0)] public string? PartyId { get; set; }
    [Id(1)] public HotEventStatus Status { get; set; }
    [Id(2)] public string Title { get; set; } = "";
    [Id(3)] public string Policy { get; set; } = "";
    [Id(4)] public DateTimeOffset StartsAt { get; set; }
    [Id(5)] public DateTimeOffset EndsAt { get; set; }
    [Id(6)] public double TrafficMultiple { get; set; } = 1;
    [Id(7)] public List<string> Channels { get; set; } = [];
    [Id(8)] public List<HotEventQa> Qa { get; set; } = [];
    [Id(9)] public HotEventPerson? RegisteredBy { get; set; }
    [Id(10)] public HotEventPerson? AcknowledgedBy { get; set; }
    [Id(11)] public string? LastComment { get; set; }
    [Id(12)] public List<HotEventHistoryEntry> History { get; set; } = [];
    [Id(13)] public long Version { get; set; }
    [Id(14)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(15)] public List<AppliedHotEventOperation> Applied { get; set; } = [];
}

/// <summary>
/// One hot event. Commands are checked against <see cref="HotEventWorkflow"/> (state, then role), validated,
/// applied, written, and only then acknowledged. The window opens and closes by itself: a grain timer on the
/// grains' clock fires at the exact moment, and a reminder (stored in PostgreSQL) is the durable backstop that
/// wakes the grain after a restart. Acknowledged and active events are tracked by <see cref="IHotModeGrain"/>.
/// </summary>
internal sealed partial class HotEventGrain(
    [PersistentState("hotEvent", StorageNames.Main)] IPersistentState<HotEventState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IHotEventJournal journal,
    Orleans.Serialization.DeepCopier<HotEventState> copier,
    Microsoft.Extensions.Options.IOptions<ReminderOptions> reminders,
    ILogger<HotEventGrain> logger) : Grain, IHotEventGrain, IRemindable
{
    internal const string WindowReminder = "hot-window";
    private const int RememberedOperations = 50;
    private const int MaxTitle = 200;
    private const int MaxPolicy = 8000;
    private const int MaxQuestion = 500;
    private const int MaxAnswer = 4000;
    private const int MaxQa = 200;
    private const int MaxChannels = 20;
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);
    private static readonly TimeSpan MaxLead = TimeSpan.FromDays(366);

    // Timers and reminders are armed at most this far ahead; when one fires early it is armed again.
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(20);

    private IGrainTimer? _window;
    private HotEventPipeline? _pipeline;
    private DateTimeOffset? _reminderFor;
    private bool _projectionBehind;
    private readonly EventBacklog _events = new();

    private HotEventState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _window = this.RegisterGrainTimer(OnWindowAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        if (S.PartyId is not null)
        {
            // A write may have been acknowledged while the read model or the hot-mode registry was unreachable,
            // and the window may have opened or closed while no silo watched it.
            _projectionBehind = true;
            if (S.History.Count > 0)
            {
                _events.Owe(S.History[^1].Version);
            }

            await Pipeline.Announcer.RunAsync(cancellationToken);
            await AdvanceAsync();
            if (!HotEventWorkflow.IsFinal(S.Status))
            {
                // A final event has nothing to arm; a reminder left behind removes itself when it fires.
                await ArmAsync(force: true);
            }
        }
    }

    public Task<HotEventView?> GetAsync() =>
        Task.FromResult(S.PartyId is null ? null : new HotEventView(Card(), S.Policy, S.Qa, S.History));

    public Task<HotEventScript?> GetScriptAsync() =>
        Task.FromResult(S.PartyId is not null && HotEventWorkflow.IsPublic(S.Status) && time.GetUtcNow() < S.EndsAt
            ? new HotEventScript(Id, S.Title, S.Policy, S.Status, S.StartsAt, S.EndsAt, S.Qa, S.Version)
            : null);

    public async Task<HotEventResult> ExecuteAsync(HotEventCommand command, HotEventActor actor, string operationId)
    {
        var result = await ExecuteOneAsync(command, actor, operationId);
        if (result.Ok && actor.Roles != HotEventRole.System)
        {
            // An acknowledgement after the window opened activates the event at once.
            if (await AdvanceAsync())
            {
                result = result with { Status = S.Status, AllowedMoves = HotEventWorkflow.AllowedIn(S.Status), Card = Card() };
            }

            await ArmAsync(force: false);
        }

        return result;
    }

    private Task<HotEventResult> ExecuteOneAsync(HotEventCommand command, HotEventActor actor, string operationId)
    {
        HotEventStatus? from = null;
        return Pipeline.ExecuteAsync(new()
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition =>
            {
                from = transition.From;
                return Task.FromResult(Decide(command, actor, transition));
            },
            AfterWrite = _ =>
            {
                LogChanged(logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Status.ToString());
                _events.Owe(S.Version);
                _projectionBehind = true;
                return Task.CompletedTask;
            },
        });
    }

    private HotEventPipeline Pipeline => _pipeline ??= CommandPipeline.For(this, state, new WorkflowSpec<HotEventState, HotEventStatus, HotEventCommandType, HotEventRole, HotEventResult>
    {
        Table = HotEventWorkflow.Transitions,
        StageOf = s => s.PartyId is null ? null : s.Status,
        Operations = OperationMemory<HotEventState, HotEventResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
            (id, result) => new AppliedHotEventOperation(id, result), RememberedOperations),
        Copy = copier.Copy,
        IsApplied = r => r.Ok,
        Refuse = (refusal, message) => refusal switch
        {
            WorkflowRefusal.NotFound => new HotEventResult(HotEventOutcome.NotFound, message, null, [], null),
            WorkflowRefusal.IllegalMove => Refuse(HotEventOutcome.IllegalMove, message),
            WorkflowRefusal.Forbidden => Refuse(HotEventOutcome.Forbidden, message),
            _ => Refuse(HotEventOutcome.Invalid, message),
        },
        // Validation may have changed fields before it refused: answer from the state as stored.
        RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        NotFoundMessage = Msg.Of("ops.hot.notFound"),
        Announce = CatchUpAsync,
        AnnounceFailed = ex => LogFollowFailed(logger, Id, "event log, read model or hot-mode registry", ex.Message),
        Reread = () => _projectionBehind = true,
    });

    /// <summary>Applies a move to the state; the pipeline writes it (or puts the state back on a refusal).</summary>
    private HotEventResult Decide(HotEventCommand command, HotEventActor actor, Transition<HotEventStatus, HotEventCommandType, HotEventRole> transition)
    {
        if (Apply(command, actor) is { } refusal)
        {
            return refusal;
        }

        var now = time.GetUtcNow();
        S.Status = transition.To ?? S.Status;
        S.Version++;
        S.UpdatedAt = now;
        S.History.Add(new HotEventHistoryEntry(S.Version, now, actor.Person, command.Type, transition.From, S.Status,
            command.Comment?.Trim() is { Length: > 0 } c ? c : null));
        return new HotEventResult(HotEventOutcome.Applied, null, S.Status, HotEventWorkflow.AllowedIn(S.Status), Card());
    }

    private HotEventResult? Apply(HotEventCommand c, HotEventActor actor)
    {
        var now = time.GetUtcNow();
        switch (c)
        {
            case HotEventCommand.Register register:
                if (string.IsNullOrWhiteSpace(register.PartyId))
                {
                    return Invalid(Msg.Of("ops.partyRequired"));
                }

                S.PartyId = register.PartyId;
                S.RegisteredBy = actor.Person;
                return TakeDetails(register, required: true, now);

            case HotEventCommand.Edit edit:
                S.AcknowledgedBy = null;
                return TakeDetails(edit, required: false, now);

            case HotEventCommand.UpdateScript script:
                if (script.Qa is null)
                {
                    return Invalid(Msg.Of("ops.hot.qaRequired"));
                }

                return TakeScript(script.Qa);

            case HotEventCommand.Acknowledge:
                S.AcknowledgedBy = actor.Person;
                S.LastComment = c.Comment?.Trim() is { Length: > 0 } note ? note : null;
                return null;

            case HotEventCommand.Cancel or HotEventCommand.Stop:
                if (string.IsNullOrWhiteSpace(c.Comment) || c.Comment.Length > MaxPolicy)
                {
                    return Invalid(Msg.Of("ops.reasonRequired"));
                }

                if (c is HotEventCommand.Cancel && now >= S.StartsAt)
                {
                    return Refuse(HotEventOutcome.IllegalMove, Msg.Of("ops.hot.windowOpened"));
                }

                S.LastComment = c.Comment.Trim();
                return null;

            default:
                // Start, End, Expire: the platform's own moves carry no arguments.
                return null;
        }
    }

    private HotEventResult? TakeDetails(HotEventCommand.DetailsCommand c, bool required, DateTimeOffset now)
    {
        if ((required || c.Title is not null) && (string.IsNullOrWhiteSpace(c.Title) || c.Title.Trim().Length > MaxTitle))
        {
            return Invalid(Msg.Of("ops.titleRequiredMax", ("max", MaxTitle)));
        }

        if ((required || c.Policy is not null) && (string.IsNullOrWhiteSpace(c.Policy) || c.Policy.Length > MaxPolicy))
        {
            return Invalid(Msg.Of("ops.hot.policyRequired", ("max", MaxPolicy)));
        }

        if (required && (c.StartsAt is null || c.EndsAt is null || c.Qa is null))
        {
            return Invalid(Msg.Of("ops.hot.windowRequired"));
        }

        // Stored in UTC (PostgreSQL's timestamptz takes UTC offsets only); clients may send any offset.
        var starts = (c.StartsAt ?? S.StartsAt).ToUniversalTime();
        var ends = (c.EndsAt ?? S.EndsAt).ToUniversalTime();
        if (starts <= now)
        {
            return Invalid(Msg.Of("ops.hot.windowInPast"));
        }

        if (ends <= starts || ends - starts > MaxWindow || starts - now > MaxLead)
        {
            return Invalid(Msg.Of("ops.hot.windowInvalid", ("days", (int)MaxWindow.TotalDays)));
        }

        var multiple = c.TrafficMultiple ?? (required ? 1 : S.TrafficMultiple);
        if (double.IsNaN(multiple) || multiple is < 1 or > 1000)
        {
            return Invalid(Msg.Of("ops.hot.trafficInvalid"));
        }

        if (c.Channels is { } channels)
        {
            var distinct = channels.Select(ch => ch.Trim()).Where(ch => ch.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count > MaxChannels || distinct.Count != channels.Count)
            {
                return Invalid(Msg.Of("ops.hot.channelsInvalid", ("max", MaxChannels)));
            }

            S.Channels = distinct;
        }

        if (c.Qa is { } qa && TakeScript(qa) is { } bad)
        {
            return bad;
        }

        if (c.Title is { } title)
        {
            S.Title = title.Trim();
        }

        if (c.Policy is { } policy)
        {
            S.Policy = policy.Trim();
        }

        S.StartsAt = starts;
        S.EndsAt = ends;
        S.TrafficMultiple = multiple;
        return null;
    }

    private HotEventResult? TakeScript(IReadOnlyList<HotEventQa> qa)
    {
        if (qa.Count is 0 or > MaxQa)
        {
            return Invalid(Msg.Of("ops.hot.qaCount", ("max", MaxQa)));
        }

        foreach (var pair in qa)
        {
            if (string.IsNullOrWhiteSpace(pair.Question) || pair.Question.Length > MaxQuestion
                || string.IsNullOrWhiteSpace(pair.Answer) || pair.Answer.Length > MaxAnswer)
            {
                return Invalid(Msg.Of("ops.hot.qaPair", ("question", MaxQuestion), ("answer", MaxAnswer)));
            }
        }

        S.Qa = qa.Select(p => new HotEventQa(p.Question.Trim(), p.Answer.Trim())).ToList();
        return null;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WindowReminder)
        {
            return;
        }

        _reminderFor = null;
        await AdvanceAsync();
        await ArmAsync(force: true);
    }

    private async Task OnWindowAsync(CancellationToken cancellationToken)
    {
        await AdvanceAsync();
        await ArmAsync(force: false);
    }

    /// <summary>Applies the platform's moves that are due now (start, end, expiry); true when any was applied.</summary>
    private async Task<bool> AdvanceAsync()
    {
        var any = false;
        while (S.PartyId is not null && Due() is { } due)
        {
            HotEventCommand move = due switch
            {
                HotEventCommandType.Start => new HotEventCommand.Start(),
                HotEventCommandType.End => new HotEventCommand.End(),
                _ => new HotEventCommand.Expire(),
            };
            var result = await ExecuteOneAsync(move, HotEventActor.System, $"system:{due}:{S.Version}");
            if (!result.Ok)
            {
                LogWindowHeld(logger, Id, due.ToString(), result.Message ?? result.Outcome.ToString());
                break;
            }

            any = true;
        }

        return any;
    }

    private HotEventCommandType? Due()
    {
        var now = time.GetUtcNow();
        return S.Status switch
        {
            HotEventStatus.Registered when now >= S.EndsAt => HotEventCommandType.Expire,
            HotEventStatus.Acknowledged when now >= S.EndsAt => HotEventCommandType.End,
            HotEventStatus.Acknowledged when now >= S.StartsAt => HotEventCommandType.Start,
            HotEventStatus.Active when now >= S.EndsAt => HotEventCommandType.End,
            _ => null,
        };
    }

    /// <summary>The next moment the event changes by itself, or null when it never will.</summary>
    private DateTimeOffset? NextMoment() => S.PartyId is null ? null : S.Status switch
    {
        HotEventStatus.Registered => S.EndsAt,
        HotEventStatus.Acknowledged => S.StartsAt,
        HotEventStatus.Active => S.EndsAt,
        _ => null,
    };

    /// <summary>Arms the timer for the next moment (exact, on the grains' clock) and the reminder (durable backstop).</summary>
    private async Task ArmAsync(bool force)
    {
        var next = NextMoment();
        var now = time.GetUtcNow();
        if (next is { } at)
        {
            var due = at - now;
            due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
            _window?.Change(due > MaxTimerDue ? MaxTimerDue : due, Timeout.InfiniteTimeSpan);
            if (due < TimeSpan.FromHours(2))
            {
                // Stay in memory until the moment, so the exact timer (not the reminder) is what fires.
                DelayDeactivation(due + TimeSpan.FromMinutes(1));
            }
        }
        else
        {
            _window?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (!force && _reminderFor == next)
        {
            return;
        }

        try
        {
            if (next is { } moment)
            {
                var due = moment - now;
                due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxReminderDue ? MaxReminderDue : due;
                // The period is the shortest the deployment allows: a moment that passed while no silo ran is caught
                // at most one period after a silo takes the reminder over.
                var period = reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
                await this.RegisterOrUpdateReminder(WindowReminder, due, period);
            }
            else if (await this.GetReminder(WindowReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderFor = next;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The timer still fires while this activation lives; the next command or tick tries again.
            LogFollowFailed(logger, Id, "reminder", ex.Message);
            _reminderFor = DateTimeOffset.MinValue;
        }
    }

    /// <summary>Brings the event log, the read model and the hot-mode registry up to the state; throws while any is unreachable.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_projectionBehind && !_events.Pending)
        {
            return;
        }

        var card = Card();
        await _events.AppendAsync(S.History, h => h.Version, entry => journal.RecordEventAsync(card, entry, cancellationToken));

        if (_projectionBehind)
        {
            await journal.ProjectAsync(card, cancellationToken);
            var mode = GrainFactory.GetGrain<IHotModeGrain>(0);
            if (HotEventWorkflow.IsPublic(S.Status))
            {
                await mode.TrackAsync(new HotModeEntry(Id, S.PartyId!, S.Title, S.Status, S.StartsAt, S.EndsAt, S.TrafficMultiple,
                    S.Channels.ToList(), S.Version));
            }
            else
            {
                await mode.ForgetAsync(Id, S.Version);
            }

            _projectionBehind = false;
            Announce(card);
        }
    }

    /// <summary>Tells boards (platform staff and the event's party) that the event changed; best-effort.</summary>
    private void Announce(HotEventCard card)
    {
        _ = GrainFactory.PublishLiveAsync(LiveTopic.Operations, new HotEventCardChanged(card));
    }

    private HotEventResult Invalid(string message) => Refuse(HotEventOutcome.Invalid, message);

    private HotEventResult Refuse(HotEventOutcome outcome, string message)
    {
        HotEventStatus? status = S.PartyId is null ? null : S.Status;
        return new HotEventResult(outcome, message, status, HotEventWorkflow.AllowedIn(status), S.PartyId is null ? null : Card());
    }

    private HotEventCard Card() => new(Id, S.PartyId ?? "", S.Title, S.Status, S.StartsAt, S.EndsAt, S.TrafficMultiple, S.Channels.ToList(), S.Qa.Count,
        S.RegisteredBy ?? new HotEventPerson(Guid.Empty, ""), S.AcknowledgedBy, S.LastComment, S.Version, S.UpdatedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot event {EventId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string eventId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hot event {EventId}: could not update the {What} yet: {Reason}")]
    private static partial void LogFollowFailed(ILogger logger, string eventId, string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hot event {EventId}: {Move} refused: {Reason}")]
    private static partial void LogWindowHeld(ILogger logger, string eventId, string move, string reason);
}
