using MediaCenter.Grains.Intake;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Hosting.Outbound;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Newsroom;

/// <summary>Directed collection (定向采集, F7.3): a channel's feed sources and its collection inbox (采集箱); HTTP ↔ grains only.</summary>
internal static class CollectionApi
{
    public sealed record SourceBody(string? Name, string? Url, int? IntervalMinutes, Guid? OwnerId);

    public sealed record TakeBody(ReprintMode? Mode);

    public static IEndpointRouteBuilder MapCollectionApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/api/v1/channels/{code}").WithTags("newsroom");

        v1.MapGet("/collection", async (string code, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                return Results.Ok(await cluster.GetGrain<ICollectionInboxGrain>(code).GetAsync());
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetCollection")
            .WithSummary("The channel's feed sources with their polling status, and its collection inbox (newest first); live: SignalR `collectionChanged` on the board.");

        v1.MapPost("/sources", async (string code, SourceBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster, OutboundGuard guard) =>
            {
                var (operation, settings) = await SourceArgumentsAsync(code, body, http, directory, guard);
                var id = "src-" + CommandIds.KeyFor("feed-source", operation).ToString("N")[..12];
                var result = await cluster.GetGrain<IFeedSourceGrain>($"{code}/{id}")
                    .ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.Add, code, settings), CollectionRole.Manager, operation);
                http.Audit().Target = $"feed-source:{code}/{id}";
                return result.Ok ? Results.Created($"/api/v1/channels/{code}/sources/{id}", result.Source) : Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("AddFeedSource")
            .WithSummary("Adds an RSS 2.0, Atom or JSON Feed source (name, url, intervalMinutes 1–1440, ownerId: a member of the channel, default the caller); chief or party administrator. Requires an Idempotency-Key.");

        v1.MapPut("/sources/{id}", async (string code, string id, SourceBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster,
                OutboundGuard guard) =>
            {
                var (operation, settings) = await SourceArgumentsAsync(code, body, http, directory, guard);
                var result = await cluster.GetGrain<IFeedSourceGrain>($"{code}/{id}")
                    .ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.Edit, code, settings), CollectionRole.Manager, operation);
                http.Audit().Target = $"feed-source:{code}/{id}";
                return Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EditFeedSource")
            .WithSummary("Changes a source's name, url, interval or owner (chief or party administrator).");

        foreach (var (slug, type) in new[] { ("on", FeedSourceCommandType.TurnOn), ("off", FeedSourceCommandType.TurnOff) })
        {
            v1.MapPost($"/sources/{{id}}/{slug}", async (string code, string id, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
                {
                    await ManagerAsync(code, http, directory);
                    var result = await cluster.GetGrain<IFeedSourceGrain>($"{code}/{id}")
                        .ExecuteAsync(new FeedSourceCommand(type, code, null), CollectionRole.Manager, CommandIds.Required(http));
                    http.Audit().Target = $"feed-source:{code}/{id}";
                    return Answer(result);
                })
                .RequireAuthorization(Policies.PartyRead)
                .WithName("FeedSource" + type)
                .WithSummary($"Turns a source's polling {slug} (chief or party administrator). Requires an Idempotency-Key.");
        }

        v1.MapPost("/sources/{id}/poll", async (string code, string id, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                await ManagerAsync(code, http, directory);
                var source = await cluster.GetGrain<IFeedSourceGrain>($"{code}/{id}").PollNowAsync()
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.feedSource"))));
                http.Audit().Target = $"feed-source:{code}/{id}";
                return Results.Ok(source);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("PollFeedSource")
            .WithSummary("Polls a source now instead of waiting for its timer (chief or party administrator); answers its status after the poll.");

        v1.MapPost("/collection/{id}/take", async (string code, string id, TakeBody? body, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var (actor, party) = await EditorAsync(code, http, directory);
                var result = await cluster.GetGrain<ICollectionInboxGrain>(code).TakeAsync(id, body?.Mode ?? ReprintMode.Pitch, actor, CommandIds.Required(http), party);
                http.Audit().Target = $"collected:{code}/{id}";
                // The page is fetched in the background: 202 with the item Taking; it moves on live (collectionChanged) when filed or failed.
                return result.Ok ? Results.Accepted($"/api/v1/channels/{code}/collection", new { result.Item }) : Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("TakeCollectedItem")
            .WithSummary("Starts turning an inbox item into a pitch or draft through the reprint path (editor of the channel): 202 with the item Taking; when the page is fetched and filed it becomes Taken (or New with lastError), pushed live as collectionChanged. Requires an Idempotency-Key.");

        v1.MapPost("/collection/{id}/dismiss", async (string code, string id, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var (actor, _) = await EditorAsync(code, http, directory);
                var result = await cluster.GetGrain<ICollectionInboxGrain>(code).DismissAsync(id, actor, CommandIds.Required(http));
                http.Audit().Target = $"collected:{code}/{id}";
                return Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("DismissCollectedItem")
            .WithSummary("Dismisses an inbox item (editor of the channel). Requires an Idempotency-Key.");

        return endpoints;
    }

    private static async Task<ChannelInfo> ManagerAsync(string code, HttpContext http, PartyDirectory directory)
    {
        var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
        var caller = http.CurrentUser();
        if (!caller.CanManageParty(channel.PartyId) && !NewsroomAccess.Actor(caller, code).Chief)
        {
            throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("intake.sourcesForbidden"));
        }

        return channel;
    }

    private static async Task<(NewsroomActor Actor, string Party)> EditorAsync(string code, HttpContext http, PartyDirectory directory)
    {
        var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
        var actor = NewsroomAccess.Actor(http.CurrentUser(), code);
        if (!actor.Editor && !actor.Chief)
        {
            throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("intake.inboxForbidden"));
        }

        return (actor, channel.PartyId);
    }

    private static async Task<(string Operation, FeedSourceSettings Settings)> SourceArgumentsAsync(string code, SourceBody body, HttpContext http,
        PartyDirectory directory, OutboundGuard guard)
    {
        await ManagerAsync(code, http, directory);
        var operation = CommandIds.Required(http);
        if (string.IsNullOrWhiteSpace(body.Url) || !Uri.TryCreate(body.Url.Trim(), UriKind.Absolute, out var url) || body.IntervalMinutes is null
            || string.IsNullOrWhiteSpace(body.Name))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("intake.sourceFieldsRequired"));
        }

        // Checked now as a webhook is (the silo checks every connection again): an inside address is refused with one message.
        if (await guard.CheckAsync(url, http.RequestAborted) is not null)
        {
            throw new IdentityProblem(ProblemKind.Invalid, OutboundGuard.RefusedMessage);
        }

        var caller = http.CurrentUser();
        var owner = new Person(caller.Id, caller.DisplayName);
        if (body.OwnerId is { } ownerId && ownerId != caller.Id)
        {
            var member = (await directory.MembersAsync(code, http.RequestAborted)).FirstOrDefault(m => m.UserId == ownerId)
                ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("intake.ownerNotMember"));
            owner = new Person(member.UserId, member.DisplayName);
        }

        return (operation, new FeedSourceSettings(body.Name.Trim(), url.ToString(), TimeSpan.FromMinutes(body.IntervalMinutes.Value), owner));
    }

    private static IResult Answer(FeedSourceResult result) => result.Ok
        ? Results.Ok(result.Source)
        : GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, Msg.Of("what.feedSource"));

    private static IResult Answer(InboxResult result) => result.Ok
        ? Results.Ok(new { result.Item, Reprint = result.Reprint?.Record, Note = result.Message })
        : GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Item?.State.ToString(), CollectionWorkflow.Items.AllowedIn(result.Item?.State), Msg.Of("what.item"));
}
