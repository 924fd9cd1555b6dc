namespace MediaCenter.Grains.Workflow;

/// <summary>Why the pipeline itself refused a command (before the grain decided anything).</summary>
public enum WorkflowRefusal
{
    /// <summary>No operation id (422).</summary>
    Invalid,

    /// <summary>The entity does not exist and the command does not create it (404).</summary>
    NotFound,

    /// <summary>The table has no move for the command in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller holds none of the move's roles, or may not make this move on this entity (403).</summary>
    Forbidden,
}

/// <summary>What a workflow grain tells its command pipeline once: its table, where its state keeps what, and how its answers look.</summary>
/// <typeparam name="TState">The grain's stored state.</typeparam>
/// <typeparam name="TStage">The workflow's states.</typeparam>
/// <typeparam name="TCommand">The workflow's command kinds.</typeparam>
/// <typeparam name="TRole">The workflow's role flags.</typeparam>
/// <typeparam name="TResult">What a command answers.</typeparam>
public sealed class WorkflowSpec<TState, TStage, TCommand, TRole, TResult>
    where TState : class
    where TStage : struct, Enum
    where TCommand : struct, Enum
    where TRole : struct, Enum
    where TResult : class
{
    /// <summary>The allowed moves.</summary>
    public required WorkflowTable<TStage, TCommand, TRole> Table { get; init; }

    /// <summary>The state's workflow state; null while the entity does not exist.</summary>
    public required Func<TState, TStage?> StageOf { get; init; }

    /// <summary>Where the state keeps applied operation ids.</summary>
    public required OperationMemory<TState, TResult> Operations { get; init; }

    /// <summary>A deep copy of the state (the backup taken before a command changes it in place).</summary>
    public required Func<TState, TState> Copy { get; init; }

    /// <summary>True when an answer says the command was applied (and is to be written and remembered).</summary>
    public required Func<TResult, bool> IsApplied { get; init; }

    /// <summary>The answer to a refusal by the pipeline, describing the current state (the one storage holds).</summary>
    public required Func<WorkflowRefusal, string, TResult> Refuse { get; init; }

    /// <summary>The message of a <see cref="WorkflowRefusal.NotFound"/> refusal.</summary>
    public string NotFoundMessage { get; init; } = Msg.Of("common.notFound", ("what", Msg.Of("common.entity")));

    /// <summary>Added to a role refusal's message (e.g. which review level the move needs).</summary>
    public Func<Transition<TStage, TCommand, TRole>, string>? RoleHint { get; init; }

    /// <summary>
    /// Rebuilds a refusal the grain decided after the state went back to what storage holds, so the answer describes
    /// the stored state, not the half-changed one. Null: the grain's refusal is answered as it is.
    /// </summary>
    public Func<TResult, TResult>? RefusalAsStored { get; init; }

    /// <summary>The grain's projections of the written state (event log, read model, boards); throws when any is still behind.</summary>
    public Func<CancellationToken, Task>? Announce { get; init; }

    /// <summary>When <see cref="Announce"/> runs after a write.</summary>
    public AnnounceTiming AnnounceTiming { get; init; } = AnnounceTiming.BeforeAnswer;

    /// <summary>Told of a failed announcement (to log it); the catch-up timer retries.</summary>
    public Action<Exception>? AnnounceFailed { get; init; }

    /// <summary>How long after a failed announcement it is tried again.</summary>
    public TimeSpan RetryEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Told after the state was read again because storage moved on under this activation: the stored state may hold
    /// moves this activation never announced.
    /// </summary>
    public Action? Reread { get; init; }
}

/// <summary>One command given to a pipeline: what the caller asked, who they are, and how the grain decides it.</summary>
public sealed class WorkflowCall<TStage, TCommand, TRole, TResult>
    where TStage : struct, Enum
    where TCommand : struct, Enum
    where TRole : struct, Enum
    where TResult : class
{
    /// <summary>The caller's operation id (Idempotency-Key): a repeat answers the first result.</summary>
    public required string OperationId { get; init; }

    /// <summary>The command kind, looked up in the table.</summary>
    public required TCommand Command { get; init; }

    /// <summary>The caller's roles on this entity as it is now (asked again when the pipeline decides again).</summary>
    public required Func<TRole> Roles { get; init; }

    /// <summary>
    /// A reason this caller may not make this move although one of their roles allows it (separation of duties);
    /// null when they may. Asked after the role check.
    /// </summary>
    public Func<Transition<TStage, TCommand, TRole>, string?>? Vet { get; init; }

    /// <summary>
    /// Validates the arguments and applies the move to the grain's state in place, answering either an applied
    /// result (which is remembered and written) or a refusal (after which the state goes back to what storage holds).
    /// May call what must hold before the acknowledgement (a stored draft version, the feeds' table); those calls
    /// must be idempotent, as a stale write decides again.
    /// </summary>
    public required Func<Transition<TStage, TCommand, TRole>, Task<TResult>> Decide { get; init; }

    /// <summary>Runs after a write of this command, before the announcement (reminders, timers, other grains).</summary>
    public Func<TResult, Task>? AfterWrite { get; init; }
}
