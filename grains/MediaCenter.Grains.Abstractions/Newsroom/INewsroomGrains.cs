namespace MediaCenter.Grains.Newsroom;

/// <summary>One story from pitch to withdrawal: its state machine, draft versions, review trail and publishing targets.</summary>
[Alias("mc.IArticleGrain")]
public interface IArticleGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id: a repeat returns the first result).</summary>
    [Alias("Execute")]
    Task<CommandResult> ExecuteAsync(ArticleCommand command, NewsroomActor actor, string operationId);

    /// <summary>The story's card (what the board shows), or null when it was never filed.</summary>
    [Alias("GetCard"), Orleans.Concurrency.ReadOnly]
    Task<ArticleCard?> GetCardAsync();

    /// <summary>The story in full, or null when it was never filed.</summary>
    [Alias("Get")]
    Task<ArticleView?> GetAsync();
}

/// <summary>A channel's newsroom: review policy and targets, suspension, the id sequence, and the board index of its stories.</summary>
[Alias("mc.IChannelGrain")]
public interface IChannelGrain : IGrainWithStringKey
{
    /// <summary>Gives the id for a new story filed under this operation id (the same id on a repeat).</summary>
    [Alias("AllocateArticleId")]
    Task<string> AllocateArticleIdAsync(string operationId);

    /// <summary>The review policy, targets and suspension.</summary>
    [Alias("GetPolicy"), Orleans.Concurrency.ReadOnly]
    Task<ChannelPolicy> GetPolicyAsync();

    /// <summary>
    /// Sets review levels (1–3) and the enabled targets. With the channel's <paramref name="party"/>, a raised number of levels is
    /// new business for the party's newsroom posts (§8.1.5.5): the channel tells the party's training grain, at least once, from
    /// its own stored state (again after a retry or on its next activation when the training grain could not be told).
    /// </summary>
    [Alias("Configure")]
    Task<ChannelPolicy> ConfigureAsync(int reviewLevels, IReadOnlyList<PublishTarget> targets, string operationId, string? party = null);

    /// <summary>Suspends the channel's outward service (publishing refused, feeds 503) or reopens it.</summary>
    [Alias("SetSuspended")]
    Task<ChannelPolicy> SetSuspendedAsync(bool suspended, string? reason, string operationId);

    /// <summary>
    /// Its application was suspended (a reason) or resumed (null): the channel's outward service follows, apart from its own
    /// suspension, which this never changes.
    /// </summary>
    [Alias("SetApplicationSuspended")]
    Task<ChannelPolicy> SetApplicationSuspendedAsync(string? reason, string operationId);

    /// <summary>A story changed: the board index takes cards in version order and tells the boards.</summary>
    [Alias("UpdateCard")]
    Task UpdateCardAsync(ArticleCard card);

    /// <summary>The board now.</summary>
    [Alias("GetBoard"), Orleans.Concurrency.ReadOnly]
    Task<BoardSnapshot> GetBoardAsync();
}
