using System.Diagnostics;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>
/// The hot-event lifecycle on the fake grain clock: the window opens and closes by itself, exactly on time; an
/// unacknowledged event never becomes active; cancellation, edits, stops; the transition table walked whole.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HotEventGrainTests(ClusterFixture fixture)
{
    private static readonly HotEventActor Party = new(new Guid("d1000000-0000-0000-0000-000000000001"), "接入方编辑", HotEventRole.Party);
    private static readonly HotEventActor Operator = new(new Guid("d1000000-0000-0000-0000-000000000002"), "运营值班", HotEventRole.Operator);
    private static readonly HotEventActor Nobody = new(new Guid("d1000000-0000-0000-0000-000000000003"), "管理方", HotEventRole.None);

    private static DateTimeOffset Now => ClusterFixture.GrainClock.GetUtcNow();

    private IHotEventGrain Event(string id) => fixture.Grains.GetGrain<IHotEventGrain>(id);

    private IHotModeGrain Mode => fixture.Grains.GetGrain<IHotModeGrain>(0);

    private static HotEventCommand.Register Registration(DateTimeOffset starts, DateTimeOffset ends) => new()
    {
        PartyId = "party-a",
        Title = "个人所得税专项附加扣除新政发布",
        Policy = "自 2027 年 1 月 1 日起提高专项附加扣除标准。",
        StartsAt = starts,
        EndsAt = ends,
        TrafficMultiple = 8,
        Channels = ["party-a-home"],
        Qa = [new HotEventQa("新标准何时生效？", "自 2027 年 1 月 1 日起。"), new HotEventQa("需要重新申报吗？", "不需要，系统自动适用。")],
    };

    private async Task<string> RegisteredAsync(TimeSpan startsIn, TimeSpan length)
    {
        var id = "he-test-" + Guid.NewGuid().ToString("N")[..12];
        var result = await MustAsync(id, Registration(Now + startsIn, Now + startsIn + length), Party);
        Assert.Equal(HotEventStatus.Registered, result.Status);
        return id;
    }

    private async Task<HotEventResult> MustAsync(string id, HotEventCommand command, HotEventActor actor)
    {
        var result = await Event(id).ExecuteAsync(command, actor, Guid.NewGuid().ToString());
        Assert.True(result.Ok, $"{command.Type} was refused: {result.Outcome} {result.Message}");
        return result;
    }

    private Task<HotEventResult> RunAsync(string id, HotEventCommandType type, HotEventActor actor, string? comment = null) =>
        Event(id).ExecuteAsync(Bare(type) with { Comment = comment }, actor, Guid.NewGuid().ToString());

    /// <summary>A command of a kind with nothing but its kind (the script commands carry a one-pair script).</summary>
    private static HotEventCommand Bare(HotEventCommandType type) => type switch
    {
        HotEventCommandType.Register => new HotEventCommand.Register { Qa = [new HotEventQa("问", "答")] },
        HotEventCommandType.Edit => new HotEventCommand.Edit { Qa = [new HotEventQa("问", "答")] },
        HotEventCommandType.UpdateScript => new HotEventCommand.UpdateScript { Qa = [new HotEventQa("问", "答")] },
        HotEventCommandType.Acknowledge => new HotEventCommand.Acknowledge(),
        HotEventCommandType.Cancel => new HotEventCommand.Cancel(),
        HotEventCommandType.Stop => new HotEventCommand.Stop(),
        HotEventCommandType.Start => new HotEventCommand.Start(),
        HotEventCommandType.End => new HotEventCommand.End(),
        HotEventCommandType.Expire => new HotEventCommand.Expire(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private async Task<HotEventView> EventuallyAsync(string id, Func<HotEventView, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        HotEventView? view = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            view = await Event(id).GetAsync();
            if (view is not null && done(view))
            {
                return view;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; the event is {view?.Card.Status}");
    }

    /// <summary>Lets timers that are not due have a chance to (wrongly) fire, then returns the event.</summary>
    private async Task<HotEventView> SettledAsync(string id)
    {
        await Task.Delay(300);
        return (await Event(id).GetAsync())!;
    }

    private async Task<HotModeEntry?> InModeAsync(string id) => (await Mode.GetAsync()).Events.FirstOrDefault(e => e.Id == id);

    [Fact]
    public async Task An_acknowledged_event_becomes_active_at_its_start_and_ended_at_its_end_by_itself()
    {
        var id = await RegisteredAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        Assert.Null(await InModeAsync(id));
        Assert.Null(await Event(id).GetScriptAsync());

        var acknowledged = await MustAsync(id, new HotEventCommand.Acknowledge { Comment = "已安排扩容" }, Operator);
        Assert.Equal(HotEventStatus.Acknowledged, acknowledged.Status);
        Assert.Equal(Operator.Person, acknowledged.Card!.AcknowledgedBy);
        Assert.Equal(HotEventStatus.Acknowledged, (await InModeAsync(id))!.Status);
        Assert.Equal(2, (await Event(id).GetScriptAsync())!.Qa.Count);

        // A second before the window opens nothing happens.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(HotEventStatus.Acknowledged, (await SettledAsync(id)).Card.Status);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
        var active = await EventuallyAsync(id, v => v.Card.Status == HotEventStatus.Active, "the window to open");
        var started = active.History[^1];
        Assert.Equal((HotEventCommandType.Start, HotEventActor.System.Person, HotEventStatus.Acknowledged), (started.Command, started.Actor, started.From));
        Assert.Equal(Now, started.At);
        var mode = await Mode.GetAsync();
        Assert.True(mode.Hot);
        Assert.Equal(HotEventStatus.Active, mode.Events.Single(e => e.Id == id).Status);
        Assert.Equal(HotEventStatus.Active, (await Event(id).GetScriptAsync())!.Status);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(HotEventStatus.Active, (await SettledAsync(id)).Card.Status);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
        var ended = await EventuallyAsync(id, v => v.Card.Status == HotEventStatus.Ended, "the window to close");
        Assert.Equal((HotEventCommandType.End, Now), (ended.History[^1].Command, ended.History[^1].At));
        Assert.Null(await InModeAsync(id));
        Assert.Null(await Event(id).GetScriptAsync());

        // The timeline and the read model followed every step.
        Assert.Equal([HotEventCommandType.Register, HotEventCommandType.Acknowledge, HotEventCommandType.Start, HotEventCommandType.End],
            ClusterFixture.HotEvents.EventsOf(id).Select(e => e.Command).ToArray());
        Assert.Equal(HotEventStatus.Ended, ClusterFixture.HotEvents.CardOf(id)!.Status);
    }

    [Fact]
    public async Task An_event_never_acknowledged_never_becomes_active_and_expires_when_its_window_closes()
    {
        var id = await RegisteredAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HotEventStatus.Registered, (await SettledAsync(id)).Card.Status);
        Assert.Null(await InModeAsync(id));
        Assert.Null(await Event(id).GetScriptAsync());

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(25));
        var expired = await EventuallyAsync(id, v => v.Card.Status == HotEventStatus.Expired, "the unacknowledged event to expire");
        Assert.Equal(HotEventCommandType.Expire, expired.History[^1].Command);
        Assert.DoesNotContain(expired.History, h => h.To == HotEventStatus.Active);
        Assert.Equal(HotEventStatus.Expired, (await RunAsync(id, HotEventCommandType.Acknowledge, Operator)).Status);
        Assert.Equal(HotEventOutcome.IllegalMove, (await RunAsync(id, HotEventCommandType.Acknowledge, Operator)).Outcome);
    }

    [Fact]
    public async Task An_acknowledgement_given_after_the_window_opened_activates_the_event_at_once()
    {
        var id = await RegisteredAsync(TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HotEventStatus.Registered, (await SettledAsync(id)).Card.Status);

        var acknowledged = await MustAsync(id, new HotEventCommand.Acknowledge(), Operator);
        Assert.Equal(HotEventStatus.Active, acknowledged.Status);
        Assert.Equal(HotEventStatus.Active, (await InModeAsync(id))!.Status);

        Assert.Equal(HotEventStatus.Ended, (await MustAsync(id, new HotEventCommand.Stop { Comment = "测试结束" }, Operator)).Status);
    }

    [Fact]
    public async Task The_party_cancels_before_the_window_opens_but_not_after_and_nobody_else_cancels()
    {
        var id = await RegisteredAsync(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        await MustAsync(id, new HotEventCommand.Acknowledge(), Operator);

        Assert.Equal(HotEventOutcome.Invalid, (await RunAsync(id, HotEventCommandType.Cancel, Party)).Outcome);
        Assert.Equal(HotEventOutcome.Forbidden, (await RunAsync(id, HotEventCommandType.Cancel, Operator, "运营取消")).Outcome);
        Assert.Equal(HotEventOutcome.Forbidden, (await RunAsync(id, HotEventCommandType.Cancel, Nobody, "管理方取消")).Outcome);
        var cancelled = await RunAsync(id, HotEventCommandType.Cancel, Party, "发布推迟");
        Assert.Equal((HotEventOutcome.Applied, HotEventStatus.Cancelled, "发布推迟"), (cancelled.Outcome, cancelled.Status, cancelled.Card!.LastComment));
        Assert.Null(await InModeAsync(id));

        // A cancelled event stays cancelled through its window.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HotEventStatus.Cancelled, (await SettledAsync(id)).Card.Status);

        // Once the window has opened, the party can no longer cancel: an operator may stop it.
        var started = await RegisteredAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        await MustAsync(started, new HotEventCommand.Acknowledge(), Operator);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(started, v => v.Card.Status == HotEventStatus.Active, "the window to open");
        var late = await RunAsync(started, HotEventCommandType.Cancel, Party, "太晚了");
        Assert.Equal((HotEventOutcome.IllegalMove, HotEventStatus.Active), (late.Outcome, late.Status));
        Assert.Equal([HotEventCommandType.UpdateScript, HotEventCommandType.Stop, HotEventCommandType.End], late.AllowedMoves);
        await MustAsync(started, new HotEventCommand.Stop { Comment = "测试结束" }, Operator);

        // An unacknowledged event whose window opened cannot be cancelled either (it will expire).
        var unacknowledged = await RegisteredAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HotEventOutcome.IllegalMove, (await RunAsync(unacknowledged, HotEventCommandType.Cancel, Party, "太晚了")).Outcome);
    }

    [Fact]
    public async Task Editing_an_acknowledged_event_needs_a_new_acknowledgement_and_moves_its_window()
    {
        var id = await RegisteredAsync(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        await MustAsync(id, new HotEventCommand.Acknowledge(), Operator);

        var edited = await MustAsync(id, new HotEventCommand.Edit
        {
            StartsAt = Now + TimeSpan.FromHours(2),
            EndsAt = Now + TimeSpan.FromHours(3),
            TrafficMultiple = 20,
        }, Party);
        Assert.Equal((HotEventStatus.Registered, 20d, (HotEventPerson?)null), (edited.Status, edited.Card!.TrafficMultiple, edited.Card.AcknowledgedBy));
        Assert.Equal("个人所得税专项附加扣除新政发布", edited.Card.Title);
        Assert.Null(await InModeAsync(id));

        // The old start passes without effect; the new one counts once acknowledged again.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HotEventStatus.Registered, (await SettledAsync(id)).Card.Status);
        await MustAsync(id, new HotEventCommand.Acknowledge(), Operator);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(89));
        await EventuallyAsync(id, v => v.Card.Status == HotEventStatus.Active, "the moved window to open");
        await MustAsync(id, new HotEventCommand.Stop { Comment = "测试结束" }, Operator);
    }

    [Fact]
    public async Task The_script_may_change_while_active_and_a_repeated_operation_returns_its_first_result()
    {
        var id = await RegisteredAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        var first = await Event(id).ExecuteAsync(new HotEventCommand.Acknowledge(), Operator, "ack-once");
        var repeat = await Event(id).ExecuteAsync(new HotEventCommand.Acknowledge(), Operator, "ack-once");
        Assert.Equal((first.Outcome, first.Status, first.Card!.Version, first.Card.UpdatedAt), (repeat.Outcome, repeat.Status, repeat.Card!.Version, repeat.Card.UpdatedAt));
        Assert.Equal(2, (await Event(id).GetAsync())!.History.Count);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(id, v => v.Card.Status == HotEventStatus.Active, "the window to open");
        var before = (await Event(id).GetScriptAsync())!;
        var updated = await MustAsync(id, new HotEventCommand.UpdateScript { Qa = [new HotEventQa("新增问题？", "新增答案。")] }, Party);
        Assert.Equal(HotEventStatus.Active, updated.Status);
        var after = (await Event(id).GetScriptAsync())!;
        Assert.True(after.Version > before.Version);
        Assert.Equal(["新增问题？"], after.Qa.Select(q => q.Question).ToArray());
        Assert.Equal(after.Version, (await InModeAsync(id))!.Version);

        Assert.Equal(HotEventOutcome.Forbidden, (await RunAsync(id, HotEventCommandType.Stop, Party, "接入方不能停")).Outcome);
        Assert.Equal(HotEventOutcome.Invalid, (await RunAsync(id, HotEventCommandType.Stop, Operator)).Outcome);
        await MustAsync(id, new HotEventCommand.Stop { Comment = "提前结束" }, Operator);
        Assert.Null(await InModeAsync(id));
    }

    [Fact]
    public async Task Registrations_with_a_bad_window_or_script_are_refused_and_nothing_is_stored()
    {
        var id = "he-test-" + Guid.NewGuid().ToString("N")[..12];
        var past = await Event(id).ExecuteAsync(Registration(Now - TimeSpan.FromMinutes(1), Now + TimeSpan.FromHours(1)), Party, "r1");
        Assert.Equal(HotEventOutcome.Invalid, past.Outcome);
        var backwards = await Event(id).ExecuteAsync(Registration(Now + TimeSpan.FromHours(2), Now + TimeSpan.FromHours(1)), Party, "r2");
        Assert.Equal(HotEventOutcome.Invalid, backwards.Outcome);
        var noScript = await Event(id).ExecuteAsync(Registration(Now + TimeSpan.FromHours(1), Now + TimeSpan.FromHours(2)) with { Qa = [] }, Party, "r3");
        Assert.Equal(HotEventOutcome.Invalid, noScript.Outcome);
        var badMultiple = await Event(id).ExecuteAsync(Registration(Now + TimeSpan.FromHours(1), Now + TimeSpan.FromHours(2)) with { TrafficMultiple = 0.5 },
            Party, "r4");
        Assert.Equal(HotEventOutcome.Invalid, badMultiple.Outcome);
        Assert.Equal(HotEventOutcome.Forbidden,
            (await Event(id).ExecuteAsync(Registration(Now + TimeSpan.FromHours(1), Now + TimeSpan.FromHours(2)), Operator, "r5")).Outcome);
        Assert.Null(await Event(id).GetAsync());
        Assert.Equal(HotEventOutcome.NotFound, (await RunAsync(id, HotEventCommandType.Acknowledge, Operator)).Outcome);

        // After the refusals the same id registers cleanly.
        var ok = await Event(id).ExecuteAsync(Registration(Now + TimeSpan.FromHours(1), Now + TimeSpan.FromHours(2)), Party, "r6");
        Assert.Equal(HotEventStatus.Registered, ok.Status);
        Assert.Single((await Event(id).GetAsync())!.History);
    }

    [Fact]
    public async Task Every_command_in_every_state_follows_the_table()
    {
        var all = HotEventRole.Party | HotEventRole.Operator | HotEventRole.System;
        foreach (var status in Enum.GetValues<HotEventStatus>())
        {
            foreach (var command in Enum.GetValues<HotEventCommandType>())
            {
                var id = await InStateAsync(status);
                var row = HotEventWorkflow.Find(status, command);
                var request = Bare(command) with { Comment = "原因" };
                if (row is null)
                {
                    var refused = await Event(id).ExecuteAsync(request, new HotEventActor(Party.UserId, "全能", all), Guid.NewGuid().ToString());
                    Assert.True(refused.Outcome == HotEventOutcome.IllegalMove, $"{command} in {status}: {refused.Outcome}");
                    Assert.Equal(HotEventWorkflow.AllowedIn(status), refused.AllowedMoves);
                }
                else
                {
                    var outsider = new HotEventActor(Party.UserId, "无关角色", all & ~row.Roles & ~HotEventRole.System);
                    var refused = await Event(id).ExecuteAsync(request, outsider, Guid.NewGuid().ToString());
                    Assert.True(refused.Outcome == HotEventOutcome.Forbidden, $"{command} in {status} by {outsider.Roles}: {refused.Outcome}");
                }

                Assert.Equal(status, (await Event(id).GetAsync())!.Card.Status);
            }
        }
    }

    private async Task<string> InStateAsync(HotEventStatus status)
    {
        switch (status)
        {
            case HotEventStatus.Registered:
                return await RegisteredAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
            case HotEventStatus.Acknowledged:
                var acknowledged = await RegisteredAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
                await MustAsync(acknowledged, new HotEventCommand.Acknowledge(), Operator);
                return acknowledged;
            case HotEventStatus.Active:
            case HotEventStatus.Ended:
                var active = await RegisteredAsync(TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
                await MustAsync(active, new HotEventCommand.Acknowledge(), Operator);
                ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
                await EventuallyAsync(active, v => v.Card.Status == HotEventStatus.Active, "the window to open");
                if (status == HotEventStatus.Ended)
                {
                    await MustAsync(active, new HotEventCommand.Stop { Comment = "结束" }, Operator);
                }

                return active;
            case HotEventStatus.Cancelled:
                var cancelled = await RegisteredAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
                await MustAsync(cancelled, new HotEventCommand.Cancel { Comment = "取消" }, Party);
                return cancelled;
            default:
                var expired = await RegisteredAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
                ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));
                await EventuallyAsync(expired, v => v.Card.Status == HotEventStatus.Expired, "the event to expire");
                return expired;
        }
    }
}
