using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Indicators;

/// <summary>Where an indicator definition is in its life. See <see cref="IndicatorWorkflow"/>.</summary>
public enum IndicatorState
{
    /// <summary>Being written: not computed at month close.</summary>
    Draft,

    /// <summary>Computed for its parties at every month close.</summary>
    Active,

    /// <summary>No longer computed; its history stays.</summary>
    Retired,
}

/// <summary>What can be done to an indicator definition.</summary>
public enum IndicatorCommandType
{
    /// <summary>Management defines it (a draft).</summary>
    Define,

    /// <summary>Management changes it; figures already computed keep the definition they were computed with.</summary>
    Edit,

    /// <summary>Management puts it into force.</summary>
    Activate,

    /// <summary>Management retires it, with a reason.</summary>
    Retire,
}

/// <summary>How a figure is held against the target.</summary>
public enum IndicatorComparison
{
    /// <summary>Met when the figure is at least the target.</summary>
    AtLeast,

    /// <summary>Met when the figure is at most the target.</summary>
    AtMost,
}

/// <summary>An indicator command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.IndicatorCommand")]
public abstract record IndicatorCommand
{
    /// <summary>Which command this is.</summary>
    public abstract IndicatorCommandType Type { get; }
}

/// <summary>
/// Defines an indicator. <paramref name="Parties"/> empty: every access party. <paramref name="Applications"/> (ids
/// <c>{party}.{code}</c>) scope it to those applications (接入应用) instead: one figure per application, no party list.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.DefineIndicator")]
public sealed record DefineIndicator(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Expression,
    [property: Id(2)] IndicatorComparison? Comparison,
    [property: Id(3)] double? Target,
    [property: Id(4)] List<string>? Parties,
    [property: Id(5)] string? Unit,
    [property: Id(6)] List<string>? Applications = null) : IndicatorCommand
{
    /// <inheritdoc />
    public override IndicatorCommandType Type => IndicatorCommandType.Define;
}

/// <summary>Changes an indicator; fields left out stay.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditIndicator")]
public sealed record EditIndicator(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Expression,
    [property: Id(2)] IndicatorComparison? Comparison,
    [property: Id(3)] double? Target,
    [property: Id(4)] List<string>? Parties,
    [property: Id(5)] string? Unit,
    [property: Id(6)] List<string>? Applications = null) : IndicatorCommand
{
    /// <inheritdoc />
    public override IndicatorCommandType Type => IndicatorCommandType.Edit;
}

/// <summary>Puts a draft indicator into force.</summary>
[GenerateSerializer, Immutable, Alias("mc.ActivateIndicator")]
public sealed record ActivateIndicator : IndicatorCommand
{
    /// <inheritdoc />
    public override IndicatorCommandType Type => IndicatorCommandType.Activate;
}

/// <summary>Retires an indicator with a reason.</summary>
[GenerateSerializer, Immutable, Alias("mc.RetireIndicator")]
public sealed record RetireIndicator([property: Id(0)] string? Reason) : IndicatorCommand
{
    /// <inheritdoc />
    public override IndicatorCommandType Type => IndicatorCommandType.Retire;
}

/// <summary>An indicator definition (指标, F9.4).</summary>
/// <param name="Parties">The access parties it applies to; empty: every party.</param>
[GenerateSerializer, Immutable, Alias("mc.IndicatorView")]
public sealed record IndicatorView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Expression,
    [property: Id(3)] IndicatorComparison Comparison,
    [property: Id(4)] double Target,
    [property: Id(5)] List<string> Parties,
    [property: Id(6)] string Unit,
    [property: Id(7)] IndicatorState State,
    [property: Id(8)] long Version,
    [property: Id(9)] string DefinedBy,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] string? RetireReason)
{
    /// <summary>
    /// The applications (ids <c>{party}.{code}</c>) it is scoped to; empty: it is computed per party (<see cref="Parties"/>).
    /// An indicator is scoped to parties or to applications, never both.
    /// </summary>
    [Id(12)] public List<string> Applications { get; init; } = [];

    /// <summary>True when it applies to the party as a whole.</summary>
    public bool AppliesTo(string partyId) => Applications.Count == 0 && (Parties.Count == 0 || Parties.Contains(partyId));

    /// <summary>True when it applies to the party as a whole or to one of its applications (the party's people read it).</summary>
    public bool Concerns(string partyId) =>
        AppliesTo(partyId) || Applications.Any(a => ApplicationIds.Split(a) is { } id && id.PartyId == partyId);

    /// <summary>True when the figure meets the target.</summary>
    public static bool Meets(IndicatorComparison comparison, double value, double target) =>
        comparison == IndicatorComparison.AtLeast ? value >= target : value <= target;
}

/// <summary>
/// One move of an indicator definition, kept with it and appended to the event log (<c>IndicatorChanged</c>) with the definition as the
/// move left it (<paramref name="After"/>), so the log says what was in force from when.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.IndicatorHistoryEntry")]
public sealed record IndicatorHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid? ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] IndicatorCommandType Command,
    [property: Id(5)] IndicatorState? From,
    [property: Id(6)] IndicatorState To,
    [property: Id(7)] string? Comment,
    [property: Id(8)] IndicatorView After);

/// <summary>The outcome of an indicator command.</summary>
[GenerateSerializer, Immutable, Alias("mc.IndicatorResult")]
public sealed record IndicatorResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] IndicatorState? State,
    [property: Id(3)] List<IndicatorCommandType> AllowedMoves,
    [property: Id(4)] IndicatorView? Indicator,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>An indicator definition, keyed by its id (<c>ind-…</c>). Commands follow <see cref="IndicatorWorkflow"/>.</summary>
[Alias("mc.IIndicatorGrain")]
public interface IIndicatorGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<IndicatorResult> ExecuteAsync(IndicatorCommand command, OpsActor actor, string operationId);

    /// <summary>The indicator, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<IndicatorView?> GetAsync();
}

/// <summary>The indicator definition's state table: management defines, edits, activates and retires.</summary>
public static class IndicatorWorkflow
{
    private const OpsRole Management = OpsRole.Management;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<IndicatorState, IndicatorCommandType, OpsRole> Table { get; } = new(
    [
        new(null, IndicatorCommandType.Define, Management, IndicatorState.Draft),
        new(IndicatorState.Draft, IndicatorCommandType.Edit, Management, IndicatorState.Draft),
        new(IndicatorState.Draft, IndicatorCommandType.Activate, Management, IndicatorState.Active),
        new(IndicatorState.Draft, IndicatorCommandType.Retire, Management, IndicatorState.Retired),
        new(IndicatorState.Active, IndicatorCommandType.Edit, Management, IndicatorState.Active),
        new(IndicatorState.Active, IndicatorCommandType.Retire, Management, IndicatorState.Retired),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To?.ToString() ?? "", "")).ToList();
}

/// <summary>One indicator's figure for one access party and month, with what it was computed from.</summary>
/// <param name="Month">The first day of the month (Asia/Shanghai).</param>
/// <param name="Value">Null when a measure had no figure (nothing to hold against the target).</param>
/// <param name="Met">Null without a value.</param>
/// <param name="Closed">True once the month closed; false for a figure of the month so far.</param>
[GenerateSerializer, Immutable, Alias("mc.IndicatorFigure")]
public sealed record IndicatorFigure(
    [property: Id(0)] string IndicatorId,
    [property: Id(1)] string PartyId,
    [property: Id(2)] DateOnly Month,
    [property: Id(3)] double? Value,
    [property: Id(4)] IndicatorComparison Comparison,
    [property: Id(5)] double Target,
    [property: Id(6)] bool? Met,
    [property: Id(7)] Dictionary<string, double?> Measures,
    [property: Id(8)] string Expression,
    [property: Id(9)] DateTimeOffset ComputedAt,
    [property: Id(10)] bool Closed)
{
    /// <summary>The application (its code within the party) the figure is for; empty for the party as a whole.</summary>
    [Id(11)] public string Application { get; init; } = "";
}

/// <summary>What a month close or an on-demand computation did.</summary>
[GenerateSerializer, Immutable, Alias("mc.IndicatorMonthReport")]
public sealed record IndicatorMonthReport(
    [property: Id(0)] DateOnly Month,
    [property: Id(1)] bool Closed,
    [property: Id(2)] List<IndicatorFigure> Figures,
    [property: Id(3)] int RemindersRaised);

/// <summary>
/// The monthly computation of every active indicator (key <see cref="DefaultKey"/>): a durable reminder closes each month
/// once it has ended (Asia/Shanghai), storing one figure per indicator and party and raising one reminder per missed
/// target, party and month; management may also compute the month so far, or close a past month again (same figures).
/// </summary>
[Alias("mc.IIndicatorMonthGrain")]
public interface IIndicatorMonthGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    const string DefaultKey = "monthly";

    /// <summary>Makes sure the month-close reminder exists (every silo calls it at start-up).</summary>
    [Alias("Schedule")]
    Task ScheduleAsync();

    /// <summary>Closes a month that has ended: stores the figures and raises reminders for missed targets (each once).</summary>
    [Alias("Close")]
    Task<IndicatorMonthReport> CloseAsync(DateOnly month);

    /// <summary>Computes the current month so far (stored as not closed, replaced by the close).</summary>
    [Alias("ComputeSoFar")]
    Task<IndicatorMonthReport> ComputeSoFarAsync();

    /// <summary>Every measure of the catalogue for one party and month (up to now for the current month); nothing is stored.</summary>
    [Alias("Measure"), Orleans.Concurrency.ReadOnly]
    Task<Dictionary<string, double?>> MeasureAsync(string partyId, DateOnly month);

    /// <summary>
    /// The channel- and terminal-based measures of one application (接入应用) of a party for a month (up to now for the current month);
    /// nothing is stored.
    /// </summary>
    [Alias("MeasureApplication"), Orleans.Concurrency.ReadOnly]
    Task<Dictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateOnly month);

    /// <summary>The last month closed, if any.</summary>
    [Alias("LastClosed"), Orleans.Concurrency.ReadOnly]
    Task<DateOnly?> GetLastClosedAsync();
}

/// <summary>Month arithmetic in the platform's time zone (Asia/Shanghai).</summary>
public static class IndicatorMonths
{
    /// <summary>The zone months are counted in.</summary>
    public const string TimeZone = "Asia/Shanghai";

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The first day of the month an instant falls in.</summary>
    public static DateOnly MonthOf(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>The month's start and the next month's start, as instants.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateOnly month)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        return (Start(first), Start(first.AddMonths(1)));
    }

    /// <summary>"2026-11".</summary>
    public static string Name(DateOnly month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Start(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
