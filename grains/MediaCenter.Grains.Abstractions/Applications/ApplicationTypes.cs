using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Applications;

/// <summary>Where an application (接入应用) is in its life. See <see cref="ApplicationWorkflow"/>.</summary>
public enum ApplicationState
{
    /// <summary>In service: its channels publish and their feeds answer.</summary>
    Active,

    /// <summary>暂停对外服务: every channel of the application refuses publishing and its feeds answer 503.</summary>
    Suspended,

    /// <summary>No longer run by the party: it takes no new channels or terminals.</summary>
    Retired,
}

/// <summary>What can be done to an application.</summary>
public enum ApplicationCommandType
{
    /// <summary>The party (or platform staff for it) registers an application.</summary>
    Create,

    /// <summary>Changes its name, kind, owner or description (the code never changes).</summary>
    Edit,

    /// <summary>Suspends the outward service of all its channels, with a reason.</summary>
    Suspend,

    /// <summary>Reopens its channels (a channel suspended on its own stays suspended).</summary>
    Resume,

    /// <summary>Retires it: allowed once no channel and no terminal belongs to it any more.</summary>
    Retire,
}

/// <summary>What sort of service an application is (standard §4: 网站、WAP、客户端、终端服务).</summary>
public enum ApplicationKind
{
    /// <summary>A PC web site.</summary>
    Web,

    /// <summary>A mobile web site (WAP).</summary>
    Wap,

    /// <summary>A mobile app (客户端).</summary>
    App,

    /// <summary>A service run on smart terminals (kiosks, screens).</summary>
    Terminal,
}

/// <summary>The stable ids and codes of applications.</summary>
public static class ApplicationIds
{
    /// <summary>The code of the application every access party has from the start (today's channels and terminals belong to it).</summary>
    public const string DefaultCode = "default";

    /// <summary>The grain key of an application: party and code (neither holds a dot, so the key splits back).</summary>
    public static string Of(string partyId, string code) => partyId + "." + code;

    /// <summary>The party and code of a grain key, or null when it is none.</summary>
    public static (string PartyId, string Code)? Split(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 || dot == id.Length - 1 || id.IndexOf('.', dot + 1) >= 0 ? null : (id[..dot], id[(dot + 1)..]);
    }

    /// <summary>True for a code of the same shape as party ids and channel codes (lower-case letters, digits, hyphens; 2–63).</summary>
    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= 63 } && code[0] != '-' && code.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}

/// <summary>An application command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.ApplicationCommand")]
public abstract record ApplicationCommand
{
    /// <summary>Which command this is.</summary>
    public abstract ApplicationCommandType Type { get; }
}

/// <summary>Registers the application (the party and code come from the grain's key).</summary>
[GenerateSerializer, Immutable, Alias("mc.CreateApplication")]
public sealed record CreateApplication(
    [property: Id(0)] string? Name,
    [property: Id(1)] ApplicationKind? Kind,
    [property: Id(2)] string? Owner,
    [property: Id(3)] string? Description) : ApplicationCommand
{
    /// <inheritdoc />
    public override ApplicationCommandType Type => ApplicationCommandType.Create;
}

/// <summary>Replaces the name, kind, owner and description.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditApplication")]
public sealed record EditApplication(
    [property: Id(0)] string? Name,
    [property: Id(1)] ApplicationKind? Kind,
    [property: Id(2)] string? Owner,
    [property: Id(3)] string? Description) : ApplicationCommand
{
    /// <inheritdoc />
    public override ApplicationCommandType Type => ApplicationCommandType.Edit;
}

/// <summary>Suspends (with a reason, required) or resumes (with an optional note) the application's outward service.</summary>
[GenerateSerializer, Immutable, Alias("mc.SuspendApplication")]
public sealed record SuspendApplication([property: Id(0)] bool Suspended, [property: Id(1)] string? Reason) : ApplicationCommand
{
    /// <inheritdoc />
    public override ApplicationCommandType Type => Suspended ? ApplicationCommandType.Suspend : ApplicationCommandType.Resume;
}

/// <summary>Retires the application.</summary>
[GenerateSerializer, Immutable, Alias("mc.RetireApplication")]
public sealed record RetireApplication([property: Id(0)] string? Note) : ApplicationCommand
{
    /// <inheritdoc />
    public override ApplicationCommandType Type => ApplicationCommandType.Retire;
}

/// <summary>An application (接入应用) of an access party.</summary>
[GenerateSerializer, Immutable, Alias("mc.ApplicationView")]
public sealed record ApplicationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Code,
    [property: Id(3)] string Name,
    [property: Id(4)] ApplicationKind Kind,
    [property: Id(5)] string? Owner,
    [property: Id(6)] string? Description,
    [property: Id(7)] ApplicationState State,
    [property: Id(8)] string? SuspendedReason,
    [property: Id(9)] DateTimeOffset? SuspendedAt,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt);

/// <summary>One entry of an application's history (also appended to the event log as <c>ApplicationChanged</c>).</summary>
[GenerateSerializer, Immutable, Alias("mc.ApplicationHistoryEntry")]
public sealed record ApplicationHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid? ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] ApplicationCommandType Command,
    [property: Id(5)] ApplicationState? From,
    [property: Id(6)] ApplicationState To,
    [property: Id(7)] string? Comment);

/// <summary>The outcome of an application command.</summary>
[GenerateSerializer, Immutable, Alias("mc.ApplicationResult")]
public sealed record ApplicationResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] ApplicationState? State,
    [property: Id(3)] List<ApplicationCommandType> AllowedMoves,
    [property: Id(4)] ApplicationView? Application,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>Whether a channel or terminal may join an application, and if so whether the application is suspended now.</summary>
[GenerateSerializer, Immutable, Alias("mc.ApplicationAdmission")]
public sealed record ApplicationAdmission(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] string? SuspendedReason)
{
    /// <summary>True when the member may join.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>
/// One application (key <see cref="ApplicationIds.Of"/>: <c>{party}.{code}</c>). Commands follow <see cref="ApplicationWorkflow"/>;
/// suspending it suspends the outward service of every channel that belongs to it (the channels' own suspension stays theirs).
/// </summary>
[Alias("mc.IApplicationGrain")]
public interface IApplicationGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<ApplicationResult> ExecuteAsync(ApplicationCommand command, OpsActor actor, string operationId);

    /// <summary>The application, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ApplicationView?> GetAsync();

    /// <summary>With its history.</summary>
    [Alias("History"), Orleans.Concurrency.ReadOnly]
    Task<List<ApplicationHistoryEntry>> GetHistoryAsync();

    /// <summary>
    /// May a channel or terminal of <paramref name="partyId"/> belong to this application? Refused for another party's member
    /// (an application hosts only its own party's), an application that does not exist, and a retired one.
    /// </summary>
    [Alias("Admit"), Orleans.Concurrency.ReadOnly]
    Task<ApplicationAdmission> AdmitAsync(string partyId);
}

/// <summary>
/// The application state table. The party's admins run their own applications; platform staff (operators, administrators)
/// may act for any party. Management watches but does not run a party's applications.
/// </summary>
public static class ApplicationWorkflow
{
    private const OpsRole Runner = OpsRole.Party | OpsRole.Operator;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<ApplicationState, ApplicationCommandType, OpsRole> Table { get; } = new(
    [
        new(null, ApplicationCommandType.Create, Runner, ApplicationState.Active),
        new(ApplicationState.Active, ApplicationCommandType.Edit, Runner, ApplicationState.Active),
        new(ApplicationState.Active, ApplicationCommandType.Suspend, Runner, ApplicationState.Suspended),
        new(ApplicationState.Active, ApplicationCommandType.Retire, Runner, ApplicationState.Retired),
        new(ApplicationState.Suspended, ApplicationCommandType.Edit, Runner, ApplicationState.Suspended),
        new(ApplicationState.Suspended, ApplicationCommandType.Resume, Runner, ApplicationState.Active),
        new(ApplicationState.Suspended, ApplicationCommandType.Retire, Runner, ApplicationState.Retired),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To?.ToString() ?? "", "")).ToList();
}
