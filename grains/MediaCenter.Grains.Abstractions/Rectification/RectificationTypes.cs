using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Rectification;

/// <summary>Where a rectification is in its life. See <see cref="RectificationWorkflow"/>.</summary>
public enum RectificationState
{
    /// <summary>Opened on a shortfall: the party analyses it and answers with a plan or an explanation.</summary>
    Open,

    /// <summary>整改中: the party's actions are tracked to done.</summary>
    Planned,

    /// <summary>报备: the party's explanation waits for management.</summary>
    Filed,

    /// <summary>整改完成: every action done.</summary>
    Done,

    /// <summary>Management accepted the explanation.</summary>
    Accepted,
}

/// <summary>What can be done to a rectification.</summary>
public enum RectificationCommandType
{
    /// <summary>The platform (or management, an operator) opens it on a source: an indicator shortfall, later a complaint, a supervision finding.</summary>
    Open,

    /// <summary>The party writes its analysis (only the party: management cannot edit it).</summary>
    Analyse,

    /// <summary>The party answers with actions, owners and due dates.</summary>
    Plan,

    /// <summary>The party marks one action done.</summary>
    CompleteAction,

    /// <summary>The party closes the rectification once every action is done.</summary>
    Finish,

    /// <summary>The party files an explanation with management (报备) instead of rectifying.</summary>
    File,

    /// <summary>Management accepts the explanation (never the party that filed it).</summary>
    Accept,

    /// <summary>Management rejects the explanation with a comment: the party answers again.</summary>
    Reject,
}

/// <summary>What a rectification is about: a general reference, so other domains can open rectifications too.</summary>
/// <param name="Kind"><c>indicator</c> for an indicator shortfall; later <c>complaint</c>, <c>supervision</c>, <c>evaluation</c>.</param>
/// <param name="Reference">The thing's id in its domain (for a shortfall: <c>{indicatorId}/{partyId}/{yyyy-MM}</c>).</param>
[GenerateSerializer, Immutable, Alias("mc.RectificationSource")]
public sealed record RectificationSource(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Reference,
    [property: Id(2)] string Title,
    [property: Id(3)] string? Detail);

/// <summary>One planned action.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationActionDraft")]
public sealed record RectificationActionDraft([property: Id(0)] string? What, [property: Id(1)] string? Owner, [property: Id(2)] DateOnly? Due);

/// <summary>One action of a plan, tracked to done.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationAction")]
public sealed record RectificationAction(
    [property: Id(0)] int Number,
    [property: Id(1)] string What,
    [property: Id(2)] string Owner,
    [property: Id(3)] DateOnly Due,
    [property: Id(4)] DateTimeOffset? DoneAt,
    [property: Id(5)] string? DoneBy,
    [property: Id(6)] string? Note,
    [property: Id(7)] bool OverdueReminded);

/// <summary>A rectification command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.RectificationCommand")]
public abstract record RectificationCommand
{
    /// <summary>Which command this is.</summary>
    public abstract RectificationCommandType Type { get; }
}

/// <summary>Opens a rectification of a party on a source.</summary>
[GenerateSerializer, Immutable, Alias("mc.OpenRectification")]
public sealed record OpenRectification([property: Id(0)] string? PartyId, [property: Id(1)] RectificationSource? Source) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.Open;
}

/// <summary>The party's analysis (replaces the previous one).</summary>
[GenerateSerializer, Immutable, Alias("mc.AnalyseRectification")]
public sealed record AnalyseRectification([property: Id(0)] string? Analysis) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.Analyse;
}

/// <summary>The party's plan: at least one action, each with an owner and a due date.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanRectification")]
public sealed record PlanRectification([property: Id(0)] List<RectificationActionDraft>? Actions) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.Plan;
}

/// <summary>Marks action <paramref name="Number"/> done.</summary>
[GenerateSerializer, Immutable, Alias("mc.CompleteRectificationAction")]
public sealed record CompleteRectificationAction([property: Id(0)] int? Number, [property: Id(1)] string? Note) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.CompleteAction;
}

/// <summary>Closes the rectification once every action is done.</summary>
[GenerateSerializer, Immutable, Alias("mc.FinishRectification")]
public sealed record FinishRectification([property: Id(0)] string? Note) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.Finish;
}

/// <summary>Files an explanation with management (报备).</summary>
[GenerateSerializer, Immutable, Alias("mc.FileExplanation")]
public sealed record FileExplanation([property: Id(0)] string? Explanation) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => RectificationCommandType.File;
}

/// <summary>Management's decision on an explanation, with a comment (required to reject).</summary>
[GenerateSerializer, Immutable, Alias("mc.DecideExplanation")]
public sealed record DecideExplanation([property: Id(0)] bool Accepted, [property: Id(1)] string? Comment) : RectificationCommand
{
    /// <inheritdoc />
    public override RectificationCommandType Type => Accepted ? RectificationCommandType.Accept : RectificationCommandType.Reject;
}

/// <summary>A rectification (整改) or explanation (报备) of an access party.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationView")]
public sealed record RectificationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] RectificationSource Source,
    [property: Id(3)] RectificationState State,
    [property: Id(4)] string? Analysis,
    [property: Id(5)] List<RectificationAction> Actions,
    [property: Id(6)] string? Explanation,
    [property: Id(7)] Guid? FiledById,
    [property: Id(8)] string? DecisionComment,
    [property: Id(9)] string? DecidedBy,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset OpenedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt);

/// <summary>One entry of a rectification's history.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationHistoryEntry")]
public sealed record RectificationHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] RectificationCommandType Command,
    [property: Id(4)] RectificationState? From,
    [property: Id(5)] RectificationState To,
    [property: Id(6)] string? Comment)
{
    /// <summary>The account that made the move; null for the platform (a month close) or an entry written before it was kept.</summary>
    [Id(7)] public Guid? ActorId { get; init; }
}

/// <summary>The outcome of a rectification command.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationResult")]
public sealed record RectificationResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] RectificationState? State,
    [property: Id(3)] List<RectificationCommandType> AllowedMoves,
    [property: Id(4)] RectificationView? Rectification,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>
/// One rectification (key <c>rect-…</c>), opened on any source. Commands follow <see cref="RectificationWorkflow"/>; while
/// it is planned, a durable reminder reminds the party once of each overdue action.
/// </summary>
[Alias("mc.IRectificationGrain")]
public interface IRectificationGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<RectificationResult> ExecuteAsync(RectificationCommand command, OpsActor actor, string operationId);

    /// <summary>The rectification, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<RectificationView?> GetAsync();

    /// <summary>Reminds the party of actions past their due date (each once); answers how many were reminded now.</summary>
    [Alias("CheckOverdue")]
    Task<int> CheckOverdueAsync();

    /// <summary>With its history.</summary>
    [Alias("History"), Orleans.Concurrency.ReadOnly]
    Task<List<RectificationHistoryEntry>> GetHistoryAsync();
}

/// <summary>
/// The rectification state table. The party answers (analysis, plan, actions, explanation); management decides on an
/// explanation; the platform, management or an operator opens one. A party never accepts its own explanation, and
/// management never writes a party's analysis.
/// </summary>
public static class RectificationWorkflow
{
    private const OpsRole Party = OpsRole.Party;
    private const OpsRole Management = OpsRole.Management;
    private const OpsRole Opener = OpsRole.Management | OpsRole.Operator;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<RectificationState, RectificationCommandType, OpsRole> Table { get; } = new(
    [
        new(null, RectificationCommandType.Open, Opener, RectificationState.Open),
        new(RectificationState.Open, RectificationCommandType.Analyse, Party, RectificationState.Open),
        new(RectificationState.Open, RectificationCommandType.Plan, Party, RectificationState.Planned),
        new(RectificationState.Open, RectificationCommandType.File, Party, RectificationState.Filed),
        new(RectificationState.Planned, RectificationCommandType.Analyse, Party, RectificationState.Planned),
        new(RectificationState.Planned, RectificationCommandType.CompleteAction, Party, RectificationState.Planned),
        new(RectificationState.Planned, RectificationCommandType.Finish, Party, RectificationState.Done),
        new(RectificationState.Filed, RectificationCommandType.Accept, Management, RectificationState.Accepted),
        new(RectificationState.Filed, RectificationCommandType.Reject, Management, RectificationState.Open),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To?.ToString() ?? "", "")).ToList();

    /// <summary>
    /// The id of the rectification opened on an indicator shortfall: one per indicator, party and month, or per indicator,
    /// application (<paramref name="application"/>, its code) and month for an indicator scoped to applications.
    /// </summary>
    public static string ShortfallId(string indicatorId, string partyId, DateOnly month, string application = "") =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"rect-{indicatorId}-{(application.Length == 0 ? partyId : Applications.ApplicationIds.Of(partyId, application))}-{month:yyyyMM}");
}
