using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MediaCenter.Grains.Newsroom;

/// <summary>Stored state of a channel's newsroom. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ChannelState")]
public sealed class ChannelState
{
    [Id(0)] public ChannelPolicy Policy { get; set; } = ChannelPolicy.Default;
    /// <summary>The last story number allocated while the state kept them; numbering continues above it and above mc.article_allocations.</summary>
    [Id(1)] public long NextNumber { get; set; }

    /// <summary>No longer written: allocations are rows of mc.article_allocations; a stored state's are moved there on activation.</summary>
    [Id(2)] public List<KeyValuePair<string, string>> Allocations { get; set; } = [];
    /// <summary>No longer written: the board index is held in memory and read from the read model (kept so that stored states still read).</summary>
    [Id(3)] public Dictionary<string, ArticleCard> Cards { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public long BoardVersion { get; set; }
    [Id(5)] public List<string> AppliedOperations { get; set; } = [];

    /// <summary>Raised review levels the party's training grain has not yet heard of (told at least once).</summary>
    [Id(6)] public ReviewLevelsRaised? LevelsRaised { get; set; }
}

/// <summary>A channel's review levels were raised: the party's newsroom posts owe their training again (§8.1.5.5).</summary>
[GenerateSerializer, Immutable, Alias("mc.ReviewLevelsRaised")]
public sealed record ReviewLevelsRaised([property: Id(0)] string Party, [property: Id(1)] int Before, [property: Id(2)] int Levels);

/// <summary>
/// A channel's newsroom: policy, suspension, story ids, and the board index (one card per live story). The stored state is what
/// the channel is (policy, numbering, operations applied); the board index is held in memory only, read from the read model
/// (<c>mc.articles</c>, which each story writes before it tells its channel) when the grain activates, so a story's move never
/// rewrites a document of every card.
/// </summary>
internal sealed partial class ChannelGrain(
    [PersistentState("channel", StorageNames.Main)] IPersistentState<ChannelState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    INewsroomJournal journal,
    ILogger<ChannelGrain> logger) : Grain, IChannelGrain
{
    private readonly Dictionary<string, ArticleCard> _cards = new(StringComparer.Ordinal);
    private bool _cardsLoaded;
    private long? _lastNumber;
    private long _writtenBoardVersion;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A state written before the index left it carries cards: they are not read, and the next write drops them.
        state.State.Cards.Clear();
        // Board versions continue above anything a board may hold from an earlier activation, written or not: boards holding an
        // older version see a gap on the next delta and reload.
        state.State.BoardVersion = Math.Max(state.State.BoardVersion + 1, time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
        _writtenBoardVersion = state.State.BoardVersion;
        await TryLoadCardsAsync(cancellationToken);
        await TellTrainingAsync();
    }

    /// <summary>Tells the party's training grain of raised review levels not yet heard; kept (and logged) while it cannot be told.</summary>
    private async Task TellTrainingAsync()
    {
        if (state.State.LevelsRaised is not { } raised)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<People.ITrainingGrain>(People.Organisation.Party(raised.Party).Key).HearReviewLevelsAsync(Code, raised.Before, raised.Levels);
            state.State.LevelsRaised = null;
            await WriteAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRebuildFailed(logger, Code, "review levels not yet told to training: " + ex.Message);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (state.State.BoardVersion != _writtenBoardVersion)
        {
            // The version reached, so that the next activation starts above it even on a clock that stood still.
            try
            {
                await WriteAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRebuildFailed(logger, Code, "version: " + ex.Message);
            }
        }
    }

    /// <summary>Reads the board index from the read model once per activation; false (logged) while it cannot be read.</summary>
    private async Task<bool> TryLoadCardsAsync(CancellationToken cancellationToken)
    {
        if (_cardsLoaded)
        {
            return true;
        }

        try
        {
            foreach (var card in await journal.BoardCardsAsync(Code, cancellationToken))
            {
                // A card pushed while the index could not be read is kept when it is newer.
                if (!_cards.TryGetValue(card.Id, out var known) || known.Version < card.Version)
                {
                    _cards[card.Id] = card;
                }
            }

            foreach (var deleted in _cards.Values.Where(c => c.Stage == ArticleStage.Deleted).Select(c => c.Id).ToList())
            {
                _cards.Remove(deleted);
            }

            Prune(_cards);
            _cardsLoaded = true;
            state.State.BoardVersion++;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRebuildFailed(logger, Code, ex.Message);
            return false;
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken = default)
    {
        await state.WriteStateAsync(cancellationToken);
        _writtenBoardVersion = state.State.BoardVersion;
    }

    /// <summary>Published and withdrawn stories the board keeps (the most recent).</summary>
    internal const int FinishedOnBoard = 100;
    private const int RememberedOperations = 500;

    private string Code => this.GetPrimaryKeyString();

    /// <summary>
    /// The story id of a filing: a new number for a new operation, the same story for a retried one. Each allocation is one row of
    /// the journal's (the channel's state is not rewritten per story).
    /// </summary>
    public async Task<string> AllocateArticleIdAsync(string operationId)
    {
        var number = await LastNumberAsync() + 1;
        var proposed = $"{Code}-{number:D4}";
        var allocated = await journal.AllocateArticleIdAsync(Code, operationId, number, proposed);
        if (allocated == proposed)
        {
            _lastNumber = number;
        }

        return allocated;
    }

    /// <summary>The last number allocated, read once per activation (after moving a stored state's allocations to the journal).</summary>
    private async Task<long> LastNumberAsync()
    {
        if (_lastNumber is { } known)
        {
            return known;
        }

        if (state.State.Allocations.Count > 0)
        {
            foreach (var (operation, id) in state.State.Allocations)
            {
                if (id.StartsWith(Code + "-", StringComparison.Ordinal) && long.TryParse(id.AsSpan(Code.Length + 1), out var number))
                {
                    await journal.AllocateArticleIdAsync(Code, operation, number, id);
                }
            }

            state.State.Allocations.Clear();
            await WriteAsync();
        }

        var last = Math.Max(state.State.NextNumber, await journal.LastArticleNumberAsync(Code));
        _lastNumber = last;
        return last;
    }

    public Task<ChannelPolicy> GetPolicyAsync() => Task.FromResult(state.State.Policy);

    public async Task<ChannelPolicy> ConfigureAsync(int reviewLevels, IReadOnlyList<PublishTarget> targets, string operationId, string? party = null)
    {
        if (state.State.AppliedOperations.Contains(operationId))
        {
            // A retry: whatever the first call could not tell the training grain is told now.
            await TellTrainingAsync();
            return state.State.Policy;
        }

        if (reviewLevels is < 1 or > 3)
        {
            throw new ArgumentException(Msg.Of("newsroom.reviewLevelsRange"));
        }

        if (targets.Count == 0)
        {
            throw new ArgumentException(Msg.Of("newsroom.targetsRequired"));
        }

        var before = state.State.Policy.ReviewLevels;
        state.State.Policy = state.State.Policy with { ReviewLevels = reviewLevels, Targets = targets.Distinct().Order().ToList() };
        if (party is not null && reviewLevels > before)
        {
            // Written with the policy, so the raise is told even if this activation ends before it could be.
            state.State.LevelsRaised = state.State.LevelsRaised is { } pending && pending.Party == party
                ? pending with { Levels = reviewLevels }
                : new ReviewLevelsRaised(party, before, reviewLevels);
        }

        await ChangedAsync(operationId, null);
        await TellTrainingAsync();
        return state.State.Policy;
    }

    public async Task<ChannelPolicy> SetSuspendedAsync(bool suspended, string? reason, string operationId)
    {
        if (state.State.AppliedOperations.Contains(operationId))
        {
            return state.State.Policy;
        }

        if (suspended && string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException(Msg.Of("newsroom.suspendReasonRequired"));
        }

        state.State.Policy = state.State.Policy with
        {
            Suspended = suspended,
            SuspendedReason = suspended ? reason!.Trim() : null,
            SuspendedAt = suspended ? time.GetUtcNow() : null,
        };
        await ChangedAsync(operationId, null);
        return state.State.Policy;
    }

    public async Task<ChannelPolicy> SetApplicationSuspendedAsync(string? reason, string operationId)
    {
        var wanted = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (state.State.AppliedOperations.Contains(operationId) || state.State.Policy.ApplicationSuspendedReason == wanted)
        {
            return state.State.Policy;
        }

        state.State.Policy = state.State.Policy with { ApplicationSuspendedReason = wanted };
        await ChangedAsync(operationId, null);
        return state.State.Policy;
    }

    public async Task UpdateCardAsync(ArticleCard card)
    {
        // Read first when it could not be read at activation; applied either way (the read model has it for the next reading).
        await TryLoadCardsAsync(CancellationToken.None);
        if (_cards.TryGetValue(card.Id, out var known) && known.Version >= card.Version)
        {
            return;
        }

        if (card.Stage == ArticleStage.Deleted)
        {
            if (!_cards.Remove(card.Id))
            {
                return;
            }
        }
        else
        {
            _cards[card.Id] = card;
            Prune(_cards);
        }

        // The board changes at once and its boards hear of it at once; nothing is written (the read model is the record).
        state.State.BoardVersion++;
        await GrainFactory.PublishLiveAsync(LiveTopic.Board(Code), new BoardChanged(new BoardDelta(Code, state.State.BoardVersion, card, null, time.GetUtcNow())));
    }

    public async Task<BoardSnapshot> GetBoardAsync()
    {
        if (!await TryLoadCardsAsync(CancellationToken.None))
        {
            // An empty board would say the channel has no stories: the caller is told it cannot be read now.
            throw new InvalidOperationException(Msg.Of("newsroom.boardUnavailable"));
        }

        return new BoardSnapshot(Code, state.State.BoardVersion, state.State.Policy, [.. _cards.Values.OrderByDescending(c => c.UpdatedAt)]);
    }

    private static void Prune(Dictionary<string, ArticleCard> cards)
    {
        var finished = cards.Values.Where(c => c.Stage is ArticleStage.Published or ArticleStage.Withdrawn).ToList();
        if (finished.Count <= FinishedOnBoard)
        {
            return;
        }

        foreach (var old in finished.OrderByDescending(c => c.UpdatedAt).Skip(FinishedOnBoard))
        {
            cards.Remove(old.Id);
        }
    }

    private async Task ChangedAsync(string? operationId, ArticleCard? card)
    {
        state.State.BoardVersion++;
        if (operationId is not null)
        {
            state.State.AppliedOperations.Add(operationId);
            if (state.State.AppliedOperations.Count > RememberedOperations)
            {
                state.State.AppliedOperations.RemoveAt(0);
            }
        }

        await WriteAsync();
        var delta = card is null
            ? new BoardDelta(Code, state.State.BoardVersion, null, state.State.Policy, time.GetUtcNow())
            : new BoardDelta(Code, state.State.BoardVersion, card, null, time.GetUtcNow());
        await GrainFactory.PublishLiveAsync(LiveTopic.Board(Code), new BoardChanged(delta));
    }
}

/// <summary>Log messages of the channel grain.</summary>
internal sealed partial class ChannelGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: board index: {Reason}")]
    private static partial void LogRebuildFailed(ILogger logger, string channel, string reason);
}
