using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>
/// Walks <see cref="IncidentWorkflow.Transitions"/> exhaustively: every row is applied for each role it names and forbidden
/// to every other caller (a user of another access party among them), and every (stage, command) pair without a row is an
/// illegal move. The cases are generated from the enums and the table, so a change to the table is covered here.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentWorkflowTableTests(ClusterFixture fixture) : IAsyncLifetime
{
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "iwf");

    /// <summary>Every row that starts from a stage.</summary>
    public static TheoryData<IncidentStage, IncidentCommandType> Rows()
    {
        var data = new TheoryData<IncidentStage, IncidentCommandType>();
        foreach (var row in IncidentWorkflow.Transitions.Where(t => t.From is not null))
        {
            data.Add(row.From!.Value, row.Command);
        }

        return data;
    }

    /// <summary>Every (stage, command) pair the table has no row for.</summary>
    public static TheoryData<IncidentStage, IncidentCommandType> MissingRows()
    {
        var data = new TheoryData<IncidentStage, IncidentCommandType>();
        foreach (var stage in Enum.GetValues<IncidentStage>())
        {
            foreach (var command in Enum.GetValues<IncidentCommandType>())
            {
                if (IncidentWorkflow.Find(stage, command) is null)
                {
                    data.Add(stage, command);
                }
            }
        }

        return data;
    }

    public static TheoryData<IncidentStage> Stages() => [.. Enum.GetValues<IncidentStage>()];

    public static TheoryData<Caller> Callers() => [.. Enum.GetValues<Caller>()];

    public static TheoryData<IncidentCommandType> NotReporting() =>
        [.. Enum.GetValues<IncidentCommandType>().Where(c => IncidentWorkflow.Find(null, c) is null)];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    [Fact]
    public void The_table_has_no_duplicate_rows_and_every_row_names_a_role()
    {
        Assert.Equal(IncidentWorkflow.Transitions.Count, IncidentWorkflow.Transitions.DistinctBy(t => (t.From, t.Command)).Count());
        Assert.All(IncidentWorkflow.Transitions, t => Assert.NotEqual(IncidentRole.None, t.Roles));
        Assert.All(Enum.GetValues<IncidentStage>(), s => Assert.NotEmpty(IncidentWorkflow.AllowedIn(s)));
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Every_stage_is_reached_by_moves_of_the_table_alone(IncidentStage stage)
    {
        var incident = await _bench.InStageAsync(stage);

        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(stage, view.Stage);
        Assert.Equal(view.Version, view.Timeline.Count);
        Assert.Equal(IncidentCommandType.Report, view.Timeline[0].Command);
        foreach (var entry in view.Timeline.Skip(1))
        {
            var row = IncidentWorkflow.Find(entry.From, entry.Command);
            Assert.NotNull(row);
            Assert.Equal(row.To, entry.To);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_applied_for_each_of_its_roles_and_lands_where_the_table_says(IncidentStage stage, IncidentCommandType command)
    {
        var row = IncidentWorkflow.Find(stage, command)!;
        var allowed = Enum.GetValues<Caller>().Where(c => (Responders.RolesOf(c) & row.Roles) != 0).ToList();
        Assert.NotEmpty(allowed);

        foreach (var caller in allowed)
        {
            var incident = await _bench.InStageAsync(stage, command);
            var before = await IncidentBench.ViewAsync(incident);
            var actor = Responders.Of(caller);

            var result = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, command), actor);

            Assert.True(result.Ok, $"{command} by {caller} in {stage}: {result.Outcome} {result.Message}");
            Assert.Equal(row.To, result.Stage);
            Assert.Equal(IncidentWorkflow.AllowedIn(row.To), result.AllowedMoves);
            Assert.Equal(before.Version + 1, result.Version);
            var after = await IncidentBench.ViewAsync(incident);
            Assert.Equal(row.To, after.Stage);
            Assert.Equal(result.Version, after.Version);
            var entry = after.Timeline[^1];
            Assert.Equal((after.Version, command, stage, row.To, actor.Name), (entry.Version, entry.Command, entry.From, entry.To, entry.Actor));
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_forbidden_to_every_caller_without_one_of_its_roles(IncidentStage stage, IncidentCommandType command)
    {
        var row = IncidentWorkflow.Find(stage, command)!;
        var incident = await _bench.InStageAsync(stage, command);
        var before = await IncidentBench.ViewAsync(incident);
        var forbidden = Enum.GetValues<Caller>().Where(c => (Responders.RolesOf(c) & row.Roles) == 0).ToList();
        Assert.Contains(Caller.Nobody, forbidden);
        Assert.Contains(Caller.OtherParty, forbidden);

        foreach (var caller in forbidden)
        {
            var result = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, command), Responders.Of(caller));

            Assert.True(result.Outcome == IncidentOutcome.Forbidden, $"{command} by {caller} in {stage}: {result.Outcome} {result.Message}");
            Assert.Equal(stage, result.Stage);
            Assert.Equal(before.Version, result.Version);
        }

        var after = await IncidentBench.ViewAsync(incident);
        Assert.Equal(stage, after.Stage);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Timeline.Count, after.Timeline.Count);
    }

    [Theory]
    [MemberData(nameof(MissingRows))]
    public async Task A_move_missing_from_the_table_is_illegal_names_the_stage_and_lists_the_allowed_moves(IncidentStage stage, IncidentCommandType command)
    {
        var incident = await _bench.InStageAsync(stage, command);
        var before = await IncidentBench.ViewAsync(incident);

        // Whoever asks, with valid arguments: someone holding every role of the affected party, or the platform.
        foreach (var actor in new[] { Responders.Everyone, IncidentActor.System })
        {
            var result = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, command), actor);

            Assert.Equal(IncidentOutcome.IllegalMove, result.Outcome);
            Assert.Equal(stage, result.Stage);
            Assert.Equal(IncidentWorkflow.AllowedIn(stage), result.AllowedMoves);
            Assert.Equal(before.Version, result.Version);
            Assert.Contains(stage.ToString(), result.Message, StringComparison.Ordinal);
        }

        var after = await IncidentBench.ViewAsync(incident);
        Assert.Equal(stage, after.Stage);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Timeline.Count, after.Timeline.Count);
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Only_operators_the_affected_party_and_the_platform_can_report_an_incident(Caller caller)
    {
        var incident = _bench.NewIncident();
        var row = IncidentWorkflow.Find(null, IncidentCommandType.Report)!;

        var result = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Report), Responders.Of(caller));

        if ((Responders.RolesOf(caller) & row.Roles) != 0)
        {
            Assert.True(result.Ok, $"{caller}: {result.Outcome} {result.Message}");
            Assert.Equal(row.To, result.Stage);
            var view = await IncidentBench.ViewAsync(incident);
            Assert.Equal((IncidentStage.Reported, 1L, 1, Responders.PartyId), (view.Stage, view.Version, view.Occurrences, view.PartyId));
            Assert.Equal(Responders.Of(caller).Name, Assert.Single(view.Timeline).Actor);
        }
        else
        {
            // A user of another party is nobody on this party's incident: it cannot open one in the party's name.
            Assert.True(result.Outcome == IncidentOutcome.Forbidden, $"{caller}: {result.Outcome} {result.Message}");
            Assert.Null(await incident.GetAsync());
        }
    }

    [Theory]
    [MemberData(nameof(NotReporting))]
    public async Task Any_command_but_report_on_an_incident_never_reported_is_not_found(IncidentCommandType command)
    {
        var incident = _bench.NewIncident();

        var result = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, command), Responders.Everyone);

        Assert.Equal(IncidentOutcome.NotFound, result.Outcome);
        Assert.Null(await incident.GetAsync());
    }
}
