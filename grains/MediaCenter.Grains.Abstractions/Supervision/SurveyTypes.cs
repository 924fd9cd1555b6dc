using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Supervision;

/// <summary>How a survey question is answered.</summary>
public enum SurveyQuestionKind
{
    /// <summary>One of the options.</summary>
    Single,

    /// <summary>Any of the options.</summary>
    Multiple,

    /// <summary>1 to 5.</summary>
    Rating,

    /// <summary>Free text.</summary>
    Text,
}

/// <summary>Where a survey is in its life. See <see cref="SurveyWorkflow"/>.</summary>
public enum SurveyState
{
    /// <summary>Being written; not reachable from the public link.</summary>
    Draft,

    /// <summary>Answerable from the public link.</summary>
    Published,

    /// <summary>No more answers; the results stay.</summary>
    Closed,
}

/// <summary>What can be done to a survey.</summary>
public enum SurveyCommandType
{
    /// <summary>Writes (or rewrites, while a draft) the questions.</summary>
    Define,

    /// <summary>Opens the public link.</summary>
    Publish,

    /// <summary>One anonymous answer from the public link.</summary>
    Answer,

    /// <summary>Ends the answers.</summary>
    Close,
}

/// <summary>Who may give a survey command.</summary>
[Flags]
public enum SurveyRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>Operators, administrators and management: they write, publish and close surveys.</summary>
    Staff = 1,

    /// <summary>Anyone with the public link (no account).</summary>
    Respondent = 2,
}

/// <summary>Who gives a survey command.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyActor")]
public sealed record SurveyActor([property: Id(0)] Guid? UserId, [property: Id(1)] string Name, [property: Id(2)] SurveyRole Roles)
{
    /// <summary>A member of the public answering through the link.</summary>
    public static SurveyActor Respondent { get; } = new(null, Msg.Of("supervision.surveyActorRespondent"), SurveyRole.Respondent);
}

/// <summary>A question as written.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyQuestionDraft")]
public sealed record SurveyQuestionDraft(
    [property: Id(0)] SurveyQuestionKind? Kind,
    [property: Id(1)] string? Text,
    [property: Id(2)] List<string>? Options,
    [property: Id(3)] bool Required = false);

/// <summary>A question of a survey.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyQuestion")]
public sealed record SurveyQuestion(
    [property: Id(0)] int Number,
    [property: Id(1)] SurveyQuestionKind Kind,
    [property: Id(2)] string Text,
    [property: Id(3)] List<string> Options,
    [property: Id(4)] bool Required);

/// <summary>One answered question: the chosen option numbers (from 1), a rating, or a text.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyAnswerItem")]
public sealed record SurveyAnswerItem(
    [property: Id(0)] int Number,
    [property: Id(1)] List<int>? Choices,
    [property: Id(2)] int? Rating,
    [property: Id(3)] string? Text);

/// <summary>What the answers to one question add up to.</summary>
/// <param name="Counts">Per option (choice questions) or per rating 1–5 (rating questions).</param>
/// <param name="Texts">The latest free-text answers (at most <see cref="SurveyView.KeepTexts"/>).</param>
[GenerateSerializer, Immutable, Alias("mc.SurveyTally")]
public sealed record SurveyTally(
    [property: Id(0)] int Number,
    [property: Id(1)] int Answered,
    [property: Id(2)] List<int> Counts,
    [property: Id(3)] List<string> Texts);

/// <summary>One answer as the read table keeps it.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyResponse")]
public sealed record SurveyResponse(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] List<SurveyAnswerItem> Items);

/// <summary>A survey with its per-question results.</summary>
/// <param name="ConsentText">Shown before the questions when the survey asks for personal data; null (the default) when it asks for none.</param>
[GenerateSerializer, Immutable, Alias("mc.SurveyView")]
public sealed record SurveyView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string? Intro,
    [property: Id(3)] List<SurveyQuestion> Questions,
    [property: Id(4)] string? ConsentText,
    [property: Id(5)] SurveyState State,
    [property: Id(6)] int Responses,
    [property: Id(7)] List<SurveyTally> Tallies,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] DateTimeOffset? PublishedAt,
    [property: Id(13)] DateTimeOffset? ClosedAt)
{
    /// <summary>How many free-text answers per question the survey itself keeps (every one is in the read table).</summary>
    public const int KeepTexts = 50;
}

/// <summary>A survey command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.SurveyCommand")]
public abstract record SurveyCommand
{
    /// <summary>Which command this is.</summary>
    public abstract SurveyCommandType Type { get; }
}

/// <summary>Writes the survey.</summary>
[GenerateSerializer, Immutable, Alias("mc.DefineSurvey")]
public sealed record DefineSurvey(
    [property: Id(0)] string? Title,
    [property: Id(1)] string? Intro,
    [property: Id(2)] List<SurveyQuestionDraft>? Questions,
    [property: Id(3)] string? ConsentText) : SurveyCommand
{
    /// <inheritdoc />
    public override SurveyCommandType Type => SurveyCommandType.Define;
}

/// <summary>Publishes the survey.</summary>
[GenerateSerializer, Immutable, Alias("mc.PublishSurvey")]
public sealed record PublishSurvey : SurveyCommand
{
    /// <inheritdoc />
    public override SurveyCommandType Type => SurveyCommandType.Publish;
}

/// <summary>Closes the survey.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseSurvey")]
public sealed record CloseSurvey : SurveyCommand
{
    /// <inheritdoc />
    public override SurveyCommandType Type => SurveyCommandType.Close;
}

/// <summary>One anonymous answer; <paramref name="Consent"/> is required when the survey shows a consent text.</summary>
[GenerateSerializer, Immutable, Alias("mc.AnswerSurvey")]
public sealed record AnswerSurvey([property: Id(0)] List<SurveyAnswerItem>? Items, [property: Id(1)] bool Consent) : SurveyCommand
{
    /// <inheritdoc />
    public override SurveyCommandType Type => SurveyCommandType.Answer;
}

/// <summary>The outcome of a survey command.</summary>
[GenerateSerializer, Immutable, Alias("mc.SurveyResult")]
public sealed record SurveyResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] SurveyState? State,
    [property: Id(3)] List<SurveyCommandType> AllowedMoves,
    [property: Id(4)] SurveyView? Survey,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>One survey (key <c>svy-…</c>): its questions, state and per-question tallies. Commands follow <see cref="SurveyWorkflow"/>.</summary>
[Alias("mc.ISurveyGrain")]
public interface ISurveyGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<SurveyResult> ExecuteAsync(SurveyCommand command, SurveyActor actor, string operationId);

    /// <summary>The survey, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<SurveyView?> GetAsync();
}

/// <summary>The survey state table: staff write, publish and close; the public answers while it is published.</summary>
public static class SurveyWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<SurveyState, SurveyCommandType, SurveyRole> Table { get; } = new(
    [
        new(null, SurveyCommandType.Define, SurveyRole.Staff, SurveyState.Draft),
        new(SurveyState.Draft, SurveyCommandType.Define, SurveyRole.Staff, SurveyState.Draft),
        new(SurveyState.Draft, SurveyCommandType.Publish, SurveyRole.Staff, SurveyState.Published),
        new(SurveyState.Published, SurveyCommandType.Answer, SurveyRole.Respondent, SurveyState.Published),
        new(SurveyState.Published, SurveyCommandType.Close, SurveyRole.Staff, SurveyState.Closed),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(),
            string.Join(", ", Enum.GetValues<SurveyRole>().Where(r => r != SurveyRole.None && t.Roles.HasFlag(r))), t.To?.ToString() ?? "", "")).ToList();
}
