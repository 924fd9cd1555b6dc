using System.Diagnostics;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tests.People;

/// <summary>
/// The editor grain's counters, tasks and workload: what each kind of event counts for whom and on which day, exactly
/// once whether it came live from the streams, from the log, or both, and tasks that follow the entity's versions.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EditorGrainTests(ClusterFixture fixture)
{
    // 2026-12-01 10:00 in Asia/Shanghai.
    private static readonly DateTimeOffset Morning = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly December1 = new(2026, 12, 1);
    private static readonly DateOnly December2 = new(2026, 12, 2);
    private static readonly Person Chief = new(Guid.NewGuid(), "王主编");

    private static InMemoryEventLog Log => ClusterFixture.EventLog;

    private IEditorGrain Editor(Guid id) => fixture.Grains.GetGrain<IEditorGrain>(id);

    private static Person NewPerson(string name) => new(Guid.NewGuid(), name);

    private static ArticleChanged Story(string id, long version, ArticleCommandType command, ArticleStage from, ArticleStage to, DateTimeOffset at,
        Person actor, Person author, Person[]? assignees = null, DateTimeOffset? due = null, Person[]? previous = null, DateTimeOffset? requested = null) => new()
        {
            EntityId = id,
            Version = version,
            At = at,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Command = command,
            From = from,
            To = to,
            Channel = "cn-home",
            Title = "基层政策落地观察 " + id,
            Author = author,
            Assignees = assignees ?? [],
            PreviousAssignees = previous ?? [],
            DueAt = due,
            ReviewRequestedAt = requested,
        };

    private static IncidentChanged Incident(string id, long version, IncidentCommandType command, IncidentStage from, IncidentStage to, DateTimeOffset at,
        Person actor, Guid? owner, Guid? previousOwner = null) => new()
        {
            EntityId = id,
            Version = version,
            At = at,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Command = command,
            From = from,
            To = to,
            DedupKey = "staff:" + id,
            Title = "首页视频无法播放",
            Severity = IncidentSeverity.P2,
            Source = IncidentSource.Staff,
            OwnerId = owner,
            PreviousOwnerId = previousOwner,
        };

    private static string NewId() => "cn-" + Guid.NewGuid().ToString("N")[..8];

    private Task PublishAsync(DomainEvent e) => DomainStreamsPublisher.PublishAsync(fixture.Cluster.Client, e);

    private async Task<EditorActivity> WaitAsync(Guid person, Func<EditorActivity, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var activity = await Editor(person).GetActivityAsync(December1, December2);
            if (done(activity))
            {
                return activity;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{what}: not within 10 s (live {activity.Delivery.Live}, from log {activity.Delivery.FromLog})");
            // The streams' pulling agents poll their queues on the grains' clock.
            ClusterFixture.GrainClock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Each_kind_of_work_counts_for_the_person_who_did_it_on_the_day_it_happened()
    {
        var me = NewPerson("李记者");
        var colleague = NewPerson("张编辑");
        var (a, b, c) = (NewId(), NewId(), NewId());
        var due = Morning.AddHours(6);
        foreach (var e in new DomainEvent[]
        {
            // My pitch, selected by the chief, assigned to me and a colleague, two drafts of mine, submitted in time.
            Story(a, 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, me, me),
            Story(a, 2, ArticleCommandType.Confirm, ArticleStage.Pitched, ArticleStage.Confirmed, Morning.AddMinutes(10), Chief, me),
            Story(a, 3, ArticleCommandType.Assign, ArticleStage.Confirmed, ArticleStage.Assigned, Morning.AddMinutes(20), Chief, me, [me, colleague], due),
            Story(a, 4, ArticleCommandType.SaveDraft, ArticleStage.Assigned, ArticleStage.Drafting, Morning.AddMinutes(30), me, me, [me, colleague], due),
            Story(a, 5, ArticleCommandType.SaveDraft, ArticleStage.Drafting, ArticleStage.Drafting, Morning.AddMinutes(40), me, me, [me, colleague], due),
            Story(a, 6, ArticleCommandType.SaveDraft, ArticleStage.Drafting, ArticleStage.Drafting, Morning.AddMinutes(45), colleague, me, [me, colleague], due),
            Story(a, 7, ArticleCommandType.Submit, ArticleStage.Drafting, ArticleStage.InReview, Morning.AddMinutes(50), colleague, me, [me, colleague], due),

            // The colleague's pitch, assigned to me, submitted after its due time.
            Story(b, 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, colleague, colleague),
            Story(b, 2, ArticleCommandType.Submit, ArticleStage.Drafting, ArticleStage.InReview, due.AddMinutes(1), me, colleague, [me], due),

            // Two reviews of mine: 30 and 90 minutes after the story reached my level.
            Story(c, 8, ArticleCommandType.Approve, ArticleStage.InReview, ArticleStage.InReview, Morning.AddHours(2), me, colleague, [colleague], requested: Morning.AddHours(1.5)),
            Story(c, 9, ArticleCommandType.Reject, ArticleStage.InReview, ArticleStage.Rejected, Morning.AddHours(4), me, colleague, [colleague], requested: Morning.AddHours(2.5)),

            // An incident I acknowledged and resolved, and one the colleague acknowledged.
            Incident("INC-" + a, 2, IncidentCommandType.Acknowledge, IncidentStage.Reported, IncidentStage.Acknowledged, Morning.AddHours(3), me, me.Id),
            Incident("INC-" + a, 3, IncidentCommandType.Resolve, IncidentStage.Acknowledged, IncidentStage.Resolved, Morning.AddHours(5), me, me.Id),
            Incident("INC-" + b, 2, IncidentCommandType.Acknowledge, IncidentStage.Reported, IncidentStage.Acknowledged, Morning.AddHours(3), colleague, colleague.Id),
        })
        {
            Log.Append(e);
        }

        var mine = await Editor(me.Id).GetActivityAsync(December1, December2);
        var day = Assert.Single(mine.Days);
        Assert.Equal(December1, day.Day);
        Assert.Equal(new EditorCounters(PitchesFiled: 1, PitchesSelected: 1, DraftsSaved: 2, ReviewsDone: 2, ReviewSeconds: 2 * 3600, ReviewsTimed: 2,
            AssignmentsSubmitted: 2, SubmittedOnTime: 1, IncidentsAcknowledged: 1, IncidentsResolved: 1), mine.Totals);
        Assert.Equal(0.5, mine.Totals.OnTimeRate);
        Assert.Equal(60, mine.Totals.AverageReviewMinutes);

        var theirs = (await Editor(colleague.Id).GetActivityAsync(December1, December2)).Totals;
        Assert.Equal(new EditorCounters(PitchesFiled: 1, PitchesSelected: 0, DraftsSaved: 1, ReviewsDone: 0, ReviewSeconds: 0, ReviewsTimed: 0,
            AssignmentsSubmitted: 1, SubmittedOnTime: 1, IncidentsAcknowledged: 1, IncidentsResolved: 0), theirs);
        Assert.Null(theirs.AverageReviewMinutes);
    }

    [Fact]
    public async Task Days_are_calendar_days_in_the_configured_time_zone()
    {
        var me = NewPerson("夜班编辑");
        // 23:59 on 1 December and 00:01 on 2 December in Shanghai, both on 1 December in UTC.
        Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, new DateTimeOffset(2026, 12, 1, 15, 59, 0, TimeSpan.Zero), me, me));
        Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, new DateTimeOffset(2026, 12, 1, 16, 1, 0, TimeSpan.Zero), me, me));

        var both = await Editor(me.Id).GetActivityAsync(December1, December2);
        Assert.Equal(new[] { (December1, 1), (December2, 1) }, both.Days.Select(d => (d.Day, d.Counters.PitchesFiled)));
        Assert.Equal(1, (await Editor(me.Id).GetActivityAsync(December2, December2)).Totals.PitchesFiled);
    }

    [Fact]
    public async Task An_event_the_streams_never_delivered_is_counted_from_the_log()
    {
        var me = NewPerson("丢失事件");
        Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, me, me));

        var activity = await Editor(me.Id).GetActivityAsync(December1, December2);

        Assert.Equal(1, activity.Totals.PitchesFiled);
        Assert.Equal((0, 1), (activity.Delivery.Live, activity.Delivery.FromLog));
    }

    [Fact]
    public async Task An_event_delivered_live_counts_before_the_log_settles_it_and_only_once_after()
    {
        var me = NewPerson("实时编辑");
        // Its transaction is still running: the log may not be read past it yet.
        var filed = Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, me, me), settled: false);
        await PublishAsync(filed);

        var live = await WaitAsync(me.Id, a => a.Delivery.Live == 1, "the live delivery");
        Assert.Equal(1, live.Totals.PitchesFiled);

        Log.Settle(filed);
        var after = await Editor(me.Id).GetActivityAsync(December1, December2);
        Assert.Equal(1, after.Totals.PitchesFiled);
        Assert.Equal((1, 0), (after.Delivery.Live, after.Delivery.FromLog));
        Assert.True(after.Delivery.Checkpoint > filed.Position, "the checkpoint passed the settled event");
    }

    [Fact]
    public async Task A_late_live_delivery_of_an_event_the_log_already_supplied_is_not_counted_again()
    {
        var me = NewPerson("迟到事件");
        var filed = Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, me, me));
        Assert.Equal(1, (await Editor(me.Id).GetActivityAsync(December1, December2)).Delivery.FromLog);

        // The late copy, then a marker on the same stream: once the marker is in, the copy was seen.
        await PublishAsync(filed);
        var marker = Log.Append(Story(NewId(), 1, ArticleCommandType.File, ArticleStage.Pitched, ArticleStage.Pitched, Morning, me, me), settled: false);
        await PublishAsync(marker);
        var activity = await WaitAsync(me.Id, a => a.Delivery.Live == 1, "the marker");

        Assert.Equal(2, activity.Totals.PitchesFiled);
        Log.Settle(marker);
    }

    [Fact]
    public async Task An_assignment_is_an_open_task_until_it_is_submitted_and_becomes_overdue_when_the_clock_passes_its_due_time()
    {
        var me = NewPerson("任务编辑");
        var id = NewId();
        var due = ClusterFixture.GrainClock.GetUtcNow() + TimeSpan.FromHours(1);
        Log.Append(Story(id, 3, ArticleCommandType.Assign, ArticleStage.Confirmed, ArticleStage.Assigned, Morning, Chief, Chief, [me], due));

        var assigned = await Editor(me.Id).GetActivityAsync(December1, December2);
        var task = Assert.Single(assigned.OpenTasks);
        Assert.Equal((EditorTaskKind.Assignment, id, "Assigned", due), (task.Kind, task.EntityId, task.Stage, task.DueAt));
        Assert.Equal(new EditorWorkload(OpenTasks: 1, Assignments: 1, Overdue: 0, DueWithinDay: 1), assigned.Workload);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(2));
        Log.Append(Story(id, 4, ArticleCommandType.SaveDraft, ArticleStage.Assigned, ArticleStage.Drafting, Morning.AddHours(1), me, Chief, [me], due));
        var late = await Editor(me.Id).GetActivityAsync(December1, December2);
        Assert.Equal("Drafting", Assert.Single(late.OpenTasks).Stage);
        Assert.Equal(Morning, late.OpenTasks[0].Since);
        Assert.Equal(new EditorWorkload(OpenTasks: 1, Assignments: 1, Overdue: 1, DueWithinDay: 0), late.Workload);

        Log.Append(Story(id, 5, ArticleCommandType.Submit, ArticleStage.Drafting, ArticleStage.InReview, Morning.AddHours(2), me, Chief, [me], due));
        var submitted = await Editor(me.Id).GetActivityAsync(December1, December2);
        Assert.Empty(submitted.OpenTasks);
        Assert.Equal(new EditorWorkload(0, 0, 0, 0), submitted.Workload);
    }

    [Fact]
    public async Task Reassigning_a_story_takes_the_task_from_the_editor_it_was_assigned_to_before()
    {
        var (first, second) = (NewPerson("原编辑"), NewPerson("新编辑"));
        var id = NewId();
        Log.Append(Story(id, 3, ArticleCommandType.Assign, ArticleStage.Confirmed, ArticleStage.Assigned, Morning, Chief, Chief, [first], Morning.AddDays(1)));
        Assert.Single((await Editor(first.Id).GetActivityAsync(December1, December2)).OpenTasks);

        Log.Append(Story(id, 4, ArticleCommandType.Assign, ArticleStage.Assigned, ArticleStage.Assigned, Morning.AddHours(1), Chief, Chief, [second],
            Morning.AddDays(1), previous: [first]));

        Assert.Empty((await Editor(first.Id).GetActivityAsync(December1, December2)).OpenTasks);
        Assert.Equal(id, Assert.Single((await Editor(second.Id).GetActivityAsync(December1, December2)).OpenTasks).EntityId);
    }

    [Fact]
    public async Task An_older_event_read_from_the_log_after_a_newer_one_came_live_does_not_reopen_the_task()
    {
        var me = NewPerson("乱序编辑");
        var id = NewId();
        // The assignment's row is still being committed when the submission's row is in and published.
        var assign = Log.Append(Story(id, 3, ArticleCommandType.Assign, ArticleStage.Confirmed, ArticleStage.Assigned, Morning, Chief, Chief, [me], Morning.AddDays(1)),
            settled: false);
        var submit = Log.Append(Story(id, 4, ArticleCommandType.Submit, ArticleStage.Assigned, ArticleStage.InReview, Morning.AddHours(1), me, Chief, [me], Morning.AddDays(1)));
        await PublishAsync(submit);
        await WaitAsync(me.Id, a => a.Delivery.Live == 1, "the submission");

        Log.Settle(assign);
        var activity = await Editor(me.Id).GetActivityAsync(December1, December2);

        Assert.Empty(activity.OpenTasks);
        Assert.Equal(1, activity.Totals.AssignmentsSubmitted);
        Assert.Equal((1, 1), (activity.Delivery.Live, activity.Delivery.FromLog));
    }

    [Fact]
    public async Task An_acknowledged_incident_is_its_owner_s_task_until_it_is_resolved_or_reopened_for_someone_else()
    {
        var (me, other) = (NewPerson("值班员甲"), NewPerson("值班员乙"));
        var (solved, reopened) = ("INC-" + NewId(), "INC-" + NewId());
        Log.Append(Incident(solved, 2, IncidentCommandType.Acknowledge, IncidentStage.Reported, IncidentStage.Acknowledged, Morning, me, me.Id));
        Log.Append(Incident(reopened, 2, IncidentCommandType.Acknowledge, IncidentStage.Reported, IncidentStage.Acknowledged, Morning, me, me.Id));
        Assert.Equal(2, (await Editor(me.Id).GetActivityAsync(December1, December2)).OpenTasks.Count(t => t.Kind == EditorTaskKind.Incident));

        Log.Append(Incident(solved, 3, IncidentCommandType.Resolve, IncidentStage.Acknowledged, IncidentStage.Resolved, Morning.AddHours(1), me, me.Id));
        Log.Append(Incident(reopened, 3, IncidentCommandType.Reopen, IncidentStage.Acknowledged, IncidentStage.Reported, Morning.AddHours(1), other, null, me.Id));

        var activity = await Editor(me.Id).GetActivityAsync(December1, December2);
        Assert.Empty(activity.OpenTasks);
        Assert.Equal((2, 1), (activity.Totals.IncidentsAcknowledged, activity.Totals.IncidentsResolved));
    }
}
