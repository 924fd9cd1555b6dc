using MediaCenter.Grains.Workflow;
using Orleans.Storage;

namespace MediaCenter.Grains.Tests.Workflow;

/// <summary>The command pipeline on its own, over in-memory storage with ETags and a host whose timers the test fires.</summary>
public sealed class CommandPipelineTests
{
    private const DoorRole Owner = DoorRole.Owner;

    private static async Task<Door> InstalledAsync(int keep = 50, AnnounceTiming timing = AnnounceTiming.BeforeAnswer)
    {
        var door = new Door(keep, timing);
        Assert.True((await door.ExecuteAsync(DoorCommand.Install, Owner, "install")).Ok);
        return door;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_command_without_an_operation_id_is_refused_before_anything_is_decided(string operationId)
    {
        var door = await InstalledAsync();

        var result = await door.ExecuteAsync(DoorCommand.Open, Owner, operationId);

        Assert.Equal(WorkflowRefusal.Invalid, result.Refusal);
        Assert.Contains("Idempotency-Key", Text.En(result.Message), StringComparison.Ordinal);
        Assert.Equal(1, door.Decisions);
        Assert.Equal(1, door.Storage.Writes);
    }

    [Fact]
    public async Task A_repeated_operation_id_answers_the_first_result_without_deciding_or_writing_again()
    {
        var door = await InstalledAsync();
        var first = await door.ExecuteAsync(DoorCommand.Open, Owner, "op-open");
        await door.ExecuteAsync(DoorCommand.Close, Owner, "op-close");

        var repeat = await door.ExecuteAsync(DoorCommand.Open, Owner, "op-open");

        Assert.Same(first, repeat);
        Assert.Equal(DoorStage.Closed, door.S.Stage);
        Assert.Equal(3, door.Decisions);
        Assert.Equal(3, door.Storage.Writes);
        Assert.Equal(3, door.AfterWrites);
    }

    [Fact]
    public async Task Only_the_last_operations_are_remembered_and_an_older_id_is_judged_afresh()
    {
        var door = await InstalledAsync(keep: 2);
        await door.ExecuteAsync(DoorCommand.Open, Owner, "a");
        await door.ExecuteAsync(DoorCommand.Close, Owner, "b");

        Assert.Equal(["a", "b"], door.Storage.Stored.Applied.Select(a => a.OperationId));
        var again = await door.ExecuteAsync(DoorCommand.Install, Owner, "install");

        Assert.Equal(WorkflowRefusal.IllegalMove, again.Refusal);
    }

    [Fact]
    public async Task A_command_on_an_entity_that_does_not_exist_is_not_found_unless_it_creates_it()
    {
        var door = new Door();

        var result = await door.ExecuteAsync(DoorCommand.Open, Owner, "op");

        Assert.Equal(WorkflowRefusal.NotFound, result.Refusal);
        Assert.Equal("no such door", result.Message);
        Assert.Equal(0, door.Storage.Writes);
    }

    [Fact]
    public async Task A_move_the_table_does_not_list_is_illegal_naming_the_state_and_the_allowed_moves()
    {
        var door = await InstalledAsync();

        var result = await door.ExecuteAsync(DoorCommand.Unlock, Owner, "op");

        Assert.Equal(WorkflowRefusal.IllegalMove, result.Refusal);
        Assert.Contains("Unlock is not allowed in state Closed; allowed: Open, Lock, Paint", Text.En(result.Message), StringComparison.Ordinal);
        Assert.Equal(1, door.Decisions);
    }

    [Fact]
    public async Task A_listed_move_by_a_caller_without_its_role_is_forbidden_naming_the_role()
    {
        var door = await InstalledAsync();
        await door.ExecuteAsync(DoorCommand.Lock, Owner, "lock");

        var result = await door.ExecuteAsync(DoorCommand.Unlock, DoorRole.Guest, "op");

        Assert.Equal(WorkflowRefusal.Forbidden, result.Refusal);
        Assert.Contains("Unlock needs the role Owner, Locksmith (bring a key)", Text.En(result.Message), StringComparison.Ordinal);
        Assert.Equal(DoorStage.Locked, door.S.Stage);
    }

    [Fact]
    public async Task A_move_the_grain_vets_is_forbidden_with_its_reason_even_to_a_role_the_table_allows()
    {
        var door = await InstalledAsync();
        await door.ExecuteAsync(DoorCommand.Lock, Owner, "lock");
        var person = Guid.NewGuid();
        door.BarredFromUnlocking = person;

        var barred = await door.ExecuteAsync(DoorCommand.Unlock, Owner, "op-1", who: person);
        var other = await door.ExecuteAsync(DoorCommand.Unlock, Owner, "op-2", who: Guid.NewGuid());

        Assert.Equal(WorkflowRefusal.Forbidden, barred.Refusal);
        Assert.Equal("you locked it: someone else unlocks", barred.Message);
        Assert.True(other.Ok);
    }

    [Fact]
    public async Task A_refusal_decided_after_the_state_was_changed_leaves_the_state_as_stored_and_describes_it()
    {
        var door = await InstalledAsync();

        var result = await door.ExecuteAsync(DoorCommand.Paint, Owner, "paint", colour: " ");

        Assert.Equal(WorkflowRefusal.Invalid, result.Refusal);
        Assert.Equal("white", door.S.Colour);
        Assert.Equal("white", result.Colour);
        Assert.DoesNotContain(door.S.Applied, a => a.OperationId == "paint");
        Assert.Equal(1, door.Storage.Writes);
    }

    [Fact]
    public async Task A_failed_write_puts_the_state_back_and_the_retry_is_decided_afresh()
    {
        var door = await InstalledAsync();
        door.Storage.FailNextWrite = new TimeoutException("database unreachable");

        await Assert.ThrowsAsync<TimeoutException>(() => door.ExecuteAsync(DoorCommand.Paint, Owner, "paint", colour: "red"));

        Assert.Equal("white", door.S.Colour);
        Assert.Equal(1, door.S.Version);
        Assert.DoesNotContain(door.S.Applied, a => a.OperationId == "paint");
        Assert.Equal(0, door.Host.Deactivations);

        var retry = await door.ExecuteAsync(DoorCommand.Paint, Owner, "paint", colour: "red");
        Assert.True(retry.Ok);
        Assert.Equal("red", door.Storage.Stored.Colour);
        Assert.Equal(3, door.Decisions);
    }

    [Fact]
    public async Task A_stale_write_reads_what_is_stored_and_decides_again_against_it()
    {
        var door = await InstalledAsync();
        door.Storage.WrittenElsewhere(s =>
        {
            s.Stage = DoorStage.Locked;
            s.Version++;
        });

        var result = await door.ExecuteAsync(DoorCommand.Open, Owner, "open");

        // Decided again against the stored (locked) door: the move is illegal there, not forced over it.
        Assert.Equal(WorkflowRefusal.IllegalMove, result.Refusal);
        Assert.Contains("state Locked", Text.En(result.Message), StringComparison.Ordinal);
        Assert.Equal(DoorStage.Locked, door.Storage.Stored.Stage);
        Assert.Equal(1, door.Storage.Reads);
        Assert.Equal(1, door.Rereads);
        Assert.Equal(0, door.Host.Deactivations);

        var next = await door.ExecuteAsync(DoorCommand.Unlock, Owner, "unlock");
        Assert.True(next.Ok);
        Assert.Equal(3, next.Version);
    }

    [Fact]
    public async Task A_write_that_landed_although_it_failed_is_answered_from_storage_on_the_retry()
    {
        var door = await InstalledAsync();
        door.Storage.FailNextWrite = new TimeoutException("the answer was lost");
        door.Storage.NextWriteLands = true;
        await Assert.ThrowsAsync<TimeoutException>(() => door.ExecuteAsync(DoorCommand.Open, Owner, "open"));

        var retry = await door.ExecuteAsync(DoorCommand.Open, Owner, "open");

        Assert.True(retry.Ok);
        Assert.Equal(2, retry.Version);
        Assert.Equal(DoorStage.Open, door.S.Stage);
        Assert.Equal(2, door.Storage.Stored.Version);
        Assert.Equal(1, door.AfterWrites);
        // Nobody announced the write that landed: reading it back announces it.
        Assert.Equal(2, door.Announced);
    }

    [Fact]
    public async Task Storage_that_moves_on_again_while_deciding_again_ends_the_activation_and_fails_the_call()
    {
        var door = await InstalledAsync();
        door.Storage.WrittenElsewhere(s => s.Version++);
        door.Storage.FailNextWrite = new InconsistentStateException("moved again", "x", "y");

        await Assert.ThrowsAsync<InconsistentStateException>(() => door.ExecuteAsync(DoorCommand.Open, Owner, "open"));

        Assert.Equal(1, door.Host.Deactivations);
        Assert.Equal(2, door.S.Version);
        Assert.Equal(DoorStage.Closed, door.S.Stage);
    }

    [Fact]
    public async Task Projections_that_fail_after_an_acknowledged_write_are_caught_up_on_a_timer()
    {
        var door = await InstalledAsync();
        door.AnnounceFails = true;

        var result = await door.ExecuteAsync(DoorCommand.Open, Owner, "open");

        Assert.True(result.Ok);
        Assert.Equal(DoorStage.Open, door.Storage.Stored.Stage);
        Assert.Equal(["the board is unreachable"], door.AnnounceFailures);
        var timer = Assert.Single(door.Host.Timers);
        Assert.True(timer.Armed);
        Assert.Equal(door.Pipeline.Announcer.RetryEvery, timer.Due);
        Assert.True(door.Pipeline.Announcer.Behind);

        await timer.FireAsync();
        Assert.True(timer.Armed);

        door.AnnounceFails = false;
        await timer.FireAsync();
        Assert.False(timer.Armed);
        Assert.False(door.Pipeline.Announcer.Behind);
        Assert.Equal(2, door.Announced);
    }

    [Fact]
    public async Task Announcing_after_the_answer_arms_the_timer_at_once_instead_of_waiting_for_projections()
    {
        var door = await InstalledAsync(timing: AnnounceTiming.AfterAnswer);
        var timer = Assert.Single(door.Host.Timers);
        await timer.FireAsync();
        var before = door.Announcements;

        await door.ExecuteAsync(DoorCommand.Open, Owner, "open");

        Assert.Equal(before, door.Announcements);
        Assert.Equal(TimeSpan.Zero, timer.Due);
        await timer.FireAsync();
        Assert.Equal(2, door.Announced);
        Assert.False(timer.Armed);
    }

    [Fact]
    public async Task Refusals_and_repeats_announce_nothing_and_run_no_after_write_step()
    {
        var door = await InstalledAsync();
        var announced = door.Announcements;

        await door.ExecuteAsync(DoorCommand.Unlock, Owner, "illegal");
        await door.ExecuteAsync(DoorCommand.Install, Owner, "install");

        Assert.Equal(announced, door.Announcements);
        Assert.Equal(1, door.AfterWrites);
    }
}
