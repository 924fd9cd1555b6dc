using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using MediaCenter.Grains.Interactive;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// Interactive stories (互动, F7.1). The public side under /api/public/interactions, without an account (the page
/// /public/interact uses it): a signed device token, the results of a published poll (served from a short cache so a hot
/// story costs the grain one read per interval), one vote per device, questions held for moderation, and the approved
/// questions. Rate limited per client address. The newsroom side under /api/v1/articles/{id}/interaction: the results
/// with every question, and approving or rejecting questions for the channel's editors and chief.
/// </summary>
internal static class InteractionsApi
{
    /// <summary>The header the public page sends its device token in.</summary>
    public const string DeviceHeader = "X-Device-Token";

    /// <summary>The longest question body taken off the wire (the grain's limit, after cleaning, is shorter).</summary>
    private const int MaxRawQuestion = 2000;

    public sealed record VoteBody(int? Option);

    public sealed record QuestionBody(string? Text);

    public static IEndpointRouteBuilder MapInteractionsApi(this IEndpointRouteBuilder endpoints)
    {
        var open = endpoints.MapGroup("/api/public/interactions").WithTags("public").AllowAnonymous().RequireRateLimiting(InteractionsHosting.PublicRateLimit);

        open.MapPost("/device", (DeviceTokens tokens) => Results.Ok(new { token = tokens.Issue() }))
            .WithName("IssueDeviceToken")
            .WithSummary("A signed device token: sent as X-Device-Token with votes and questions, it makes one device count once.");

        open.MapGet("/{id}", async (string id, HttpContext http, InteractionCache cache) =>
            {
                var result = await cache.ResultsAsync(id);
                if (!result.Ok)
                {
                    return Answer(result);
                }

                // A few seconds of caching anywhere on the way: results of a hot story change every moment anyway.
                var results = result.Results!;
                var etag = $"\"i{results.Version}-{(results.Open ? 1 : 0)}\"";
                http.Response.Headers.CacheControl = "public, max-age=" + InteractionCache.Fresh.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers.ETag = etag;
                if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Tag.ToString() == etag))
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                return Results.Ok(Public(results));
            })
            .WithName("PublicInteractionResults")
            .WithSummary("The results of a published interactive story: question, options, votes per option, approved questions; cached for a few seconds.");

        open.MapGet("/{id}/events", async (string id, HttpContext http, InteractionCache cache, InteractionStreams streams) =>
            {
                // A story that is not (or no longer) answerable is refused as the results are, instead of a stream that never speaks.
                if (await cache.ResultsAsync(id) is { Ok: false } refused)
                {
                    return Answer(refused);
                }

                await streams.StreamAsync(id, http.Response, http.RequestAborted);
                return Results.Empty;
            })
            .WithName("PublicInteractionEvents")
            .WithSummary("Live results for the public page (text/event-stream): an event `results` {results, questions} now and whenever the results " +
                "move, at most once per cache interval per story; comment lines keep the stream open.");

        open.MapPost("/{id}/votes", async (string id, VoteBody? body, HttpContext http, DeviceTokens tokens, IClusterClient cluster, InteractionCache cache) =>
            {
                // What is wrong with the story comes first (from the short cache): no token makes an unknown story answerable.
                if (await cache.ResultsAsync(id) is { Ok: false } closed)
                {
                    return Answer(closed);
                }

                var device = tokens.DeviceOf(http.Request.Headers[DeviceHeader].ToString());
                if (device is null)
                {
                    return Answer(new InteractionResult(InteractionOutcome.Invalid, Msg.Of("interaction.deviceRequired"), null, null));
                }

                var result = await cluster.GetGrain<IInteractionGrain>(id).VoteAsync(device, body?.Option ?? -1);
                if (result.Ok)
                {
                    cache.Forget(id);
                }

                return result.Ok ? Results.Ok(Public(result.Results!) with { VotedOption = result.VotedOption }) : Answer(result);
            })
            .WithName("VotePublicInteraction")
            .WithSummary("One vote (option index from 0) per device token (X-Device-Token). A second vote from the same device is refused " +
                "(409 AlreadyVoted, naming the option it chose) and adds nothing.");

        open.MapPost("/{id}/questions", async (string id, QuestionBody? body, HttpContext http, DeviceTokens tokens, IClusterClient cluster,
                InteractionCache cache) =>
            {
                if (await cache.ResultsAsync(id) is { Ok: false } closed)
                {
                    return Answer(closed);
                }

                var device = tokens.DeviceOf(http.Request.Headers[DeviceHeader].ToString());
                var key = http.Request.Headers["Idempotency-Key"].ToString();
                if (device is null || key.Length is < 16 or > 100)
                {
                    return Answer(new InteractionResult(InteractionOutcome.Invalid, Msg.Of("interaction.deviceRequired"), null, null));
                }

                if (body?.Text is { Length: > MaxRawQuestion })
                {
                    return Answer(new InteractionResult(InteractionOutcome.TooLong, Msg.Of("interaction.questionLength", ("max", InteractionLimits.MaxQuestion)), null, null));
                }

                var result = await cluster.GetGrain<IInteractionGrain>(id).AskAsync(device, body?.Text, key);
                // The public learns only that the question waits for moderation, never what others sent.
                return result.Ok
                    ? Results.Accepted(value: new { id = result.Question!.Id, state = result.Question.State, text = result.Question.Text })
                    : Answer(result);
            })
            .WithName("AskPublicInteraction")
            .WithSummary("A question to a published Q&A (plain text, at most 300 characters after spaces are folded), held for moderation. " +
                "Requires X-Device-Token and an Idempotency-Key (a resent form counts once).");

        open.MapGet("/{id}/questions", async (string id, HttpContext http, InteractionCache cache) =>
            {
                var (result, approved) = await cache.ApprovedAsync(id);
                if (!result.Ok)
                {
                    return Answer(result);
                }

                http.Response.Headers.CacheControl = "public, max-age=" + InteractionCache.Fresh.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                return Results.Ok(approved.Select(q => new { q.Id, q.Text, q.SubmittedAt }));
            })
            .WithName("PublicInteractionQuestions")
            .WithSummary("The approved questions of a published Q&A, oldest first; cached for a few seconds.");

        var staff = endpoints.MapGroup("/api/v1/articles/{id}/interaction").WithTags("newsroom");
        staff.MapGet("", async (string id, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                await StoryChannelAsync(id, http, directory, cluster);
                var view = await cluster.GetGrain<IInteractionGrain>(id).GetAsync();
                return view is null
                    ? Answer(await cluster.GetGrain<IInteractionGrain>(id).GetResultsAsync())
                    : Results.Ok(view);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetInteraction")
            .WithSummary("The results of a published interactive story with every question and its moderation state.");

        foreach (var command in new[] { QuestionCommandType.Approve, QuestionCommandType.Reject })
        {
            staff.MapPost($"/questions/{{questionId}}/{command.ToString().ToLowerInvariant()}", async (string id, string questionId, HttpContext http,
                    PartyDirectory directory, IClusterClient cluster) =>
                {
                    var channel = await StoryChannelAsync(id, http, directory, cluster);
                    var user = http.CurrentUser();
                    var actor = NewsroomAccess.Actor(user, channel);
                    var roles = actor.Chief || actor.Editor ? InteractionRole.Moderator : InteractionRole.None;
                    var result = await cluster.GetGrain<IInteractionGrain>(id)
                        .ModerateAsync(questionId, command, new InteractionModerator(user.Id, user.DisplayName, roles), CommandIds.Required(http));
                    if (!result.Ok)
                    {
                        return Answer(result);
                    }

                    Operations.OpsHttp.MarkReplay(http, result.Replay);
                    http.Audit().Target = $"article:{id}:question:{questionId}";
                    http.Audit().Details["state"] = result.Question!.State.ToString();
                    return Results.Ok(result.Question);
                })
                .RequireAuthorization(Policies.PartyRead)
                .WithName(command + "InteractionQuestion")
                .WithSummary($"{command} a submitted question (the channel's editors and chief). Requires an Idempotency-Key.");
        }

        return endpoints;
    }

    /// <summary>What the public sees of the results.</summary>
    public sealed record PublicResults(string ArticleId, string Title, InteractionType Type, string Question, List<string> Options, List<int> Counts, int Votes,
        int ApprovedQuestions, bool Open, long Version, DateTimeOffset UpdatedAt, int? VotedOption = null);

    private static PublicResults Public(InteractionResults r) =>
        new(r.ArticleId, r.Title, r.Type, r.Question, r.Options, r.Counts, r.Votes, r.ApprovedQuestions, r.Open, r.Version, r.UpdatedAt);

    /// <summary>The one mapping of a refused interaction command to problem details (status by outcome; <c>code</c> names it).</summary>
    public static IResult Answer(InteractionResult result) =>
        GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Question?.State.ToString(),
            result.Question is { } q ? QuestionWorkflow.Table.AllowedIn(q.State) : [], Msg.Of("interaction.what"),
            new Dictionary<string, object?> { ["votedOption"] = result.VotedOption, ["open"] = result.Results?.Open });

    /// <summary>The story's channel when the caller may see it (404 otherwise).</summary>
    private static async Task<string> StoryChannelAsync(string id, HttpContext http, PartyDirectory directory, IClusterClient cluster)
    {
        var card = await cluster.GetGrain<IArticleGrain>(id).GetCardAsync()
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.storyNotFound", ("id", id)));
        await NewsroomAccess.VisibleChannelAsync(card.Channel, http, directory);
        return card.Channel;
    }
}

/// <summary>
/// Device tokens: a random id sealed with the shared key ring, so any web instance can check a token without storing it.
/// One device, one vote: the grain counts the id inside. Whoever clears the browser's storage gets a new token — the rate
/// limit per address is the hard bound on that.
/// </summary>
public sealed class DeviceTokens(IDataProtectionProvider keys)
{
    private readonly IDataProtector _protector = keys.CreateProtector("MediaCenter.Interactions.DeviceToken.v1");

    /// <summary>A new token.</summary>
    public string Issue() => _protector.Protect("d:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The device id inside a token of ours, or null for anything else.</summary>
    public string? DeviceOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 500)
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(token);
            return text.StartsWith("d:", StringComparison.Ordinal) && text.Length == 34 ? text[2..] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>
/// The public reads of a hot story served from memory for <see cref="Fresh"/>: concurrent readers of one story share one
/// grain call, so thousands of phones cost the grain a read per interval. A vote through this instance drops the entry,
/// so the voter sees the count move at once.
/// </summary>
public sealed class InteractionCache(IClusterClient cluster, TimeProvider time)
{
    /// <summary>How long a read is served from memory.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(3);

    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<InteractionResult>> Read)> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<(InteractionResult, List<InteractionQuestion>)>> Read)> _questions = new(StringComparer.Ordinal);

    /// <summary>The results (or why there are none), at most <see cref="Fresh"/> old.</summary>
    public Task<InteractionResult> ResultsAsync(string id) =>
        Read(_results, id, () => cluster.GetGrain<IInteractionGrain>(id).GetResultsAsync());

    /// <summary>The approved questions (oldest first), at most <see cref="Fresh"/> old.</summary>
    public Task<(InteractionResult Result, List<InteractionQuestion> Approved)> ApprovedAsync(string id) =>
        Read(_questions, id, async () =>
        {
            var grain = cluster.GetGrain<IInteractionGrain>(id);
            var result = await grain.GetResultsAsync();
            if (!result.Ok)
            {
                return (result, new List<InteractionQuestion>());
            }

            var view = await grain.GetAsync();
            return (result, view?.Questions.Where(q => q.State == QuestionState.Approved).OrderBy(q => q.SubmittedAt).ThenBy(q => q.Id.Length).ThenBy(q => q.Id, StringComparer.Ordinal).ToList() ?? []);
        });

    /// <summary>Drops what is held of a story.</summary>
    public void Forget(string id)
    {
        _results.TryRemove(id, out _);
        _questions.TryRemove(id, out _);
    }

    private async Task<T> Read<T>(ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<T>> Read)> cache, string id, Func<Task<T>> read)
    {
        if (id.Length > 200)
        {
            return await read();
        }

        var now = time.GetUtcNow();
        if (cache.Count > MaxEntries)
        {
            cache.Clear();
        }

        var entry = cache.AddOrUpdate(id, _ => (now, new Lazy<Task<T>>(read)),
            (_, held) => now - held.At < Fresh && !held.Read.Value.IsFaulted ? held : (now, new Lazy<Task<T>>(read)));
        return await entry.Read.Value;
    }
}

/// <summary>Settings of the public interaction endpoints (section <c>Interactions</c>).</summary>
public sealed class InteractionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Interactions";

    /// <summary>Requests to the public interaction endpoints per client address per <see cref="PublicWindow"/>.</summary>
    public int PublicPermits { get; set; } = 120;

    /// <summary>The window of <see cref="PublicPermits"/>.</summary>
    public TimeSpan PublicWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Composition of interactive stories in client-web: tokens, the read cache, the public rate limit.</summary>
public static class InteractionsHosting
{
    /// <summary>The rate-limit policy of the public interaction endpoints, per client address.</summary>
    public const string PublicRateLimit = "public-interactions";

    /// <summary>Registers what the interaction endpoints need.</summary>
    public static WebApplicationBuilder AddInteractions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InteractionOptions>().Bind(builder.Configuration.GetSection(InteractionOptions.Section))
            .Validate(o => o.PublicPermits is >= 1 and <= 1_000_000 && o.PublicWindow > TimeSpan.Zero, "Interactions: PublicPermits 1–1000000, PublicWindow > 0.")
            .ValidateOnStart();
        services.AddSingleton<DeviceTokens>();
        services.AddSingleton<InteractionCache>();
        services.AddSingleton<InteractionStreams>();
        services.AddPerAddressRateLimit<InteractionOptions>(PublicRateLimit, o => (o.PublicPermits, o.PublicWindow));
        return builder;
    }
}
