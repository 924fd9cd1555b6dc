using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Tests.Workflow;

/// <summary>The generic workflow table every workflow's transitions live in.</summary>
public sealed class WorkflowTableTests
{
    [Fact]
    public void A_table_with_two_rows_for_the_same_state_and_command_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new WorkflowTable<DoorStage, DoorCommand, DoorRole>(
        [
            new(DoorStage.Closed, DoorCommand.Open, DoorRole.Owner, DoorStage.Open),
            new(DoorStage.Closed, DoorCommand.Open, DoorRole.Guest, DoorStage.Open),
        ]));

        Assert.Contains("Open in Closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_move_is_found_by_state_and_command_and_a_missing_one_is_null()
    {
        Assert.Equal(DoorStage.Open, DoorWorkflow.Table.Find(DoorStage.Closed, DoorCommand.Open)?.To);
        Assert.Null(DoorWorkflow.Table.Find(DoorStage.Open, DoorCommand.Lock));
        Assert.Equal(DoorStage.Closed, DoorWorkflow.Table.Find(null, DoorCommand.Install)?.To);
        Assert.True(DoorWorkflow.Table.Creates(DoorCommand.Install));
        Assert.False(DoorWorkflow.Table.Creates(DoorCommand.Open));
    }

    [Fact]
    public void The_moves_allowed_in_a_state_follow_table_order_and_narrow_to_a_callers_roles()
    {
        Assert.Equal([DoorCommand.Open, DoorCommand.Lock, DoorCommand.Paint], DoorWorkflow.Table.AllowedIn(DoorStage.Closed));
        Assert.Equal([DoorCommand.Open], DoorWorkflow.Table.AllowedIn(DoorStage.Closed, DoorRole.Guest));
        Assert.Equal([DoorCommand.Unlock], DoorWorkflow.Table.AllowedIn(DoorStage.Locked, DoorRole.Locksmith | DoorRole.Guest));
        Assert.Empty(DoorWorkflow.Table.AllowedIn(DoorStage.Locked, DoorRole.None));
    }

    [Fact]
    public void A_move_allows_a_caller_holding_any_one_of_its_roles()
    {
        var unlock = DoorWorkflow.Table.Find(DoorStage.Locked, DoorCommand.Unlock)!;

        Assert.True(unlock.AllowsAny(DoorRole.Locksmith));
        Assert.True(unlock.AllowsAny(DoorRole.Guest | DoorRole.Owner));
        Assert.False(unlock.AllowsAny(DoorRole.Guest));
        Assert.False(unlock.AllowsAny(DoorRole.None));
    }
}
