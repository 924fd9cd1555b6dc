using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Intake;

/// <summary>Whether a feed source is polled.</summary>
public enum FeedSourceState
{
    /// <summary>Polled every interval (with jitter, and back-off after errors).</summary>
    On,

    /// <summary>Kept, not polled.</summary>
    Off,
}

/// <summary>What can be done to a feed source.</summary>
public enum FeedSourceCommandType
{
    /// <summary>Adds the source to the channel (it starts on).</summary>
    Add,

    /// <summary>Changes its name, URL, interval or owner.</summary>
    Edit,

    /// <summary>Turns polling on.</summary>
    TurnOn,

    /// <summary>Turns polling off.</summary>
    TurnOff,
}

/// <summary>Who manages a channel's sources.</summary>
[Flags]
public enum CollectionRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>An editor of the channel: works the inbox.</summary>
    Editor = 1,

    /// <summary>The channel's chief or the party's administrator: manages the sources.</summary>
    Manager = 2,

    /// <summary>The system itself: ends a take when the page behind an item has been fetched and filed (or failed).</summary>
    System = 4,
}

/// <summary>Where a collected item is.</summary>
public enum CollectedItemState
{
    /// <summary>In the inbox (采集箱), waiting for an editor.</summary>
    New,

    /// <summary>Taken into the workflow through the reprint path.</summary>
    Taken,

    /// <summary>Dismissed by an editor.</summary>
    Dismissed,

    /// <summary>An editor took it; its page is being fetched and filed in the background (the inbox stays free meanwhile).</summary>
    Taking,
}

/// <summary>What an editor does with a collected item.</summary>
public enum CollectedItemCommandType
{
    /// <summary>Turns it into a pitch or a draft (reprint of its link).</summary>
    Take,

    /// <summary>Dismisses it.</summary>
    Dismiss,

    /// <summary>The background take filed the story (or found it already taken): the item points at it.</summary>
    Complete,

    /// <summary>The background take failed (unreachable, not an article …): the item is new again with the reason.</summary>
    Fail,
}

/// <summary>The tables of directed collection (F7.3).</summary>
public static class CollectionWorkflow
{
    /// <summary>A feed source's life.</summary>
    public static WorkflowTable<FeedSourceState, FeedSourceCommandType, CollectionRole> Sources { get; } = new(
    [
        new(null, FeedSourceCommandType.Add, CollectionRole.Manager, FeedSourceState.On),
        new(FeedSourceState.On, FeedSourceCommandType.Edit, CollectionRole.Manager, FeedSourceState.On),
        new(FeedSourceState.On, FeedSourceCommandType.TurnOff, CollectionRole.Manager, FeedSourceState.Off),
        new(FeedSourceState.Off, FeedSourceCommandType.Edit, CollectionRole.Manager, FeedSourceState.Off),
        new(FeedSourceState.Off, FeedSourceCommandType.TurnOn, CollectionRole.Manager, FeedSourceState.On),
    ]);

    /// <summary>A collected item's life in the inbox.</summary>
    public static WorkflowTable<CollectedItemState, CollectedItemCommandType, CollectionRole> Items { get; } = new(
    [
        new(CollectedItemState.New, CollectedItemCommandType.Dismiss, CollectionRole.Editor, CollectedItemState.Dismissed),
        new(CollectedItemState.New, CollectedItemCommandType.Take, CollectionRole.Editor, CollectedItemState.Taking),
        // A take whose background work was lost (a silo went down) can be started again; the reprint grain files nothing twice.
        new(CollectedItemState.Taking, CollectedItemCommandType.Take, CollectionRole.Editor, CollectedItemState.Taking),
        new(CollectedItemState.Taking, CollectedItemCommandType.Complete, CollectionRole.System, CollectedItemState.Taken),
        new(CollectedItemState.Taking, CollectedItemCommandType.Fail, CollectionRole.System, CollectedItemState.New),
    ]);
}

/// <summary>How a collection command ended.</summary>
public enum CollectionOutcome
{
    /// <summary>Applied.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller lacks the role (403).</summary>
    Forbidden,

    /// <summary>Not acceptable (422).</summary>
    Invalid,

    /// <summary>No such source or item (404).</summary>
    NotFound,
}

/// <summary>A source's settings as given by its manager.</summary>
[GenerateSerializer, Immutable, Alias("mc.FeedSourceSettings")]
public sealed record FeedSourceSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] TimeSpan Interval,
    [property: Id(3)] Person Owner);

/// <summary>A feed source of a channel and how its polling goes.</summary>
[GenerateSerializer, Alias("mc.FeedSourceView")]
public sealed record FeedSourceView(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Id,
    [property: Id(2)] FeedSourceSettings Settings,
    [property: Id(3)] FeedSourceState State,
    [property: Id(4)] DateTimeOffset? LastPolledAt,
    [property: Id(5)] DateTimeOffset? LastSuccessAt,
    [property: Id(6)] string? LastError,
    [property: Id(7)] DateTimeOffset? FailingSince,
    [property: Id(8)] int ConsecutiveFailures,
    [property: Id(9)] DateTimeOffset? NextPollAt,
    [property: Id(10)] int ItemsCollected,
    [property: Id(11)] long Version);

/// <summary>The answer to a source command.</summary>
[GenerateSerializer, Alias("mc.FeedSourceResult")]
public sealed record FeedSourceResult(
    [property: Id(0)] CollectionOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] FeedSourceState? State,
    [property: Id(3)] List<FeedSourceCommandType> AllowedMoves,
    [property: Id(4)] FeedSourceView? Source)
{
    /// <summary>True when applied.</summary>
    public bool Ok => Outcome == CollectionOutcome.Applied;
}

/// <summary>A command to a feed source.</summary>
[GenerateSerializer, Immutable, Alias("mc.FeedSourceCommand")]
public sealed record FeedSourceCommand(
    [property: Id(0)] FeedSourceCommandType Type,
    [property: Id(1)] string Channel,
    [property: Id(2)] FeedSourceSettings? Settings);

/// <summary>
/// One feed source of a channel (key <c>{channel}/{source id}</c>): RSS 2.0, Atom or JSON Feed, polled by its own grain timer with
/// jitter, kept alive across restarts by a reminder, with conditional GET and exponential back-off; new entries go to the channel's
/// inbox.
/// </summary>
[Alias("mc.IFeedSourceGrain")]
public interface IFeedSourceGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<FeedSourceResult> ExecuteAsync(FeedSourceCommand command, CollectionRole roles, string operationId);

    /// <summary>Polls now (also what the timer does); answers the source after the poll.</summary>
    [Alias("PollNow"), ResponseTimeout("00:01:00")]
    Task<FeedSourceView?> PollNowAsync();

    /// <summary>The source, or null.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<FeedSourceView?> GetAsync();
}

/// <summary>An entry collected from a feed into a channel's inbox.</summary>
[GenerateSerializer, Alias("mc.CollectedItem")]
public sealed record CollectedItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string SourceId,
    [property: Id(2)] string SourceName,
    [property: Id(3)] string Title,
    [property: Id(4)] string? Link,
    [property: Id(5)] string Summary,
    [property: Id(6)] DateTimeOffset? PublishedAt,
    [property: Id(7)] DateTimeOffset CollectedAt,
    [property: Id(8)] CollectedItemState State,
    [property: Id(9)] string? ArticleId,
    [property: Id(10)] Person? HandledBy,
    [property: Id(11)] List<string> AlsoFrom,
    [property: Id(12)] string? LastError = null);

/// <summary>An entry as a source offers it to the inbox: the feed's own id and the content the hash is taken of.</summary>
[GenerateSerializer, Immutable, Alias("mc.OfferedItem")]
public sealed record OfferedItem(
    [property: Id(0)] string EntryId,
    [property: Id(1)] string Title,
    [property: Id(2)] string? Link,
    [property: Id(3)] string Summary,
    [property: Id(4)] DateTimeOffset? PublishedAt);

/// <summary>The answer to an inbox command.</summary>
[GenerateSerializer, Alias("mc.InboxResult")]
public sealed record InboxResult(
    [property: Id(0)] CollectionOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] CollectedItem? Item,
    [property: Id(3)] ReprintResult? Reprint)
{
    /// <summary>True when applied.</summary>
    public bool Ok => Outcome == CollectionOutcome.Applied;
}

/// <summary>A channel's collection desk now: its sources and its inbox.</summary>
[GenerateSerializer, Alias("mc.CollectionSnapshot")]
public sealed record CollectionSnapshot(
    [property: Id(0)] string Channel,
    [property: Id(1)] List<FeedSourceView> Sources,
    [property: Id(2)] List<CollectedItem> Items);

/// <summary>
/// A channel's collection inbox (采集箱, key: channel): takes entries from its sources, drops repeats by entry id and by a hash of their
/// content (the same story through two bridges), keeps the sources' latest status, and lets editors take or dismiss items.
/// </summary>
[Alias("mc.ICollectionInboxGrain")]
public interface ICollectionInboxGrain : IGrainWithStringKey
{
    /// <summary>Entries from a source; answers how many were new.</summary>
    [Alias("Offer")]
    Task<int> OfferAsync(string sourceId, string sourceName, List<OfferedItem> items);

    /// <summary>A source's status changed (after a poll or a command).</summary>
    [Alias("SourceChanged")]
    Task SourceChangedAsync(FeedSourceView source);

    /// <summary>
    /// Starts taking an item into the workflow through the reprint path (pitch or draft): the item is <c>Taking</c> at once and the page
    /// is fetched by an <see cref="IInboxTakeGrain"/>, so the inbox answers other commands meanwhile; the item moves on live when done.
    /// </summary>
    [Alias("Take")]
    Task<InboxResult> TakeAsync(string itemId, ReprintMode mode, NewsroomActor actor, string operationId, string? party = null);

    /// <summary>The background take of an item ended (from its <see cref="IInboxTakeGrain"/>): filed, already taken, or failed.</summary>
    [Alias("EndTake")]
    Task<InboxResult> EndTakeAsync(string itemId, ReprintResult reprint, string operationId);

    /// <summary>Dismisses an item.</summary>
    [Alias("Dismiss")]
    Task<InboxResult> DismissAsync(string itemId, NewsroomActor actor, string operationId);

    /// <summary>Sources and items now.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<CollectionSnapshot> GetAsync();
}

/// <summary>
/// The background work of one take of an inbox item (key <c>{channel}/{item id}</c>): fetches and files the item's page through the reprint
/// grain, then tells the inbox how it ended. No state: a take lost with its silo leaves the item <c>Taking</c>, and an editor takes it again.
/// </summary>
[Alias("mc.IInboxTakeGrain")]
public interface IInboxTakeGrain : IGrainWithStringKey
{
    /// <summary>Starts the take in a timer turn of its own (interleaved) and answers at once; a second start while one runs is ignored.</summary>
    [Alias("Start")]
    Task StartAsync(string link, ReprintMode mode, NewsroomActor actor, string operationId, string? party);
}

/// <summary>The collection desk of a channel changed: an item or a source (published on the channel's board topic).</summary>
[GenerateSerializer, Alias("mc.live.CollectionChanged")]
public sealed record CollectionChanged(
    [property: Id(0)] string Channel,
    [property: Id(1)] CollectedItem? Item,
    [property: Id(2)] FeedSourceView? Source) : LiveEvent;

/// <summary>The channels that have feed sources (key 0), so the daily patrol can ask their inboxes for sources that keep failing.</summary>
[Alias("mc.ICollectionRegistryGrain")]
public interface ICollectionRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Notes that a channel has sources (idempotent).</summary>
    [Alias("AddChannel")]
    Task AddChannelAsync(string channel);

    /// <summary>The channels with sources.</summary>
    [Alias("Channels"), Orleans.Concurrency.ReadOnly]
    Task<List<string>> ChannelsAsync();
}
