using System.Globalization;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Evaluation;

/// <summary>Where a yearly evaluation is in its life. See <see cref="EvaluationWorkflow"/>.</summary>
public enum EvaluationState
{
    /// <summary>Planned: the center, the year, the criteria and their weights.</summary>
    Planned,

    /// <summary>In progress: the three parties score the criteria; evidence and findings are gathered.</summary>
    InProgress,

    /// <summary>Scored: every criterion has a score and the weighted total is fixed.</summary>
    Scored,

    /// <summary>Concluded: the result (excellent, good, pass, fail) is recorded.</summary>
    Concluded,

    /// <summary>Closed: final; a failing result's rectifications are done.</summary>
    Closed,
}

/// <summary>The evaluating parties of the standard (§12.1).</summary>
public enum EvaluationParty
{
    /// <summary>当地主管部门: the local authority.</summary>
    Authority,

    /// <summary>服务对象: the served public, through a survey or scores entered for it.</summary>
    Public,

    /// <summary>中心自身: the center's own assessment.</summary>
    Center,
}

/// <summary>The result of an evaluation, by bands on the weighted total.</summary>
public enum EvaluationGrade
{
    /// <summary>优秀: the reward and the practice to promote are recorded (§12.3.2–12.3.3).</summary>
    Excellent,

    /// <summary>良好.</summary>
    Good,

    /// <summary>合格.</summary>
    Pass,

    /// <summary>不合格: rectifications are required (§12.3.2).</summary>
    Fail,
}

/// <summary>What an evaluation's evidence refers to.</summary>
public enum EvaluationEvidenceKind
{
    /// <summary>A report (an API address of a report, e.g. the monthly report pack).</summary>
    Report,

    /// <summary>An indicator (<c>ind-…</c>).</summary>
    Indicator,

    /// <summary>A ticket (its code).</summary>
    Ticket,

    /// <summary>A supervision record (<c>sup-…</c>).</summary>
    Supervision,
}

/// <summary>What can be done to an evaluation.</summary>
public enum EvaluationCommandType
{
    /// <summary>Plans the evaluation of a center for a year.</summary>
    Plan,

    /// <summary>Sets the criteria (weights sum to 100) and, optionally, the result bands.</summary>
    Define,

    /// <summary>Starts the scoring.</summary>
    Start,

    /// <summary>One party scores one criterion.</summary>
    Score,

    /// <summary>Links a survey of the public: its mean rating becomes the public's score on a criterion.</summary>
    LinkSurvey,

    /// <summary>Adds a typed reference to evidence.</summary>
    AddEvidence,

    /// <summary>Adds a finding.</summary>
    AddFinding,

    /// <summary>Opens a rectification of the center on a finding, with the person responsible.</summary>
    OpenRectification,

    /// <summary>Fixes the scores: every criterion scored, every party heard; the weighted total is computed.</summary>
    Complete,

    /// <summary>Goes back to scoring (the total is cleared).</summary>
    Reopen,

    /// <summary>Records the result from the bands.</summary>
    Conclude,

    /// <summary>Closes the evaluation once its rectifications are done.</summary>
    Close,
}

/// <summary>One criterion and its weight (the weights of an evaluation sum to 100).</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationCriterion")]
public sealed record EvaluationCriterion([property: Id(0)] string Code, [property: Id(1)] string Name, [property: Id(2)] int Weight);

/// <summary>The lower bounds (inclusive) of the results on the weighted total (0–100); below <paramref name="Pass"/> is a fail.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationBands")]
public sealed record EvaluationBands([property: Id(0)] decimal Excellent, [property: Id(1)] decimal Good, [property: Id(2)] decimal Pass)
{
    /// <summary>90 / 80 / 60.</summary>
    public static EvaluationBands Default { get; } = new(90m, 80m, 60m);

    /// <summary>Whether the bands are ordered and within 0–100.</summary>
    public bool Valid => Pass > 0m && Good > Pass && Excellent > Good && Excellent <= 100m;

    /// <summary>The result of a total.</summary>
    public EvaluationGrade GradeOf(decimal total) =>
        total >= Excellent ? EvaluationGrade.Excellent : total >= Good ? EvaluationGrade.Good : total >= Pass ? EvaluationGrade.Pass : EvaluationGrade.Fail;
}

/// <summary>One party's score (0–100) on one criterion.</summary>
/// <param name="SurveyId">The survey the score was taken from, when it was.</param>
[GenerateSerializer, Immutable, Alias("mc.EvaluationScore")]
public sealed record EvaluationScore(
    [property: Id(0)] EvaluationParty Party,
    [property: Id(1)] string Criterion,
    [property: Id(2)] decimal Score,
    [property: Id(3)] string? Comment,
    [property: Id(4)] string By,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string? SurveyId);

/// <summary>The survey of the public that gave a score: its mean rating (1–5) × 20.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationSurvey")]
public sealed record EvaluationSurvey(
    [property: Id(0)] string SurveyId,
    [property: Id(1)] string Criterion,
    [property: Id(2)] decimal MeanRating,
    [property: Id(3)] int Ratings,
    [property: Id(4)] decimal Score,
    [property: Id(5)] DateTimeOffset At);

/// <summary>A typed reference to evidence.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationEvidence")]
public sealed record EvaluationEvidence(
    [property: Id(0)] int Number,
    [property: Id(1)] EvaluationEvidenceKind Kind,
    [property: Id(2)] string Reference,
    [property: Id(3)] string? Note,
    [property: Id(4)] string By,
    [property: Id(5)] DateTimeOffset At);

/// <summary>A finding, and the rectification it opened with the person responsible.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationFinding")]
public sealed record EvaluationFinding(
    [property: Id(0)] int Number,
    [property: Id(1)] string Text,
    [property: Id(2)] string? Criterion,
    [property: Id(3)] string? RectificationId,
    [property: Id(4)] string? Responsible,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string By);

/// <summary>A yearly evaluation (年度评价) of a center (an access party) by the local authority, the public and the center itself.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationView")]
public sealed record EvaluationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] int Year,
    [property: Id(3)] string Title,
    [property: Id(4)] EvaluationState State,
    [property: Id(5)] List<EvaluationCriterion> Criteria,
    [property: Id(6)] EvaluationBands Bands,
    [property: Id(7)] List<EvaluationScore> Scores,
    [property: Id(8)] EvaluationSurvey? Survey,
    [property: Id(9)] List<EvaluationEvidence> Evidence,
    [property: Id(10)] List<EvaluationFinding> Findings,
    [property: Id(11)] decimal? Total,
    [property: Id(12)] EvaluationGrade? Result,
    [property: Id(13)] string? Summary,
    [property: Id(14)] string? Reward,
    [property: Id(15)] string? Practice,
    [property: Id(16)] string CreatedBy,
    [property: Id(17)] long Version,
    [property: Id(18)] DateTimeOffset CreatedAt,
    [property: Id(19)] DateTimeOffset UpdatedAt);

/// <summary>An evaluation command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.EvaluationCommand")]
public abstract record EvaluationCommand
{
    /// <summary>Which command this is.</summary>
    public abstract EvaluationCommandType Type { get; }
}

/// <summary>Plans the evaluation of party <paramref name="PartyId"/> for <paramref name="Year"/> (the grain's key must be theirs).</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanEvaluation")]
public sealed record PlanEvaluation([property: Id(0)] string? PartyId, [property: Id(1)] int? Year, [property: Id(2)] string? Title) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Plan;
}

/// <summary>Sets the criteria and (when given) the bands.</summary>
[GenerateSerializer, Immutable, Alias("mc.DefineEvaluation")]
public sealed record DefineEvaluation([property: Id(0)] List<EvaluationCriterion>? Criteria, [property: Id(1)] EvaluationBands? Bands) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Define;
}

/// <summary>Starts the scoring.</summary>
[GenerateSerializer, Immutable, Alias("mc.StartEvaluation")]
public sealed record StartEvaluation : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Start;
}

/// <summary>Party <paramref name="Party"/> scores criterion <paramref name="Criterion"/> (0–100; replaces that party's earlier score).</summary>
[GenerateSerializer, Immutable, Alias("mc.ScoreEvaluation")]
public sealed record ScoreEvaluation(
    [property: Id(0)] EvaluationParty? Party,
    [property: Id(1)] string? Criterion,
    [property: Id(2)] decimal? Score,
    [property: Id(3)] string? Comment) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Score;
}

/// <summary>Takes the public's score on <paramref name="Criterion"/> from a survey's rating questions.</summary>
[GenerateSerializer, Immutable, Alias("mc.LinkEvaluationSurvey")]
public sealed record LinkEvaluationSurvey([property: Id(0)] string? SurveyId, [property: Id(1)] string? Criterion) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.LinkSurvey;
}

/// <summary>Adds evidence.</summary>
[GenerateSerializer, Immutable, Alias("mc.AddEvaluationEvidence")]
public sealed record AddEvaluationEvidence([property: Id(0)] EvaluationEvidenceKind? Kind, [property: Id(1)] string? Reference, [property: Id(2)] string? Note)
    : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.AddEvidence;
}

/// <summary>Adds a finding, optionally about one criterion.</summary>
[GenerateSerializer, Immutable, Alias("mc.AddEvaluationFinding")]
public sealed record AddEvaluationFinding([property: Id(0)] string? Text, [property: Id(1)] string? Criterion) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.AddFinding;
}

/// <summary>Opens a rectification on finding <paramref name="Number"/>, naming the person responsible.</summary>
[GenerateSerializer, Immutable, Alias("mc.OpenEvaluationRectification")]
public sealed record OpenEvaluationRectification([property: Id(0)] int? Number, [property: Id(1)] string? Responsible) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.OpenRectification;
}

/// <summary>Fixes the scores and computes the total.</summary>
[GenerateSerializer, Immutable, Alias("mc.CompleteEvaluation")]
public sealed record CompleteEvaluation : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Complete;
}

/// <summary>Goes back to scoring.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReopenEvaluation")]
public sealed record ReopenEvaluation([property: Id(0)] string? Reason) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Reopen;
}

/// <summary>Records the result; an excellent one needs the reward and the practice to promote.</summary>
[GenerateSerializer, Immutable, Alias("mc.ConcludeEvaluation")]
public sealed record ConcludeEvaluation([property: Id(0)] string? Summary, [property: Id(1)] string? Reward, [property: Id(2)] string? Practice)
    : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Conclude;
}

/// <summary>Closes the evaluation.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseEvaluation")]
public sealed record CloseEvaluation([property: Id(0)] string? Note) : EvaluationCommand
{
    /// <inheritdoc />
    public override EvaluationCommandType Type => EvaluationCommandType.Close;
}

/// <summary>One entry of an evaluation's history (it goes to the event log).</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationHistoryEntry")]
public sealed record EvaluationHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] EvaluationCommandType Command,
    [property: Id(5)] EvaluationState? From,
    [property: Id(6)] EvaluationState To,
    [property: Id(7)] string? Comment);

/// <summary>The outcome of an evaluation command.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationResult")]
public sealed record EvaluationResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] EvaluationState? State,
    [property: Id(3)] List<EvaluationCommandType> AllowedMoves,
    [property: Id(4)] EvaluationView? Evaluation,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>One yearly evaluation (key <see cref="EvaluationWorkflow.IdOf"/>). Commands follow <see cref="EvaluationWorkflow"/>.</summary>
[Alias("mc.IEvaluationGrain")]
public interface IEvaluationGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<EvaluationResult> ExecuteAsync(EvaluationCommand command, OpsActor actor, string operationId);

    /// <summary>The evaluation, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<EvaluationView?> GetAsync();

    /// <summary>With its history.</summary>
    [Alias("History"), Orleans.Concurrency.ReadOnly]
    Task<List<EvaluationHistoryEntry>> GetHistoryAsync();
}

/// <summary>
/// The evaluation state table. Operators and management run the evaluation (plan, criteria, evidence, findings,
/// rectifications); management enters the authority's and the public's scores and decides (reopen, conclude, close); the
/// center's own administrators enter its self-assessment and may add evidence. Which party a score is for is checked by the
/// grain (<see cref="MayScore"/>).
/// </summary>
public static class EvaluationWorkflow
{
    private const OpsRole Runner = OpsRole.Operator | OpsRole.Management;
    private const OpsRole Management = OpsRole.Management;
    private const OpsRole Scorer = OpsRole.Management | OpsRole.Party;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<EvaluationState, EvaluationCommandType, OpsRole> Table { get; } = new(
    [
        new(null, EvaluationCommandType.Plan, Runner, EvaluationState.Planned),
        new(EvaluationState.Planned, EvaluationCommandType.Define, Runner, EvaluationState.Planned),
        new(EvaluationState.Planned, EvaluationCommandType.AddEvidence, Runner | OpsRole.Party, EvaluationState.Planned),
        new(EvaluationState.Planned, EvaluationCommandType.Start, Runner, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.Score, Scorer, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.LinkSurvey, Runner, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.AddEvidence, Runner | OpsRole.Party, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.AddFinding, Runner, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.OpenRectification, Runner, EvaluationState.InProgress),
        new(EvaluationState.InProgress, EvaluationCommandType.Complete, Runner, EvaluationState.Scored),
        new(EvaluationState.Scored, EvaluationCommandType.AddEvidence, Runner | OpsRole.Party, EvaluationState.Scored),
        new(EvaluationState.Scored, EvaluationCommandType.AddFinding, Runner, EvaluationState.Scored),
        new(EvaluationState.Scored, EvaluationCommandType.OpenRectification, Runner, EvaluationState.Scored),
        new(EvaluationState.Scored, EvaluationCommandType.Reopen, Management, EvaluationState.InProgress),
        new(EvaluationState.Scored, EvaluationCommandType.Conclude, Management, EvaluationState.Concluded),
        new(EvaluationState.Concluded, EvaluationCommandType.AddFinding, Runner, EvaluationState.Concluded),
        new(EvaluationState.Concluded, EvaluationCommandType.OpenRectification, Runner, EvaluationState.Concluded),
        new(EvaluationState.Concluded, EvaluationCommandType.Close, Management, EvaluationState.Closed),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To?.ToString() ?? "", "")).ToList();

    /// <summary>The grain key of a center's evaluation of a year.</summary>
    public static string IdOf(string partyId, int year) => string.Create(CultureInfo.InvariantCulture, $"eval-{partyId}-{year}");

    /// <summary>The id of the rectification a finding opens (one per finding).</summary>
    public static string RectificationId(string evaluationId, int finding) =>
        string.Create(CultureInfo.InvariantCulture, $"rect-{evaluationId}-f{finding}");

    /// <summary>Who may enter a party's scores: the center scores itself; management enters the authority's and the public's.</summary>
    public static bool MayScore(EvaluationParty party, OpsRole roles) =>
        party == EvaluationParty.Center ? roles.HasFlag(OpsRole.Party) : roles.HasFlag(OpsRole.Management);
}

/// <summary>The arithmetic of an evaluation: a criterion's score is the mean of the parties' scores on it; the total is weighted.</summary>
public static class EvaluationScoring
{
    /// <summary>A criterion's score (mean of the parties that scored it, 2 decimals), or null when nobody scored it.</summary>
    public static decimal? CriterionScore(EvaluationView evaluation, string criterion)
    {
        var scores = evaluation.Scores.Where(s => s.Criterion == criterion).Select(s => s.Score).ToList();
        return scores.Count == 0 ? null : Math.Round(scores.Average(), 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>Σ weight × criterion score / 100 (2 decimals), or null while a criterion has no score.</summary>
    public static decimal? Total(EvaluationView evaluation)
    {
        decimal sum = 0m;
        foreach (var c in evaluation.Criteria)
        {
            if (CriterionScore(evaluation, c.Code) is not { } score)
            {
                return null;
            }

            sum += c.Weight * score;
        }

        return Math.Round(sum / 100m, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>A survey's mean rating (1–5) over every rating question, and how many ratings it is from.</summary>
    public static (decimal Mean, int Ratings)? MeanRating(Supervision.SurveyView survey)
    {
        long sum = 0;
        var count = 0;
        foreach (var q in survey.Questions.Where(q => q.Kind == Supervision.SurveyQuestionKind.Rating))
        {
            var counts = survey.Tallies.FirstOrDefault(t => t.Number == q.Number)?.Counts ?? [];
            for (var i = 0; i < counts.Count; i++)
            {
                sum += (long)(i + 1) * counts[i];
                count += counts[i];
            }
        }

        return count == 0 ? null : (Math.Round((decimal)sum / count, 2, MidpointRounding.AwayFromZero), count);
    }
}

/// <summary>An evaluation changed (on the operations live topic): the whole evaluation, for the page to redraw.</summary>
[GenerateSerializer, Alias("mc.live.EvaluationViewChanged")]
public sealed record EvaluationViewChanged([property: Id(0)] EvaluationView Evaluation) : Platform.LiveEvent;
