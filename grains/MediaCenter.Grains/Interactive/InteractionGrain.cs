using System.Text;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace MediaCenter.Grains.Interactive;

/// <summary>An applied question operation (ask, approve, reject) and the question it touched, so a repeat answers alike.</summary>
[GenerateSerializer, Alias("mc.AppliedInteractionOperation")]
public sealed record AppliedInteractionOperation([property: Id(0)] string OperationId, [property: Id(1)] string QuestionId);

/// <summary>Stored state of a story's interactions. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.InteractionGrainState")]
public sealed class InteractionGrainState
{
    /// <summary>The story's channel once it was seen published (the poll is then fixed: a published story's draft cannot change).</summary>
    [Id(0)] public string? Channel { get; set; }
    [Id(1)] public InteractionType Type { get; set; }
    [Id(2)] public string Question { get; set; } = "";
    [Id(3)] public List<string> Options { get; set; } = [];
    [Id(4)] public List<int> Counts { get; set; } = [];

    /// <summary>Device id → the option it voted for: a device counts once, whatever it retries.</summary>
    [Id(5)] public Dictionary<string, int> Voters { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public List<InteractionQuestion> Questions { get; set; } = [];
    [Id(7)] public List<AppliedInteractionOperation> Applied { get; set; } = [];
    [Id(8)] public long Version { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the story was seen withdrawn: no answers after it (a withdrawal is final).</summary>
    [Id(10)] public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The story's headline as published.</summary>
    [Id(11)] public string Title { get; set; } = "";
}

/// <summary>
/// The votes and questions of one published interactive story (key: the article id). The grain is single-threaded, so a
/// vote is checked against the device ids already counted, added, written, and only then acknowledged: each device counts
/// exactly once however many requests race, and a write that fails takes the vote back. Answers are taken while the story
/// is published (asked of the story on each one); once it is seen withdrawn the interaction closes for good. Questions move
/// through <see cref="QuestionWorkflow"/>. The read tables and the newsroom's live board follow in a turn of their own
/// (a grain timer): while one follow-up writes, the votes arriving queue up and the next one covers them all, so a storm
/// of votes costs far fewer row updates and live messages than votes.
/// </summary>
internal sealed partial class InteractionGrain(
    [PersistentState("interaction", StorageNames.Main)] IPersistentState<InteractionGrainState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IInteractionJournal journal,
    Orleans.Serialization.DeepCopier<InteractionGrainState> copier,
    ILogger<InteractionGrain> logger) : Grain, IInteractionGrain
{
    private const int MaxQuestion = InteractionLimits.MaxQuestion;
    private const int MaxQuestions = InteractionLimits.MaxQuestions;
    private const int MaxDeviceId = 100;
    private const int RememberedOperations = 200;
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> _questionsBehind = new(StringComparer.Ordinal);
    private IGrainTimer? _follow;
    private bool _followArmed;
    private long _followed = -1;

    private InteractionGrainState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    private IArticleGrain Article => GrainFactory.GetGrain<IArticleGrain>(Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Channel is not null)
        {
            // Acknowledged changes may not have reached the read tables before the last activation ended.
            foreach (var q in S.Questions)
            {
                _questionsBehind.Add(q.Id);
            }

            FollowSoon();
        }

        return Task.CompletedTask;
    }

    public async Task<InteractionResult> VoteAsync(string deviceId, int option)
    {
        if (string.IsNullOrWhiteSpace(deviceId) || deviceId.Length > MaxDeviceId)
        {
            return Refuse(InteractionOutcome.Invalid, Msg.Of("interaction.deviceRequired"));
        }

        if (await OpenAsync() is { } closed)
        {
            return closed;
        }

        if (S.Voters.TryGetValue(deviceId, out var earlier))
        {
            return Refuse(InteractionOutcome.AlreadyVoted, Msg.Of("interaction.alreadyVoted", ("option", S.Options[earlier])), earlier);
        }

        if (option < 0 || option >= S.Options.Count)
        {
            return Refuse(InteractionOutcome.UnknownOption, Msg.Of("interaction.unknownOption", ("count", S.Options.Count)));
        }

        await ChangeAsync(s =>
        {
            s.Voters[deviceId] = option;
            s.Counts[option]++;
        });
        return new InteractionResult(InteractionOutcome.Applied, null, Results(), null, option);
    }

    public async Task<InteractionResult> AskAsync(string deviceId, string? text, string operationId)
    {
        if (string.IsNullOrWhiteSpace(deviceId) || deviceId.Length > MaxDeviceId || string.IsNullOrWhiteSpace(operationId))
        {
            return Refuse(InteractionOutcome.Invalid, Msg.Of("interaction.deviceRequired"));
        }

        if (Recall("ask:" + deviceId + ":" + operationId) is { } repeat)
        {
            return repeat;
        }

        if (await OpenAsync() is { } closed)
        {
            return closed;
        }

        if (S.Type != InteractionType.QnA)
        {
            return Refuse(InteractionOutcome.NotInteractive, Msg.Of("interaction.pollTakesNoQuestions"));
        }

        var clean = Clean(text);
        if (clean.Length == 0 || clean.Length > MaxQuestion)
        {
            return Refuse(InteractionOutcome.TooLong, Msg.Of("interaction.questionLength", ("max", MaxQuestion)));
        }

        if (S.Questions.Count >= MaxQuestions)
        {
            return Refuse(InteractionOutcome.Invalid, Msg.Of("interaction.questionsFull", ("max", MaxQuestions)));
        }

        // The table decides what a new question becomes (and that the public may send one).
        var move = QuestionWorkflow.Table.Find(null, QuestionCommandType.Ask)!;
        InteractionQuestion? asked = null;
        await ChangeAsync(s =>
        {
            asked = new InteractionQuestion("q" + (s.Questions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), clean,
                move.To!.Value, time.GetUtcNow(), null, null, 1);
            s.Questions.Add(asked);
            Remember(s, "ask:" + deviceId + ":" + operationId, asked.Id);
        });
        _questionsBehind.Add(asked!.Id);
        return new InteractionResult(InteractionOutcome.Applied, null, Results(), asked);
    }

    public async Task<InteractionResult> ModerateAsync(string questionId, QuestionCommandType command, InteractionModerator moderator, string operationId)
    {
        if (string.IsNullOrWhiteSpace(operationId))
        {
            return Refuse(InteractionOutcome.Invalid, Msg.Of("workflow.operationIdRequired"));
        }

        if (Recall("moderate:" + operationId) is { } repeat)
        {
            return repeat;
        }

        if (S.Channel is null && await BindAsync() is { } unbound)
        {
            return unbound;
        }

        var index = S.Questions.FindIndex(q => q.Id == questionId);
        if (index < 0)
        {
            return Refuse(InteractionOutcome.NotFound, Msg.Of("interaction.noSuchQuestion"));
        }

        var question = S.Questions[index];
        var move = QuestionWorkflow.Table.Find(question.State, command);
        if (move is null)
        {
            var allowed = QuestionWorkflow.Table.AllowedIn(question.State);
            return Refuse(InteractionOutcome.IllegalMove,
                Msg.Of("workflow.illegalMove", ("command", command), ("state", question.State), ("allowed", Msg.List(allowed.Cast<object?>()))), question: question);
        }

        if (!move.AllowsAny(moderator.Roles))
        {
            return Refuse(InteractionOutcome.Forbidden, Msg.Of("interaction.moderatorsOnly"), question: question);
        }

        InteractionQuestion? decided = null;
        await ChangeAsync(s =>
        {
            decided = question with { State = move.To!.Value, DecidedAt = time.GetUtcNow(), DecidedBy = moderator.Name, Version = question.Version + 1 };
            s.Questions[index] = decided;
            Remember(s, "moderate:" + operationId, decided.Id);
        });
        _questionsBehind.Add(questionId);
        LogModerated(logger, Id, questionId, command.ToString(), moderator.UserId);
        return new InteractionResult(InteractionOutcome.Applied, null, Results(), decided);
    }

    public async Task<InteractionResult> GetResultsAsync() =>
        await OpenAsync() is { } closed ? closed : new InteractionResult(InteractionOutcome.Applied, null, Results(), null);

    public async Task<InteractionView?> GetAsync()
    {
        if (S.Channel is null && await BindAsync() is not null)
        {
            return null;
        }

        return new InteractionView(Results(), [.. S.Questions]);
    }

    /// <summary>Null while the story takes answers; otherwise why not (and the interaction is closed once withdrawn is seen).</summary>
    private async Task<InteractionResult?> OpenAsync()
    {
        if (S.Channel is null)
        {
            return await BindAsync();
        }

        if (S.ClosedAt is not null)
        {
            return Refuse(InteractionOutcome.NotPublished, Msg.Of("interaction.closed"));
        }

        var card = await Article.GetCardAsync();
        if (card is { Stage: ArticleStage.Published })
        {
            return null;
        }

        // Published is left only by withdrawal, which is final: close for good and tell the newsroom.
        await ChangeAsync(s => s.ClosedAt = time.GetUtcNow());
        LogClosed(logger, Id, card?.Stage.ToString() ?? "gone");
        return Refuse(InteractionOutcome.NotPublished, Msg.Of("interaction.closed"));
    }

    /// <summary>Takes the poll from the story once it is published; null when it did, otherwise why not.</summary>
    private async Task<InteractionResult?> BindAsync()
    {
        var view = await Article.GetAsync();
        if (view is null)
        {
            return Refuse(InteractionOutcome.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.story"))));
        }

        if (view.Draft is not { Kind: ArticleKind.Interactive, Interaction: { } poll })
        {
            return Refuse(InteractionOutcome.NotInteractive, Msg.Of("interaction.notInteractive"));
        }

        if (view.Card.Stage != ArticleStage.Published)
        {
            return Refuse(InteractionOutcome.NotPublished, Msg.Of("interaction.notPublished"));
        }

        // Kept in memory only until the first answer writes it: it can always be taken again from the story.
        S.Channel = view.Card.Channel;
        S.Title = view.Draft.Title;
        S.Type = poll.Type;
        S.Question = poll.Question;
        S.Options = [.. poll.Options];
        S.Counts = [.. poll.Options.Select(_ => 0)];
        S.UpdatedAt = time.GetUtcNow();
        return null;
    }

    /// <summary>Applies a change, writes it, and only then returns; a failed write puts the state back and throws.</summary>
    private async Task ChangeAsync(Action<InteractionGrainState> change)
    {
        var backup = copier.Copy(S);
        change(S);
        S.Version++;
        S.UpdatedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote: start from what storage holds next time; the caller's retry is judged afresh.
            state.State = backup;
            DeactivateOnIdle();
            throw;
        }
        catch
        {
            state.State = backup;
            throw;
        }

        FollowSoon();
    }

    private InteractionResult? Recall(string operationId) =>
        S.Applied.FirstOrDefault(a => a.OperationId == operationId) is { } applied
            ? new InteractionResult(InteractionOutcome.Applied, null, Results(), S.Questions.FirstOrDefault(q => q.Id == applied.QuestionId), Replay: true)
            : null;

    private static void Remember(InteractionGrainState s, string operationId, string questionId)
    {
        s.Applied.Add(new AppliedInteractionOperation(operationId, questionId));
        if (s.Applied.Count > RememberedOperations)
        {
            s.Applied.RemoveRange(0, s.Applied.Count - RememberedOperations);
        }
    }

    /// <summary>Plain text as typed: control characters dropped, every run of white space one space, trimmed.</summary>
    internal static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var clean = new StringBuilder(Math.Min(text.Length, MaxQuestion * 2));
        var space = false;
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c))
            {
                space = clean.Length > 0;
                continue;
            }

            if (char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                continue;
            }

            if (space)
            {
                clean.Append(' ');
                space = false;
            }

            clean.Append(c);
            if (clean.Length > MaxQuestion + 1)
            {
                break;
            }
        }

        return clean.ToString();
    }

    private InteractionResults Results() => new(Id, S.Channel ?? "", S.Type, S.Question, [.. S.Options], [.. S.Counts], S.Voters.Count,
        S.Questions.Count(q => q.State == QuestionState.Approved), S.Questions.Count(q => q.State == QuestionState.Submitted),
        S.Channel is not null && S.ClosedAt is null, S.Version, S.UpdatedAt, S.Title);

    private InteractionResult Refuse(InteractionOutcome outcome, string message, int? voted = null, InteractionQuestion? question = null) =>
        new(outcome, message, S.Channel is null ? null : Results(), question, voted);

    /// <summary>Arms the follow-up (read tables, live board) unless it is armed already: a burst of changes is followed once.</summary>
    private void FollowSoon()
    {
        if (_followArmed)
        {
            return;
        }

        _followArmed = true;
        _follow ??= this.RegisterGrainTimer(FollowAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        // Due at once, yet after the current call: the calls queued meanwhile are all covered by the one follow-up.
        _follow.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        _followArmed = false;
        if (S.Channel is null || _followed == S.Version)
        {
            return;
        }

        var results = Results();
        var questions = S.Questions.Where(q => _questionsBehind.Contains(q.Id)).ToList();
        try
        {
            await journal.RecordAsync(results, questions, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBehind(logger, Id, ex.Message);
            _followArmed = true;
            _follow!.Change(RetryEvery, Timeout.InfiniteTimeSpan);
            return;
        }

        foreach (var q in questions)
        {
            _questionsBehind.Remove(q.Id);
        }

        _followed = results.Version;
        // Best effort: a board that missed it reads the results again when it opens the story.
        await GrainFactory.PublishLiveAsync(LiveTopic.Board(results.Channel), new InteractionChanged(results));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Interaction {ArticleId}: question {QuestionId} {Command} by {UserId}")]
    private static partial void LogModerated(ILogger logger, string articleId, string questionId, string command, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interaction {ArticleId}: closed, the story is {Stage}")]
    private static partial void LogClosed(ILogger logger, string articleId, string stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {ArticleId}: could not update the read tables yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string articleId, string reason);
}
