using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Interactive;

/// <summary>Where a question sent to a published Q&amp;A is. See <see cref="QuestionWorkflow"/>.</summary>
public enum QuestionState
{
    /// <summary>Sent by the public; only the channel's editors and chief see it.</summary>
    Submitted,

    /// <summary>Shown to the public.</summary>
    Approved,

    /// <summary>Never shown.</summary>
    Rejected,
}

/// <summary>What can be done to a question.</summary>
public enum QuestionCommandType
{
    /// <summary>The public sends a question.</summary>
    Ask,

    /// <summary>A moderator shows it.</summary>
    Approve,

    /// <summary>A moderator refuses it.</summary>
    Reject,
}

/// <summary>Who may give a question command, relative to the story.</summary>
[Flags]
public enum InteractionRole
{
    /// <summary>Nobody.</summary>
    None = 0,

    /// <summary>Anyone with the public link (no account).</summary>
    Public = 1,

    /// <summary>An editor or the chief of the story's channel.</summary>
    Moderator = 2,
}

/// <summary>The moderation of questions as data: submitted questions wait until an editor or the chief approves or rejects them.</summary>
public static class QuestionWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<QuestionState, QuestionCommandType, InteractionRole> Table { get; } = new(
    [
        new(null, QuestionCommandType.Ask, InteractionRole.Public, QuestionState.Submitted),
        new(QuestionState.Submitted, QuestionCommandType.Approve, InteractionRole.Moderator, QuestionState.Approved),
        new(QuestionState.Submitted, QuestionCommandType.Reject, InteractionRole.Moderator, QuestionState.Rejected),
    ]);
}

/// <summary>Limits of the public's answers, shared by the grain and the web's own refusals.</summary>
public static class InteractionLimits
{
    /// <summary>The longest question, in characters after cleaning.</summary>
    public const int MaxQuestion = 300;

    /// <summary>Questions a story keeps; beyond it the public is told the Q&amp;A is full.</summary>
    public const int MaxQuestions = 2000;
}

/// <summary>How an interaction command ended. The web maps each to one problem (see docs/INTERACTION.md).</summary>
public enum InteractionOutcome
{
    /// <summary>Applied.</summary>
    Applied,

    /// <summary>No such story, or no such question (404).</summary>
    NotFound,

    /// <summary>The story is not interactive, or not of the kind the command needs (409).</summary>
    NotInteractive,

    /// <summary>The story is not published (not yet, or withdrawn): nothing can be answered (409).</summary>
    NotPublished,

    /// <summary>The option is not one of the poll's (422).</summary>
    UnknownOption,

    /// <summary>This device has voted already; its vote stands and nothing is added (409).</summary>
    AlreadyVoted,

    /// <summary>The text is empty or longer than allowed (422).</summary>
    TooLong,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>The question is not in a state where this is allowed (409).</summary>
    IllegalMove,

    /// <summary>The caller is not an editor or the chief of the channel (403).</summary>
    Forbidden,
}

/// <summary>Who moderates: a person with their roles in the story's channel.</summary>
[GenerateSerializer, Immutable, Alias("mc.InteractionModerator")]
public sealed record InteractionModerator([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] InteractionRole Roles);

/// <summary>A question sent to a Q&amp;A. The text is plain text as the public typed it (control characters removed, spaces folded).</summary>
[GenerateSerializer, Immutable, Alias("mc.InteractionQuestion")]
public sealed record InteractionQuestion(
    [property: Id(0)] string Id,
    [property: Id(1)] string Text,
    [property: Id(2)] QuestionState State,
    [property: Id(3)] DateTimeOffset SubmittedAt,
    [property: Id(4)] DateTimeOffset? DecidedAt,
    [property: Id(5)] string? DecidedBy,
    [property: Id(6)] long Version);

/// <summary>The results of a published interactive story: per-option counts, questions by state, and whether it still takes answers.</summary>
/// <param name="Counts">Votes per option, in the order of <see cref="Options"/>.</param>
/// <param name="Open">False once the story was withdrawn (or before it is published).</param>
/// <param name="Title">The story's headline as published.</param>
[GenerateSerializer, Immutable, Alias("mc.InteractionResults")]
public sealed record InteractionResults(
    [property: Id(0)] string ArticleId,
    [property: Id(1)] string Channel,
    [property: Id(2)] InteractionType Type,
    [property: Id(3)] string Question,
    [property: Id(4)] List<string> Options,
    [property: Id(5)] List<int> Counts,
    [property: Id(6)] int Votes,
    [property: Id(7)] int ApprovedQuestions,
    [property: Id(8)] int PendingQuestions,
    [property: Id(9)] bool Open,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] string Title = "");

/// <summary>The answer to an interaction command: the results after it (when the story is interactive) and the question it touched.</summary>
/// <param name="Code">A stable reason code for the browser (the outcome, or a finer reason such as <c>questionsFull</c>).</param>
[GenerateSerializer, Immutable, Alias("mc.InteractionResult")]
public sealed record InteractionResult(
    [property: Id(0)] InteractionOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] InteractionResults? Results,
    [property: Id(3)] InteractionQuestion? Question,
    [property: Id(4)] int? VotedOption = null,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when applied.</summary>
    public bool Ok => Outcome == InteractionOutcome.Applied;
}

/// <summary>The public side and the moderation of one published interactive story's interactions.</summary>
/// <remarks>The device id is the random part of a device token the web signed and checked; the grain never sees the token itself.</remarks>
[GenerateSerializer, Immutable, Alias("mc.InteractionView")]
public sealed record InteractionView(
    [property: Id(0)] InteractionResults Results,
    [property: Id(1)] List<InteractionQuestion> Questions);

/// <summary>
/// The votes and questions of one interactive story (key: the article id). Votes count once per device: a second vote
/// from the same device is refused and adds nothing. Answers are taken only while the story is published.
/// </summary>
[Alias("mc.IInteractionGrain")]
public interface IInteractionGrain : IGrainWithStringKey
{
    /// <summary>One vote for option <paramref name="option"/> (from 0) by a device; written before it is acknowledged.</summary>
    [Alias("Vote")]
    Task<InteractionResult> VoteAsync(string deviceId, int option);

    /// <summary>A question from the public, held for moderation (idempotent per operation id).</summary>
    [Alias("Ask")]
    Task<InteractionResult> AskAsync(string deviceId, string? text, string operationId);

    /// <summary>A moderator approves or rejects a question (idempotent per operation id).</summary>
    [Alias("Moderate")]
    Task<InteractionResult> ModerateAsync(string questionId, QuestionCommandType command, InteractionModerator moderator, string operationId);

    /// <summary>The current results, checked against the story (published, interactive); refused as a result otherwise.</summary>
    [Alias("GetResults")]
    Task<InteractionResult> GetResultsAsync();

    /// <summary>The results and every question (for the newsroom); null when the story is not interactive.</summary>
    [Alias("Get")]
    Task<InteractionView?> GetAsync();
}

/// <summary>The results of an interactive story changed (a vote, a question, a moderation, the story closed): on its channel's board topic.</summary>
[GenerateSerializer, Alias("mc.live.InteractionChanged")]
public sealed record InteractionChanged([property: Id(0)] InteractionResults Results) : LiveEvent;
