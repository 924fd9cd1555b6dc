using System.Globalization;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using IncidentPipeline = MediaCenter.Grains.Workflow.CommandPipeline<MediaCenter.Grains.Incidents.IncidentState, MediaCenter.Grains.Incidents.IncidentStage,
    MediaCenter.Grains.Incidents.IncidentCommandType, MediaCenter.Grains.Incidents.IncidentRole, MediaCenter.Grains.Incidents.IncidentResult>;

namespace MediaCenter.Grains.Incidents;

/// <summary>An applied operation id and its result.</summary>
[GenerateSerializer, Alias("mc.AppliedIncidentOperation")]
public sealed record AppliedIncidentOperation([property: Id(0)] string OperationId, [property: Id(1)] IncidentResult Result);

/// <summary>Stored state of an incident. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IncidentState")]
public sealed class IncidentState
{
    [Id(0)] public bool Reported { get; set; }
    [Id(1)] public IncidentStage Stage { get; set; }
    [Id(2)] public IncidentSeverity Severity { get; set; }
    [Id(3)] public IncidentSource Source { get; set; }
    [Id(4)] public string DedupKey { get; set; } = "";
    [Id(5)] public string Title { get; set; } = "";
    [Id(6)] public string Detail { get; set; } = "";
    [Id(7)] public string? PartyId { get; set; }
    [Id(8)] public string? Channel { get; set; }
    [Id(9)] public string? Subject { get; set; }
    [Id(10)] public DateTimeOffset ReportedAt { get; set; }
    [Id(11)] public DateTimeOffset? AcknowledgedAt { get; set; }
    [Id(12)] public DateTimeOffset? ResolvedAt { get; set; }
    [Id(13)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(14)] public int Occurrences { get; set; }
    [Id(15)] public DateTimeOffset LastOccurrenceAt { get; set; }
    [Id(16)] public int EscalationLevel { get; set; }
    [Id(17)] public DateTimeOffset? EscalatesAt { get; set; }
    [Id(18)] public string? SuspendedChannel { get; set; }
    [Id(19)] public RootCause? RootCause { get; set; }
    [Id(20)] public List<CorrectiveAction> Actions { get; set; } = [];
    [Id(21)] public string? Feedback { get; set; }
    [Id(22)] public List<FeedbackReceipt> FeedbackReads { get; set; } = [];
    [Id(23)] public string? PlanId { get; set; }
    [Id(24)] public int? PlanVersion { get; set; }
    [Id(25)] public string? Owner { get; set; }
    [Id(26)] public long Version { get; set; }
    [Id(27)] public List<IncidentTimelineEntry> Timeline { get; set; } = [];
    [Id(28)] public List<AppliedIncidentOperation> Applied { get; set; } = [];

    /// <summary>The outbox: notifications written with the state and removed once stored in the alert centre.</summary>
    [Id(29)] public List<IncidentNotification> Outbox { get; set; } = [];

    /// <summary>The member alerts this incident stands for; null for incidents of other sources.</summary>
    [Id(30)] public IncidentGroupState? Group { get; set; }
}

/// <summary>Stored state of a grouped incident's members. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IncidentGroupState")]
public sealed class IncidentGroupState
{
    [Id(0)] public string Key { get; set; } = "";
    [Id(1)] public string Region { get; set; } = "";
    [Id(2)] public string Kind { get; set; } = "";
    [Id(3)] public List<IncidentMember> Members { get; set; } = [];

    /// <summary>The party's application (接入应用) of the group; empty for groups opened before applications.</summary>
    [Id(50)] public string Application { get; set; } = "";

    /// <summary>When the latest member's alert started: the group window runs from here.</summary>
    [Id(4)] public DateTimeOffset LastStartAt { get; set; }

    /// <summary>When the last notification of the incident (the report or an update) went out.</summary>
    [Id(5)] public DateTimeOffset NotifiedAt { get; set; }

    /// <summary>When the pending update is due; null when nothing changed since the last notification.</summary>
    [Id(6)] public DateTimeOffset? UpdateDue { get; set; }

    /// <summary>When the last member came back (resolution proposed); null while any is out.</summary>
    [Id(7)] public DateTimeOffset? AllRecoveredAt { get; set; }
}

/// <summary>
/// One incident. Commands follow <see cref="IncidentWorkflow"/>; state is written before a command is acknowledged,
/// with the notifications it raises (an outbox, delivered to the alert centre and webhooks afterwards and again
/// after a restart until stored). While it waits for acknowledgement it escalates one on-call level per severity's
/// acknowledgement time: a timer on the grain clock, backed by a reminder so a restart cannot lose it.
/// </summary>
internal sealed partial class IncidentGrain(
    [PersistentState("incident", StorageNames.Main)] IPersistentState<IncidentState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IIncidentJournal journal,
    IOptions<IncidentOptions> options,
    IOptions<IncidentGroupingOptions> grouping,
    IOptions<ReminderOptions> reminders,
    Orleans.Serialization.DeepCopier<IncidentState> copier,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain, IRemindable
{
    internal const string EscalationReminder = "escalation";
    private const int RememberedOperations = 50;
    private const int MaxTimeline = 500;
    private static readonly TimeSpan MembershipAnnounceEvery = TimeSpan.FromMilliseconds(500);
    private IGrainTimer? _escalation;
    private IGrainTimer? _checkpoint;
    private IGrainTimer? _groupUpdate;
    private IGrainTimer? _deferredAnnounce;
    private bool _announceDeferred;
    private bool _announceNow;
    private IncidentCommandType? _lastCommand;
    private bool? _reminderOn;
    private IncidentPipeline? _pipeline;

    // The timeline line of the membership change being decided (set by JoinMember and RecoverMember).
    private string? _groupNote;
    private bool _occurrencesDirty;
    private bool _behind;

    private IncidentState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _escalation = this.RegisterGrainTimer(EscalateIfDueAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        _checkpoint = this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        _groupUpdate = this.RegisterGrainTimer(SendGroupUpdateIfDueAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        _deferredAnnounce = this.RegisterGrainTimer(AnnounceDeferredAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        ArmEscalation();
        ArmGroupUpdate();
        if (S.Reported)
        {
            _behind = true;
            await Pipeline.Announcer.RunAsync(cancellationToken);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_occurrencesDirty)
        {
            await CheckpointAsync(cancellationToken);
        }
    }

    public Task<IncidentSnapshot?> GetAsync() => Task.FromResult(S.Reported ? Snapshot() : null);

    public async Task<bool> RecurAsync(IncidentReport report)
    {
        if (!S.Reported || S.Stage == IncidentStage.Closed)
        {
            return false;
        }

        if (S.Stage is IncidentStage.Resolved or IncidentStage.RootCauseRecorded or IncidentStage.FeedbackSent)
        {
            await ExecuteAsync(new IncidentCommand.Reopen { Text = Msg.Of("incident.recurred", ("detail", report.Detail)) },
                IncidentActor.System, $"recur:{report.At.UtcTicks}");
        }

        S.Occurrences++;
        if (report.At > S.LastOccurrenceAt)
        {
            S.LastOccurrenceAt = report.At;
        }

        // Repeats are coalesced: the first report was written at once, the count is written on a cadence.
        if (!_occurrencesDirty)
        {
            _occurrencesDirty = true;
            _checkpoint?.Change(options.Value.OccurrenceCheckpoint, Timeout.InfiniteTimeSpan);
        }

        return true;
    }

    public Task<IncidentResult> ExecuteAsync(IncidentCommand command, IncidentActor actor, string operationId) =>
        Pipeline.ExecuteAsync(new()
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => RolesOf(command, actor),
            Decide = transition => DecideAsync(command, actor, transition),
            AfterWrite = _ => AfterWriteAsync(command.Type),
        });

    private IncidentPipeline Pipeline => _pipeline ??= CommandPipeline.For(this, state, new WorkflowSpec<IncidentState, IncidentStage, IncidentCommandType, IncidentRole, IncidentResult>
    {
        Table = IncidentWorkflow.Transitions,
        StageOf = s => s.Reported ? s.Stage : null,
        Operations = OperationMemory<IncidentState, IncidentResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
            (id, result) => new AppliedIncidentOperation(id, result), RememberedOperations),
        Copy = copier.Copy,
        IsApplied = r => r.Ok,
        Refuse = (refusal, message) => refusal switch
        {
            WorkflowRefusal.NotFound => new IncidentResult(IncidentOutcome.NotFound, message, null, [], 0),
            WorkflowRefusal.IllegalMove => Refuse(IncidentOutcome.IllegalMove, message),
            WorkflowRefusal.Forbidden => Refuse(IncidentOutcome.Forbidden, message),
            _ => Refuse(IncidentOutcome.Invalid, message),
        },
        RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        NotFoundMessage = Msg.Of("incident.notFound"),
        Announce = CatchUpAsync,
        AnnounceFailed = ex => LogCatchUpFailed(logger, Id, ex.Message),
        Reread = () => _behind = true,
    });

    /// <summary>The Party role is the affected party's: another party's users are nobody here, also when reporting.</summary>
    private IncidentRole RolesOf(IncidentCommand command, IncidentActor actor)
    {
        var roles = actor.Roles;
        var affected = S.Reported ? S.PartyId : (command as IncidentCommand.Report)?.Fault?.PartyId;
        if (affected is null || actor.PartyId != affected)
        {
            roles &= ~IncidentRole.Party;
        }

        return roles;
    }

    /// <summary>What follows a written command before the answer: escalation timer and reminder, the fault's desk, then the announcement.</summary>
    private async Task AfterWriteAsync(IncidentCommandType command)
    {
        // The write carried the coalesced occurrence count too.
        _occurrencesDirty = false;
        _lastCommand = command;
        _behind = true;
        ArmEscalation();
        ArmGroupUpdate();
        await EnsureReminderAsync();
        if (command == IncidentCommandType.Close)
        {
            await GrainFactory.GetGrain<IIncidentDeskGrain>(S.DedupKey).ReleaseAsync(Id);
        }
        else if (command == IncidentCommandType.Reopen)
        {
            // Reopened after closing: the fault's repeats belong to this incident again (unless a new one opened meanwhile).
            await GrainFactory.GetGrain<IIncidentDeskGrain>(S.DedupKey).ClaimAsync(Id);
        }
    }

    /// <summary>Applies a move to the state; the pipeline writes it (or puts the state back on a refusal).</summary>
    private async Task<IncidentResult> DecideAsync(IncidentCommand c, IncidentActor actor, Transition<IncidentStage, IncidentCommandType, IncidentRole> transition)
    {
        var before = transition.From ?? IncidentStage.Reported;
        var now = time.GetUtcNow();
        var notices = new List<(string Audience, string Kind, string Body)>();
        var text = c.Text?.Trim() is { Length: > 0 } t ? t : null;
        if (text is { Length: > 4000 })
        {
            return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.textTooLong", ("max", 4000)));
        }

        switch (c)
        {
            case IncidentCommand.Report report:
                if (report.Fault is not { } r || string.IsNullOrWhiteSpace(r.Title) || r.Title.Length > 200 || r.Detail.Length > 4000)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.titleRequired", ("max", 200)));
                }

                S.Reported = true;
                S.Severity = r.Severity;
                S.Source = r.Source;
                S.DedupKey = r.DedupKey;
                S.Title = r.Title.Trim();
                S.Detail = r.Detail.Trim();
                S.PartyId = r.PartyId;
                S.Channel = r.Channel;
                S.Subject = r.Subject;
                S.ReportedAt = now;
                S.Occurrences = 1;
                S.LastOccurrenceAt = r.At;
                S.EscalationLevel = 1;
                S.EscalatesAt = now + options.Value.AcknowledgeWithin(r.Severity);
                if (r.Member is { } opener && r.GroupKey is { } key)
                {
                    S.Group = new IncidentGroupState
                    {
                        Key = key,
                        Region = r.Region ?? "",
                        Application = r.Application ?? "",
                        Kind = key.Split('|')[0],
                        Members = [opener with { RecoveredAt = null }],
                        LastStartAt = opener.Since,
                        NotifiedAt = now,
                    };
                }

                notices.Add((OnCall.AudienceOf(1), "incident.reported", Msg.Of("incident.notice.withText", ("severity", r.Severity), ("title", S.Title), ("text", S.Detail))));
                notices.Add(("management", "incident.reported", Msg.Of("incident.notice.headline", ("severity", r.Severity), ("title", S.Title))));
                break;

            case IncidentCommand.Acknowledge:
                S.AcknowledgedAt = now;
                S.Owner = actor.Name;
                S.EscalatesAt = null;
                break;

            case IncidentCommand.Escalate:
                if (S.EscalationLevel < OnCall.Levels)
                {
                    S.EscalationLevel++;
                }

                S.EscalatesAt = now + options.Value.AcknowledgeWithin(S.Severity);
                notices.Add((OnCall.AudienceOf(S.EscalationLevel), "incident.escalated",
                    Msg.Of("incident.notice.escalated", ("level", S.EscalationLevel), ("severity", S.Severity), ("title", S.Title))));
                break;

            case IncidentCommand.SuspendService suspend:
                var channel = suspend.Channel ?? S.Channel;
                if (channel is null || text is null)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.channelAndReasonRequired"));
                }

                // The channel stops publishing and its feeds answer 503 before this is acknowledged.
                await GrainFactory.GetGrain<IChannelGrain>(channel).SetSuspendedAsync(true, Msg.Of("incident.suspensionReason", ("title", S.Title), ("reason", text)), $"{Id}:suspend:{S.Version}");
                S.SuspendedChannel = channel;
                notices.Add(("management", "incident.suspended", Msg.Of("incident.notice.suspended", ("channel", channel), ("reason", text))));
                break;

            case IncidentCommand.ResumeService:
                if (S.SuspendedChannel is not { } suspended)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.noServiceSuspended"));
                }

                if (text is null)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.verificationRequired"));
                }

                await GrainFactory.GetGrain<IChannelGrain>(suspended).SetSuspendedAsync(false, null, $"{Id}:resume:{S.Version}");
                S.SuspendedChannel = null;
                notices.Add(("management", "incident.resumed", Msg.Of("incident.notice.resumed", ("channel", suspended), ("note", text))));
                break;

            case IncidentCommand.Clear:
                S.ResolvedAt = now;
                S.EscalatesAt = null;
                notices.Add(("management", "incident.resolved", Msg.Of("incident.notice.cleared", ("title", S.Title), ("note", text))));
                break;

            case IncidentCommand.Resolve:
                if (S.SuspendedChannel is not null)
                {
                    return Refuse(IncidentOutcome.Invalid,
                        Msg.Of("incident.stillSuspended", ("channel", S.SuspendedChannel)));
                }

                S.ResolvedAt = now;
                notices.Add(("management", "incident.resolved", Msg.Of("incident.notice.resolved", ("title", S.Title))));
                break;

            case IncidentCommand.RecordRootCause recorded:
                if (recorded.RootCause is not { } cause || string.IsNullOrWhiteSpace(cause.Technical) || string.IsNullOrWhiteSpace(cause.Management))
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.rootCauseRequired"));
                }

                if (cause.Category is not { } category || !Enum.IsDefined(category))
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.rootCauseCategoryRequired",
                        ("categories", string.Join(", ", Enum.GetNames<RootCauseCategory>()))));
                }

                S.RootCause = new RootCause(cause.Technical.Trim(), cause.Management.Trim(), category);
                if (recorded.Action is { } first && AddAction(first, now) is { } bad)
                {
                    return Refuse(IncidentOutcome.Invalid, bad);
                }

                break;

            case IncidentCommand.UpdateAction update:
                if (update.Action is not { } action)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.actionRequired"));
                }

                if (AddAction(action, now) is { } problem)
                {
                    return Refuse(IncidentOutcome.Invalid, problem);
                }

                break;

            case IncidentCommand.SendFeedback:
                if (text is null)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.feedbackRequired"));
                }

                S.Feedback = text;
                S.FeedbackReads = [];
                notices.Add(("management", "incident.feedback", text));
                break;

            case IncidentCommand.ReadFeedback:
                if (S.FeedbackReads.All(r => r.UserId != actor.UserId))
                {
                    S.FeedbackReads.Add(new FeedbackReceipt(actor.UserId, actor.Name, now));
                }

                break;

            case IncidentCommand.Close:
                if (S.Actions.Any(a => a.DoneAt is null))
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.actionsOpen"));
                }

                S.ClosedAt = now;
                if (S.Group is { } closing)
                {
                    // Nobody is paged about the counts of a closed incident.
                    closing.UpdateDue = null;
                }

                break;

            case IncidentCommand.Reopen:
                S.ResolvedAt = null;
                S.ClosedAt = null;
                S.AcknowledgedAt = null;
                S.Owner = null;
                S.EscalationLevel = 1;
                S.EscalatesAt = now + options.Value.AcknowledgeWithin(S.Severity);
                notices.Add((OnCall.AudienceOf(1), "incident.reopened", Msg.Of("incident.notice.withText", ("severity", S.Severity), ("title", S.Title), ("text", text))));
                notices.Add(("management", "incident.reopened", Msg.Of("incident.notice.headline", ("severity", S.Severity), ("title", S.Title))));
                break;

            case IncidentCommand.SetSeverity set:
                if (set.Severity is not { } severity)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.severityRequired"));
                }

                S.Severity = severity;
                if (S.Stage == IncidentStage.Reported)
                {
                    S.EscalatesAt = now + options.Value.AcknowledgeWithin(severity);
                }

                break;

            case IncidentCommand.CitePlan cite:
                if (string.IsNullOrWhiteSpace(cite.PlanId) || cite.PlanVersion is not > 0)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.planRequired"));
                }

                S.PlanId = cite.PlanId;
                S.PlanVersion = cite.PlanVersion;
                break;

            case IncidentCommand.Comment:
                if (text is null)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.textRequired"));
                }

                break;

            case IncidentCommand.JoinGroup join:
                if (JoinMembers(join.All, now, notices) is { } notJoined)
                {
                    return Refuse(IncidentOutcome.Invalid, notJoined);
                }

                text = _groupNote;
                break;

            case IncidentCommand.MemberRecovered recovered:
                if (RecoverMembers(recovered.All, text, now, notices) is { } notRecovered)
                {
                    return Refuse(IncidentOutcome.Invalid, notRecovered);
                }

                text = _groupNote;
                break;

            case IncidentCommand.GroupUpdate:
                if (S.Group is null)
                {
                    return Refuse(IncidentOutcome.Invalid, Msg.Of("incident.notGrouped"));
                }

                SendGroupUpdate(now, notices);
                text = Msg.Of("incident.timeline.groupUpdate", ("counts", Counts(S.Group)));
                break;
        }

        // The affected access party is told of everything that concerns it.
        if (S.PartyId is { } party && notices.Count > 0)
        {
            notices.Add(($"party:{party}", notices[0].Kind, notices[0].Body));
        }

        S.Stage = transition.To ?? S.Stage;
        S.Version++;
        var entry = new IncidentTimelineEntry(S.Version, now, actor.Name, c.Type, before, S.Stage, text ?? ActionText(c));
        if (IsMembership(c.Type) && S.Group is { Members.Count: > 1 } && S.Timeline.Count > 0 && S.Timeline[^1].Command == c.Type)
        {
            // A storm's members are listed on the incident; the timeline keeps one running line per kind of membership change.
            S.Timeline[^1] = entry;
        }
        else
        {
            S.Timeline.Add(entry);
        }

        if (S.Timeline.Count > MaxTimeline)
        {
            S.Timeline.RemoveAt(0);
        }

        var digest = S.Group is { Members.Count: > 1 } ? Digest(S.Group) : null;
        foreach (var (audience, kind, body) in notices.DistinctBy(n => n.Audience))
        {
            S.Outbox.Add(new IncidentNotification($"{Id}:{S.Version}:{audience}", audience, kind, Id, S.PartyId, S.Severity, S.Title, body, now) { Group = digest });
        }

        return new IncidentResult(IncidentOutcome.Applied, null, S.Stage, IncidentWorkflow.AllowedIn(S.Stage), S.Version);
    }

    private static string? ActionText(IncidentCommand c) => c switch
    {
        IncidentCommand.RecordRootCause { RootCause: { } r } => Msg.Of("incident.timeline.rootCause",
            ("category", Msg.Of("incident.category." + (r.Category ?? RootCauseCategory.Unknown))), ("technical", r.Technical), ("management", r.Management)),
        IncidentCommand.UpdateAction { Action: { Number: 0 } a } => Msg.Of("incident.timeline.actionAdded", ("description", a.Description), ("owner", a.Owner), ("due", a.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        IncidentCommand.UpdateAction update => Msg.Of("incident.timeline.actionDone", ("number", update.Action?.Number)),
        IncidentCommand.SetSeverity set => set.Severity?.ToString(),
        IncidentCommand.CitePlan cite => Msg.Of("incident.timeline.planCited", ("plan", cite.PlanId), ("version", cite.PlanVersion)),
        IncidentCommand.SuspendService suspend => suspend.Channel,
        _ => null,
    };

    private string? AddAction(CorrectiveAction action, DateTimeOffset now)
    {
        if (action.Number == 0)
        {
            if (string.IsNullOrWhiteSpace(action.Description) || string.IsNullOrWhiteSpace(action.Owner))
            {
                return Msg.Of("incident.actionIncomplete");
            }

            S.Actions.Add(new CorrectiveAction(S.Actions.Count + 1, action.Description.Trim(), action.Owner.Trim(), action.Due, null));
            return null;
        }

        var index = S.Actions.FindIndex(a => a.Number == action.Number);
        if (index < 0)
        {
            return Msg.Of("incident.noSuchAction", ("number", action.Number));
        }

        S.Actions[index] = S.Actions[index] with { DoneAt = S.Actions[index].DoneAt ?? now };
        return null;
    }

    private IncidentResult Refuse(IncidentOutcome outcome, string message)
    {
        IncidentStage? stage = S.Reported ? S.Stage : null;
        return new IncidentResult(outcome, message, stage, IncidentWorkflow.AllowedIn(stage), S.Version);
    }

    private IncidentSnapshot Snapshot() => new(Id, S.Stage, S.Severity, S.Source, S.DedupKey, S.Title, S.Detail, S.PartyId, S.Channel, S.Subject,
        S.ReportedAt, S.AcknowledgedAt, S.ResolvedAt, S.ClosedAt, S.Occurrences, S.LastOccurrenceAt, S.EscalationLevel, S.EscalatesAt,
        S.SuspendedChannel, S.RootCause, S.Actions, S.Feedback, S.FeedbackReads, S.PlanId, S.PlanVersion, S.Owner, S.Version, S.Timeline)
    {
        Group = S.Group is { } g
            ? new IncidentGroupView(g.Key, g.Region, g.Kind, [.. g.Members], g.Members.Count(m => !m.Recovered), g.Members.Count(m => m.Recovered),
                g.AllRecoveredAt, g.UpdateDue)
            {
                Application = g.Application,
            }
            : null,
    };

    private static bool IsMembership(IncidentCommandType type) =>
        type is IncidentCommandType.JoinGroup or IncidentCommandType.MemberRecovered or IncidentCommandType.GroupUpdate;

    private static string Counts(IncidentGroupState g)
    {
        var active = g.Members.Count(m => !m.Recovered);
        return Msg.Of("incident.group.counts", ("total", g.Members.Count), ("kind", KindLabel(g.Kind)), ("active", active), ("back", g.Members.Count - active));
    }

    private static Msg KindLabel(string kind) => kind switch
    {
        "terminal.offline" => Msg.Of("incident.kind.offline"),
        "terminal.degraded" => Msg.Of("incident.kind.degraded"),
        _ => Msg.Of("incident.kind.other"),
    };

    private static string GroupTitle(IncidentGroupState g, string? partyId)
    {
        var where = g.Region.Length > 0 ? g.Region : partyId ?? "";
        return g.Application.Length == 0 || g.Application == Applications.ApplicationIds.DefaultCode
            ? Msg.Of("incident.group.title", ("where", where), ("count", g.Members.Count), ("kind", KindLabel(g.Kind)))
            : Msg.Of("incident.group.titleApplication", ("where", where), ("application", g.Application), ("count", g.Members.Count), ("kind", KindLabel(g.Kind)));
    }

    /// <summary>
    /// Adds (or brings back out) members; null when joined, else why not. A batch joins whole or not at all: the first member
    /// outside the group window refuses it, so the alert group can open that member's own incident.
    /// </summary>
    private string? JoinMembers(IReadOnlyList<IncidentMember> members, DateTimeOffset now, List<(string Audience, string Kind, string Body)> notices)
    {
        if (members.Count == 0 || members.Any(m => string.IsNullOrWhiteSpace(m.Id)))
        {
            return Msg.Of("incident.memberRequired");
        }

        if (S.Group is not { } g)
        {
            return Msg.Of("incident.notGrouped");
        }

        var settings = grouping.Value;
        var ordered = members.OrderBy(m => m.Since).DistinctBy(m => m.Id).ToList();
        var latest = g.LastStartAt;
        foreach (var member in ordered)
        {
            if (member.Since > latest + settings.Window && !g.Members.Exists(m => m.Id == member.Id))
            {
                return Msg.Of("incident.outsideWindow");
            }

            latest = member.Since > latest ? member.Since : latest;
        }

        var added = new List<IncidentMember>();
        var again = new List<IncidentMember>();
        foreach (var member in ordered)
        {
            var index = g.Members.FindIndex(m => m.Id == member.Id);
            if (index >= 0 && !g.Members[index].Recovered && g.Members[index].Since == member.Since)
            {
                // The same alert delivered again (a retried batch): it counts once.
                continue;
            }

            var joined = member with { RecoveredAt = null };
            if (index < 0)
            {
                g.Members.Add(joined);
                added.Add(member);
            }
            else
            {
                g.Members[index] = joined;
                again.Add(member);
            }

            g.LastStartAt = member.Since > g.LastStartAt ? member.Since : g.LastStartAt;
            S.Occurrences++;
            S.LastOccurrenceAt = member.Since > S.LastOccurrenceAt ? member.Since : S.LastOccurrenceAt;
        }

        if (added.Count + again.Count == 0)
        {
            _groupNote = Counts(g);
            return null;
        }

        g.AllRecoveredAt = null;
        object raised = "";
        if (g.Members.Count > 1)
        {
            S.Title = GroupTitle(g, S.PartyId);
            if (settings.SeverityFor(g.Members.Count) is { } target && target < S.Severity)
            {
                S.Severity = target;
                raised = Msg.Of("incident.group.raised", ("severity", target));
                if (S.Stage == IncidentStage.Reported)
                {
                    var sooner = now + options.Value.AcknowledgeWithin(target);
                    S.EscalatesAt = S.EscalatesAt is { } due && due < sooner ? due : sooner;
                }
            }

            QueueGroupUpdate(now, notices);
        }

        var who = (added.Count, again.Count) switch
        {
            (1, 0) => Msg.Of("incident.group.memberJoined", ("name", added[0].Name), ("id", added[0].Id)),
            (0, 1) => Msg.Of("incident.group.memberAgain", ("name", again[0].Name), ("id", again[0].Id)),
            (_, 0) => Msg.Of("incident.group.membersJoined", ("count", added.Count)),
            (0, _) => Msg.Of("incident.group.membersAgain", ("count", again.Count)),
            _ => Msg.Of("incident.group.membersJoinedAndAgain", ("joined", added.Count), ("again", again.Count)),
        };
        _groupNote = Msg.Of("incident.group.note", ("who", who), ("counts", Counts(g)), ("tail", raised));
        return null;
    }

    /// <summary>
    /// Marks members back; null when done, else why not. Every id must be a member (a batch is refused whole otherwise); members
    /// already back are left as they are, except that a single one already back is refused as before.
    /// </summary>
    private string? RecoverMembers(IReadOnlyList<string> memberIds, string? how, DateTimeOffset now, List<(string Audience, string Kind, string Body)> notices)
    {
        var indices = memberIds.Distinct().Select(id => S.Group?.Members.FindIndex(m => m.Id == id) ?? -1).ToList();
        if (S.Group is not { } g || indices.Count == 0 || indices.Any(i => i < 0))
        {
            return Msg.Of("incident.notMember");
        }

        var back = indices.Where(i => !g.Members[i].Recovered).ToList();
        if (back.Count == 0 && indices.Count == 1)
        {
            return Msg.Of("incident.alreadyBack");
        }

        if (back.Count == 0)
        {
            // A retried batch: nothing changes.
            _groupNote = Counts(g);
            return null;
        }

        foreach (var i in back)
        {
            g.Members[i] = g.Members[i] with { RecoveredAt = now };
        }

        var allBack = g.Members.All(m => m.Recovered);
        if (allBack)
        {
            g.AllRecoveredAt ??= now;
        }

        if (g.Members.Count == 1)
        {
            // A group of one reads as a single terminal always has.
            _groupNote = how;
            return null;
        }

        var who = back.Count == 1
            ? Msg.Of("incident.group.memberBack", ("name", g.Members[back[0]].Name), ("id", g.Members[back[0]].Id))
            : Msg.Of("incident.group.membersBack", ("count", back.Count));
        _groupNote = Msg.Of("incident.group.note", ("who", who), ("counts", Counts(g)), ("tail", allBack ? Msg.Of("incident.group.allBack") : ""));
        QueueGroupUpdate(now, notices);
        return null;
    }

    /// <summary>The counts go out now if the last notification is an interval old, else when it will be.</summary>
    private void QueueGroupUpdate(DateTimeOffset now, List<(string Audience, string Kind, string Body)> notices)
    {
        var g = S.Group!;
        var due = g.NotifiedAt + grouping.Value.UpdateInterval;
        if (now >= due)
        {
            SendGroupUpdate(now, notices);
        }
        else
        {
            g.UpdateDue = due;
        }
    }

    private void SendGroupUpdate(DateTimeOffset now, List<(string Audience, string Kind, string Body)> notices)
    {
        var g = S.Group!;
        string body = Msg.Of("incident.notice.groupUpdate", ("severity", S.Severity), ("title", S.Title), ("counts", Counts(g)),
            ("tail", g.AllRecoveredAt is not null ? Msg.Of("incident.group.allBack") : ""));
        notices.Add((OnCall.AudienceOf(S.EscalationLevel), "incident.group.updated", body));
        notices.Add(("management", "incident.group.updated", body));
        g.NotifiedAt = now;
        g.UpdateDue = null;
    }

    private IncidentGroupDigest Digest(IncidentGroupState g)
    {
        // Those still out come first: they are what the receiver has to act on.
        var listed = g.Members.OrderBy(m => m.Recovered).ThenBy(m => m.Since).Take(Math.Max(0, grouping.Value.MembersInNotification)).ToList();
        var active = g.Members.Count(m => !m.Recovered);
        return new IncidentGroupDigest(g.Region, g.Kind, g.Members.Count, active, g.Members.Count - active, g.AllRecoveredAt is not null, listed,
            $"/api/v1/incidents/{Uri.EscapeDataString(Id)}");
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == EscalationReminder)
        {
            await EscalateIfDueAsync(CancellationToken.None);
            await SendGroupUpdateIfDueAsync(CancellationToken.None);
            await EnsureReminderAsync();
        }
    }

    private async Task EscalateIfDueAsync(CancellationToken cancellationToken)
    {
        if (S.Reported && S.Stage == IncidentStage.Reported && S.EscalatesAt is { } due && time.GetUtcNow() >= due)
        {
            await ExecuteAsync(new IncidentCommand.Escalate(), IncidentActor.System, $"escalate:{due.UtcTicks}");
        }
    }

    private async Task AnnounceDeferredAsync(CancellationToken cancellationToken)
    {
        _announceDeferred = false;
        _announceNow = true;
        try
        {
            await Pipeline.Announcer.RunAsync(cancellationToken);
        }
        finally
        {
            _announceNow = false;
        }
    }

    private async Task SendGroupUpdateIfDueAsync(CancellationToken cancellationToken)
    {
        if (S.Reported && S.Group is { UpdateDue: { } due } && time.GetUtcNow() >= due && IncidentWorkflow.Find(S.Stage, IncidentCommandType.GroupUpdate) is not null)
        {
            await ExecuteAsync(new IncidentCommand.GroupUpdate(), IncidentActor.System, $"group-update:{due.UtcTicks}");
        }
    }

    private void ArmGroupUpdate()
    {
        if (S.Group is { UpdateDue: { } due })
        {
            var wait = due - time.GetUtcNow();
            _groupUpdate?.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _groupUpdate?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void ArmEscalation()
    {
        if (S.Reported && S.Stage == IncidentStage.Reported && S.EscalatesAt is { } due)
        {
            var wait = due - time.GetUtcNow();
            _escalation?.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _escalation?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// While it waits for acknowledgement, or holds a grouped update not yet sent, a reminder keeps the incident alive across
    /// restarts; afterwards none.
    /// </summary>
    private async Task EnsureReminderAsync()
    {
        var waiting = S.Reported && (S.Stage == IncidentStage.Reported || S.Group?.UpdateDue is not null);
        if (_reminderOn == waiting)
        {
            // Known for this activation: a storm's commands do not each read the reminder table.
            return;
        }

        var existing = await this.GetReminder(EscalationReminder);
        if (waiting && existing is null)
        {
            var period = reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
            await this.RegisterOrUpdateReminder(EscalationReminder, period, period);
        }
        else if (!waiting && existing is not null)
        {
            await this.UnregisterReminder(existing);
        }

        _reminderOn = waiting;
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_occurrencesDirty)
        {
            return;
        }

        _occurrencesDirty = false;
        await state.WriteStateAsync(cancellationToken);
        _behind = true;
        await Pipeline.Announcer.RunAsync(cancellationToken);
    }

    /// <summary>Delivers the outbox, the read model and the live boards; throws while they are unreachable (the pipeline retries on a timer).</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_behind && S.Outbox.Count == 0)
        {
            return;
        }

        if (!_announceNow && S.Outbox.Count == 0 && _lastCommand is { } last && IsMembership(last))
        {
            // A storm changes the incident per member: the read model and the boards follow at most every MembershipAnnounceEvery,
            // so the members queue at their group for the state write alone. Notifications are never held.
            if (!_announceDeferred)
            {
                _announceDeferred = true;
                _deferredAnnounce?.Change(MembershipAnnounceEvery, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        var snapshot = Snapshot();
        await journal.RecordAsync(snapshot, S.Timeline.Count > 0 ? S.Timeline[^1] : null, cancellationToken);
        var delivered = new List<IncidentNotification>();
        foreach (var notification in S.Outbox)
        {
            await journal.NotifyAsync(notification, cancellationToken);
            delivered.Add(notification);
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, NotificationRaised.Of(notification));
        }

        // Boards get the counts; the member list is read with the incident itself (a storm's list would swamp every board).
        await GrainFactory.PublishLiveAsync(LiveTopic.Incidents, new IncidentCardChanged(snapshot with
        {
            Timeline = [],
            Group = snapshot.Group is { } group ? group with { Members = [] } : null,
        }));

        _behind = false;
        if (delivered.Count > 0)
        {
            S.Outbox.RemoveAll(delivered.Contains);
            await state.WriteStateAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId}: could not deliver notifications or update the read model yet: {Reason}")]
    private static partial void LogCatchUpFailed(ILogger logger, string incidentId, string reason);
}
