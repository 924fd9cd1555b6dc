using System.Globalization;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Operations;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Hot events (热点事件, F9.3.2): registration by the access party, acknowledgement by an operator, the window
/// opening and closing by itself (the grain), under /api/v1/hot-events; the banner at /api/v1/hot-mode; and the
/// anonymous, cached, rate-limited public endpoints under /public/hot-events.
/// </summary>
internal static class HotEventsApi
{
    /// <summary>Where the public endpoints live.</summary>
    public const string PublicPath = "/public/hot-events";

    public sealed record QaBody(string? Question, string? Answer);

    public sealed record EventBody(string? Title, string? Policy, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, double? TrafficMultiple,
        IReadOnlyList<string>? Channels, IReadOnlyList<QaBody>? Qa);

    public sealed record ScriptBody(IReadOnlyList<QaBody>? Qa);

    public sealed record CommentBody(string? Comment, string? Reason);

    public sealed record BannerEvent(string Id, string PartyId, string Title, HotEventStatus Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
        double TrafficMultiple, IReadOnlyList<string> Channels, long LastSecond, long LastMinute);

    public sealed record Banner(bool Hot, long Version, IReadOnlyList<BannerEvent> Events, DateTimeOffset ServerTime);

    public sealed record PublicEvent(string Id, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Qa);

    public static IEndpointRouteBuilder MapHotEventsApi(this IEndpointRouteBuilder endpoints)
    {
        var events = endpoints.MapGroup("/api/v1/hot-events").WithTags("hot-events");

        events.MapGet("/", async (DateTimeOffset? from, DateTimeOffset? to, string? partyId, HttpContext http, NpgsqlDataSource db, TimeProvider time) =>
                Results.Ok(await ListAsync(db, Scope.PartyFilter(http.CurrentUser(), partyId), from ?? time.GetUtcNow().AddDays(-30), to, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListHotEvents")
            .WithSummary("Hot events whose window overlaps from–to (default: from 30 days ago), by start: every party's for platform staff and management.");

        events.MapPost("/", async (EventBody? body, HttpContext http, IClusterClient cluster, PartyDirectory directory) =>
            {
                var user = http.CurrentUser();
                var party = OpsHttp.OwnParty(user, null, Msg.Of("what.hotEvent"));
                var operation = CommandIds.Required(http);
                var command = await CommandAsync(new HotEventCommand.Register { PartyId = party }, body, party, directory, http.RequestAborted);
                var id = OpsHttp.IdFor("he", operation);
                var result = await cluster.GetGrain<IHotEventGrain>(id).ExecuteAsync(command, Actor(user, party), operation);
                http.Audit().Target = "hot-event:" + id;
                return result.Ok ? Results.Created($"/api/v1/hot-events/{id}", result.Card) : Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RegisterHotEvent")
            .WithSummary("A party user registers a hot event: title, policy, startsAt, endsAt, trafficMultiple, channels, qa [{question, answer}]. Requires an Idempotency-Key.");

        events.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) => Results.Ok(await VisibleAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetHotEvent")
            .WithSummary("A hot event in full: card, policy, Q&A script and timeline.");

        events.MapPut("/{id}", async (string id, EventBody? body, HttpContext http, IClusterClient cluster, PartyDirectory directory) =>
            {
                var view = await VisibleAsync(id, http, cluster);
                var command = await CommandAsync(new HotEventCommand.Edit(), body, view.Card.PartyId, directory, http.RequestAborted);
                return await ExecuteAsync(id, view, command, http, cluster);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EditHotEvent")
            .WithSummary("The party changes the event before its window opens (fields left out stay); an acknowledged event goes back to Registered.");

        events.MapPut("/{id}/qa", async (string id, ScriptBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var view = await VisibleAsync(id, http, cluster);
                return await ExecuteAsync(id, view, new HotEventCommand.UpdateScript { Qa = Script(body?.Qa) }, http, cluster);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("UpdateHotEventScript")
            .WithSummary("The party replaces the Q&A script, also while the event is active; the public endpoint serves the new version at once.");

        foreach (var (slug, command, summary) in new (string, HotEventCommand, string)[]
        {
            ("acknowledge", new HotEventCommand.Acknowledge(), "An operator acknowledges the event (comment optional); it becomes active by itself when its window opens."),
            ("cancel", new HotEventCommand.Cancel(), "The party cancels the event before its window opens (reason required)."),
            ("stop", new HotEventCommand.Stop(), "An operator ends an active event before its window closes (reason required)."),
        })
        {
            events.MapPost($"/{{id}}/{slug}", async (string id, CommentBody? body, HttpContext http, IClusterClient cluster) =>
                {
                    var view = await VisibleAsync(id, http, cluster);
                    return await ExecuteAsync(id, view, command with { Comment = body?.Reason ?? body?.Comment }, http, cluster);
                })
                .RequireAuthorization(Policies.PartyRead)
                .WithName("HotEvent" + command.Type)
                .WithSummary(summary + " Requires an Idempotency-Key.");
        }

        events.MapGet("/{id}/traffic", async (string id, HttpContext http, IClusterClient cluster, HotTraffic traffic) =>
            {
                await VisibleAsync(id, http, cluster);
                return Results.Ok(traffic.Read(id));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("HotEventTraffic")
            .WithSummary("Live traffic of the event as this web instance counts it: its public Q&A and the feeds of its channels, per second over the last minute.");

        endpoints.MapGet("/api/v1/hot-mode", (HttpContext http, HotModeCache mode, HotTraffic traffic, TimeProvider time) =>
            {
                var user = http.CurrentUser();
                var snapshot = mode.Snapshot;
                var list = mode.Events.Where(e => e.Status == HotEventStatus.Active || user.CanSeeParty(e.PartyId)).Select(e =>
                {
                    var t = traffic.Read(e.Id);
                    return new BannerEvent(e.Id, e.PartyId, e.Title, e.Status, e.StartsAt, e.EndsAt, e.TrafficMultiple, e.Channels, t.LastSecond, t.LastMinute);
                }).ToList();
                return Results.Ok(new Banner(mode.IsHot, snapshot.Version, list, time.GetUtcNow()));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithTags("hot-events")
            .WithName("HotMode")
            .WithSummary("The banner: whether the platform is in hot-event mode, the active events (and acknowledged ones the caller may see) with live traffic. Pushed as `hotEventMode`.");

        MapPublic(endpoints);
        return endpoints;
    }

    private static void MapPublic(IEndpointRouteBuilder endpoints)
    {
        var open = endpoints.MapGroup(PublicPath).WithTags("public").AllowAnonymous().RequireRateLimiting(OperationsPlansHosting.PublicRateLimit);

        open.MapGet("/", (HttpContext http, HotModeCache mode) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=5";
                return Results.Ok(mode.Active.Select(e => new PublicEvent(e.Id, e.Title, e.StartsAt, e.EndsAt, $"{PublicPath}/{e.Id}/qa")).ToList());
            })
            .WithName("PublicHotEvents")
            .WithSummary("The hot events active now, anonymous and cacheable.");

        open.MapGet("/{id}/qa", async (string id, HttpContext http, HotModeCache mode, IOptions<HotEventSettings> settings, TimeProvider time) =>
            {
                var script = await mode.ScriptAsync(id);
                if (script is null)
                {
                    http.Response.Headers.CacheControl = "no-store";
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: Msg.Of("ops.hot.noScript"),
                        detail: Msg.Of("ops.hot.noScriptDetail"));
                }

                var left = (int)Math.Floor((script.EndsAt - time.GetUtcNow()).TotalSeconds);
                var headers = http.Response.Headers;
                headers.CacheControl = $"public, max-age={Math.Clamp(left, 0, settings.Value.QaMaxAgeSeconds).ToString(CultureInfo.InvariantCulture)}";
                if (GzipBodies.NotModified(http.Request, script.ETag))
                {
                    headers.Vary = "Accept-Encoding";
                    headers.ETag = GzipBodies.Accepted(http.Request) ? GzipBodies.Tag(script.ETag) : script.ETag;
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                return GzipBodies.Answer(http, script.ETag, script.Body, () => script.GzipBody, "application/json; charset=utf-8");
            })
            .WithName("PublicHotEventQa")
            .WithSummary("The Q&A script of an acknowledged or active event, anonymous: served from memory (gzip-compressed once per version for readers that take it), ETag and Cache-Control public (304 on If-None-Match); 404 otherwise.");
    }

    private static async Task<IReadOnlyList<HotEventCard>> ListAsync(NpgsqlDataSource db, string? partyId, DateTimeOffset from, DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var cards = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT card::text FROM mc.hot_events
            WHERE (@party::text IS NULL OR party_id = @party) AND ends_at >= @from AND (@to::timestamptz IS NULL OR starts_at <= @to)
            ORDER BY starts_at LIMIT 500
            """, new { party = partyId, from = from.ToUniversalTime(), to = to?.ToUniversalTime() }, cancellationToken: cancellationToken));
        return cards.Select(card => PersistedJson.Deserialize<HotEventCard>(card)!).ToList();
    }

    private static async Task<IResult> ExecuteAsync(string id, HotEventView view, HotEventCommand command, HttpContext http, IClusterClient cluster)
    {
        var operation = CommandIds.Required(http);
        var result = await cluster.GetGrain<IHotEventGrain>(id).ExecuteAsync(command, Actor(http.CurrentUser(), view.Card.PartyId), operation);
        http.Audit().Target = "hot-event:" + id;
        if (result.Ok)
        {
            http.Audit().Details["status"] = result.Status?.ToString();
        }

        return Answer(result);
    }

    /// <summary>The event when the caller may see it; 404 otherwise (another party's event looks absent).</summary>
    internal static async Task<HotEventView> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        // Ids are ours ("he-" and 20 hex digits): anything else is not looked up at all.
        if (id.Length != 23 || !id.StartsWith("he-", StringComparison.Ordinal) || !id.AsSpan(3).ContainsOnlyHexLower())
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.hot.notFoundId", ("id", id)));
        }

        var view = await cluster.GetGrain<IHotEventGrain>(id).GetAsync();
        if (view is null || !http.CurrentUser().CanSeeParty(view.Card.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.hot.notFoundId", ("id", id)));
        }

        return view;
    }

    private static bool ContainsOnlyHexLower(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<HotEventCommand> CommandAsync(HotEventCommand.DetailsCommand command, EventBody? body, string partyId, PartyDirectory directory,
        CancellationToken cancellationToken)
    {
        if (body?.Channels is { } channels)
        {
            foreach (var code in channels)
            {
                var channel = string.IsNullOrWhiteSpace(code) ? null : await directory.ChannelAsync(code.Trim(), cancellationToken);
                if (channel is null || channel.PartyId != partyId)
                {
                    throw new CommandRefused("Invalid", Msg.Of("ops.hot.channelNotParty", ("channel", code)), Msg.Of("what.hotEvent"));
                }
            }
        }

        return command with
        {
            Title = body?.Title,
            Policy = body?.Policy,
            StartsAt = body?.StartsAt,
            EndsAt = body?.EndsAt,
            TrafficMultiple = body?.TrafficMultiple,
            Channels = body?.Channels?.Select(c => c.Trim()).ToList(),
            Qa = Script(body?.Qa),
        };
    }

    private static List<HotEventQa>? Script(IReadOnlyList<QaBody>? qa) =>
        qa?.Select(p => new HotEventQa(p?.Question ?? "", p?.Answer ?? "")).ToList();

    private static HotEventActor Actor(CurrentUser user, string partyId)
    {
        var roles = HotEventRole.None;
        if (OpsHttp.IsPartyUser(user, partyId))
        {
            roles |= HotEventRole.Party;
        }

        if (user.SpansAllParties)
        {
            roles |= HotEventRole.Operator;
        }

        return new HotEventActor(user.Id, user.DisplayName, roles);
    }

    /// <summary>Turns a refused command into problem details: 409 names the current state and the allowed moves.</summary>
    private static IResult Answer(HotEventResult result)
    {
        if (result.Ok)
        {
            return Results.Ok(result.Card);
        }

        return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Status?.ToString(), result.AllowedMoves, Msg.Of("what.hotEvent"));
    }
}
