using System.Collections.Concurrent;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>
/// An in-memory operations journal: every history entry, the latest projection per plan, drill and campaign (the
/// highest revision or version wins, as in the guarded tables), and rows "written before the upgrade" that grains
/// load when their state is empty.
/// </summary>
public sealed class RecordingOperationsJournal : IOperationsJournal
{
    private readonly ConcurrentQueue<(string Id, long Version, string Command)> _history = new();
    private readonly ConcurrentDictionary<string, PlanRecord> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DrillView> _drills = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CampaignView> _campaigns = new(StringComparer.Ordinal);

    /// <summary>Rows that exist in the read tables only, as before the grains owned these domains.</summary>
    public ConcurrentDictionary<string, object> Legacy { get; } = new(StringComparer.Ordinal);

    /// <summary>History entries recorded for an entity, by version (a replayed entry appears once).</summary>
    public IReadOnlyList<(long Version, string Command)> HistoryOf(string id) =>
        _history.Where(h => h.Id == id).Select(h => (h.Version, h.Command)).Distinct().OrderBy(h => h.Version).ToList();

    /// <summary>The read tables' plan.</summary>
    public PlanRecord? PlanOf(string id) => _plans.GetValueOrDefault(id);

    /// <summary>The read table's drill.</summary>
    public DrillView? DrillOf(string id) => _drills.GetValueOrDefault(id);

    /// <summary>The read table's campaign.</summary>
    public CampaignView? CampaignOf(string id) => _campaigns.GetValueOrDefault(id);

    public Task<PlanRecord?> LoadPlanAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Legacy.GetValueOrDefault(id) as PlanRecord);

    public Task RecordPlanAsync(PlanRecord plan, PlanHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.Enqueue((plan.Summary.Id, entry.Revision, entry.Command.ToString()));
        }

        _plans.AddOrUpdate(plan.Summary.Id, plan, (_, known) => plan.Summary.Revision >= known.Summary.Revision ? plan : known);
        return Task.CompletedTask;
    }

    public Task<DrillView?> LoadDrillAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Legacy.GetValueOrDefault(id) as DrillView);

    public Task RecordDrillAsync(DrillView drill, DrillHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.Enqueue((drill.Id, entry.Version, entry.Command.ToString()));
        }

        _drills.AddOrUpdate(drill.Id, drill, (_, known) => drill.Version >= known.Version ? drill : known);
        return Task.CompletedTask;
    }

    public Task<CampaignView?> LoadCampaignAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Legacy.GetValueOrDefault(id) as CampaignView);

    public Task RecordCampaignAsync(CampaignView campaign, CampaignHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.Enqueue((campaign.Id, entry.Version, entry.Command.ToString()));
        }

        _campaigns.AddOrUpdate(campaign.Id, campaign, (_, known) => campaign.Version >= known.Version ? campaign : known);
        return Task.CompletedTask;
    }
}

/// <summary>Who acts in the operations tests: the roles the web layer would give each caller on the thing acted on.</summary>
public enum OpsCaller
{
    /// <summary>A user of the thing's own access party.</summary>
    PartyUser,

    /// <summary>A platform operator.</summary>
    Operator,

    /// <summary>Management.</summary>
    Management,

    /// <summary>A user of another access party, or an auditor: no role here.</summary>
    Nobody,
}

/// <summary>Puts plans, drills and campaigns into each state by moves of their tables, and makes valid commands.</summary>
public sealed class OpsBench(IGrainFactory grains, string prefix)
{
    /// <summary>The party the bench's plans, drills and campaigns belong to.</summary>
    public string Party => prefix + "-party";

    public static OpsRole RolesOf(OpsCaller caller) => caller switch
    {
        OpsCaller.PartyUser => OpsRole.Party,
        OpsCaller.Operator => OpsRole.Operator,
        OpsCaller.Management => OpsRole.Management,
        _ => OpsRole.None,
    };

    public static OpsActor Actor(OpsCaller caller) =>
        new(new Guid((int)caller + 1, 0, 0, new byte[8]), caller.ToString().ToLowerInvariant(), RolesOf(caller));

    /// <summary>Someone holding every role (for moves missing from a table: the answer must not depend on who asks).</summary>
    public static OpsActor Everyone { get; } = new(Guid.NewGuid(), "everyone", OpsRole.Party | OpsRole.Operator | OpsRole.Management);

    public static string Op() => Guid.NewGuid().ToString("N");

    /// <summary>Theory data of pairs.</summary>
    public static TheoryData<TA, TB> Data<TA, TB>(IEnumerable<(TA, TB)> pairs)
    {
        var data = new TheoryData<TA, TB>();
        foreach (var (a, b) in pairs)
        {
            data.Add(a, b);
        }

        return data;
    }

    public string NewId(string kind) => $"{prefix}-{kind}-{Guid.NewGuid():N}";

    /// <summary>Content that may be submitted: every section filled, every risk rated.</summary>
    public static PlanContent Complete(int? drillEveryDays = null, string firstStep = "通知值班负责人") => new(
        [new PlanDuty("总指挥", "王主任", "决定启动与终止响应", "值班电话")],
        [new PlanResource("备用服务器", "设备", "2 台", "二号机房", "李工")],
        [new PlanRisk("发布系统宕机", "主服务器故障", 2, 5, "主备切换")],
        [new PlanMeasure("每日巡视", "运维", "每日")],
        [new PlanStep(null, firstStep, "值班员", 5), new PlanStep(null, "切换到备用服务器", "技术组", 15)],
        [new PlanFallback("暂停对外服务并发布公告", "30 分钟内无法恢复", "总指挥")],
        drillEveryDays);

    public IPlanGrain Plan(string id) => grains.GetGrain<IPlanGrain>(id);

    public IDrillGrain Drill(string id) => grains.GetGrain<IDrillGrain>(id);

    public ICampaignGrain Campaign(string id) => grains.GetGrain<ICampaignGrain>(id);

    /// <summary>A new plan whose latest version is in the state (Draft, Submitted or Approved).</summary>
    public async Task<IPlanGrain> PlanInAsync(PlanState state, PlanContent? content = null)
    {
        var plan = Plan(NewId("plan"));
        await MustAsync(plan.ExecuteAsync(new CreatePlan(Party, "发布系统故障应急预案", "发布系统故障", content ?? Complete()), Actor(OpsCaller.PartyUser), Op()));
        if (state is PlanState.Submitted or PlanState.Approved)
        {
            await MustAsync(plan.ExecuteAsync(new SubmitPlan(), Actor(OpsCaller.PartyUser), Op()));
        }

        if (state == PlanState.Approved)
        {
            await MustAsync(plan.ExecuteAsync(new ApprovePlan(null), Actor(OpsCaller.Management), Op()));
        }

        return plan;
    }

    /// <summary>A valid command of a kind for the plan as it is now.</summary>
    public async Task<PlanCommand> ValidAsync(IPlanGrain plan, PlanCommandType type) => type switch
    {
        PlanCommandType.Create => new CreatePlan(Party, "预案", "场景", Complete()),
        PlanCommandType.SaveDraft => new SavePlanDraft((await plan.GetAsync())?.Plan.Revision ?? 0, null, null, Complete(firstStep: "修订")),
        PlanCommandType.Submit => new SubmitPlan(),
        PlanCommandType.Approve => new ApprovePlan(null),
        _ => new ReturnPlan(null, "兜底安排不具体"),
    };

    /// <summary>A new drill of an approved plan in the state.</summary>
    public async Task<IDrillGrain> DrillInAsync(DrillState state, DateTimeOffset? at = null)
    {
        var plan = await PlanInAsync(PlanState.Approved);
        var drill = Drill(NewId("drill"));
        await MustAsync(drill.ExecuteAsync(new ScheduleDrill(plan.GetPrimaryKeyString(), "主发布服务器断电", at ?? ClusterFixture.GrainClock.GetUtcNow().AddDays(7)),
            Actor(OpsCaller.PartyUser), Op()));
        if (state != DrillState.Scheduled)
        {
            await MustAsync(drill.ExecuteAsync(Valid(state == DrillState.Completed ? DrillCommandType.Record : DrillCommandType.Cancel, plan.GetPrimaryKeyString()),
                Actor(OpsCaller.PartyUser), Op()));
        }

        return drill;
    }

    /// <summary>A valid drill command of a kind.</summary>
    public static DrillCommand Valid(DrillCommandType type, string planId)
    {
        var now = ClusterFixture.GrainClock.GetUtcNow();
        return type switch
        {
            DrillCommandType.Schedule => new ScheduleDrill(planId, "内容安全事件", now.AddDays(3)),
            DrillCommandType.Record => new RecordDrill(now.AddHours(-2), now.AddHours(-1), [new DrillParticipant("王主任", "总指挥", null)], ["切换耗时 12 分钟"],
                [new DrillFollowUp("更新证书", "李工", new DateOnly(2027, 1, 15))], "基本达到预期"),
            _ => new CancelDrill("与重大活动冲突"),
        };
    }

    /// <summary>A new campaign in the state.</summary>
    public async Task<ICampaignGrain> CampaignInAsync(CampaignState state)
    {
        var campaign = Campaign(NewId("camp"));
        await MustAsync(campaign.ExecuteAsync(Valid(CampaignCommandType.Register), Actor(OpsCaller.PartyUser), Op()));
        if (state != CampaignState.Pending)
        {
            var (type, caller) = state switch
            {
                CampaignState.Supported => (CampaignCommandType.Support, OpsCaller.Operator),
                CampaignState.Declined => (CampaignCommandType.Decline, OpsCaller.Operator),
                _ => (CampaignCommandType.Withdraw, OpsCaller.PartyUser),
            };
            await MustAsync(campaign.ExecuteAsync(Valid(type), Actor(caller), Op()));
        }

        return campaign;
    }

    /// <summary>A valid campaign command of a kind.</summary>
    public CampaignCommand Valid(CampaignCommandType type) => type switch
    {
        CampaignCommandType.Register => new RegisterCampaign(Party, "国庆假期文旅推广", CampaignKind.Holiday, new DateOnly(2027, 10, 1), new DateOnly(2027, 10, 7), "首页专题"),
        CampaignCommandType.Edit => new EditCampaign(null, null, new DateOnly(2027, 10, 2), null, null),
        CampaignCommandType.Support => new DecideCampaign(true, "开屏资源已排期"),
        CampaignCommandType.Decline => new DecideCampaign(false, "资源不足"),
        _ => new WithdrawCampaign("活动取消"),
    };

    private static async Task MustAsync(Task<PlanResult> run)
    {
        var result = await run;
        Assert.True(result.Ok, result.Message);
    }

    private static async Task MustAsync(Task<DrillResult> run)
    {
        var result = await run;
        Assert.True(result.Ok, result.Message);
    }

    private static async Task MustAsync(Task<CampaignResult> run)
    {
        var result = await run;
        Assert.True(result.Ok, result.Message);
    }
}
