using System.Diagnostics;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>The kinds of caller relative to an incident of access party <see cref="Responders.PartyId"/>.</summary>
public enum Caller
{
    /// <summary>A platform operator on call.</summary>
    Operator,

    /// <summary>The management side.</summary>
    Management,

    /// <summary>A user of the affected access party.</summary>
    Party,

    /// <summary>A user of another access party.</summary>
    OtherParty,

    /// <summary>A signed-in user with no incident role (an auditor).</summary>
    Nobody,

    /// <summary>The platform itself.</summary>
    System,
}

/// <summary>The people every incident test uses.</summary>
public static class Responders
{
    /// <summary>The access party every bench incident belongs to.</summary>
    public const string PartyId = "party-inc-a";

    /// <summary>Another access party.</summary>
    public const string OtherPartyId = "party-inc-b";

    public static IncidentActor Operator { get; } = new(new Guid("0f000000-0000-0000-0000-000000000001"), "值班员 周", IncidentRole.Operator, null);

    public static IncidentActor Management { get; } = new(new Guid("0f000000-0000-0000-0000-000000000002"), "管理方 吴", IncidentRole.Management, null);

    public static IncidentActor Party { get; } = new(new Guid("0f000000-0000-0000-0000-000000000003"), "接入方 郑", IncidentRole.Party, PartyId);

    /// <summary>A second user of the affected party.</summary>
    public static IncidentActor PartyColleague { get; } = new(new Guid("0f000000-0000-0000-0000-000000000004"), "接入方 冯", IncidentRole.Party, PartyId);

    public static IncidentActor OtherParty { get; } = new(new Guid("0f000000-0000-0000-0000-000000000005"), "他方 陈", IncidentRole.Party, OtherPartyId);

    public static IncidentActor Nobody { get; } = new(new Guid("0f000000-0000-0000-0000-000000000006"), "审计 褚", IncidentRole.None, null);

    /// <summary>Holds every role, of the affected party: refused only by what the table lacks.</summary>
    public static IncidentActor Everyone { get; } = new(new Guid("0f000000-0000-0000-0000-000000000007"), "全能 卫",
        IncidentRole.Operator | IncidentRole.Management | IncidentRole.Party | IncidentRole.System, PartyId);

    public static IncidentActor Of(Caller caller) => caller switch
    {
        Caller.Operator => Operator,
        Caller.Management => Management,
        Caller.Party => Party,
        Caller.OtherParty => OtherParty,
        Caller.Nobody => Nobody,
        Caller.System => IncidentActor.System,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>
    /// The roles a caller holds on an incident of <see cref="PartyId"/>: a user of another party is nobody there
    /// (its Party role counts only on its own party's incidents).
    /// </summary>
    public static IncidentRole RolesOf(Caller caller) => caller switch
    {
        Caller.Operator => IncidentRole.Operator,
        Caller.Management => IncidentRole.Management,
        Caller.Party => IncidentRole.Party,
        Caller.OtherParty or Caller.Nobody => IncidentRole.None,
        Caller.System => IncidentRole.System,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };
}

/// <summary>
/// Builds incidents of party <see cref="Responders.PartyId"/> in any stage through legal moves only, and gives commands with
/// valid arguments. Every incident it makes gets its own channel. Incidents left waiting for acknowledgement are
/// acknowledged by <see cref="QuiesceAsync"/>, so their escalation reminders stop ticking after the test.
/// </summary>
public sealed class IncidentBench(IGrainFactory grains, string prefix)
{
    private readonly List<IIncidentGrain> _made = [];

    public static DateTimeOffset Now => ClusterFixture.GrainClock.GetUtcNow();

    /// <summary>The member every bench incident is reported with.</summary>
    public const string BenchMember = "bench-member-1";

    /// <summary>A bench whose incident keys nobody else uses.</summary>
    public static IncidentBench Fresh(IGrainFactory grains, string prefix) => new(grains, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);

    /// <summary>An incident never reported.</summary>
    public IIncidentGrain NewIncident()
    {
        var incident = grains.GetGrain<IIncidentGrain>($"{prefix}-{Guid.NewGuid():N}");
        lock (_made)
        {
            _made.Add(incident);
        }

        return incident;
    }

    /// <summary>The desk of a fault nobody else reports.</summary>
    public IIncidentDeskGrain NewDesk() => grains.GetGrain<IIncidentDeskGrain>($"{prefix}:fault:{Guid.NewGuid():N}");

    /// <summary>The incident with an id a desk answered (tracked for <see cref="QuiesceAsync"/>).</summary>
    public IIncidentGrain Incident(string id)
    {
        var incident = grains.GetGrain<IIncidentGrain>(id);
        lock (_made)
        {
            _made.Add(incident);
        }

        return incident;
    }

    public IChannelGrain ChannelOf(string code) => grains.GetGrain<IChannelGrain>(code);

    /// <summary>The channel of a bench incident.</summary>
    public static string ChannelFor(IIncidentGrain incident) => "ch-" + incident.GetPrimaryKeyString();

    /// <summary>A report of a fault of the bench's party on <paramref name="channel"/>.</summary>
    public static IncidentReport Report(string dedupKey, string? channel, IncidentSeverity severity = IncidentSeverity.P4, string? party = Responders.PartyId) =>
        new(dedupKey, IncidentSource.Application, severity, "稿件接口超时", "网关 502 比例 12%", party, channel, "api:articles", Now);

    public static Task<IncidentResult> RunAsync(IIncidentGrain incident, IncidentCommand command, IncidentActor actor, string? operationId = null) =>
        incident.ExecuteAsync(command, actor, operationId ?? Guid.NewGuid().ToString("N"));

    /// <summary>Runs a command that must apply; returns the result.</summary>
    public static async Task<IncidentResult> MustAsync(IIncidentGrain incident, IncidentCommand command, IncidentActor actor, string? operationId = null)
    {
        var result = await RunAsync(incident, command, actor, operationId);
        Assert.True(result.Ok, $"{command.Type} by {actor.Name} in {result.Stage}: {result.Outcome} {result.Message}");
        return result;
    }

    public static async Task<IncidentSnapshot> ViewAsync(IIncidentGrain incident) =>
        await incident.GetAsync() ?? throw new InvalidOperationException("the incident was never reported");

    /// <summary>A command of a kind without arguments.</summary>
    public static IncidentCommand Bare(IncidentCommandType type) => type switch
    {
        IncidentCommandType.Report => new IncidentCommand.Report(),
        IncidentCommandType.Acknowledge => new IncidentCommand.Acknowledge(),
        IncidentCommandType.Escalate => new IncidentCommand.Escalate(),
        IncidentCommandType.SuspendService => new IncidentCommand.SuspendService(),
        IncidentCommandType.ResumeService => new IncidentCommand.ResumeService(),
        IncidentCommandType.Mitigate => new IncidentCommand.Mitigate(),
        IncidentCommandType.Resolve => new IncidentCommand.Resolve(),
        IncidentCommandType.RecordRootCause => new IncidentCommand.RecordRootCause(),
        IncidentCommandType.UpdateAction => new IncidentCommand.UpdateAction(),
        IncidentCommandType.SendFeedback => new IncidentCommand.SendFeedback(),
        IncidentCommandType.ReadFeedback => new IncidentCommand.ReadFeedback(),
        IncidentCommandType.Close => new IncidentCommand.Close(),
        IncidentCommandType.Reopen => new IncidentCommand.Reopen(),
        IncidentCommandType.SetSeverity => new IncidentCommand.SetSeverity(),
        IncidentCommandType.CitePlan => new IncidentCommand.CitePlan(),
        IncidentCommandType.Comment => new IncidentCommand.Comment(),
        IncidentCommandType.JoinGroup => new IncidentCommand.JoinGroup(),
        IncidentCommandType.MemberRecovered => new IncidentCommand.MemberRecovered(),
        IncidentCommandType.GroupUpdate => new IncidentCommand.GroupUpdate(),
        IncidentCommandType.Clear => new IncidentCommand.Clear { Text = "Alertmanager 2026-12-01 08:05:00Z" },
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A command of the given type with valid arguments for a bench incident.</summary>
    public static IncidentCommand Valid(IIncidentGrain incident, IncidentCommandType type) => type switch
    {
        // Every bench incident stands for a group of one member, so the membership commands have something to act on.
        IncidentCommandType.Report => new IncidentCommand.Report
        {
            Fault = Report("bench:" + incident.GetPrimaryKeyString(), ChannelFor(incident)) with
            {
                Member = new IncidentMember(BenchMember, "一号接口", Now, null),
                GroupKey = AlertGroups.KeyOf("api.timeout", Responders.PartyId, "bench"),
                Region = "bench",
            },
        },
        IncidentCommandType.Acknowledge => new IncidentCommand.Acknowledge(),
        IncidentCommandType.Escalate => new IncidentCommand.Escalate(),
        IncidentCommandType.SuspendService => new IncidentCommand.SuspendService { Text = "首页数据错误，暂停对外服务" },
        IncidentCommandType.ResumeService => new IncidentCommand.ResumeService { Text = "已验证：接口与页面数据恢复正确" },
        IncidentCommandType.Mitigate => new IncidentCommand.Mitigate { Text = "已切换至备用线路" },
        IncidentCommandType.Resolve => new IncidentCommand.Resolve { Text = "已更换故障交换机" },
        IncidentCommandType.RecordRootCause => new IncidentCommand.RecordRootCause { RootCause = new RootCause("交换机固件缺陷", "变更未经评审", RootCauseCategory.Software) },
        IncidentCommandType.UpdateAction => new IncidentCommand.UpdateAction { Action = new CorrectiveAction(0, "升级全部交换机固件", "网络组", new DateOnly(2026, 12, 31), null) },
        IncidentCommandType.SendFeedback => new IncidentCommand.SendFeedback { Text = "故障已处理：交换机固件缺陷，已升级并纳入变更评审" },
        IncidentCommandType.ReadFeedback => new IncidentCommand.ReadFeedback(),
        IncidentCommandType.Close => new IncidentCommand.Close(),
        IncidentCommandType.Reopen => new IncidentCommand.Reopen { Text = "故障再次出现" },
        IncidentCommandType.SetSeverity => new IncidentCommand.SetSeverity { Severity = IncidentSeverity.P3 },
        IncidentCommandType.CitePlan => new IncidentCommand.CitePlan { PlanId = "plan-network", PlanVersion = 2 },
        IncidentCommandType.Comment => new IncidentCommand.Comment { Text = "值班员已到达机房" },
        IncidentCommandType.JoinGroup => new IncidentCommand.JoinGroup { Member = new IncidentMember("bench-member-2", "二号接口", Now, null) },
        IncidentCommandType.MemberRecovered => new IncidentCommand.MemberRecovered { MemberId = BenchMember, Text = "接口恢复" },
        IncidentCommandType.GroupUpdate => new IncidentCommand.GroupUpdate(),
        IncidentCommandType.Clear => new IncidentCommand.Clear { Text = "Alertmanager 2026-12-01 08:05:00Z" },
        _ => throw new NotSupportedException($"no valid arguments known for {type}: add them to IncidentBench.Valid"),
    };

    /// <summary>
    /// A new incident brought to <paramref name="stage"/> by legal moves only. <paramref name="next"/> is the command the test
    /// will give: resuming the service needs an incident whose service was suspended, resolving one whose service never was.
    /// </summary>
    public async Task<IIncidentGrain> InStageAsync(IncidentStage stage, IncidentCommandType? next = null)
    {
        var incident = NewIncident();
        var result = await BringAsync(incident, stage, next);
        Assert.Equal(stage, result.Stage);
        return incident;
    }

    private static async Task<IncidentResult> BringAsync(IIncidentGrain incident, IncidentStage stage, IncidentCommandType? next)
    {
        async Task<IncidentResult> Then(IncidentStage before, IncidentCommandType command, IncidentActor? actor = null)
        {
            await BringAsync(incident, before, next);
            return await MustAsync(incident, Valid(incident, command), actor ?? Responders.Operator);
        }

        return stage switch
        {
            IncidentStage.Reported => await MustAsync(incident, Valid(incident, IncidentCommandType.Report), Responders.Operator),
            IncidentStage.Acknowledged => await Then(IncidentStage.Reported, IncidentCommandType.Acknowledge),
            IncidentStage.ServiceSuspended => await Then(IncidentStage.Acknowledged, IncidentCommandType.SuspendService),
            IncidentStage.Mitigated => await Then(next == IncidentCommandType.ResumeService ? IncidentStage.ServiceSuspended : IncidentStage.Acknowledged,
                IncidentCommandType.Mitigate),
            IncidentStage.Resolved => await Then(IncidentStage.Acknowledged, IncidentCommandType.Resolve),
            IncidentStage.RootCauseRecorded => await Then(IncidentStage.Resolved, IncidentCommandType.RecordRootCause),
            IncidentStage.FeedbackSent => await Then(IncidentStage.RootCauseRecorded, IncidentCommandType.SendFeedback),
            IncidentStage.Closed => await Then(IncidentStage.FeedbackSent, IncidentCommandType.Close),
            _ => throw new NotSupportedException($"no recipe to reach {stage}: add one to IncidentBench.BringAsync"),
        };
    }

    /// <summary>Polls the incident (real time) until <paramref name="done"/> or the deadline; returns the last snapshot.</summary>
    public static async Task<IncidentSnapshot> EventuallyAsync(IIncidentGrain incident, Func<IncidentSnapshot, bool> done, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        IncidentSnapshot snapshot;
        do
        {
            snapshot = await ViewAsync(incident);
            if (done(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < (deadline ?? TimeSpan.FromSeconds(10)));
        return snapshot;
    }

    /// <summary>Polls a value (real time) until <paramref name="done"/> or the deadline; returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        T value;
        do
        {
            value = read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < (deadline ?? TimeSpan.FromSeconds(10)));
        return value;
    }

    /// <summary>Acknowledges every incident this bench made that still waits, so no escalation reminder outlives the test.</summary>
    public async Task QuiesceAsync()
    {
        List<IIncidentGrain> made;
        lock (_made)
        {
            made = [.. _made];
        }

        foreach (var incident in made.DistinctBy(i => i.GetPrimaryKeyString()))
        {
            if (await incident.GetAsync() is { Stage: IncidentStage.Reported })
            {
                await incident.ExecuteAsync(new IncidentCommand.Acknowledge(), Responders.Operator, "quiesce");
            }
        }
    }
}
