using System.Globalization;
using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.People;

/// <summary>How long an appraisal period is.</summary>
public enum AppraisalPeriodKind
{
    /// <summary>A calendar month, <c>2026-11</c>.</summary>
    Monthly,

    /// <summary>A calendar quarter, <c>2026-Q4</c>.</summary>
    Quarterly,

    /// <summary>A calendar year, <c>2026</c>.</summary>
    Yearly,
}

/// <summary>An appraisal period: its name, kind and calendar days (<see cref="To"/> exclusive).</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalPeriod")]
public sealed record AppraisalPeriod([property: Id(0)] string Name, [property: Id(1)] AppraisalPeriodKind Kind, [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly To)
{
    /// <summary>The period a name gives (<c>2026-11</c>, <c>2026-Q4</c>, <c>2026</c>), or null when it is not one.</summary>
    public static AppraisalPeriod? Parse(string? name)
    {
        var text = name?.Trim() ?? "";
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100)
        {
            return new AppraisalPeriod(text, AppraisalPeriodKind.Yearly, new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1));
        }

        if (text.Length == 7 && int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out year) && year is >= 2000 and <= 2100 && text[4] == '-')
        {
            if (text[5] == 'Q' && text[6] is >= '1' and <= '4')
            {
                var from = new DateOnly(year, (text[6] - '1') * 3 + 1, 1);
                return new AppraisalPeriod(text, AppraisalPeriodKind.Quarterly, from, from.AddMonths(3));
            }

            if (int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12)
            {
                var from = new DateOnly(year, month, 1);
                return new AppraisalPeriod(text, AppraisalPeriodKind.Monthly, from, from.AddMonths(1));
            }
        }

        return null;
    }

    /// <summary>The last period of a kind that has ended on <paramref name="today"/> (the previous month, quarter or year).</summary>
    public static AppraisalPeriod LastEnded(AppraisalPeriodKind kind, DateOnly today)
    {
        var name = kind switch
        {
            AppraisalPeriodKind.Yearly => (today.Year - 1).ToString(CultureInfo.InvariantCulture),
            AppraisalPeriodKind.Quarterly => today.Month <= 3
                ? $"{today.Year - 1}-Q4"
                : $"{today.Year}-Q{((today.Month - 1) / 3)}",
            _ => new DateOnly(today.Year, today.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture),
        };
        return Parse(name)!;
    }
}

/// <summary>
/// The figures the system computes per person and period (考核指标, §8.1.6), from <c>mc.event_log</c> and the read tables.
/// Only events inside the period are looked at, so an ended period gives the same figures whenever it is computed.
/// </summary>
public static class AppraisalMeasures
{
    /// <summary>Pitches the person filed (<c>File</c> events they made).</summary>
    public const string PitchesFiled = "pitchesFiled";

    /// <summary>The person's pitches selected as topics (<c>Confirm</c> events of stories they authored).</summary>
    public const string PitchesSelected = "pitchesSelected";

    /// <summary>Distinct stories published whose author or an assignee is the person.</summary>
    public const string StoriesPublished = "storiesPublished";

    /// <summary>Assignments of the person submitted (<c>Submit</c> events listing them as an assignee).</summary>
    public const string AssignmentsSubmitted = "assignmentsSubmitted";

    /// <summary>100 × submitted at or before the due time (or without one) / submitted; absent without submissions.</summary>
    public const string AssignmentOnTimeRate = "assignmentOnTimeRate";

    /// <summary>Reviews the person decided (<c>Approve</c> and <c>Reject</c> events they made).</summary>
    public const string ReviewsDone = "reviewsDone";

    /// <summary>Median hours from a story reaching the level to the person's decision; absent without timed reviews.</summary>
    public const string ReviewTurnaroundMedianHours = "reviewTurnaroundMedianHours";

    /// <summary>Incidents the person acknowledged.</summary>
    public const string IncidentsAcknowledged = "incidentsAcknowledged";

    /// <summary>Of those, acknowledged within the severity's target after the first report.</summary>
    public const string IncidentsAcknowledgedInTarget = "incidentsAcknowledgedInTarget";

    /// <summary>Incidents the person resolved.</summary>
    public const string IncidentsResolved = "incidentsResolved";

    /// <summary>Terminal inspections the person recorded (the operation log).</summary>
    public const string InspectionsDone = "inspectionsDone";

    /// <summary>Trainings on the person's record completed in the period at or above their pass mark.</summary>
    public const string TrainingsPassed = "trainingsPassed";

    /// <summary>Complaints about the person's work closed in the period (the ticket names their staff record).</summary>
    public const string ComplaintsClosed = "complaintsClosed";

    /// <summary>100 × of those closed with a rating, the satisfied ones (above dissatisfied) / rated; absent without a rated one.</summary>
    public const string ComplaintSatisfactionRate = "complaintSatisfactionRate";

    /// <summary>Every measure of the catalogue, in the order pages list them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PitchesFiled, PitchesSelected, StoriesPublished, AssignmentsSubmitted, AssignmentOnTimeRate, ReviewsDone, ReviewTurnaroundMedianHours,
        IncidentsAcknowledged, IncidentsAcknowledgedInTarget, IncidentsResolved, InspectionsDone, TrainingsPassed, ComplaintsClosed,
        ComplaintSatisfactionRate,
    ];
}

/// <summary>A quantified indicator of a scheme: a measure, its weight (points) and target; lower-is-better for times.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalIndicator")]
public sealed record AppraisalIndicator([property: Id(0)] string Measure, [property: Id(1)] int Weight, [property: Id(2)] double Target,
    [property: Id(3)] bool LowerIsBetter = false);

/// <summary>An item the appraiser scores by hand (0–100), with its weight (points).</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalManualItem")]
public sealed record AppraisalManualItem([property: Id(0)] string Name, [property: Id(1)] int Weight);

/// <summary>A grade (优秀, 良好 …) reached at or above <see cref="MinTotal"/>.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalGradeBand")]
public sealed record AppraisalGradeBand([property: Id(0)] string Grade, [property: Id(1)] double MinTotal);

/// <summary>The appraisal scheme (考核方案) of one post level: weights of indicators and manual items add up to 100.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalScheme")]
public sealed record AppraisalScheme(
    [property: Id(0)] StaffPost Post,
    [property: Id(1)] IReadOnlyList<AppraisalIndicator> Indicators,
    [property: Id(2)] IReadOnlyList<AppraisalManualItem> ManualItems,
    [property: Id(3)] IReadOnlyList<AppraisalGradeBand> Bands);

/// <summary>An organisation's appraisal schemes, one per post level at most.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalSchemes")]
public sealed record AppraisalSchemes(
    [property: Id(0)] string Organisation,
    [property: Id(1)] IReadOnlyList<AppraisalScheme> Schemes,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] string UpdatedBy,
    [property: Id(5)] AppraisalPeriodKind? Cadence = null,
    [property: Id(6)] string? LastOpened = null);

/// <summary>
/// Sets an organisation's schemes whole; with a cadence, the appraisals of everyone whose post has a scheme are opened by themselves
/// after each period of that kind ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.SetAppraisalSchemes")]
public sealed record SetAppraisalSchemes([property: Id(0)] IReadOnlyList<AppraisalScheme>? Schemes, [property: Id(1)] AppraisalPeriodKind? Cadence = null);

/// <summary>The outcome of a scheme command.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalSchemeResult")]
public sealed record AppraisalSchemeResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] AppraisalSchemes? Schemes,
    [property: Id(3)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>The state of an organisation's schemes: set once, replaced whole.</summary>
public enum AppraisalSchemeState
{
    /// <summary>Schemes are in force.</summary>
    Set,
}

/// <summary>What can be done to the schemes.</summary>
public enum AppraisalSchemeCommandType
{
    /// <summary>The organisation's appraiser sets (or replaces) the schemes.</summary>
    SetSchemes,
}

/// <summary>An organisation's appraisal schemes (key: <see cref="Organisation.Key"/>).</summary>
[Alias("mc.IAppraisalSchemeGrain")]
public interface IAppraisalSchemeGrain : IGrainWithStringKey
{
    /// <summary>The schemes in force; null until set. Answered at once, also while the schemes open appraisals (which ask for them).</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly, Orleans.Concurrency.AlwaysInterleave]
    Task<AppraisalSchemes?> GetAsync();

    /// <summary>Replaces the schemes (idempotent per operation id).</summary>
    [Alias("Set")]
    Task<AppraisalSchemeResult> SetAsync(SetAppraisalSchemes command, StaffActor actor, string operationId);

    /// <summary>
    /// With a cadence: opens the appraisals of the last ended period for every active person whose post has a scheme, unless that
    /// period's were opened already; answers how many were opened now. The schemes' reminder calls it every hour.
    /// </summary>
    [Alias("OpenDue"), ResponseTimeout("00:05:00")]
    Task<int> OpenDueAsync();
}

/// <summary>The state of an appraisal. See <see cref="AppraisalWorkflow.Transitions"/>.</summary>
public enum AppraisalState
{
    /// <summary>The figures are computed; the appraiser has not scored yet.</summary>
    Draft,

    /// <summary>Scored: manual items, comment, total and grade; waiting for the person.</summary>
    Scored,

    /// <summary>The person disputes it, with a reason: back with the appraiser.</summary>
    Disputed,

    /// <summary>The person acknowledged it.</summary>
    Acknowledged,

    /// <summary>Closed: it stands.</summary>
    Closed,
}

/// <summary>What can be done to an appraisal.</summary>
public enum AppraisalCommandType
{
    /// <summary>The appraiser opens the appraisal of a person for an ended period: figures computed.</summary>
    Open,

    /// <summary>Computes the figures again (the same period gives the same figures).</summary>
    Recompute,

    /// <summary>The appraiser scores the manual items and comments: total and grade follow.</summary>
    Score,

    /// <summary>The person acknowledges the appraisal.</summary>
    Acknowledge,

    /// <summary>The person disputes it with a reason.</summary>
    Dispute,

    /// <summary>The appraiser closes it.</summary>
    Close,

    /// <summary>An incentive (激励: bonus, commendation) is attached.</summary>
    RecordIncentive,

    /// <summary>Development goals are set (replacing the previous ones).</summary>
    SetGoals,
}

/// <summary>Kinds of incentive (激励).</summary>
public enum IncentiveKind
{
    /// <summary>A bonus (奖金), with an amount.</summary>
    Bonus,

    /// <summary>A commendation (表彰).</summary>
    Commendation,
}

/// <summary>One computed indicator of an appraisal: the figure, the target and weight it was scored with, the points.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalFigure")]
public sealed record AppraisalFigure(
    [property: Id(0)] string Measure,
    [property: Id(1)] double? Value,
    [property: Id(2)] double Target,
    [property: Id(3)] int Weight,
    [property: Id(4)] bool LowerIsBetter,
    [property: Id(5)] double Points);

/// <summary>One manual item as scored (0–100) and its points.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalManualScore")]
public sealed record AppraisalManualScore([property: Id(0)] string Name, [property: Id(1)] int Weight, [property: Id(2)] int? Score,
    [property: Id(3)] double Points);

/// <summary>An incentive attached to an appraisal.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalIncentive")]
public sealed record AppraisalIncentive([property: Id(0)] IncentiveKind Kind, [property: Id(1)] decimal? Amount, [property: Id(2)] string Note,
    [property: Id(3)] DateTimeOffset At, [property: Id(4)] string By);

/// <summary>A development goal (发展目标) agreed with the appraisal.</summary>
[GenerateSerializer, Immutable, Alias("mc.DevelopmentGoal")]
public sealed record DevelopmentGoal([property: Id(0)] string Title, [property: Id(1)] DateOnly? Due);

/// <summary>A periodic appraisal (考核) of one person.</summary>
[GenerateSerializer, Immutable, Alias("mc.Appraisal")]
public sealed record Appraisal(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] string PersonId,
    [property: Id(3)] string PersonName,
    [property: Id(4)] Guid? UserId,
    [property: Id(5)] StaffPost Post,
    [property: Id(6)] AppraisalPeriod Period,
    [property: Id(7)] IReadOnlyList<AppraisalFigure> Figures,
    [property: Id(8)] IReadOnlyList<AppraisalManualScore> ManualScores,
    [property: Id(9)] IReadOnlyList<AppraisalGradeBand> Bands,
    [property: Id(10)] double? Total,
    [property: Id(11)] string? Grade,
    [property: Id(12)] string? Comment,
    [property: Id(13)] string? DisputeReason,
    [property: Id(14)] IReadOnlyList<AppraisalIncentive> Incentives,
    [property: Id(15)] IReadOnlyList<DevelopmentGoal> Goals,
    [property: Id(16)] AppraisalState State,
    [property: Id(17)] long Version,
    [property: Id(18)] DateTimeOffset ComputedAt,
    [property: Id(19)] DateTimeOffset UpdatedAt,
    [property: Id(20)] string? Appraiser);

/// <summary>An appraisal command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.AppraisalCommand")]
public abstract record AppraisalCommand
{
    /// <summary>Which command this is.</summary>
    public abstract AppraisalCommandType Type { get; }
}

/// <summary>Opens the appraisal (the grain's key names the person and the period).</summary>
[GenerateSerializer, Immutable, Alias("mc.OpenAppraisal")]
public sealed record OpenAppraisal : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Open;
}

/// <summary>Computes the figures again.</summary>
[GenerateSerializer, Immutable, Alias("mc.RecomputeAppraisal")]
public sealed record RecomputeAppraisal : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Recompute;
}

/// <summary>A manual item's score.</summary>
[GenerateSerializer, Immutable, Alias("mc.ManualItemScore")]
public sealed record ManualItemScore([property: Id(0)] string? Name, [property: Id(1)] int? Score);

/// <summary>Scores the manual items (each of the scheme's, 0–100) and comments.</summary>
[GenerateSerializer, Immutable, Alias("mc.ScoreAppraisal")]
public sealed record ScoreAppraisal([property: Id(0)] IReadOnlyList<ManualItemScore>? Scores, [property: Id(1)] string? Comment) : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Score;
}

/// <summary>The person acknowledges.</summary>
[GenerateSerializer, Immutable, Alias("mc.AcknowledgeAppraisal")]
public sealed record AcknowledgeAppraisal : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Acknowledge;
}

/// <summary>The person disputes, with a reason.</summary>
[GenerateSerializer, Immutable, Alias("mc.DisputeAppraisal")]
public sealed record DisputeAppraisal([property: Id(0)] string? Reason) : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Dispute;
}

/// <summary>Closes the appraisal.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseAppraisal")]
public sealed record CloseAppraisal : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.Close;
}

/// <summary>Attaches an incentive (a bonus needs an amount above zero).</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordIncentive")]
public sealed record RecordIncentive([property: Id(0)] IncentiveKind? Kind, [property: Id(1)] decimal? Amount, [property: Id(2)] string? Note)
    : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.RecordIncentive;
}

/// <summary>Sets the development goals (replacing the previous ones).</summary>
[GenerateSerializer, Immutable, Alias("mc.SetDevelopmentGoals")]
public sealed record SetDevelopmentGoals([property: Id(0)] IReadOnlyList<DevelopmentGoal>? Goals) : AppraisalCommand
{
    /// <inheritdoc />
    public override AppraisalCommandType Type => AppraisalCommandType.SetGoals;
}

/// <summary>The outcome of an appraisal command (the staff outcomes, so one problem-details mapping serves all).</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalResult")]
public sealed record AppraisalResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] string? State,
    [property: Id(3)] IReadOnlyList<string> AllowedMoves,
    [property: Id(4)] Appraisal? Appraisal,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>
/// One person's appraisal of one period (考核, F8.3; key <see cref="AppraisalWorkflow.KeyOf"/>): figures computed from the
/// event log with the scheme of the person's post, the appraiser's scores and comment, the person's acknowledgement or
/// dispute, incentives and development goals. Follows <see cref="AppraisalWorkflow"/>.
/// </summary>
[Alias("mc.IAppraisalGrain")]
public interface IAppraisalGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute"), ResponseTimeout("00:01:00")]
    Task<AppraisalResult> ExecuteAsync(AppraisalCommand command, StaffActor actor, string operationId);

    /// <summary>The appraisal; null before it is opened.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Appraisal?> GetAsync();
}

/// <summary>An appraisal changed: who and which version (pages fetch the appraisal; its figures are not broadcast).</summary>
[GenerateSerializer, Immutable, Alias("mc.live.AppraisalViewChanged")]
public sealed record AppraisalViewChanged(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] string PersonId,
    [property: Id(3)] Guid? UserId,
    [property: Id(4)] AppraisalState State,
    [property: Id(5)] long Version) : LiveEvent;

/// <summary>One allowed move of an appraisal or of the schemes.</summary>
public sealed record AppraisalTransition<TState, TCommand>(TState? From, TCommand Command, StaffRole Roles, TState To, string Note)
    where TState : struct, Enum
    where TCommand : struct, Enum;

/// <summary>The appraisal's state table as data (docs/PEOPLE.md prints it; the grain tests walk it), and its scoring.</summary>
public static class AppraisalWorkflow
{
    private const StaffRole Appraiser = StaffRole.Appraiser;
    private const StaffRole Person = StaffRole.Appraisee;

    /// <summary>Every allowed move of the schemes.</summary>
    public static IReadOnlyList<AppraisalTransition<AppraisalSchemeState, AppraisalSchemeCommandType>> SchemeTransitions { get; } =
    [
        new(null, AppraisalSchemeCommandType.SetSchemes, Appraiser, AppraisalSchemeState.Set, "per post: indicators, manual items, grade bands"),
        new(AppraisalSchemeState.Set, AppraisalSchemeCommandType.SetSchemes, Appraiser, AppraisalSchemeState.Set, "replaces them whole; open appraisals keep theirs"),
    ];

    /// <summary>Every allowed move of an appraisal.</summary>
    public static IReadOnlyList<AppraisalTransition<AppraisalState, AppraisalCommandType>> Transitions { get; } =
    [
        new(null, AppraisalCommandType.Open, Appraiser, AppraisalState.Draft, "an ended period; the scheme of the person's post; figures computed"),
        new(AppraisalState.Draft, AppraisalCommandType.Recompute, Appraiser, AppraisalState.Draft, "the same period gives the same figures"),
        new(AppraisalState.Draft, AppraisalCommandType.Score, Appraiser, AppraisalState.Scored, "every manual item 0–100; total and grade"),
        new(AppraisalState.Scored, AppraisalCommandType.Score, Appraiser, AppraisalState.Scored, "corrected before the person answers"),
        new(AppraisalState.Scored, AppraisalCommandType.Acknowledge, Person, AppraisalState.Acknowledged, "the person themself"),
        new(AppraisalState.Scored, AppraisalCommandType.Dispute, Person, AppraisalState.Disputed, "with a reason"),
        new(AppraisalState.Disputed, AppraisalCommandType.Recompute, Appraiser, AppraisalState.Disputed, "figures again; the score follows"),
        new(AppraisalState.Disputed, AppraisalCommandType.Score, Appraiser, AppraisalState.Scored, "answered: back to the person"),
        new(AppraisalState.Acknowledged, AppraisalCommandType.Close, Appraiser, AppraisalState.Closed, "it stands"),
        new(AppraisalState.Scored, AppraisalCommandType.SetGoals, Appraiser, AppraisalState.Scored, "development goals"),
        new(AppraisalState.Acknowledged, AppraisalCommandType.SetGoals, Appraiser, AppraisalState.Acknowledged, "development goals"),
        new(AppraisalState.Closed, AppraisalCommandType.SetGoals, Appraiser, AppraisalState.Closed, "development goals"),
        new(AppraisalState.Acknowledged, AppraisalCommandType.RecordIncentive, Appraiser, AppraisalState.Acknowledged, "bonus or commendation"),
        new(AppraisalState.Closed, AppraisalCommandType.RecordIncentive, Appraiser, AppraisalState.Closed, "bonus or commendation"),
    ];

    /// <summary>The key of a person's appraisal of a period: <c>{personId}:{period}</c>.</summary>
    public static string KeyOf(string personId, string period) => personId + ":" + period;

    /// <summary>The person and period a key names, or null.</summary>
    public static (string PersonId, AppraisalPeriod Period)? ParseKey(string key)
    {
        var at = key.LastIndexOf(':');
        return at > 0 && AppraisalPeriod.Parse(key[(at + 1)..]) is { } period ? (key[..at], period) : null;
    }

    /// <summary>The schemes' table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> SchemeRows() => Rows(SchemeTransitions);

    /// <summary>The appraisal's table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> Rows() => Rows(Transitions);

    /// <summary>
    /// The points of an indicator: its weight × the share of the target reached (at most all of it). Lower-is-better: the
    /// whole weight at or below the target, else weight × target / figure. An absent figure scores nothing.
    /// </summary>
    public static double Points(AppraisalIndicator indicator, double? value)
    {
        if (value is not { } v)
        {
            return 0;
        }

        double share;
        if (indicator.LowerIsBetter)
        {
            share = v <= indicator.Target ? 1 : indicator.Target / v;
        }
        else
        {
            share = indicator.Target <= 0 ? 1 : Math.Min(1, Math.Max(0, v) / indicator.Target);
        }

        return Math.Round(indicator.Weight * share, 2);
    }

    /// <summary>The points of a manual item scored 0–100.</summary>
    public static double Points(AppraisalManualItem item, int? score) => score is { } s ? Math.Round(item.Weight * s / 100.0, 2) : 0;

    /// <summary>The grade of a total: the band with the highest minimum the total reaches (at the minimum counts); null below every band.</summary>
    public static string? GradeOf(double total, IReadOnlyList<AppraisalGradeBand> bands) =>
        bands.Where(b => total >= b.MinTotal).OrderByDescending(b => b.MinTotal).FirstOrDefault()?.Grade;

    private static List<Operations.WorkflowRow> Rows<TState, TCommand>(IEnumerable<AppraisalTransition<TState, TCommand>> rows)
        where TState : struct, Enum
        where TCommand : struct, Enum =>
        [.. rows.Select(t => new Operations.WorkflowRow(t.From?.ToString(), t.Command.ToString(), t.Roles.ToString(), t.To.ToString(), t.Note))];
}
