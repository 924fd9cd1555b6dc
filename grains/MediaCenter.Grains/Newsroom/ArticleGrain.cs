using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using ArticlePipeline = MediaCenter.Grains.Workflow.CommandPipeline<MediaCenter.Grains.Newsroom.ArticleState, MediaCenter.Grains.Newsroom.ArticleStage,
    MediaCenter.Grains.Newsroom.ArticleCommandType, MediaCenter.Grains.Newsroom.NewsroomRole, MediaCenter.Grains.Newsroom.CommandResult>;

namespace MediaCenter.Grains.Newsroom;

/// <summary>An applied operation id and what it answered, so a repeat gets the first result.</summary>
[GenerateSerializer, Alias("mc.AppliedArticleOperation")]
public sealed record AppliedArticleOperation([property: Id(0)] string OperationId, [property: Id(1)] CommandResult Result);

/// <summary>Stored state of a story. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ArticleState")]
public sealed class ArticleState
{
    [Id(0)] public string? Channel { get; set; }
    [Id(1)] public ArticleStage Stage { get; set; }
    [Id(2)] public ArticleKind Kind { get; set; }
    [Id(3)] public string Title { get; set; } = "";
    [Id(4)] public string Angle { get; set; } = "";
    [Id(5)] public List<Material> Materials { get; set; } = [];
    [Id(6)] public Person? Author { get; set; }
    [Id(7)] public List<Person> Assignees { get; set; } = [];
    [Id(8)] public DateTimeOffset? DueAt { get; set; }
    [Id(9)] public int Progress { get; set; }
    [Id(10)] public string? ProgressNote { get; set; }
    [Id(11)] public DraftContent? Draft { get; set; }
    [Id(12)] public int DraftVersion { get; set; }
    [Id(13)] public int ReviewLevel { get; set; }
    [Id(14)] public int ReviewLevels { get; set; }
    [Id(15)] public DateTimeOffset? ScheduledAt { get; set; }
    [Id(16)] public List<PublishTarget> ScheduledTargets { get; set; } = [];
    [Id(17)] public List<TargetState> Targets { get; set; } = [];
    [Id(18)] public string? LastComment { get; set; }
    /// <summary>
    /// The timeline entries the event log may not hold yet (the last one at least): the timeline lives in the log, and the grain
    /// keeps only what it still owes it.
    /// </summary>
    [Id(19)] public List<ArticleHistoryEntry> History { get; set; } = [];
    [Id(20)] public long Version { get; set; }
    [Id(21)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(22)] public List<AppliedArticleOperation> Applied { get; set; } = [];

    /// <summary>The due time whose passing was already announced to the assignees and the chief (once per due time).</summary>
    [Id(23)] public DateTimeOffset? OverdueRemindedFor { get; set; }

    /// <summary>Everyone who saved a draft of the story (they never approve it).</summary>
    [Id(24)] public List<Guid> Drafters { get; set; } = [];

    /// <summary>Every approval given: who, at which review level (one person approves at most one level).</summary>
    [Id(25)] public List<KeyValuePair<Guid, int>> Approvals { get; set; } = [];

    /// <summary>Who saved the current draft version.</summary>
    [Id(26)] public Person? LastDraftBy { get; set; }

    /// <summary>True once <see cref="Drafters"/>, <see cref="Approvals"/> and <see cref="LastDraftBy"/> were taken from the whole timeline.</summary>
    [Id(27)] public bool FactsKept { get; set; }
}

/// <summary>
/// One story. Every command is checked against <see cref="ArticleWorkflow"/> (state, then role), validated,
/// applied, written, and only then acknowledged; the board and the read model follow. Publishing and
/// withdrawal reach the feeds' table before the acknowledgement, so an acknowledged publication is never
/// missing from a feed. A schedule is a reminder: it survives silo restarts.
/// </summary>
internal sealed partial class ArticleGrain(
    [PersistentState("article", StorageNames.Main)] IPersistentState<ArticleState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    INewsroomJournal journal,
    Incidents.IAlertCentreJournal alerts,
    Orleans.Serialization.DeepCopier<ArticleState> copier,
    Microsoft.Extensions.Options.IOptions<ReminderOptions> reminders,
    ILogger<ArticleGrain> logger) : Grain, IArticleGrain, IRemindable
{
    internal const string ScheduleReminder = "publish";
    internal const string DueReminder = "assignment-due";
    private static readonly ArticleStage[] AssignmentOpen = [ArticleStage.Assigned, ArticleStage.Drafting, ArticleStage.Rejected];
    private const int RememberedOperations = 50;
    private const int MaxTitle = 200;
    private const int MaxText = 4000;
    private const int MaxBody = 500_000;
    private const int MaxMaterials = 30;
    private const int MaxAssignees = 10;
    private ArticlePipeline? _pipeline;
    private bool _projectionBehind;

    /// <summary>The version this activation brought the read model and the feeds to before an answer (publishing), -1 when none.</summary>
    private long _projectedVersion = -1;
    private bool _reminderBehind;
    private bool _dueBehind;
    private readonly EventBacklog _events = new();

    /// <summary>Who was assigned before each assignment the log is still owed, by the version it made (this activation's only).</summary>
    private readonly Dictionary<long, IReadOnlyList<Person>> _assigneesBefore = [];

    private ArticleState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!S.FactsKept)
        {
            // A state written while the whole timeline was kept in it: what the rules need is taken from it once.
            foreach (var entry in S.History)
            {
                Remember(entry);
            }

            S.FactsKept = true;
        }

        if (S.Channel is not null)
        {
            // A write may have been acknowledged while the board, the read model or the reminder table was unreachable.
            Behind();
            await Pipeline.Announcer.RunAsync(cancellationToken);
        }
    }

    public Task<ArticleCard?> GetCardAsync() => Task.FromResult(S.Channel is null ? null : Card());

    public async Task<ArticleView?> GetAsync()
    {
        if (S.Channel is null)
        {
            return null;
        }

        var view = new ArticleView(Card(), S.Angle, S.Materials, S.Draft, S.ProgressNote, []);
        // The timeline is the event log's, with the entries the grain still owes it after the last one it holds.
        var logged = await journal.HistoryAsync(Id);
        var last = logged.Count > 0 ? logged[^1].Version : 0;
        return view with { History = [.. logged, .. S.History.Where(h => h.Version > last)] };
    }

    public Task<CommandResult> ExecuteAsync(ArticleCommand command, NewsroomActor actor, string operationId)
    {
        ArticleHistoryEntry? entry = null;
        return Pipeline.ExecuteAsync(new()
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => RolesOf(actor),
            Vet = _ => command.Type == ArticleCommandType.Approve ? ReviewConflict(actor) : null,
            Decide = async transition =>
            {
                var (result, written) = await DecideAsync(command, actor, transition);
                entry = written;
                return result;
            },
            AfterWrite = result => AfterWriteAsync(command, entry!),
        });
    }

    private ArticlePipeline Pipeline => _pipeline ??= CommandPipeline.For(this, state, new WorkflowSpec<ArticleState, ArticleStage, ArticleCommandType, NewsroomRole, CommandResult>
    {
        Table = ArticleWorkflow.Transitions,
        StageOf = s => s.Channel is null ? null : s.Stage,
        Operations = OperationMemory<ArticleState, CommandResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
            (id, result) => new AppliedArticleOperation(id, result), RememberedOperations),
        Copy = copier.Copy,
        IsApplied = r => r.Ok,
        Refuse = (refusal, message) => refusal switch
        {
            WorkflowRefusal.NotFound => new CommandResult(CommandOutcome.NotFound, message, null, [], null),
            WorkflowRefusal.IllegalMove => Refuse(CommandOutcome.IllegalMove, message),
            WorkflowRefusal.Forbidden => Refuse(CommandOutcome.Forbidden, message),
            _ => Refuse(CommandOutcome.Invalid, message),
        },
        RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.story"))),
        RoleHint = t => t.Roles == NewsroomRole.Reviewer ? Msg.Of("newsroom.reviewLevelHint", ("level", S.ReviewLevel), ("levelName", ArticleWorkflow.LevelName(S.ReviewLevel))) : "",
        // The caller does not wait for the event log, the read model or the board, which are already safe to derive
        // from the written state.
        Announce = CatchUpAsync,
        AnnounceTiming = AnnounceTiming.AfterAnswer,
        AnnounceFailed = ex => LogFollowFailed(logger, Id, "event log, board, read model or schedule", ex.Message),
        Reread = Behind,
    });

    /// <summary>Applies a move to the state; the pipeline writes it (or puts the state back on a refusal).</summary>
    private async Task<(CommandResult, ArticleHistoryEntry?)> DecideAsync(ArticleCommand command, NewsroomActor actor,
        Transition<ArticleStage, ArticleCommandType, NewsroomRole> transition)
    {
        var before = transition.From ?? ArticleStage.Pitched;
        var levelBefore = S.ReviewLevel;
        IReadOnlyList<Person>? assigneesBefore = command.Type == ArticleCommandType.Assign ? [.. S.Assignees] : null;
        var refusal = await ApplyAsync(command, actor, transition);
        if (refusal is not null)
        {
            return (refusal, null);
        }

        var now = time.GetUtcNow();
        S.Version++;
        if (assigneesBefore is not null)
        {
            _assigneesBefore[S.Version] = assigneesBefore;
        }

        S.UpdatedAt = now;
        // The level a review decision was taken at; for a submission, the level it now waits at.
        int? level = command.Type is ArticleCommandType.Approve or ArticleCommandType.Reject ? levelBefore
            : S.Stage == ArticleStage.InReview ? S.ReviewLevel : null;
        var entry = new ArticleHistoryEntry(S.Version, now, actor.Person, command.Type, before, S.Stage, command.Comment?.Trim() is { Length: > 0 } c ? c : null, level);
        S.History.Add(entry);
        Remember(entry);
        var card = Card();
        if (command.Type is ArticleCommandType.Publish or ArticleCommandType.FireSchedule or ArticleCommandType.Withdraw)
        {
            // The feeds must hold what is acknowledged: project first; a failure here refuses the command.
            await journal.ProjectAsync(card, S.Draft);
            _projectedVersion = card.Version;
        }

        return (new CommandResult(CommandOutcome.Applied, null, S.Stage, ArticleWorkflow.AllowedIn(S.Stage), card), entry);
    }

    /// <summary>What follows an acknowledged write before the answer: the schedule's reminder; then the event log, the read model and the board.</summary>
    private async Task AfterWriteAsync(ArticleCommand command, ArticleHistoryEntry entry)
    {
        _events.Owe(entry.Version);
        _projectionBehind = true;
        // Registered with the assignment; dropped once the assignment is handed in (or the story leaves the desk).
        if (command.Type == ArticleCommandType.Assign || (AssignmentOpen.Contains(entry.From) && !AssignmentOpen.Contains(S.Stage)))
        {
            try
            {
                await DueReminderAsync();
            }
            catch (Exception ex)
            {
                LogFollowFailed(logger, Id, "due reminder", ex.Message);
                _dueBehind = true;
            }
        }

        if (command.Type is ArticleCommandType.Schedule or ArticleCommandType.CancelSchedule or ArticleCommandType.Publish or ArticleCommandType.FireSchedule)
        {
            // Before the answer: an acknowledged schedule has its durable reminder. Should the reminder table be
            // unreachable, the state is already safe and the catch-up timer registers it.
            try
            {
                await ScheduleReminderAsync();
            }
            catch (Exception ex)
            {
                LogFollowFailed(logger, Id, "schedule reminder", ex.Message);
                _reminderBehind = true;
            }
        }
    }

    /// <summary>The stored state may hold moves this activation did not announce (on activation, or after reading it again).</summary>
    private void Behind()
    {
        _projectionBehind = true;
        _projectedVersion = -1;
        _reminderBehind = S.Stage == ArticleStage.Scheduled;
        _dueBehind = OverduePending;
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[^1].Version);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DueReminder)
        {
            await RemindOverdueAsync();
            return;
        }

        if (reminderName != ScheduleReminder)
        {
            return;
        }

        if (S.Stage != ArticleStage.Scheduled || S.ScheduledAt is not { } at)
        {
            await ScheduleReminderAsync();
            return;
        }

        if (time.GetUtcNow() < at)
        {
            return;
        }

        CommandResult result;
        try
        {
            result = await ExecuteAsync(new ArticleCommand.FireSchedule(), NewsroomActor.System,
                "schedule:" + at.ToUnixTimeMilliseconds());
        }
        catch (Exception ex)
        {
            // A publication that could not be written is a publishing failure: an incident, and the reminder tries again.
            await ReportPublishingFailureAsync(ex.Message);
            throw;
        }

        if (!result.Ok)
        {
            // A suspended channel: the reminder keeps ticking and publishes once the channel is reopened.
            LogScheduleHeld(logger, Id, MessageCatalog.Render(result.Message, Languages.English) ?? result.Outcome.ToString());
        }
    }

    private async Task ReportPublishingFailureAsync(string reason)
    {
        try
        {
            var report = new Incidents.IncidentReport($"article:{Id}:publish", Incidents.IncidentSource.Publishing, Incidents.IncidentSeverity.P2,
                Msg.Of("newsroom.scheduledPublishingFailed", ("title", S.Title)), reason, null, S.Channel, "article:" + Id, time.GetUtcNow());
            await GrainFactory.GetGrain<Incidents.IIncidentDeskGrain>(report.DedupKey)
                .ReportAsync(report, Incidents.IncidentActor.System, $"publish-failed:{Id}:{time.GetUtcNow().UtcTicks}");
        }
        catch (Exception ex)
        {
            LogFollowFailed(logger, Id, "incident desk", ex.Message);
        }
    }

    /// <summary>True while the assignment is open and its due time has not been announced as passed.</summary>
    private bool OverduePending => S.DueAt is { } due && AssignmentOpen.Contains(S.Stage) && S.OverdueRemindedFor != due;

    /// <summary>
    /// F6.3: once an open assignment's due time passes, its assignees and the channel's chiefs are told, once per due time
    /// (the announced due time is stored, so neither a reactivation nor a repeated tick tells them again).
    /// </summary>
    private async Task RemindOverdueAsync()
    {
        if (!OverduePending)
        {
            await DueReminderAsync();
            return;
        }

        var due = S.DueAt!.Value;
        var now = time.GetUtcNow();
        if (now < due)
        {
            return;
        }

        string title = Msg.Of("newsroom.overdueTitle", ("title", S.Title));
        string body = Msg.Of("newsroom.overdueBody", ("due", due.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            ("stage", S.Stage), ("assignees", Msg.List(S.Assignees.Select(a => (object?)a.Name))));
        var audiences = S.Assignees.Select(a => "user:" + a.Id.ToString("N")).Append("chief:" + S.Channel).Distinct(StringComparer.Ordinal);
        foreach (var audience in audiences)
        {
            // The id names the story, the due time and the audience: a tick repeated after a failed write stores nothing new.
            var id = $"article:{Id}:due:{due.UtcTicks}:{audience}";
            if (await alerts.NotifyAsync(new Incidents.AlertNotification(id, audience, "assignmentOverdue", null, title, body, now)))
            {
                // The assignee's open pages show it at once (their user group); the chiefs read it in the alert centre.
                await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, audience, "assignmentOverdue", null, null, null, title, body, now));
            }
        }

        S.OverdueRemindedFor = due;
        await state.WriteStateAsync();
        LogOverdue(logger, Id, due);
        await DueReminderAsync();
    }

    /// <summary>Keeps the due reminder registered exactly while an open assignment's passing has yet to be announced.</summary>
    private async Task DueReminderAsync()
    {
        if (OverduePending)
        {
            var due = S.DueAt!.Value - time.GetUtcNow();
            var period = reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
            await this.RegisterOrUpdateReminder(DueReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
        }
        else if (await this.GetReminder(DueReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private NewsroomRole RolesOf(NewsroomActor actor)
    {
        if (actor.UserId == Guid.Empty)
        {
            return NewsroomRole.System;
        }

        var roles = NewsroomRole.None;
        if (actor.Chief)
        {
            roles |= NewsroomRole.Chief;
        }

        if (actor.Editor)
        {
            roles |= NewsroomRole.Editor;
            if (S.Author?.Id == actor.UserId)
            {
                roles |= NewsroomRole.Author;
            }

            if (S.Assignees.Any(a => a.Id == actor.UserId))
            {
                roles |= NewsroomRole.Assignee;
            }
        }

        if (S.Stage == ArticleStage.InReview && actor.ReviewLevels.Contains(S.ReviewLevel))
        {
            roles |= NewsroomRole.Reviewer;
        }

        return roles;
    }

    /// <summary>What the rules need of a timeline entry, kept apart from the timeline (which the event log holds).</summary>
    private void Remember(ArticleHistoryEntry entry)
    {
        if (entry.Command == ArticleCommandType.SaveDraft)
        {
            if (!S.Drafters.Contains(entry.Actor.Id))
            {
                S.Drafters.Add(entry.Actor.Id);
            }

            S.LastDraftBy = entry.Actor;
        }
        else if (entry.Command == ArticleCommandType.Approve && entry.ReviewLevel is { } level
                 && !S.Approvals.Contains(new KeyValuePair<Guid, int>(entry.Actor.Id, level)))
        {
            S.Approvals.Add(new(entry.Actor.Id, level));
        }
    }

    /// <summary>
    /// 三审 means three different people (separation of duties): whoever wrote the story — its author, an assignee,
    /// anyone who saved a draft of it — never approves it, and one person approves at most one review level of it,
    /// whatever levels they hold and however many review rounds it goes through.
    /// </summary>
    private string? ReviewConflict(NewsroomActor actor)
    {
        if (S.Author?.Id == actor.UserId || S.Assignees.Any(a => a.Id == actor.UserId) || S.Drafters.Contains(actor.UserId))
        {
            return Msg.Of("newsroom.writerNeverApproves");
        }

        foreach (var (approver, level) in S.Approvals)
        {
            if (approver != actor.UserId || level == S.ReviewLevel)
            {
                continue;
            }

            return Msg.Of("newsroom.oneLevelPerPerson", ("approvedLevel", level), ("approvedLevelName", ArticleWorkflow.LevelName(level)),
                ("level", S.ReviewLevel), ("levelName", ArticleWorkflow.LevelName(S.ReviewLevel)));
        }

        return null;
    }

    private async Task<CommandResult?> ApplyAsync(ArticleCommand c, NewsroomActor actor, Transition<ArticleStage, ArticleCommandType, NewsroomRole> transition)
    {
        var now = time.GetUtcNow();
        switch (c)
        {
            case ArticleCommand.File file:
                if (string.IsNullOrWhiteSpace(file.Channel))
                {
                    return Invalid(Msg.Of("newsroom.channelRequired"));
                }

                if (PitchProblem(file, required: true) is { } filed)
                {
                    return Invalid(filed);
                }

                S.Channel = file.Channel;
                S.Author = actor.Person;
                S.Kind = file.Kind ?? ArticleKind.ImageText;
                TakePitch(file);
                break;

            case ArticleCommand.PitchCommand pitch:
                if (PitchProblem(pitch, required: false) is { } edited)
                {
                    return Invalid(edited);
                }

                TakePitch(pitch);
                if (pitch.Kind is { } kind)
                {
                    S.Kind = kind;
                }

                break;

            case ArticleCommand.ReturnPitch or ArticleCommand.Reject or ArticleCommand.Withdraw:
                if (string.IsNullOrWhiteSpace(c.Comment))
                {
                    return Invalid(Msg.Of("newsroom.reasonRequired"));
                }

                if (c.Comment.Length > MaxText)
                {
                    return Invalid(Msg.Of("newsroom.reasonTooLong", ("max", MaxText)));
                }

                break;

            case ArticleCommand.Assign assign:
                if (assign.Assignees is not { Count: > 0 } people || people.Count > MaxAssignees || people.Any(p => p.Id == Guid.Empty))
                {
                    return Invalid(Msg.Of("newsroom.assigneesCount", ("max", MaxAssignees)));
                }

                if (assign.DueAt is not { } due || due <= now)
                {
                    return Invalid(Msg.Of("newsroom.dueInFuture"));
                }

                S.Assignees = [.. people.DistinctBy(p => p.Id)];
                S.DueAt = due;
                break;

            case ArticleCommand.ReportProgress report:
                if (report.Progress is not (>= 0 and <= 100))
                {
                    return Invalid(Msg.Of("newsroom.progressRange"));
                }

                S.Progress = report.Progress.Value;
                S.ProgressNote = c.Comment?.Trim();
                break;

            case ArticleCommand.SaveDraft save:
                if (save.Draft is not { } draft)
                {
                    return Invalid(Msg.Of("newsroom.draftRequired"));
                }

                if (save.BaseVersion is null)
                {
                    return Invalid(Msg.Of("newsroom.baseVersionRequired"));
                }

                if (save.BaseVersion != S.DraftVersion)
                {
                    return Refuse(CommandOutcome.VersionConflict,
                        Msg.Of("newsroom.draftVersionConflict", ("by", S.LastDraftBy?.Name), ("version", S.DraftVersion), ("edited", save.BaseVersion)));
                }

                if (DraftProblem(draft) is { } bad)
                {
                    return Invalid(bad);
                }

                // The version is stored before it is acknowledged: the history of drafts is never shorter than the grain's.
                await journal.SaveDraftAsync(Id, S.DraftVersion + 1, draft, actor.Person, now);
                S.DraftVersion++;
                S.Draft = draft with
                {
                    MediaIds = draft.MediaIds.ToList(),
                    Interaction = draft.Interaction is { } poll ? poll with { Options = poll.Options.ToList() } : null,
                };
                S.Title = draft.Title;
                S.Kind = draft.Kind;
                break;

            case ArticleCommand.Submit:
                if (S.Draft is null)
                {
                    return Invalid(Msg.Of("newsroom.nothingToSubmit"));
                }

                S.ReviewLevels = (await Channel().GetPolicyAsync()).ReviewLevels;
                S.ReviewLevel = 1;
                S.LastComment = null;
                break;

            case ArticleCommand.Approve:
                if (S.ReviewLevel < S.ReviewLevels)
                {
                    S.Stage = ArticleStage.InReview;
                    S.ReviewLevel++;
                    return null;
                }

                S.Stage = ArticleStage.Approved;
                S.ReviewLevel = 0;
                return null;

            case ArticleCommand.Publish or ArticleCommand.Schedule or ArticleCommand.FireSchedule:
                var policy = await Channel().GetPolicyAsync();
                if (policy.IsOutOfService())
                {
                    return Refuse(CommandOutcome.ChannelSuspended,
                        Msg.Of("newsroom.suspendedRefusesPublishing", ("reason", policy.OutOfServiceReason())));
                }

                var asked = c switch
                {
                    ArticleCommand.Publish publish => publish.Targets,
                    ArticleCommand.Schedule schedule => schedule.Targets,
                    _ => S.ScheduledTargets,
                };
                var targets = c is ArticleCommand.FireSchedule ? S.ScheduledTargets : asked is { Count: > 0 } t ? [.. t.Distinct()] : policy.Targets;
                var disabled = targets.Where(t => !policy.Targets.Contains(t)).ToList();
                if (targets.Count == 0 || disabled.Count > 0)
                {
                    return Invalid(Msg.Of("newsroom.targetsNotEnabled", ("targets", Msg.List(disabled.Select(t => (object?)Msg.Of("newsroom.target." + t))))));
                }

                if (c is ArticleCommand.Schedule scheduled)
                {
                    if (scheduled.At is not { } at || at <= now)
                    {
                        return Invalid(Msg.Of("newsroom.scheduleInFuture"));
                    }

                    S.ScheduledAt = at;
                    S.ScheduledTargets = [.. targets];
                    break;
                }

                S.ScheduledAt = null;
                S.ScheduledTargets = [];
                S.Targets = [.. targets.Order().Select(t => new TargetState(t, now, null))];
                break;

            case ArticleCommand.CancelSchedule:
                S.ScheduledAt = null;
                S.ScheduledTargets = [];
                break;
        }

        if (c is ArticleCommand.ReturnPitch or ArticleCommand.Reject or ArticleCommand.Withdraw or ArticleCommand.Delete)
        {
            S.LastComment = c.Comment?.Trim();
        }

        if (c is ArticleCommand.Withdraw)
        {
            S.Targets = [.. S.Targets.Select(t => t with { WithdrawnAt = t.WithdrawnAt ?? now })];
        }

        if (c is ArticleCommand.Reject)
        {
            S.ReviewLevel = 0;
        }

        S.Stage = transition.To ?? S.Stage;
        return null;
    }

    private void TakePitch(ArticleCommand.PitchCommand c)
    {
        if (c.Title is { } title)
        {
            S.Title = title.Trim();
        }

        if (c.Angle is { } angle)
        {
            S.Angle = angle.Trim();
        }

        if (c.Materials is { } materials)
        {
            S.Materials = [.. materials.Select(m => m with { Text = m.Text.Trim(), Url = m.Url?.Trim() })];
        }
    }

    private static string? PitchProblem(ArticleCommand.PitchCommand c, bool required)
    {
        if ((required || c.Title is not null) && (string.IsNullOrWhiteSpace(c.Title) || c.Title.Trim().Length > MaxTitle))
        {
            return Msg.Of("newsroom.pitchTitleRequired", ("max", MaxTitle));
        }

        if (c.Angle is { Length: > MaxText })
        {
            return Msg.Of("newsroom.angleTooLong", ("max", MaxText));
        }

        if (c.Materials is { } materials)
        {
            if (materials.Count > MaxMaterials)
            {
                return Msg.Of("newsroom.tooManyMaterials", ("max", MaxMaterials));
            }

            foreach (var m in materials)
            {
                if (m.Text.Length > MaxText)
                {
                    return Msg.Of("newsroom.materialTextTooLong", ("max", MaxText));
                }

                switch (m.Kind)
                {
                    case MaterialKind.Note when string.IsNullOrWhiteSpace(m.Text):
                        return Msg.Of("newsroom.noteEmpty");
                    case MaterialKind.Link when !IsWebAddress(m.Url):
                        return Msg.Of("newsroom.linkNotWeb", ("url", m.Url));
                    case MaterialKind.File when m.MediaId is null:
                        return Msg.Of("newsroom.fileMaterialNeedsUpload");
                }
            }
        }

        return null;
    }

    private static string? DraftProblem(DraftContent d)
    {
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Length > MaxTitle)
        {
            return Msg.Of("newsroom.draftTitleRequired", ("max", MaxTitle));
        }

        if (d.BodyHtml.Length > MaxBody || d.Summary.Length > MaxText)
        {
            return Msg.Of("newsroom.bodyTooLong", ("maxBody", MaxBody), ("maxSummary", MaxText));
        }

        switch (d.Kind)
        {
            case ArticleKind.ImageText when string.IsNullOrWhiteSpace(d.BodyHtml):
                return Msg.Of("newsroom.imageTextNeedsBody");
            case ArticleKind.Video when d.MediaIds.Count == 0 && !IsWebAddress(d.VideoUrl):
                return Msg.Of("newsroom.videoNeedsMedia");
            case ArticleKind.Interactive when d.Interaction is not { } i || string.IsNullOrWhiteSpace(i.Question)
                || i.Options.Count is < 2 or > 10 || i.Options.Any(string.IsNullOrWhiteSpace):
                return Msg.Of("newsroom.interactiveNeedsOptions");
            default:
                return null;
        }
    }

    private static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private CommandResult Invalid(string message) => Refuse(CommandOutcome.Invalid, message);

    private CommandResult Refuse(CommandOutcome outcome, string message)
    {
        ArticleStage? stage = S.Channel is null ? null : S.Stage;
        return new CommandResult(outcome, message, stage, ArticleWorkflow.AllowedIn(stage), S.Channel is null ? null : Card());
    }

    private IChannelGrain Channel() => GrainFactory.GetGrain<IChannelGrain>(S.Channel!);

    private ArticleCard Card() => new(Id, S.Channel ?? "", S.Stage, S.Kind, S.Title, S.Author ?? new Person(Guid.Empty, ""), S.Assignees, S.DueAt,
        S.Progress, S.ReviewLevel, S.ReviewLevels, S.ScheduledAt, S.Targets, S.LastComment, S.DraftVersion, S.Version, S.UpdatedAt);

    private async Task ScheduleReminderAsync()
    {
        if (S.Stage == ArticleStage.Scheduled && S.ScheduledAt is { } at)
        {
            var due = at - time.GetUtcNow();
            // The period is the shortest the deployment allows: a schedule that fell due while no silo ran fires
            // at most one period after a silo takes it over.
            var period = reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
            await this.RegisterOrUpdateReminder(ScheduleReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
        }
        else if (await this.GetReminder(ScheduleReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Brings the event log, the reminder, the read model and the board up to the state; throws while any is unreachable.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_projectionBehind && !_reminderBehind && !_dueBehind && !_events.Pending)
        {
            return;
        }

        var card = Card();
        var owed = _events.Owed(S.History, h => h.Version);
        // A publication was projected before its answer: the follow-up has only its event to write, not the same rows again.
        var project = _projectionBehind && card.Version != _projectedVersion;
        if (owed.Count > 0 || project)
        {
            // The log's entries, the read model and the feeds in one transaction; the entry before each owed one and who was
            // assigned before are taken from what this activation still holds, so recording needs no read of the log.
            await journal.FollowAsync(card, [.. owed.Select(entry => new OwedArticleEntry(entry,
                S.History.LastOrDefault(h => h.Version == entry.Version - 1), _assigneesBefore.GetValueOrDefault(entry.Version)))],
                S.Draft, project, cancellationToken);
            _events.Settle();
            _assigneesBefore.Clear();
        }

        if (S.History.Count > 1)
        {
            // The log holds them now: the state keeps the last one only (the next write stores it so).
            S.History.RemoveRange(0, S.History.Count - 1);
        }

        if (_reminderBehind)
        {
            await ScheduleReminderAsync();
            _reminderBehind = false;
        }

        if (_dueBehind)
        {
            await DueReminderAsync();
            _dueBehind = false;
        }

        if (_projectionBehind)
        {
            await Channel().UpdateCardAsync(card);
            _projectionBehind = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Story {ArticleId}: could not update the {What} yet: {Reason}")]
    private static partial void LogFollowFailed(ILogger logger, string articleId, string what, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Story {ArticleId}: the assignees and the chief were told the assignment passed its due time {DueAt}")]
    private static partial void LogOverdue(ILogger logger, string articleId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Story {ArticleId}: scheduled publishing held: {Reason}")]
    private static partial void LogScheduleHeld(ILogger logger, string articleId, string reason);
}
