using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MediaCenter.Grains.Tests.Supervision;

/// <summary>F11.2: a planned activity's day and person responsible, the day-before notice and the overdue flag, on the fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SupervisionScheduleTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator | OpsRole.Management);
    private static readonly Person Responsible = new(Guid.NewGuid(), "督查员");

    private static string Op() => Guid.NewGuid().ToString("N");

    private ISupervisionRecordGrain NewRecord() => fixture.Grains.GetGrain<ISupervisionRecordGrain>("sup-" + Guid.NewGuid().ToString("N")[..12]);

    private static DateOnly TodayInShanghai() => DateOnly.FromDateTime(ClusterFixture.GrainClock.GetUtcNow().ToOffset(Shanghai).DateTime);

    private static DateTimeOffset ShanghaiAt(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), Shanghai);

    private static async Task<SupervisionRecordView> MustAsync(ISupervisionRecordGrain grain, SupervisionCommand command)
    {
        var result = await grain.ExecuteAsync(command, Operator, Op());
        Assert.True(result.Ok, result.Message);
        return result.Record!;
    }

    [Fact]
    public async Task The_person_responsible_is_told_the_day_before_once_by_the_reminder_and_the_record_is_flagged_overdue_when_the_day_passes()
    {
        // Just before 09:00 in Shanghai, plan the visit for tomorrow: the day-before notice is a second away.
        var day = TodayInShanghai().AddDays(2);
        var remindAt = ShanghaiAt(day.AddDays(-1), 9);
        ClusterFixture.GrainClock.Advance(remindAt.AddSeconds(-1) - ClusterFixture.GrainClock.GetUtcNow());
        var grain = NewRecord();
        var id = grain.GetPrimaryKeyString();
        var planned = await MustAsync(grain, new PlanSupervision(SupervisionKind.ManagerVisit, "走访文化站", "sv-sched", null, day, null, Responsible));
        Assert.Equal(((Guid?)Responsible.Id, (string?)"督查员", false), (planned.ResponsibleId, planned.Responsible, planned.Overdue));
        Assert.NotEmpty(await RemindersOfAsync(grain));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));
        await UntilAsync(() => ClusterFixture.AlertCentre.NotificationsStartingWith($"sup:{id}:due:").Count == 1);
        var notice = ClusterFixture.AlertCentre.NotificationsStartingWith($"sup:{id}:due:").Single();
        Assert.Equal(("user:" + Responsible.Id.ToString("N"), SupervisionRecordGrain.DueKind), (notice.Audience, notice.Kind));
        Assert.Contains(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Text.En(notice.Body), StringComparison.Ordinal);
        // Once: a forced check on the same day tells nobody again and raises no flag before the day is over.
        Assert.Equal(0, await grain.CheckScheduleAsync());
        Assert.False((await grain.GetAsync())!.Overdue);

        // The planned day ends without the visit recorded: flagged (history, read table), the person and management told.
        ClusterFixture.GrainClock.Advance(ShanghaiAt(day.AddDays(1), 0).AddMinutes(1) - ClusterFixture.GrainClock.GetUtcNow());
        Assert.Equal(2, await grain.CheckScheduleAsync());
        var overdue = (await grain.GetAsync())!;
        Assert.True(overdue.Overdue);
        Assert.Equal(SupervisionState.Planned, overdue.State);
        Assert.Equal(SupervisionCommandType.MarkOverdue, (await grain.GetHistoryAsync()).Last().Command);
        Assert.Equal(["management", "user:" + Responsible.Id.ToString("N")],
            ClusterFixture.AlertCentre.NotificationsStartingWith($"sup:{id}:overdue:").Select(n => n.Audience));
        await UntilAsync(() => ClusterFixture.Supervision.RecordOf(id)?.Overdue == true);
        Assert.Equal(0, await grain.CheckScheduleAsync());
        await UntilAsync(() => RemindersOfAsync(grain).Result.Count == 0);

        // Moving the day clears the flag and schedules the notice again; recording the visit ends the reminders.
        var moved = await MustAsync(grain, new ScheduleSupervision(TodayInShanghai().AddDays(3), null));
        Assert.Equal((false, (Guid?)Responsible.Id), (moved.Overdue, moved.ResponsibleId));
        Assert.NotEmpty(await RemindersOfAsync(grain));
        var done = await MustAsync(grain, new RecordSupervision(null, "已走访", null));
        Assert.False(done.Overdue);
        Assert.Empty(await RemindersOfAsync(grain));
    }

    [Fact]
    public async Task A_record_planned_without_a_day_has_no_reminder_until_it_is_scheduled_and_a_schedule_needs_a_day()
    {
        var grain = NewRecord();
        var planned = await MustAsync(grain, new PlanSupervision(SupervisionKind.TelephoneVisit, "电话回访", null, null, null, null));
        Assert.Null(planned.ResponsibleId);
        Assert.Empty(await RemindersOfAsync(grain));

        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new ScheduleSupervision(null, Responsible), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new ScheduleSupervision(TodayInShanghai().AddDays(5), new Person(Guid.Empty, "x")), Operator, Op())).Outcome);
        var scheduled = await MustAsync(grain, new ScheduleSupervision(TodayInShanghai().AddDays(5), Responsible));
        Assert.Equal(((Guid?)Responsible.Id, (DateOnly?)TodayInShanghai().AddDays(5)), (scheduled.ResponsibleId, scheduled.PlannedFor));
        Assert.NotEmpty(await RemindersOfAsync(grain));
        Assert.Equal(0, await grain.CheckScheduleAsync());

        // Only a planned record is scheduled.
        await MustAsync(grain, new RecordSupervision(null, "已回访", null));
        Assert.Equal(OpsOutcome.IllegalMove, (await grain.ExecuteAsync(new ScheduleSupervision(TodayInShanghai(), null), Operator, Op())).Outcome);
    }

    private static async Task UntilAsync(Func<bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < until, "not within 15 s");
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<ReminderEntry>> RemindersOfAsync(ISupervisionRecordGrain grain)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var table = silo.SiloHost.Services.GetRequiredService<IReminderTable>();
        return [.. (await table.ReadRows(grain.GetGrainId())).Reminders];
    }
}
