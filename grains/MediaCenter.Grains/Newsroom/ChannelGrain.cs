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
    [Id(1)] public long NextNumber { get; set; }
    [Id(2)] public List<KeyValuePair<string, string>> Allocations { get; set; } = [];
    [Id(3)] public Dictionary<string, ArticleCard> Cards { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public long BoardVersion { get; set; }
    [Id(5)] public List<string> AppliedOperations { get; set; } = [];
}

/// <summary>A channel's newsroom: policy, suspension, story ids, and the board index (one card per live story).</summary>
internal sealed partial class ChannelGrain(
    [PersistentState("channel", StorageNames.Main)] IPersistentState<ChannelState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    INewsroomJournal journal,
    ILogger<ChannelGrain> logger) : Grain, IChannelGrain
{
    /// <summary>How long board changes may stay unwritten (the board index is derivable from the read model).</summary>
    internal static readonly TimeSpan BoardCheckpoint = TimeSpan.FromMilliseconds(500);
    private IGrainTimer? _checkpoint;
    private bool _dirty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _checkpoint = this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));

        // Cards changed after the last checkpoint (a crash) are in the read model: take any newer than what is stored.
        try
        {
            var merged = 0;
            foreach (var card in await journal.BoardCardsAsync(Code, cancellationToken))
            {
                if (!state.State.Cards.TryGetValue(card.Id, out var known) || known.Version < card.Version)
                {
                    state.State.Cards[card.Id] = card;
                    merged++;
                }
            }

            if (merged > 0)
            {
                Prune(state.State.Cards);
                state.State.Cards = state.State.Cards.Where(c => c.Value.Stage != ArticleStage.Deleted).ToDictionary(StringComparer.Ordinal);
                // A jump: boards holding an older version see a gap on the next delta and reload.
                state.State.BoardVersion += merged + 1;
                MarkDirty();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRebuildFailed(logger, Code, ex.Message);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await CheckpointAsync(cancellationToken);
        }
    }

    /// <summary>Published and withdrawn stories the board keeps (the most recent).</summary>
    internal const int FinishedOnBoard = 100;
    private const int RememberedOperations = 500;

    private string Code => this.GetPrimaryKeyString();

    public async Task<string> AllocateArticleIdAsync(string operationId)
    {
        foreach (var (op, id) in state.State.Allocations)
        {
            if (op == operationId)
            {
                return id;
            }
        }

        state.State.NextNumber++;
        var allocated = $"{Code}-{state.State.NextNumber:D4}";
        state.State.Allocations.Add(new(operationId, allocated));
        if (state.State.Allocations.Count > RememberedOperations)
        {
            state.State.Allocations.RemoveAt(0);
        }

        await state.WriteStateAsync();
        return allocated;
    }

    public Task<ChannelPolicy> GetPolicyAsync() => Task.FromResult(state.State.Policy);

    public async Task<ChannelPolicy> ConfigureAsync(int reviewLevels, IReadOnlyList<PublishTarget> targets, string operationId)
    {
        if (state.State.AppliedOperations.Contains(operationId))
        {
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

        state.State.Policy = state.State.Policy with { ReviewLevels = reviewLevels, Targets = targets.Distinct().Order().ToList() };
        await ChangedAsync(operationId, null);
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
        var cards = state.State.Cards;
        if (cards.TryGetValue(card.Id, out var known) && known.Version >= card.Version)
        {
            return;
        }

        if (card.Stage == ArticleStage.Deleted)
        {
            if (!cards.Remove(card.Id))
            {
                return;
            }
        }
        else
        {
            cards[card.Id] = card;
            Prune(cards);
        }

        // The board changes at once and its boards hear of it at once; the index is written on a short cadence.
        state.State.BoardVersion++;
        MarkDirty();
        await GrainFactory.PublishLiveAsync(LiveTopic.Board(Code), new BoardChanged(new BoardDelta(Code, state.State.BoardVersion, card, null, time.GetUtcNow())));
    }

    private void MarkDirty()
    {
        if (!_dirty)
        {
            _dirty = true;
            _checkpoint?.Change(BoardCheckpoint, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRebuildFailed(logger, Code, "checkpoint: " + ex.Message);
            MarkDirty();
        }
    }

    public Task<BoardSnapshot> GetBoardAsync() =>
        Task.FromResult(new BoardSnapshot(Code, state.State.BoardVersion, state.State.Policy, [.. state.State.Cards.Values.OrderByDescending(c => c.UpdatedAt)]));

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

        _dirty = false;
        await state.WriteStateAsync();
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
