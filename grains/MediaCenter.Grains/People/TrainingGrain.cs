using System.Globalization;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.People;

/// <summary>A pass of a plan's training by a person, on the day its session closed (the cadence counts from it).</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingPass")]
public sealed record TrainingPass([property: Id(0)] string PersonId, [property: Id(1)] string PlanId, [property: Id(2)] DateOnly On);

/// <summary>A closed session's result still to be written onto an attendee's staff record.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingToRecord")]
public sealed record TrainingToRecord(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string PersonId,
    [property: Id(2)] TrainingKind Kind,
    [property: Id(3)] string Title,
    [property: Id(4)] DateOnly CompletedOn,
    [property: Id(5)] int Score,
    [property: Id(6)] int PassMark,
    [property: Id(7)] Guid ActorId,
    [property: Id(8)] string Actor);

/// <summary>Stored state of an organisation's training. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.TrainingGrainState")]
public sealed class TrainingGrainState
{
    [Id(0)] public List<TrainingPlan> Plans { get; set; } = [];
    [Id(1)] public List<TrainingSession> Sessions { get; set; } = [];
    [Id(2)] public List<TrainingObligation> Obligations { get; set; } = [];

    /// <summary>The latest form of each staff record of the organisation, by person id.</summary>
    [Id(3)] public Dictionary<string, TrainingPerson> People { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest pass of each (person, plan).</summary>
    [Id(4)] public List<TrainingPass> Passes { get; set; } = [];

    /// <summary>Results of closed sessions the staff records have not taken yet.</summary>
    [Id(5)] public List<TrainingToRecord> ToRecord { get; set; } = [];

    /// <summary>Grows with every change; each plan, session and obligation carries the value of its last change (the read tables' guard).</summary>
    [Id(6)] public long Version { get; set; }

    [Id(7)] public List<AppliedOperation<TrainingResult>> Applied { get; set; } = [];
}

/// <summary>
/// An organisation's training (人员培训, F8.2). Plan and session commands run through two command pipelines over one state
/// (each table judges the plan or session the command names), so a closing session fulfils the obligations it meets in
/// the same write. After each write the read tables and the live page follow, and each pass is written onto the
/// attendee's staff record, where the role gate reads it (§8.1.5.4).
/// </summary>
internal sealed partial class TrainingGrain : Grain, ITrainingGrain, IRemindable
{
    private const string ReviewReminder = "training-review";
    private const string KindOverdue = "trainingOverdue";
    private const int MaxText = 200;
    private const int MaxLink = 500;
    private const int MaxSkills = 30;
    private const int MaxMaterials = 20;
    private const int MaxPlans = 200;
    private const int MaxSessions = 1000;
    private const int MaxAttendees = 500;
    private const int MaxClosedObligations = 2000;
    private const int DefaultPassMark = 60;

    private static readonly StaffPost[] NewsroomPosts = [StaffPost.Manager, StaffPost.Staff];

    private static readonly WorkflowTable<TrainingPlanState, TrainingPlanCommandType, StaffRole> PlanTable = new(
        TrainingWorkflow.PlanTransitions.Select(t => new Transition<TrainingPlanState, TrainingPlanCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private static readonly WorkflowTable<TrainingSessionState, TrainingSessionCommandType, StaffRole> SessionTable = new(
        TrainingWorkflow.SessionTransitions.Select(t =>
            new Transition<TrainingSessionState, TrainingSessionCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<TrainingGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IPeopleJournal _journal;
    private readonly IAlertCentreJournal _alerts;
    private readonly IOptions<StaffOptions> _options;
    private readonly ILogger<TrainingGrain> _logger;
    private readonly CommandPipeline<TrainingGrainState, TrainingPlanState, TrainingPlanCommandType, StaffRole, TrainingResult> _plans;
    private readonly CommandPipeline<TrainingGrainState, TrainingSessionState, TrainingSessionCommandType, StaffRole, TrainingResult> _sessions;

    // The plan or session the command in hand names: the tables judge that one (grain calls never interleave here).
    private string _target = "";

    // The read tables hold every row up to this version (0 after activation: the first announcement writes all).
    private long _journaled;
    private bool _reminderSet;
    private TimeZoneInfo? _zone;

    public TrainingGrain(
        [PersistentState("training", StorageNames.Main)] IPersistentState<TrainingGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IPeopleJournal journal,
        IAlertCentreJournal alerts,
        IOptions<StaffOptions> options,
        Orleans.Serialization.DeepCopier<TrainingGrainState> copier,
        ILogger<TrainingGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _alerts = alerts;
        _options = options;
        _logger = logger;
        var operations = OperationMemory<TrainingGrainState, TrainingResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
            (id, result) => new AppliedOperation<TrainingResult>(id, result));
        _plans = CommandPipeline.For(this, state, new WorkflowSpec<TrainingGrainState, TrainingPlanState, TrainingPlanCommandType, StaffRole, TrainingResult>
        {
            Table = PlanTable,
            StageOf = s => s.Plans.Find(p => p.Id == _target)?.State,
            Operations = operations,
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => PlanAnswer(StaffGrain.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("training.what.plan"))),
            RefusalAsStored = r => PlanAnswer(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Key, ex.Message),
        });
        _sessions = CommandPipeline.For(this, state,
            new WorkflowSpec<TrainingGrainState, TrainingSessionState, TrainingSessionCommandType, StaffRole, TrainingResult>
            {
                Table = SessionTable,
                StageOf = s => s.Sessions.Find(x => x.Id == _target)?.State,
                Operations = operations,
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => SessionAnswer(StaffGrain.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("training.what.session"))),
                RefusalAsStored = r => SessionAnswer(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Key, ex.Message),
            });
    }

    private TrainingGrainState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(_options.Value.TimeZone);

    private DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), Zone).DateTime);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Results acknowledged just before the last activation ended may not have reached the records or the read tables.
        if (S.Version > 0)
        {
            await _plans.Announcer.RunAsync(cancellationToken);
        }
    }

    public Task<TrainingOverview> GetAsync() => Task.FromResult(Overview());

    public Task<IReadOnlyList<TrainingObligationView>> ObligationsOfAsync(string personId)
    {
        var today = Today;
        IReadOnlyList<TrainingObligationView> list = [.. S.Obligations.Where(o => o.PersonId == personId).OrderByDescending(o => o.Since)
            .ThenByDescending(o => o.Version).Select(o => new TrainingObligationView(o, o.OverdueOn(today)))];
        return Task.FromResult(list);
    }

    public async Task<TrainingResult> ExecuteAsync(TrainingCommand command, StaffActor actor, string operationId)
    {
        TrainingResult result;
        switch (command)
        {
            case TrainingPlanCommand c:
                _target = c.PlanId ?? "";
                result = await _plans.ExecuteAsync(new WorkflowCall<TrainingPlanState, TrainingPlanCommandType, StaffRole, TrainingResult>
                {
                    OperationId = operationId,
                    Command = c.Type,
                    Roles = () => actor.Roles,
                    Decide = transition => Task.FromResult(DecidePlan(c, transition.To!.Value)),
                });
                break;

            case TrainingSessionCommand c:
                _target = c.SessionId ?? "";
                result = await _sessions.ExecuteAsync(new WorkflowCall<TrainingSessionState, TrainingSessionCommandType, StaffRole, TrainingResult>
                {
                    OperationId = operationId,
                    Command = c.Type,
                    Roles = () => actor.Roles,
                    Decide = transition => DecideSessionAsync(c, actor, transition.To!.Value),
                });
                break;

            default:
                return new TrainingResult(StaffOutcome.Invalid, Msg.Of("people.unknownCommand"), null, [], null, null);
        }

        await EnsureReminderAsync();
        return result;
    }

    public async Task HearPersonAsync(TrainingPerson person)
    {
        S.People.TryGetValue(person.PersonId, out var known);
        if (known is not null && known.Version >= person.Version)
        {
            return;
        }

        S.People[person.PersonId] = person;
        var today = Today;
        if (!person.Active)
        {
            Drop(o => o.PersonId == person.PersonId);
        }
        else if (known is null || !known.Active)
        {
            // A newcomer (or someone back) owes the post's plans not passed yet.
            foreach (var plan in ActivePlansOf(person.Post).Where(p => !S.Passes.Any(x => x.PersonId == person.PersonId && x.PlanId == p.Id)))
            {
                Owe(person, plan, ObligationReason.Joined, today);
            }
        }
        else if (known.Post != person.Post)
        {
            Drop(o => o.PersonId == person.PersonId && S.Plans.Find(p => p.Id == o.PlanId)?.Post != person.Post);
            foreach (var plan in ActivePlansOf(person.Post))
            {
                Owe(person, plan, ObligationReason.PostChanged, today);
            }
        }
        else
        {
            // A new name travels onto the open obligations.
            Rename(person);
        }

        S.Version++;
        await _state.WriteStateAsync();
        await ReviewAsync();
        await EnsureReminderAsync();
    }

    public async Task<int> HearReviewLevelsAsync(string channel, int before, int levels)
    {
        if (levels <= before)
        {
            return 0;
        }

        // The newsroom's posts (managers lead the channels, staff edit and review); a service post does no newsroom work.
        var today = Today;
        var from = S.Version;
        foreach (var post in NewsroomPosts)
        {
            foreach (var plan in ActivePlansOf(post).Where(p => p.Kind is TrainingKind.PostBasics or TrainingKind.OperatingSkills))
            {
                foreach (var person in ActivePeopleOf(post))
                {
                    Owe(person, plan, ObligationReason.BusinessChanged, today);
                }
            }
        }

        var opened = S.Obligations.Count(o => o.Version > from);
        LogBusinessChanged(_logger, Key, channel, before, levels, opened);
        S.Version++;
        await _state.WriteStateAsync();
        await ReviewAsync();
        await EnsureReminderAsync();
        return opened;
    }

    public async Task<TrainingOverview> ReviewAsync()
    {
        var today = Today;
        var changed = false;
        foreach (var person in S.People.Values.Where(p => p.Active))
        {
            foreach (var plan in ActivePlansOf(person.Post).Where(p => TrainingWorkflow.Months(p.Cadence) > 0))
            {
                var last = S.Passes.Find(x => x.PersonId == person.PersonId && x.PlanId == plan.Id);
                var next = last?.On.AddMonths(TrainingWorkflow.Months(plan.Cadence));
                if (next is { } since && since <= today && !S.Obligations.Any(o => o.PersonId == person.PersonId && o.PlanId == plan.Id
                        && (o.State == ObligationState.Open || o.Since >= since)))
                {
                    Owe(person, plan, ObligationReason.Periodic, since);
                    changed = true;
                }
            }
        }

        if (changed)
        {
            S.Version++;
            await _state.WriteStateAsync();
        }

        if (Organisation.Parse(Key) is { } organisation)
        {
            foreach (var overdue in S.Obligations.Where(o => o.OverdueOn(today) && !o.Reminded).ToList())
            {
                await NotifyAsync(organisation, overdue, today);

                // Remembered, so the reminder is raised once (the alert centre also refuses a second of the same id).
                Replace(overdue with { Reminded = true, Version = ++S.Version });
                await _state.WriteStateAsync();
            }
        }

        await _plans.Announcer.RunAsync(CancellationToken.None);
        return Overview();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReviewReminder)
        {
            await ReviewAsync();
        }
    }

    private TrainingResult DecidePlan(TrainingPlanCommand command, TrainingPlanState to)
    {
        var now = _time.GetUtcNow();
        var today = Today;
        var held = S.Plans.Find(p => p.Id == command.PlanId);
        TrainingPlan plan;
        switch (command)
        {
            case CreateTrainingPlan c:
                {
                    if (Organisation.Parse(Key) is null || string.IsNullOrWhiteSpace(c.PlanId) || c.PlanId.Length > MaxText)
                    {
                        return PlanInvalid(Msg.Of("people.organisationRequired"));
                    }

                    if (c.Post is not { } post || !Enum.IsDefined(post) || c.Kind is not { } kind || !Enum.IsDefined(kind) || Text(c.Title) is not { } title
                        || c.Cadence is { } cadence && !Enum.IsDefined(cadence))
                    {
                        return PlanInvalid(Msg.Of("training.planRequired", ("max", MaxText)));
                    }

                    if (CheckPlan(c.Skills, c.PassMark) is { } problem)
                    {
                        return PlanInvalid(problem);
                    }

                    if (S.Plans.Count >= MaxPlans)
                    {
                        return PlanInvalid(Msg.Of("training.tooManyPlans", ("max", MaxPlans)));
                    }

                    plan = new TrainingPlan(c.PlanId, Key, post, kind, title, c.Cadence ?? TrainingCadence.Once, Skills(c.Skills), c.PassMark ?? DefaultPassMark,
                        to, ++S.Version, now, now);
                    S.Plans.Add(plan);
                    break;
                }

            case UpdateTrainingPlan c:
                {
                    if (c.Title is not null && Text(c.Title) is null || c.Cadence is { } cadence && !Enum.IsDefined(cadence))
                    {
                        return PlanInvalid(Msg.Of("training.planRequired", ("max", MaxText)));
                    }

                    if (CheckPlan(c.Skills, c.PassMark) is { } problem)
                    {
                        return PlanInvalid(problem);
                    }

                    var skills = c.Skills is null ? held!.Skills : Skills(c.Skills);
                    var skillsChanged = !skills.Order(StringComparer.Ordinal).SequenceEqual(held!.Skills.Order(StringComparer.Ordinal), StringComparer.Ordinal);
                    plan = held with
                    {
                        Title = Text(c.Title) ?? held.Title,
                        Cadence = c.Cadence ?? held.Cadence,
                        Skills = skills,
                        PassMark = c.PassMark ?? held.PassMark,
                        Version = ++S.Version,
                        UpdatedAt = now,
                    };
                    Replace(plan);
                    if (held.State == TrainingPlanState.Active && skillsChanged)
                    {
                        // §8.1.5.5: a change of the post's skills asks everyone of the post to train again, those who passed included.
                        foreach (var person in ActivePeopleOf(plan.Post))
                        {
                            Owe(person, plan, ObligationReason.PlanChanged, today);
                        }
                    }

                    break;
                }

            case ActivateTrainingPlan:
                plan = held! with { State = to, Version = ++S.Version, UpdatedAt = now };
                Replace(plan);
                foreach (var person in ActivePeopleOf(plan.Post))
                {
                    Owe(person, plan, ObligationReason.PlanActivated, today);
                }

                break;

            case RetireTrainingPlan:
                plan = held! with { State = to, Version = ++S.Version, UpdatedAt = now };
                Replace(plan);
                Drop(o => o.PlanId == plan.Id);
                break;

            default:
                return PlanInvalid(Msg.Of("people.unknownCommand"));
        }

        LogPlan(_logger, Key, plan.Id, command.Type.ToString(), held?.State.ToString() ?? "(new)", plan.State.ToString());
        return new TrainingResult(StaffOutcome.Applied, null, plan.State.ToString(), Allowed(PlanTable.AllowedIn(plan.State)), plan, null);
    }

    private async Task<TrainingResult> DecideSessionAsync(TrainingSessionCommand command, StaffActor actor, TrainingSessionState to)
    {
        var now = _time.GetUtcNow();
        var today = Today;
        var held = S.Sessions.Find(x => x.Id == command.SessionId);
        TrainingSession session;
        switch (command)
        {
            case ScheduleTrainingSession c:
                {
                    if (string.IsNullOrWhiteSpace(c.SessionId) || c.SessionId.Length > MaxText)
                    {
                        return SessionInvalid(Msg.Of("training.sessionRequired", ("max", MaxText)));
                    }

                    if (S.Plans.Find(p => p.Id == c.PlanId) is not { State: TrainingPlanState.Active } plan)
                    {
                        return SessionInvalid(Msg.Of("training.planNotActive", ("plan", c.PlanId)));
                    }

                    if (c.StartsAt is not { } starts || c.Title is not null && Text(c.Title) is null || c.Provider is not null && Text(c.Provider) is null
                        || c.Location is not null && Text(c.Location) is null || c.PassMark is < 0 or > 100)
                    {
                        return SessionInvalid(Msg.Of("training.sessionRequired", ("max", MaxText)));
                    }

                    var materials = c.Materials ?? [];
                    if (materials.Count > MaxMaterials || materials.Any(m => Text(m.Name) is null || m.Link is { } link && (link.Trim().Length > MaxLink
                            || !(link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))))
                    {
                        return SessionInvalid(Msg.Of("training.materialsInvalid", ("max", MaxMaterials)));
                    }

                    PruneSessions();
                    session = new TrainingSession(c.SessionId, Key, plan.Id, Text(c.Title) ?? plan.Title, c.External, Text(c.Provider), starts, Text(c.Location),
                        [.. materials.Select(m => new TrainingMaterial(m.Name.Trim(), string.IsNullOrWhiteSpace(m.Link) ? null : m.Link.Trim()))],
                        c.PassMark ?? plan.PassMark, [], to, ++S.Version, now, null);
                    S.Sessions.Add(session);
                    break;
                }

            case EnrolTraining c:
                {
                    var plan = PlanOf(held!);
                    var ids = (c.PersonIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).Distinct(StringComparer.Ordinal).ToList();
                    if (ids.Count == 0 || held!.Attendees.Count + ids.Count > MaxAttendees)
                    {
                        return SessionInvalid(Msg.Of("training.enrolRequired", ("max", MaxAttendees)));
                    }

                    var attendees = held.Attendees.ToList();
                    foreach (var id in ids.Where(id => attendees.All(a => a.PersonId != id)))
                    {
                        // The record decides who may be enrolled: this organisation's, in post, of the plan's post.
                        var staff = await GrainFactory.GetGrain<IStaffGrain>(id).GetAsync();
                        if (staff is null || staff.Organisation != Key || staff.State != StaffState.Active)
                        {
                            return SessionInvalid(Msg.Of("training.notEnrollable", ("id", id)));
                        }

                        if (plan is not null && staff.Post != plan.Post)
                        {
                            return SessionInvalid(Msg.Of("training.wrongPost", ("name", staff.Name), ("post", plan.Post)));
                        }

                        if (!S.People.TryGetValue(id, out var known) || known.Version < staff.Version)
                        {
                            S.People[id] = new TrainingPerson(id, staff.Name, staff.Post, true, staff.Version);
                        }

                        attendees.Add(new TrainingAttendee(id, staff.Name, false, null, [], null));
                    }

                    session = held with { Attendees = attendees };
                    break;
                }

            case RecordTrainingAttendance c:
                {
                    var attended = (c.Attended ?? []).ToHashSet(StringComparer.Ordinal);
                    if (attended.Any(id => held!.Attendees.All(a => a.PersonId != id)))
                    {
                        return SessionInvalid(Msg.Of("training.notEnrolled"));
                    }

                    session = held! with
                    {
                        Attendees = [.. held.Attendees.Select(a => attended.Contains(a.PersonId)
                            ? a with { Attended = true }
                            : a with { Attended = false, Score = null, ConfirmedSkills = [] })],
                    };
                    break;
                }

            case RecordTrainingScores c:
                {
                    var plan = PlanOf(held!);
                    var scores = c.Scores ?? [];
                    if (scores.Count == 0 || scores.Any(s => s.Score is not (>= 0 and <= 100)))
                    {
                        return SessionInvalid(Msg.Of("training.scoreRange"));
                    }

                    var attendees = held!.Attendees.ToList();
                    foreach (var score in scores)
                    {
                        var index = attendees.FindIndex(a => a.PersonId == score.PersonId);
                        if (index < 0 || !attendees[index].Attended)
                        {
                            return SessionInvalid(Msg.Of("training.notAttended", ("id", score.PersonId)));
                        }

                        var skills = Skills(score.ConfirmedSkills);
                        if (plan is not null && skills.Any(s => !plan.Skills.Contains(s, StringComparer.Ordinal)))
                        {
                            return SessionInvalid(Msg.Of("training.skillNotInPlan", ("skills", Msg.List(skills.Where(s => !plan.Skills.Contains(s))))));
                        }

                        attendees[index] = attendees[index] with { Score = score.Score, ConfirmedSkills = skills };
                    }

                    session = held with { Attendees = attendees };
                    break;
                }

            case CloseTrainingSession:
                {
                    var plan = PlanOf(held!);
                    var present = held!.Attendees.Where(a => a.Attended).ToList();
                    if (present.Count == 0 || present.Any(a => a.Score is null))
                    {
                        return SessionInvalid(Msg.Of("training.scoresMissing", ("names", Msg.List(present.Where(a => a.Score is null).Select(a => a.Name)))));
                    }

                    var attendees = held.Attendees.Select(a => a with { Passed = a.Attended && a.Score >= held.PassMark }).ToList();
                    session = held with { Attendees = attendees, ClosedOn = today };
                    foreach (var pass in attendees.Where(a => a.Passed == true))
                    {
                        S.Passes.RemoveAll(x => x.PersonId == pass.PersonId && x.PlanId == held.PlanId);
                        S.Passes.Add(new TrainingPass(pass.PersonId, held.PlanId, today));
                        foreach (var open in S.Obligations.Where(o => o.PersonId == pass.PersonId && o.PlanId == held.PlanId && o.State == ObligationState.Open).ToList())
                        {
                            Replace(open with { State = ObligationState.Fulfilled, FulfilledBy = held.Id, FulfilledOn = today, Version = S.Version + 1 });
                        }
                    }

                    // Every assessment goes onto the records (the growth record keeps failures too); only a pass lifts the gate.
                    if (plan is not null)
                    {
                        S.ToRecord.AddRange(attendees.Where(a => a.Attended).Select(a =>
                            new TrainingToRecord(held.Id, a.PersonId, plan.Kind, held.Title, today, a.Score!.Value, held.PassMark, actor.UserId, actor.Name)));
                    }

                    break;
                }

            case CancelTrainingSession:
                session = held!;
                break;

            default:
                return SessionInvalid(Msg.Of("people.unknownCommand"));
        }

        session = session with { State = to, Version = ++S.Version, UpdatedAt = now };
        var index2 = S.Sessions.FindIndex(x => x.Id == session.Id);
        S.Sessions[index2] = session;
        LogSession(_logger, Key, session.Id, command.Type.ToString(), held?.State.ToString() ?? "(new)", session.State.ToString());
        return new TrainingResult(StaffOutcome.Applied, null, session.State.ToString(), Allowed(SessionTable.AllowedIn(session.State)), null, session);
    }

    private TrainingPlan? PlanOf(TrainingSession session) => S.Plans.Find(p => p.Id == session.PlanId);

    private IEnumerable<TrainingPlan> ActivePlansOf(StaffPost post) => S.Plans.Where(p => p.State == TrainingPlanState.Active && p.Post == post).ToList();

    private List<TrainingPerson> ActivePeopleOf(StaffPost post) => [.. S.People.Values.Where(p => p.Active && p.Post == post)];

    /// <summary>Opens an obligation unless one of the plan is open for the person already (its due date stands).</summary>
    private void Owe(TrainingPerson person, TrainingPlan plan, ObligationReason reason, DateOnly since)
    {
        if (S.Obligations.Any(o => o.PersonId == person.PersonId && o.PlanId == plan.Id && o.State == ObligationState.Open))
        {
            return;
        }

        var version = ++S.Version;
        var id = string.Create(CultureInfo.InvariantCulture, $"ob-{version}");
        S.Obligations.Add(new TrainingObligation(id, Key, person.PersonId, person.Name, plan.Id, plan.Title, reason, since,
            since.AddDays(_options.Value.RetrainingDueDays), ObligationState.Open, null, null, false, version));
        var closed = S.Obligations.Count(o => o.State != ObligationState.Open);
        if (closed > MaxClosedObligations)
        {
            var drop = S.Obligations.Where(o => o.State != ObligationState.Open).OrderBy(o => o.Version).Take(closed - MaxClosedObligations).ToHashSet();
            S.Obligations.RemoveAll(drop.Contains);
        }
    }

    private void Drop(Func<TrainingObligation, bool> which)
    {
        foreach (var open in S.Obligations.Where(o => o.State == ObligationState.Open && which(o)).ToList())
        {
            Replace(open with { State = ObligationState.Dropped, Version = ++S.Version });
        }
    }

    private void Rename(TrainingPerson person)
    {
        foreach (var open in S.Obligations.Where(o => o.PersonId == person.PersonId && o.State == ObligationState.Open && o.PersonName != person.Name).ToList())
        {
            Replace(open with { PersonName = person.Name, Version = ++S.Version });
        }
    }

    private void Replace(TrainingObligation obligation) => S.Obligations[S.Obligations.FindIndex(o => o.Id == obligation.Id)] = obligation;

    private void Replace(TrainingPlan plan) => S.Plans[S.Plans.FindIndex(p => p.Id == plan.Id)] = plan;

    /// <summary>Keeps the stored sessions bounded: the oldest closed or cancelled ones go first (the read table keeps them).</summary>
    private void PruneSessions()
    {
        var over = S.Sessions.Count + 1 - MaxSessions;
        if (over > 0)
        {
            var drop = S.Sessions.Where(x => x.State is TrainingSessionState.Closed or TrainingSessionState.Cancelled).OrderBy(x => x.Version).Take(over).ToHashSet();
            S.Sessions.RemoveAll(drop.Contains);
        }
    }

    private string? CheckPlan(IReadOnlyList<string>? skills, int? passMark)
    {
        if (skills is not null && (skills.Count > MaxSkills || skills.Any(s => Text(s) is null)))
        {
            return Msg.Of("people.skillsInvalid", ("max", MaxSkills));
        }

        return passMark is < 0 or > 100 ? Msg.Of("training.passMarkRange") : null;
    }

    private TrainingOverview Overview()
    {
        var today = Today;
        return new TrainingOverview(Key, today,
            [.. S.Plans.OrderBy(p => p.State).ThenBy(p => p.Post).ThenBy(p => p.Kind).ThenBy(p => p.Title, StringComparer.Ordinal)],
            [.. S.Sessions.OrderByDescending(x => x.StartsAt).Take(200)],
            [.. S.Obligations.Where(o => o.State == ObligationState.Open).OrderBy(o => o.Due).ThenBy(o => o.PersonName, StringComparer.Ordinal)
                .Select(o => new TrainingObligationView(o, o.OverdueOn(today)))]);
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        // The passes first: they are what lifts a person's role gate.
        if (S.ToRecord.Count > 0)
        {
            var done = new List<TrainingToRecord>();
            try
            {
                foreach (var r in S.ToRecord)
                {
                    var result = await GrainFactory.GetGrain<IStaffGrain>(r.PersonId).ExecuteAsync(
                        new RecordTraining(r.Kind, r.Title, r.CompletedOn, r.Score, r.PassMark),
                        new StaffActor(r.ActorId, r.Actor, StaffRole.OrganisationAdmin), $"training:{Key}:{r.SessionId}:{r.PersonId}");
                    if (!result.Ok)
                    {
                        // A person who left (or whose record is gone) keeps the pass here only.
                        LogNotRecorded(_logger, Key, r.SessionId, r.PersonId, result.Outcome.ToString());
                    }

                    done.Add(r);
                }
            }
            finally
            {
                // What the records took is forgotten even when a later one failed: the retry sends only the rest.
                if (done.Count > 0)
                {
                    S.ToRecord.RemoveAll(done.Contains);
                    await _state.WriteStateAsync(cancellationToken);
                }
            }
        }

        var from = _journaled;
        var upTo = S.Version;
        if (upTo > from)
        {
            await _journal.RecordTrainingAsync([.. S.Plans.Where(p => p.Version > from)], [.. S.Sessions.Where(x => x.Version > from)],
                [.. S.Obligations.Where(o => o.Version > from)], cancellationToken);
            _journaled = upTo;
        }

        await GrainFactory.PublishLiveAsync(LiveTopic.People, new TrainingChanged(Overview()));
    }

    private async Task NotifyAsync(Organisation organisation, TrainingObligation overdue, DateOnly today)
    {
        var id = $"people:{Key}:training-overdue:{overdue.Id}";
        var title = Msg.Of("training.overdue", ("name", overdue.PersonName), ("plan", overdue.PlanTitle));
        var body = Msg.Of("training.overdueBody", ("due", overdue.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("days", today.DayNumber - overdue.Due.DayNumber), ("reason", Msg.Of("training.reason." + overdue.Reason)));
        var at = _time.GetUtcNow();
        if (await _alerts.NotifyAsync(new AlertNotification(id, organisation.AdminAudience, KindOverdue, organisation.PartyId, title, body, at)))
        {
            LogReminded(_logger, Key, overdue.Id);
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, organisation.AdminAudience, KindOverdue, null,
                organisation.PartyId, null, title, body, at));
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (!_reminderSet)
        {
            var every = _options.Value.ReviewEvery;
            await this.RegisterOrUpdateReminder(ReviewReminder, every, every);
            _reminderSet = true;
        }
    }

    private static List<string> Allowed<T>(IEnumerable<T> moves) => [.. moves.Select(m => m!.ToString()!)];

    private static List<string> Skills(IReadOnlyList<string>? skills) =>
        [.. (skills ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)];

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) || value.Trim().Length > MaxText ? null : value.Trim();

    private TrainingResult PlanInvalid(string message) => PlanAnswer(StaffOutcome.Invalid, message);

    private TrainingResult SessionInvalid(string message) => SessionAnswer(StaffOutcome.Invalid, message);

    private TrainingResult PlanAnswer(StaffOutcome outcome, string message)
    {
        var plan = S.Plans.Find(p => p.Id == _target);
        return new TrainingResult(outcome, message, plan?.State.ToString(), Allowed(PlanTable.AllowedIn(plan?.State)), plan, null);
    }

    private TrainingResult SessionAnswer(StaffOutcome outcome, string message)
    {
        var session = S.Sessions.Find(x => x.Id == _target);
        return new TrainingResult(outcome, message, session?.State.ToString(), Allowed(SessionTable.AllowedIn(session?.State)), null, session);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training {Organisation}: plan {PlanId} {Command} {From} -> {To}")]
    private static partial void LogPlan(ILogger logger, string organisation, string planId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training {Organisation}: session {SessionId} {Command} {From} -> {To}")]
    private static partial void LogSession(ILogger logger, string organisation, string sessionId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training {Organisation}: reminded of overdue obligation {ObligationId}")]
    private static partial void LogReminded(ILogger logger, string organisation, string obligationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training {Organisation}: channel {Channel} review levels {Before} -> {Levels}, {Opened} obligations opened")]
    private static partial void LogBusinessChanged(ILogger logger, string organisation, string channel, int before, int levels, int opened);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training {Organisation}: session {SessionId} not recorded on {PersonId}: {Outcome}")]
    private static partial void LogNotRecorded(ILogger logger, string organisation, string sessionId, string personId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training {Organisation}: could not update the records, read tables or page yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string organisation, string reason);
}
