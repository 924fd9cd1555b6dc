using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>
/// Walks <see cref="PlanWorkflow.Transitions"/> exhaustively: every row is applied for each role it names and forbidden
/// to every other caller, and every (state, command) pair without a row is an illegal move. A latest version is never
/// Superseded (only an older approved one is), so the pairs run over the states a latest version can be in.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PlanWorkflowTableTests(ClusterFixture fixture)
{
    private readonly OpsBench _bench = new(fixture.Grains, "pwf");

    public static TheoryData<PlanState, PlanCommandType> Rows() =>
        OpsBench.Data(PlanWorkflow.Transitions.Where(t => t.From is not null).Select(t => (t.From!.Value, t.Command)));

    public static TheoryData<PlanState, PlanCommandType> MissingRows() =>
        OpsBench.Data(LatestStates.SelectMany(s => Enum.GetValues<PlanCommandType>().Where(c => PlanWorkflow.Find(s, c) is null).Select(c => (s, c))));

    private static PlanState[] LatestStates => [PlanState.Draft, PlanState.Submitted, PlanState.Approved];

    [Fact]
    public void The_table_has_one_row_per_pair_names_a_role_in_every_row_and_never_makes_a_latest_version_superseded()
    {
        Assert.Equal(PlanWorkflow.Transitions.Count, PlanWorkflow.Transitions.DistinctBy(t => (t.From, t.Command)).Count());
        Assert.All(PlanWorkflow.Transitions, t => Assert.NotEqual(OpsRole.None, t.Roles));
        Assert.DoesNotContain(PlanWorkflow.Transitions, t => t.To == PlanState.Superseded || t.From == PlanState.Superseded);
        Assert.All(LatestStates, s => Assert.NotEmpty(PlanWorkflow.AllowedIn(s)));
    }

    [Fact]
    public void The_operator_and_the_party_write_plans_and_only_management_approves_them()
    {
        foreach (var row in PlanWorkflow.Transitions.Where(t => t.Command is PlanCommandType.Create or PlanCommandType.SaveDraft or PlanCommandType.Submit))
        {
            Assert.Equal(OpsRole.Party | OpsRole.Operator, row.Roles);
        }

        Assert.All(PlanWorkflow.Transitions.Where(t => t.Command is PlanCommandType.Approve or PlanCommandType.Return), t => Assert.Equal(OpsRole.Management, t.Roles));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_applied_for_each_of_its_roles_and_lands_where_the_table_says(PlanState state, PlanCommandType command)
    {
        var row = PlanWorkflow.Find(state, command)!;
        foreach (var caller in Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) != 0))
        {
            var plan = await _bench.PlanInAsync(state);
            var before = (await plan.GetAsync())!;

            var result = await plan.ExecuteAsync(await _bench.ValidAsync(plan, command), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Ok, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
            Assert.Equal((row.To, before.Plan.Revision + 1), (result.State!.Value, result.Plan!.Revision));
            Assert.Equal(PlanWorkflow.AllowedIn(row.To), result.AllowedMoves);
            Assert.Equal(row.To, (await plan.GetAsync())!.Plan.LatestState);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_forbidden_to_every_caller_without_one_of_its_roles(PlanState state, PlanCommandType command)
    {
        var row = PlanWorkflow.Find(state, command)!;
        var plan = await _bench.PlanInAsync(state);
        var before = (await plan.GetAsync())!;
        var forbidden = Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) == 0).ToList();
        Assert.Contains(OpsCaller.Nobody, forbidden);

        foreach (var caller in forbidden)
        {
            var result = await plan.ExecuteAsync(await _bench.ValidAsync(plan, command), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Outcome == OpsOutcome.Forbidden, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
            Assert.Equal(state, result.State);
        }

        Assert.Equal(before.Plan.Revision, (await plan.GetAsync())!.Plan.Revision);
    }

    [Theory]
    [MemberData(nameof(MissingRows))]
    public async Task A_move_missing_from_the_table_is_illegal_names_the_state_and_lists_the_allowed_moves(PlanState state, PlanCommandType command)
    {
        var plan = await _bench.PlanInAsync(state);
        var before = (await plan.GetAsync())!;

        var result = await plan.ExecuteAsync(await _bench.ValidAsync(plan, command), OpsBench.Everyone, OpsBench.Op());

        Assert.Equal((OpsOutcome.IllegalMove, state), (result.Outcome, result.State!.Value));
        Assert.Equal(PlanWorkflow.AllowedIn(state), result.AllowedMoves);
        Assert.Equal(before.Plan.Revision, (await plan.GetAsync())!.Plan.Revision);
    }

    [Theory]
    [MemberData(nameof(NotCreating))]
    public async Task A_command_on_a_plan_that_does_not_exist_is_not_found_and_creates_nothing(PlanCommandType command)
    {
        var plan = _bench.Plan(_bench.NewId("none"));

        var result = await plan.ExecuteAsync(await _bench.ValidAsync(plan, command), OpsBench.Everyone, OpsBench.Op());

        Assert.Equal(OpsOutcome.NotFound, result.Outcome);
        Assert.Null(await plan.GetAsync());
    }

    public static TheoryData<PlanCommandType> NotCreating() => [.. Enum.GetValues<PlanCommandType>().Where(c => PlanWorkflow.Find(null, c) is null)];
}

/// <summary>Walks <see cref="DrillWorkflow.Transitions"/>: every row × role allowed, every other caller forbidden, every missing pair illegal.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DrillWorkflowTableTests(ClusterFixture fixture)
{
    private readonly OpsBench _bench = new(fixture.Grains, "dwf");

    public static TheoryData<DrillState, DrillCommandType> Rows() =>
        OpsBench.Data(DrillWorkflow.Transitions.Where(t => t.From is not null).Select(t => (t.From!.Value, t.Command)));

    public static TheoryData<DrillState, DrillCommandType> MissingRows() =>
        OpsBench.Data(Enum.GetValues<DrillState>().SelectMany(s => Enum.GetValues<DrillCommandType>().Where(c => DrillWorkflow.Find(s, c) is null).Select(c => (s, c))));

    [Fact]
    public void The_table_has_one_row_per_pair_and_names_a_role_in_every_row()
    {
        Assert.Equal(DrillWorkflow.Transitions.Count, DrillWorkflow.Transitions.DistinctBy(t => (t.From, t.Command)).Count());
        Assert.All(DrillWorkflow.Transitions, t => Assert.NotEqual(OpsRole.None, t.Roles));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_applied_for_each_of_its_roles_and_lands_where_the_table_says(DrillState state, DrillCommandType command)
    {
        var row = DrillWorkflow.Find(state, command)!;
        foreach (var caller in Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) != 0))
        {
            var drill = await _bench.DrillInAsync(state);
            var before = (await drill.GetAsync())!;

            var result = await drill.ExecuteAsync(OpsBench.Valid(command, before.PlanId), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Ok, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
            Assert.Equal((row.To, before.Version + 1), (result.State!.Value, result.Drill!.Version));
            Assert.Equal(DrillWorkflow.AllowedIn(row.To), result.AllowedMoves);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_forbidden_to_every_caller_without_one_of_its_roles(DrillState state, DrillCommandType command)
    {
        var row = DrillWorkflow.Find(state, command)!;
        var drill = await _bench.DrillInAsync(state);
        var before = (await drill.GetAsync())!;

        foreach (var caller in Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) == 0))
        {
            var result = await drill.ExecuteAsync(OpsBench.Valid(command, before.PlanId), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Outcome == OpsOutcome.Forbidden, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
        }

        Assert.Equal(before.Version, (await drill.GetAsync())!.Version);
    }

    [Theory]
    [MemberData(nameof(MissingRows))]
    public async Task A_move_missing_from_the_table_is_illegal_names_the_state_and_lists_the_allowed_moves(DrillState state, DrillCommandType command)
    {
        var drill = await _bench.DrillInAsync(state);
        var before = (await drill.GetAsync())!;

        var result = await drill.ExecuteAsync(OpsBench.Valid(command, before.PlanId), OpsBench.Everyone, OpsBench.Op());

        Assert.Equal((OpsOutcome.IllegalMove, state), (result.Outcome, result.State!.Value));
        Assert.Equal(DrillWorkflow.AllowedIn(state), result.AllowedMoves);
        Assert.Equal(before.Version, (await drill.GetAsync())!.Version);
    }
}

/// <summary>Walks <see cref="CampaignWorkflow.Transitions"/>: every row × role allowed, every other caller forbidden, every missing pair illegal.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CampaignWorkflowTableTests(ClusterFixture fixture)
{
    private readonly OpsBench _bench = new(fixture.Grains, "cwf");

    public static TheoryData<CampaignState, CampaignCommandType> Rows() =>
        OpsBench.Data(CampaignWorkflow.Transitions.Where(t => t.From is not null).Select(t => (t.From!.Value, t.Command)));

    public static TheoryData<CampaignState, CampaignCommandType> MissingRows() =>
        OpsBench.Data(Enum.GetValues<CampaignState>().SelectMany(s => Enum.GetValues<CampaignCommandType>().Where(c => CampaignWorkflow.Find(s, c) is null).Select(c => (s, c))));

    [Fact]
    public void The_table_has_one_row_per_pair_names_a_role_in_every_row_and_nothing_leaves_a_withdrawn_campaign()
    {
        Assert.Equal(CampaignWorkflow.Transitions.Count, CampaignWorkflow.Transitions.DistinctBy(t => (t.From, t.Command)).Count());
        Assert.All(CampaignWorkflow.Transitions, t => Assert.NotEqual(OpsRole.None, t.Roles));
        Assert.Empty(CampaignWorkflow.AllowedIn(CampaignState.Withdrawn));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_applied_for_each_of_its_roles_and_lands_where_the_table_says(CampaignState state, CampaignCommandType command)
    {
        var row = CampaignWorkflow.Find(state, command)!;
        foreach (var caller in Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) != 0))
        {
            var campaign = await _bench.CampaignInAsync(state);
            var before = (await campaign.GetAsync())!;

            var result = await campaign.ExecuteAsync(_bench.Valid(command), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Ok, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
            Assert.Equal((row.To, before.Version + 1), (result.State!.Value, result.Campaign!.Version));
            Assert.Equal(CampaignWorkflow.AllowedIn(row.To), result.AllowedMoves);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_forbidden_to_every_caller_without_one_of_its_roles(CampaignState state, CampaignCommandType command)
    {
        var row = CampaignWorkflow.Find(state, command)!;
        var campaign = await _bench.CampaignInAsync(state);
        var before = (await campaign.GetAsync())!;

        foreach (var caller in Enum.GetValues<OpsCaller>().Where(c => (OpsBench.RolesOf(c) & row.Roles) == 0))
        {
            var result = await campaign.ExecuteAsync(_bench.Valid(command), OpsBench.Actor(caller), OpsBench.Op());

            Assert.True(result.Outcome == OpsOutcome.Forbidden, $"{command} by {caller} in {state}: {result.Outcome} {result.Message}");
        }

        Assert.Equal(before.Version, (await campaign.GetAsync())!.Version);
    }

    [Theory]
    [MemberData(nameof(MissingRows))]
    public async Task A_move_missing_from_the_table_is_illegal_names_the_state_and_lists_the_allowed_moves(CampaignState state, CampaignCommandType command)
    {
        var campaign = await _bench.CampaignInAsync(state);
        var before = (await campaign.GetAsync())!;

        var result = await campaign.ExecuteAsync(_bench.Valid(command), OpsBench.Everyone, OpsBench.Op());

        Assert.Equal((OpsOutcome.IllegalMove, state), (result.Outcome, result.State!.Value));
        Assert.Equal(CampaignWorkflow.AllowedIn(state), result.AllowedMoves);
        Assert.Equal(before.Version, (await campaign.GetAsync())!.Version);
    }
}
