using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of a channel's collection inbox. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.CollectionInboxState")]
public sealed class CollectionInboxState
{
    /// <summary>The items, oldest first.</summary>
    [Id(0)] public List<CollectedItem> Items { get; set; } = [];

    /// <summary>Keys already collected (<c>id:…</c> per entry id, <c>hash:…</c> per content), oldest first, bounded.</summary>
    [Id(1)] public List<string> Seen { get; set; } = [];

    /// <summary>The latest status of each source.</summary>
    [Id(2)] public List<FeedSourceView> Sources { get; set; } = [];

    [Id(3)] public List<AppliedOperation<InboxResult>> Applied { get; set; } = [];
}

/// <summary>
/// A channel's collection inbox (采集箱). Entries offered by the sources are new only when neither their entry id nor the hash of their
/// normalised title and opening text was seen before (the same story through two bridges has two ids and one hash; it is noted as
/// also coming from the second source). Take and dismiss are checked against <see cref="CollectionWorkflow.Items"/>, remembered per
/// operation id and written before the answer; taking marks the item Taking and leaves the fetch to an <see cref="IInboxTakeGrain"/> (through the
/// reprint grain, so images are localised and attribution kept), which ends the take here when done.
/// Every change is published on the channel's board topic.
/// </summary>
internal sealed partial class CollectionInboxGrain(
    [PersistentState("collection-inbox", StorageNames.Main)] IPersistentState<CollectionInboxState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILogger<CollectionInboxGrain> logger) : Grain, ICollectionInboxGrain
{
    internal const int MaxItems = 500;
    internal const int MaxSeen = 5000;
    private const int RememberedOperations = 200;

    private CollectionInboxState S => state.State;

    private string Channel => this.GetPrimaryKeyString();

    public Task<CollectionSnapshot> GetAsync() =>
        Task.FromResult(new CollectionSnapshot(Channel, [.. S.Sources.OrderBy(s => s.Settings.Name, StringComparer.Ordinal)], [.. Enumerable.Reverse(S.Items)]));

    public async Task<int> OfferAsync(string sourceId, string sourceName, List<OfferedItem> items)
    {
        var now = time.GetUtcNow();
        var added = new List<CollectedItem>();
        var changed = new List<CollectedItem>();
        var seen = new HashSet<string>(S.Seen, StringComparer.Ordinal);
        foreach (var offered in items)
        {
            var idKey = "id:" + offered.EntryId;
            var hashKey = "hash:" + ContentHash(offered.Title, offered.Summary);
            if (seen.Contains(idKey) || seen.Contains(hashKey))
            {
                // The same story from another source: say so on the item the editors already see.
                var index = S.Items.FindIndex(i => i.Id == ItemId(hashKey));
                if (index >= 0 && S.Items[index].SourceId != sourceId && !S.Items[index].AlsoFrom.Contains(sourceName))
                {
                    S.Items[index] = S.Items[index] with { AlsoFrom = [.. S.Items[index].AlsoFrom, sourceName] };
                    changed.Add(S.Items[index]);
                }

                AddSeen(seen, idKey);
                continue;
            }

            var item = new CollectedItem(ItemId(hashKey), sourceId, sourceName, offered.Title, offered.Link, offered.Summary, offered.PublishedAt, now,
                CollectedItemState.New, null, null, []);
            S.Items.Add(item);
            added.Add(item);
            AddSeen(seen, idKey);
            AddSeen(seen, hashKey);
        }

        if (added.Count == 0 && changed.Count == 0)
        {
            return 0;
        }

        Trim();
        await state.WriteStateAsync();
        foreach (var item in added.Concat(changed))
        {
            await PublishAsync(item, null);
        }

        LogCollected(logger, Channel, sourceId, added.Count, items.Count - added.Count);
        return added.Count;
    }

    public async Task SourceChangedAsync(FeedSourceView source)
    {
        var index = S.Sources.FindIndex(s => s.Id == source.Id);
        if (index >= 0 && S.Sources[index].Version >= source.Version)
        {
            return;
        }

        if (index >= 0)
        {
            S.Sources[index] = source;
        }
        else
        {
            // The patrol finds the channel's sources through the registry.
            await GrainFactory.GetGrain<ICollectionRegistryGrain>(0).AddChannelAsync(Channel);
            S.Sources.Add(source);
        }

        await state.WriteStateAsync();
        await PublishAsync(null, source);
    }

    public async Task<InboxResult> TakeAsync(string itemId, ReprintMode mode, NewsroomActor actor, string operationId, string? party = null)
    {
        var result = await ExecuteAsync(itemId, CollectedItemCommandType.Take, Roles(actor), operationId, item =>
            item.Link is null || ReprintKeys.Normalize(item.Link) is null
                ? Task.FromResult<(CollectedItem?, InboxResult)>((null, new InboxResult(CollectionOutcome.Invalid, Msg.Of("intake.itemHasNoLink"), item, null)))
                : Task.FromResult<(CollectedItem?, InboxResult)>((item with { State = CollectedItemState.Taking, HandledBy = actor.Person, LastError = null },
                    new InboxResult(CollectionOutcome.Applied, null, null, null))));

        // The fetch runs in a grain of its own: this inbox answers other takes, dismissals and offers while the page loads.
        if (result.Ok && S.Items.Find(i => i.Id == itemId) is { State: CollectedItemState.Taking, Link: { } link })
        {
            await GrainFactory.GetGrain<IInboxTakeGrain>($"{Channel}/{itemId}").StartAsync(link, mode, actor, operationId, party);
        }

        return result;
    }

    public Task<InboxResult> EndTakeAsync(string itemId, ReprintResult reprint, string operationId)
    {
        // Already taken (by hand, or from another item) still means the story is in the workflow: the item points at it.
        var article = reprint.Ok || reprint.Outcome == ReprintOutcome.AlreadyTaken ? reprint.Record?.ArticleId : null;
        return ExecuteAsync(itemId, article is null ? CollectedItemCommandType.Fail : CollectedItemCommandType.Complete, CollectionRole.System,
            operationId + ":end", item => Task.FromResult<(CollectedItem?, InboxResult)>(article is null
                ? (item with { State = CollectedItemState.New, HandledBy = null, LastError = reprint.Message ?? reprint.Outcome.ToString() },
                    new InboxResult(CollectionOutcome.Applied, reprint.Message, null, reprint))
                : (item with { State = CollectedItemState.Taken, ArticleId = article, LastError = null },
                    new InboxResult(CollectionOutcome.Applied, reprint.Message, null, reprint))));
    }

    public Task<InboxResult> DismissAsync(string itemId, NewsroomActor actor, string operationId) =>
        ExecuteAsync(itemId, CollectedItemCommandType.Dismiss, Roles(actor), operationId, item =>
            Task.FromResult<(CollectedItem?, InboxResult)>((item with { State = CollectedItemState.Dismissed, HandledBy = actor.Person },
                new InboxResult(CollectionOutcome.Applied, null, null, null))));

    private static CollectionRole Roles(NewsroomActor actor) =>
        (actor.Editor ? CollectionRole.Editor : CollectionRole.None) | (actor.Chief ? CollectionRole.Manager : CollectionRole.None);

    /// <summary>
    /// The item commands' path: operation id (a repeat answers the first result), the item, the table (state, then role), the decision,
    /// the write, and only then the answer and the live push.
    /// </summary>
    private async Task<InboxResult> ExecuteAsync(string itemId, CollectedItemCommandType command, CollectionRole roles, string operationId,
        Func<CollectedItem, Task<(CollectedItem? After, InboxResult Result)>> decide)
    {
        if (string.IsNullOrWhiteSpace(operationId))
        {
            return new InboxResult(CollectionOutcome.Invalid, CommandPipeline<CollectionInboxState, CollectedItemState, CollectedItemCommandType, CollectionRole, InboxResult>.OperationIdRequired, null, null);
        }

        if (S.Applied.FirstOrDefault(a => a.OperationId == operationId) is { } repeat)
        {
            return repeat.Result;
        }

        var index = S.Items.FindIndex(i => i.Id == itemId);
        if (index < 0)
        {
            return new InboxResult(CollectionOutcome.NotFound, Msg.Of("intake.itemNotInInbox"), null, null);
        }

        var item = S.Items[index];
        if (CollectionWorkflow.Items.Find(item.State, command) is not { } transition)
        {
            return new InboxResult(CollectionOutcome.IllegalMove,
                Msg.Of("workflow.illegalMove", ("command", command), ("state", item.State), ("allowed", Msg.List(CollectionWorkflow.Items.AllowedIn(item.State).Cast<object?>()))),
                item, null);
        }

        if (!transition.AllowsAny(roles))
        {
            return new InboxResult(CollectionOutcome.Forbidden, Msg.Of("workflow.roleNeeded", ("command", command), ("roles", transition.Roles), ("hint", "")), item, null);
        }

        var (after, result) = await decide(item);
        if (after is null)
        {
            // Refused: nothing is written, so the same operation may be tried again (a site that was down may answer later).
            return result;
        }

        index = S.Items.FindIndex(i => i.Id == itemId);
        S.Items[index] = after;
        result = result with { Item = after };
        S.Applied.Add(new AppliedOperation<InboxResult>(operationId, result));
        if (S.Applied.Count > RememberedOperations)
        {
            S.Applied.RemoveRange(0, S.Applied.Count - RememberedOperations);
        }

        await state.WriteStateAsync();
        await PublishAsync(after, null);
        return result;
    }

    /// <summary>Title and opening text without spaces or punctuation, hashed: two bridges of one story differ in ids and spacing, not in words.</summary>
    internal static string ContentHash(string title, string summary)
    {
        static string Letters(string s, int max)
        {
            var text = new string([.. s.Where(char.IsLetterOrDigit)]).ToLowerInvariant();
            return text.Length > max ? text[..max] : text;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Letters(title, 200) + "\n" + Letters(summary, 60))))[..24];
    }

    private static string ItemId(string hashKey) => "ci-" + hashKey["hash:".Length..][..16];

    private void AddSeen(HashSet<string> seen, string key)
    {
        if (seen.Add(key))
        {
            S.Seen.Add(key);
        }
    }

    /// <summary>Bounds the inbox: handled items go first, then the oldest new ones; the seen keys keep the newest.</summary>
    private void Trim()
    {
        while (S.Items.Count > MaxItems)
        {
            var handled = S.Items.FindIndex(i => i.State != CollectedItemState.New);
            S.Items.RemoveAt(handled >= 0 ? handled : 0);
        }

        if (S.Seen.Count > MaxSeen)
        {
            S.Seen.RemoveRange(0, S.Seen.Count - MaxSeen);
        }
    }

    private async Task PublishAsync(CollectedItem? item, FeedSourceView? source)
    {
        try
        {
            await GrainFactory.PublishLiveAsync(LiveTopic.Board(Channel), new CollectionChanged(Channel, item, source));
        }
        catch (Exception ex)
        {
            // Live views are best effort: the inbox page reloads its snapshot on reconnect.
            LogPublishFailed(logger, Channel, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection inbox {Channel}: {Added} new from {Source}, {Repeats} repeats dropped")]
    private static partial void LogCollected(ILogger logger, string channel, string source, int added, int repeats);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection inbox {Channel}: live push failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string channel, string reason);
}
