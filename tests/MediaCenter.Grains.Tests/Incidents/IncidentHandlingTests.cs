using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>The rules besides the table: suspension and verified resumption, root cause, corrective actions, feedback receipts, repeats.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentHandlingTests(ClusterFixture fixture) : IAsyncLifetime
{
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "ihd");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    private static Task<IncidentResult> RunAsync(IIncidentGrain incident, IncidentCommand command, IncidentActor? actor = null, string? operationId = null) =>
        IncidentBench.RunAsync(incident, command, actor ?? Responders.Operator, operationId);

    private static Task<IncidentResult> MustAsync(IIncidentGrain incident, IncidentCommandType type, IncidentActor? actor = null) =>
        IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, type), actor ?? Responders.Operator);

    private static async Task RefusedAsync(IIncidentGrain incident, IncidentCommand command, IncidentOutcome outcome, string? mentions = null,
        IncidentActor? actor = null)
    {
        var before = await IncidentBench.ViewAsync(incident);
        var result = await RunAsync(incident, command, actor);
        Assert.True(result.Outcome == outcome, $"{command.Type} in {before.Stage}: expected {outcome}, got {result.Outcome} {result.Message}");
        if (mentions is not null)
        {
            Assert.Contains(mentions, Text.En(result.Message), StringComparison.OrdinalIgnoreCase);
        }

        var after = await IncidentBench.ViewAsync(incident);
        Assert.Equal((before.Stage, before.Version, before.Timeline.Count), (after.Stage, after.Version, after.Timeline.Count));
    }

    private static IncidentCommand Command(IncidentCommandType type, string? text = null, RootCause? cause = null, CorrectiveAction? action = null,
        string? channel = null) => type switch
        {
            IncidentCommandType.RecordRootCause => new IncidentCommand.RecordRootCause { Text = text, RootCause = cause, Action = action },
            IncidentCommandType.UpdateAction => new IncidentCommand.UpdateAction { Text = text, Action = action },
            IncidentCommandType.SuspendService => new IncidentCommand.SuspendService { Text = text, Channel = channel },
            _ => IncidentBench.Bare(type) with { Text = text },
        };

    [Fact]
    public async Task Suspending_the_service_suspends_the_channel_and_resuming_needs_a_verification_note()
    {
        var incident = await _bench.InStageAsync(IncidentStage.Acknowledged);
        var id = incident.GetPrimaryKeyString();
        var channel = _bench.ChannelOf(IncidentBench.ChannelFor(incident));
        Assert.False((await channel.GetPolicyAsync()).Suspended);

        await RefusedAsync(incident, Command(IncidentCommandType.SuspendService), IncidentOutcome.Invalid, "reason");
        var suspended = await MustAsync(incident, IncidentCommandType.SuspendService);

        Assert.Equal(IncidentStage.ServiceSuspended, suspended.Stage);
        var policy = await channel.GetPolicyAsync();
        Assert.True(policy.Suspended);
        Assert.Contains("首页数据错误，暂停对外服务", policy.SuspendedReason, StringComparison.Ordinal);
        Assert.Equal(IncidentBench.ChannelFor(incident), (await IncidentBench.ViewAsync(incident)).SuspendedChannel);
        Assert.Contains(ClusterFixture.Incidents.NotificationsOf(id), n => n.Kind == "incident.suspended" && n.Audience == "management");
        Assert.Contains(ClusterFixture.Incidents.NotificationsOf(id), n => n.Kind == "incident.suspended" && n.Audience == "party:" + Responders.PartyId);

        await MustAsync(incident, IncidentCommandType.Mitigate);
        await RefusedAsync(incident, Command(IncidentCommandType.ResumeService), IncidentOutcome.Invalid, "verification");
        await RefusedAsync(incident, Command(IncidentCommandType.ResumeService, "   "), IncidentOutcome.Invalid, "verification");
        Assert.True((await channel.GetPolicyAsync()).Suspended);

        var resumed = await MustAsync(incident, IncidentCommandType.ResumeService);

        Assert.Equal(IncidentStage.Mitigated, resumed.Stage);
        Assert.False((await channel.GetPolicyAsync()).Suspended);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Null(view.SuspendedChannel);
        Assert.Equal("已验证：接口与页面数据恢复正确", view.Timeline[^1].Text);
        Assert.Contains(ClusterFixture.Incidents.NotificationsOf(id), n => n.Kind == "incident.resumed" && n.Audience == "management");

        // Nothing is suspended any more: there is nothing to resume.
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.ResumeService), IncidentOutcome.Invalid, "no service is suspended");
    }

    [Fact]
    public async Task Resolving_is_refused_while_the_service_is_suspended()
    {
        var incident = await _bench.InStageAsync(IncidentStage.ServiceSuspended);
        var channel = IncidentBench.ChannelFor(incident);

        // Not from the suspended stage at all, and not from mitigated while the channel stays suspended.
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), IncidentOutcome.IllegalMove);
        await MustAsync(incident, IncidentCommandType.Mitigate);
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), IncidentOutcome.Invalid, channel);
        Assert.True((await _bench.ChannelOf(channel).GetPolicyAsync()).Suspended);

        await MustAsync(incident, IncidentCommandType.ResumeService);
        var resolved = await MustAsync(incident, IncidentCommandType.Resolve);

        Assert.Equal(IncidentStage.Resolved, resolved.Stage);
        Assert.NotNull((await IncidentBench.ViewAsync(incident)).ResolvedAt);
    }

    [Fact]
    public async Task The_service_suspended_can_be_another_channel_named_by_the_operator_and_needs_one()
    {
        var named = "ch-named-" + Guid.NewGuid().ToString("N")[..8];
        var incident = await _bench.InStageAsync(IncidentStage.Acknowledged);

        await MustAsync(incident, IncidentCommandType.SuspendService);
        Assert.False((await _bench.ChannelOf(named).GetPolicyAsync()).Suspended);

        // An incident of no channel: the operator names one, or nothing is suspended.
        var desk = _bench.NewDesk();
        var bare = _bench.Incident(await desk.ReportAsync(IncidentBench.Report(desk.GetPrimaryKeyString(), null), Responders.Operator, "bare"));
        await MustAsync(bare, IncidentCommandType.Acknowledge);
        await RefusedAsync(bare, Command(IncidentCommandType.SuspendService, "数据错误"), IncidentOutcome.Invalid, "channel");
        await IncidentBench.MustAsync(bare, Command(IncidentCommandType.SuspendService, "数据错误", channel: named), Responders.Operator);

        Assert.True((await _bench.ChannelOf(named).GetPolicyAsync()).Suspended);
        Assert.Equal(named, (await IncidentBench.ViewAsync(bare)).SuspendedChannel);
        await MustAsync(bare, IncidentCommandType.Mitigate);
        await MustAsync(bare, IncidentCommandType.ResumeService);
        Assert.False((await _bench.ChannelOf(named).GetPolicyAsync()).Suspended);
    }

    [Fact]
    public async Task The_root_cause_needs_both_the_technical_and_the_management_cause_and_a_category()
    {
        var incident = await _bench.InStageAsync(IncidentStage.Resolved);
        await RefusedAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause("交换机固件缺陷", "变更未经评审")), IncidentOutcome.Invalid,
            "category");
        await RefusedAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause("交换机固件缺陷", "变更未经评审", (RootCauseCategory)99)),
            IncidentOutcome.Invalid, "category");

        await RefusedAsync(incident, Command(IncidentCommandType.RecordRootCause), IncidentOutcome.Invalid, "management");
        await RefusedAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause("交换机固件缺陷", "", RootCauseCategory.Software)), IncidentOutcome.Invalid, "management");
        await RefusedAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause(" ", "变更未经评审", RootCauseCategory.Software)), IncidentOutcome.Invalid, "technical");

        var recorded = await IncidentBench.MustAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause(" 交换机固件缺陷 ", "变更未经评审", RootCauseCategory.Software),
            action: new CorrectiveAction(0, "升级全部交换机固件", "网络组", new DateOnly(2026, 12, 31), null)), Responders.Operator);

        Assert.Equal(IncidentStage.RootCauseRecorded, recorded.Stage);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(new RootCause("交换机固件缺陷", "变更未经评审", RootCauseCategory.Software), view.RootCause);
        var action = Assert.Single(view.Actions);
        Assert.Equal((1, "升级全部交换机固件", "网络组", new DateOnly(2026, 12, 31), (DateTimeOffset?)null), (action.Number, action.Description, action.Owner, action.Due, action.DoneAt));

        // It can be corrected while it is the latest word.
        await IncidentBench.MustAsync(incident, Command(IncidentCommandType.RecordRootCause, cause: new RootCause("交换机固件缺陷（厂商确认）", "变更未经评审", RootCauseCategory.Software)), Responders.Operator);
        Assert.Equal("交换机固件缺陷（厂商确认）", (await IncidentBench.ViewAsync(incident)).RootCause?.Technical);
    }

    [Fact]
    public async Task Closing_is_refused_while_a_corrective_action_is_open_and_allowed_once_all_are_done()
    {
        var incident = await _bench.InStageAsync(IncidentStage.RootCauseRecorded);
        await MustAsync(incident, IncidentCommandType.UpdateAction);
        await IncidentBench.MustAsync(incident, Command(IncidentCommandType.UpdateAction,
            action: new CorrectiveAction(0, "变更纳入评审流程", "运维负责人", new DateOnly(2027, 1, 15), null)), Responders.Operator);
        await RefusedAsync(incident, Command(IncidentCommandType.UpdateAction, action: new CorrectiveAction(0, "", "网络组", new DateOnly(2027, 1, 1), null)),
            IncidentOutcome.Invalid);
        await MustAsync(incident, IncidentCommandType.SendFeedback);

        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Close), IncidentOutcome.Invalid, "corrective actions are still open");
        await IncidentBench.MustAsync(incident, Command(IncidentCommandType.UpdateAction, action: new CorrectiveAction(1, "", "", default, null)), Responders.Operator);
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Close), IncidentOutcome.Invalid, "corrective actions are still open");
        await RefusedAsync(incident, Command(IncidentCommandType.UpdateAction, action: new CorrectiveAction(9, "", "", default, null)), IncidentOutcome.Invalid, "9");
        await IncidentBench.MustAsync(incident, Command(IncidentCommandType.UpdateAction, action: new CorrectiveAction(2, "", "", default, null)), Responders.Operator);

        var closed = await MustAsync(incident, IncidentCommandType.Close);

        Assert.Equal(IncidentStage.Closed, closed.Stage);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.NotNull(view.ClosedAt);
        Assert.All(view.Actions, a => Assert.NotNull(a.DoneAt));
        Assert.Equal([1, 2], view.Actions.Select(a => a.Number));
    }

    [Fact]
    public async Task Feedback_read_receipts_are_recorded_once_per_reader()
    {
        var incident = await _bench.InStageAsync(IncidentStage.FeedbackSent);
        var sent = await IncidentBench.ViewAsync(incident);
        Assert.Equal("故障已处理：交换机固件缺陷，已升级并纳入变更评审", sent.Feedback);
        Assert.Empty(sent.FeedbackReads);
        Assert.Contains(ClusterFixture.Incidents.NotificationsOf(incident.GetPrimaryKeyString()),
            n => n.Kind == "incident.feedback" && n.Audience == "party:" + Responders.PartyId);

        await MustAsync(incident, IncidentCommandType.ReadFeedback, Responders.Party);
        await MustAsync(incident, IncidentCommandType.ReadFeedback, Responders.Party);
        await MustAsync(incident, IncidentCommandType.ReadFeedback, Responders.Management);
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.ReadFeedback), IncidentOutcome.Forbidden, actor: Responders.OtherParty);
        await RefusedAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.ReadFeedback), IncidentOutcome.Forbidden, actor: Responders.Operator);
        await MustAsync(incident, IncidentCommandType.Close);
        await MustAsync(incident, IncidentCommandType.ReadFeedback, Responders.PartyColleague);
        await MustAsync(incident, IncidentCommandType.ReadFeedback, Responders.Management);

        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal([Responders.Party.UserId, Responders.Management.UserId, Responders.PartyColleague.UserId], view.FeedbackReads.Select(r => r.UserId));
        Assert.Equal([Responders.Party.Name, Responders.Management.Name, Responders.PartyColleague.Name], view.FeedbackReads.Select(r => r.Name));
    }

    [Fact]
    public async Task A_command_repeated_with_the_same_operation_id_returns_the_first_result_and_applies_once()
    {
        var incident = _bench.NewIncident();
        var id = incident.GetPrimaryKeyString();
        var report = IncidentBench.Valid(incident, IncidentCommandType.Report);
        var first = await RunAsync(incident, report, operationId: "op-report");
        var again = await RunAsync(incident, report, operationId: "op-report");
        Assert.True(first.Ok);
        Assert.Equal((first.Outcome, first.Stage, first.Version), (again.Outcome, again.Stage, again.Version));
        Assert.Equal(first.AllowedMoves, again.AllowedMoves);

        var acknowledged = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), operationId: "op-ack");
        var comment = IncidentBench.Valid(incident, IncidentCommandType.Comment);
        var commented = await RunAsync(incident, comment, Responders.Party, "op-comment");
        var resolved = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), operationId: "op-resolve");
        var notifications = ClusterFixture.Incidents.NotificationsOf(id).Count;

        // Retries after the incident moved on: each answers as it did then, and nothing is applied again.
        var ackRepeat = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), operationId: "op-ack");
        var commentRepeat = await RunAsync(incident, comment, Responders.Party, "op-comment");
        var resolveRepeat = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), operationId: "op-resolve");

        Assert.Equal((IncidentOutcome.Applied, IncidentStage.Acknowledged, 2L), (ackRepeat.Outcome, ackRepeat.Stage, ackRepeat.Version));
        Assert.Equal((acknowledged.Stage, acknowledged.Version), (ackRepeat.Stage, ackRepeat.Version));
        Assert.Equal((commented.Stage, commented.Version), (commentRepeat.Stage, commentRepeat.Version));
        Assert.Equal((resolved.Stage, resolved.Version), (resolveRepeat.Stage, resolveRepeat.Version));
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal((IncidentStage.Resolved, 4L, 4), (view.Stage, view.Version, view.Timeline.Count));
        Assert.Single(view.Timeline, e => e.Command == IncidentCommandType.Comment);
        Assert.Equal(notifications, ClusterFixture.Incidents.NotificationsOf(id).Count);

        // A refusal is not remembered: the same key may be used again once the move is allowed.
        var early = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.SendFeedback), operationId: "op-feedback");
        Assert.Equal(IncidentOutcome.IllegalMove, early.Outcome);
        await MustAsync(incident, IncidentCommandType.RecordRootCause);
        var feedback = await RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.SendFeedback), operationId: "op-feedback");
        Assert.Equal(IncidentStage.FeedbackSent, feedback.Stage);
    }

    [Fact]
    public async Task A_command_without_an_operation_id_is_refused()
    {
        var incident = await _bench.InStageAsync(IncidentStage.Reported);

        var result = await incident.ExecuteAsync(IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), Responders.Operator, " ");

        Assert.Equal(IncidentOutcome.Invalid, result.Outcome);
        Assert.Equal(IncidentStage.Reported, (await IncidentBench.ViewAsync(incident)).Stage);
    }

    [Fact]
    public async Task The_plan_cited_and_the_severity_are_kept_and_checked()
    {
        var incident = await _bench.InStageAsync(IncidentStage.Acknowledged);

        await RefusedAsync(incident, new IncidentCommand.CitePlan { PlanId = "plan-network" }, IncidentOutcome.Invalid);
        await RefusedAsync(incident, new IncidentCommand.SetSeverity(), IncidentOutcome.Invalid);
        await MustAsync(incident, IncidentCommandType.CitePlan);
        await MustAsync(incident, IncidentCommandType.SetSeverity);

        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(("plan-network", (int?)2, IncidentSeverity.P3), (view.PlanId, view.PlanVersion, view.Severity));
        // Acknowledged: a new severity sets no escalation.
        Assert.Null(view.EscalatesAt);
    }
}
