namespace MediaCenter.Grains.Operations;

/// <summary>The kind of a promotion campaign.</summary>
public enum CampaignKind
{
    /// <summary>节日: a holiday campaign.</summary>
    Holiday,

    /// <summary>专题: a topical campaign.</summary>
    Topical,
}

/// <summary>The operator's support of a campaign (the last decision; kept when the campaign is withdrawn).</summary>
public enum CampaignSupport
{
    /// <summary>Not yet decided, or to be decided again after an edit.</summary>
    Pending,

    /// <summary>支持.</summary>
    Supported,

    /// <summary>不支持.</summary>
    Declined,
}

/// <summary>Where a campaign is in its life. See <see cref="CampaignWorkflow"/>.</summary>
public enum CampaignState
{
    /// <summary>登记, waiting for the operator's decision.</summary>
    Pending,

    /// <summary>The operator supports it.</summary>
    Supported,

    /// <summary>The operator declined to support it.</summary>
    Declined,

    /// <summary>已撤回: withdrawn by its party. Nothing leaves this state.</summary>
    Withdrawn,
}

/// <summary>What can be done to a campaign.</summary>
public enum CampaignCommandType
{
    /// <summary>The party registers the campaign.</summary>
    Register,

    /// <summary>The party changes it; the operator decides on the changed campaign again.</summary>
    Edit,

    /// <summary>An operator supports it (with a note).</summary>
    Support,

    /// <summary>An operator declines to support it (with a note).</summary>
    Decline,

    /// <summary>The party withdraws it, with a reason.</summary>
    Withdraw,
}

/// <summary>A campaign command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.CampaignCommand")]
public abstract record CampaignCommand
{
    /// <summary>Which command this is.</summary>
    public abstract CampaignCommandType Type { get; }
}

/// <summary>Registers a campaign of an access party.</summary>
[GenerateSerializer, Immutable, Alias("mc.RegisterCampaign")]
public sealed record RegisterCampaign(
    [property: Id(0)] string PartyId,
    [property: Id(1)] string? Title,
    [property: Id(2)] CampaignKind? Kind,
    [property: Id(3)] DateOnly? StartsOn,
    [property: Id(4)] DateOnly? EndsOn,
    [property: Id(5)] string? Description) : CampaignCommand
{
    /// <inheritdoc />
    public override CampaignCommandType Type => CampaignCommandType.Register;
}

/// <summary>Changes a campaign; fields left out stay.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditCampaign")]
public sealed record EditCampaign(
    [property: Id(0)] string? Title,
    [property: Id(1)] CampaignKind? Kind,
    [property: Id(2)] DateOnly? StartsOn,
    [property: Id(3)] DateOnly? EndsOn,
    [property: Id(4)] string? Description) : CampaignCommand
{
    /// <inheritdoc />
    public override CampaignCommandType Type => CampaignCommandType.Edit;
}

/// <summary>The operator's decision: support or decline, with an optional note.</summary>
[GenerateSerializer, Immutable, Alias("mc.DecideCampaign")]
public sealed record DecideCampaign([property: Id(0)] bool Supported, [property: Id(1)] string? Note) : CampaignCommand
{
    /// <inheritdoc />
    public override CampaignCommandType Type => Supported ? CampaignCommandType.Support : CampaignCommandType.Decline;
}

/// <summary>Withdraws a campaign with a reason.</summary>
[GenerateSerializer, Immutable, Alias("mc.WithdrawCampaign")]
public sealed record WithdrawCampaign([property: Id(0)] string? Reason) : CampaignCommand
{
    /// <inheritdoc />
    public override CampaignCommandType Type => CampaignCommandType.Withdraw;
}

/// <summary>A promotion campaign (推广活动, F9.1).</summary>
[GenerateSerializer, Immutable, Alias("mc.CampaignView")]
public sealed record CampaignView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Title,
    [property: Id(3)] CampaignKind Kind,
    [property: Id(4)] DateOnly StartsOn,
    [property: Id(5)] DateOnly EndsOn,
    [property: Id(6)] string Description,
    [property: Id(7)] CampaignSupport Support,
    [property: Id(8)] string? SupportNote,
    [property: Id(9)] string? SupportedBy,
    [property: Id(10)] DateTimeOffset? SupportedAt,
    [property: Id(11)] string RegisteredBy,
    [property: Id(12)] DateTimeOffset RegisteredAt,
    [property: Id(13)] DateTimeOffset UpdatedAt,
    [property: Id(14)] CampaignState State,
    [property: Id(15)] string? WithdrawReason,
    [property: Id(16)] DateTimeOffset? WithdrawnAt,
    [property: Id(17)] long Version,
    [property: Id(18)] Guid RegisteredById);

/// <summary>One entry of a campaign's history.</summary>
[GenerateSerializer, Immutable, Alias("mc.CampaignHistoryEntry")]
public sealed record CampaignHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] CampaignCommandType Command,
    [property: Id(4)] CampaignState? From,
    [property: Id(5)] CampaignState To,
    [property: Id(6)] string? Comment);

/// <summary>The outcome of a campaign command.</summary>
[GenerateSerializer, Immutable, Alias("mc.CampaignResult")]
public sealed record CampaignResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] CampaignState? State,
    [property: Id(3)] IReadOnlyList<CampaignCommandType> AllowedMoves,
    [property: Id(4)] CampaignView? Campaign,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>A promotion campaign, keyed by its id. Commands follow <see cref="CampaignWorkflow"/>.</summary>
[Alias("mc.ICampaignGrain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<CampaignResult> ExecuteAsync(CampaignCommand command, OpsActor actor, string operationId);

    /// <summary>The campaign, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<CampaignView?> GetAsync();
}

/// <summary>One allowed move of a campaign.</summary>
public sealed record CampaignTransition(CampaignState? From, CampaignCommandType Command, OpsRole Roles, CampaignState To, string Note);

/// <summary>
/// The campaign state table as data (F9.1). Everything not listed is an illegal move (409); a listed move by a
/// caller without one of its roles is 403. docs/OPERATIONS-PLANS.md prints it; the grain tests walk it.
/// </summary>
/// <remarks>
/// An edit sends a decided campaign back to Pending: the operator decides on what will really run. The decision
/// may be changed at any time until the party withdraws the campaign.
/// </remarks>
public static class CampaignWorkflow
{
    private const OpsRole Party = OpsRole.Party;
    private const OpsRole Operator = OpsRole.Operator;

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<CampaignTransition> Transitions { get; } = Build();

    private static List<CampaignTransition> Build()
    {
        var rows = new List<CampaignTransition> { new(null, CampaignCommandType.Register, Party, CampaignState.Pending, "title, kind, dates, description") };
        foreach (var from in new[] { CampaignState.Pending, CampaignState.Supported, CampaignState.Declined })
        {
            rows.Add(new(from, CampaignCommandType.Edit, Party, CampaignState.Pending, "fields left out stay; decided again"));
            rows.Add(new(from, CampaignCommandType.Support, Operator, CampaignState.Supported, "note optional"));
            rows.Add(new(from, CampaignCommandType.Decline, Operator, CampaignState.Declined, "note optional"));
            rows.Add(new(from, CampaignCommandType.Withdraw, Party, CampaignState.Withdrawn, "reason required"));
        }

        return rows;
    }

    /// <summary>The move for a command in a state, or null when it is illegal there.</summary>
    public static CampaignTransition? Find(CampaignState? from, CampaignCommandType command) =>
        Transitions.FirstOrDefault(t => t.From == from && t.Command == command);

    /// <summary>Commands allowed in a state (by someone).</summary>
    /// <remarks>A concrete list: results are kept in grain state, whose JSON names runtime types.</remarks>
    public static List<CampaignCommandType> AllowedIn(CampaignState? from) => Transitions.Where(t => t.From == from).Select(t => t.Command).ToList();

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Transitions.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To.ToString(), t.Note)).ToList();
}
