using MediaCenter.Grains.Workflow;
using Orleans.Runtime;
using Orleans.Storage;

namespace MediaCenter.Grains.Tests.Workflow;

/// <summary>A small workflow for the pipeline's own tests: a door that is installed, opened, closed and locked.</summary>
public enum DoorStage
{
    Closed,
    Open,
    Locked,
}

public enum DoorCommand
{
    Install,
    Open,
    Close,
    Lock,
    Unlock,
    Paint,
}

[Flags]
public enum DoorRole
{
    None = 0,
    Owner = 1,
    Guest = 2,
    Locksmith = 4,
}

public sealed record DoorResult(bool Ok, WorkflowRefusal? Refusal, string? Message, DoorStage? Stage, long Version, string Colour);

public sealed class DoorState
{
    public DoorStage? Stage { get; set; }
    public long Version { get; set; }
    public string Colour { get; set; } = "white";
    public List<AppliedOperation<DoorResult>> Applied { get; set; } = [];

    public DoorState Copy() => new() { Stage = Stage, Version = Version, Colour = Colour, Applied = [.. Applied] };
}

public static class DoorWorkflow
{
    public static WorkflowTable<DoorStage, DoorCommand, DoorRole> Table { get; } = new(
    [
        new(null, DoorCommand.Install, DoorRole.Owner, DoorStage.Closed),
        new(DoorStage.Closed, DoorCommand.Open, DoorRole.Owner | DoorRole.Guest, DoorStage.Open),
        new(DoorStage.Closed, DoorCommand.Lock, DoorRole.Owner, DoorStage.Locked),
        new(DoorStage.Closed, DoorCommand.Paint, DoorRole.Owner, DoorStage.Closed),
        new(DoorStage.Open, DoorCommand.Close, DoorRole.Owner | DoorRole.Guest, DoorStage.Closed),
        new(DoorStage.Locked, DoorCommand.Unlock, DoorRole.Owner | DoorRole.Locksmith, DoorStage.Closed),
    ]);
}

/// <summary>Storage in memory with ETags: a write over a version it did not read fails as real storage does.</summary>
public sealed class FakeStorage : IPersistentState<DoorState>
{
    private DoorState _stored = new();
    private int _etag;

    public DoorState State { get; set; } = new();

    public string? Etag { get; private set; } = "0";

    public bool RecordExists => _etag > 0;

    /// <summary>Thrown by the next write (after it landed when <see cref="NextWriteLands"/>).</summary>
    public Exception? FailNextWrite { get; set; }

    public bool NextWriteLands { get; set; }

    public int Writes { get; private set; }

    public int Reads { get; private set; }

    /// <summary>A copy of what storage holds.</summary>
    public DoorState Stored => _stored.Copy();

    /// <summary>Another writer (another activation) changes what storage holds.</summary>
    public void WrittenElsewhere(Action<DoorState> change)
    {
        var next = _stored.Copy();
        change(next);
        _stored = next;
        _etag++;
    }

    public Task ClearStateAsync() => throw new NotSupportedException();

    public Task ReadStateAsync()
    {
        Reads++;
        State = _stored.Copy();
        Etag = _etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync()
    {
        if (Etag != _etag.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InconsistentStateException("the stored version moved on", Etag, _etag.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (FailNextWrite is { } failure)
        {
            FailNextWrite = null;
            if (NextWriteLands)
            {
                NextWriteLands = false;
                _stored = State.Copy();
                _etag++;
            }

            throw failure;
        }

        Writes++;
        _stored = State.Copy();
        _etag++;
        Etag = _etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }
}

/// <summary>A grain host whose timers the test fires by hand.</summary>
public sealed class FakeHost : IWorkflowHost
{
    public List<FakeTimer> Timers { get; } = [];

    public int Deactivations { get; private set; }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        var timer = new FakeTimer(callback, options.DueTime, options.Period);
        Timers.Add(timer);
        return timer;
    }

    public void DeactivateOnIdle() => Deactivations++;

    public sealed class FakeTimer(Func<CancellationToken, Task> callback, TimeSpan due, TimeSpan period) : IGrainTimer
    {
        public TimeSpan Due { get; private set; } = due;

        public TimeSpan Period { get; private set; } = period;

        public bool Armed => Due != Timeout.InfiniteTimeSpan;

        public void Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime;
            Period = period;
        }

        public Task FireAsync() => callback(CancellationToken.None);

        public void Dispose() => Due = Timeout.InfiniteTimeSpan;
    }
}

/// <summary>A door "grain": the pipeline with the decisions a grain would make.</summary>
public sealed class Door
{
    public Door(int keep = 50, AnnounceTiming timing = AnnounceTiming.BeforeAnswer)
    {
        Pipeline = new CommandPipeline<DoorState, DoorStage, DoorCommand, DoorRole, DoorResult>(Host, Storage, new()
        {
            Table = DoorWorkflow.Table,
            StageOf = s => s.Stage,
            Operations = OperationMemory<DoorState, DoorResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, r) => new AppliedOperation<DoorResult>(id, r), keep),
            Copy = s => s.Copy(),
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => new DoorResult(false, refusal, message, S.Stage, S.Version, S.Colour),
            RefusalAsStored = r => r with { Stage = S.Stage, Version = S.Version, Colour = S.Colour },
            NotFoundMessage = "no such door",
            RoleHint = t => t.Command == DoorCommand.Unlock ? " (bring a key)" : "",
            Announce = async ct =>
            {
                Announcements++;
                if (AnnounceFails)
                {
                    throw new InvalidOperationException("the board is unreachable");
                }

                Announced = S.Version;
                await Task.CompletedTask;
            },
            AnnounceTiming = timing,
            AnnounceFailed = ex => AnnounceFailures.Add(ex.Message),
            Reread = () => Rereads++,
        });
    }

    public FakeStorage Storage { get; } = new();

    public FakeHost Host { get; } = new();

    public CommandPipeline<DoorState, DoorStage, DoorCommand, DoorRole, DoorResult> Pipeline { get; }

    public DoorState S => Storage.State;

    public int Decisions { get; private set; }

    public int AfterWrites { get; private set; }

    public int Announcements { get; private set; }

    public long Announced { get; private set; }

    public bool AnnounceFails { get; set; }

    public List<string> AnnounceFailures { get; } = [];

    public int Rereads { get; private set; }

    /// <summary>Who may not unlock (a separation-of-duties rule of this door).</summary>
    public Guid? BarredFromUnlocking { get; set; }

    public Task<DoorResult> ExecuteAsync(DoorCommand command, DoorRole roles, string operationId, string? colour = null, Guid? who = null) =>
        Pipeline.ExecuteAsync(new()
        {
            OperationId = operationId,
            Command = command,
            Roles = () => roles,
            Vet = t => t.Command == DoorCommand.Unlock && who is not null && who == BarredFromUnlocking ? "you locked it: someone else unlocks" : null,
            Decide = t => DecideAsync(t, colour),
            AfterWrite = _ =>
            {
                AfterWrites++;
                return Task.CompletedTask;
            },
        });

    private async Task<DoorResult> DecideAsync(Transition<DoorStage, DoorCommand, DoorRole> t, string? colour)
    {
        Decisions++;
        await Task.Yield();
        if (t.Command == DoorCommand.Paint)
        {
            // Changes the state before it validates, as grains sometimes do: the pipeline must undo it.
            S.Colour = colour ?? "";
            if (string.IsNullOrWhiteSpace(colour))
            {
                return new DoorResult(false, WorkflowRefusal.Invalid, "a colour is required", S.Stage, S.Version, S.Colour);
            }
        }

        S.Stage = t.To;
        S.Version++;
        return new DoorResult(true, null, null, S.Stage, S.Version, S.Colour);
    }
}
