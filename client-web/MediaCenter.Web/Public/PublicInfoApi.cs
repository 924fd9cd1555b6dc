using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using MediaCenter.Grains.People;
using MediaCenter.Grains.Public;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.People;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Public;

/// <summary>
/// Public information (公开信息, F12.4.1, standard §12.4.1). <c>GET /api/public/info</c>, without an account (the page
/// /public/info shows it): the center (the operator) and every access party with its published profile, the staff who
/// consented to be listed (name and post only), its latest concluded or closed yearly evaluation, the published surveys and
/// the complaint page. Always from the system's own data, held for <see cref="PublicInfoCache.Fresh"/> and answered with an
/// ETag (304 on If-None-Match), rate limited per client address. Admins set their organisation's profile under
/// <c>/api/v1/public-profile</c>.
/// </summary>
internal static class PublicInfoApi
{
    public sealed record ProfileBody(string? Introduction, List<string>? Services, string? OpeningHours, string? Address, string? Phone, string? Email,
        string? SupervisionPhone, string? ComplaintChannels = null, string? DisputeRules = null);

    public static IEndpointRouteBuilder MapPublicInfoApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/public/info", async (HttpContext http, PublicInfoCache cache) =>
            {
                var info = await cache.GetAsync(http.RequestAborted);
                http.Response.Headers.CacheControl = "public, max-age=" + PublicInfoCache.Fresh.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers.ETag = info.ETag;
                if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Tag.ToString() == info.ETag))
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                return Results.Bytes(info.Body, "application/json; charset=utf-8");
            })
            .WithTags("public").AllowAnonymous().RequireRateLimiting(PublicInfoHosting.PublicRateLimit)
            .WithName("PublicInfo")
            .WithSummary("The public information of the center and each access party: profile (introduction, services, opening hours, address, " +
                "contacts), staff who consented to be listed (name, post), the latest concluded or closed yearly evaluation (year, result, total, " +
                "summary), published surveys and the complaint page. Cached for a few seconds; ETag and If-None-Match answer 304.");

        endpoints.MapGet("/api/public/info/events", (HttpContext http, PublicInfoStreams streams) =>
                streams.StreamAsync(PublicInfoStreams.Topic, http.Response, http.RequestAborted))
            .WithTags("public").AllowAnonymous().RequireRateLimiting(PublicInfoHosting.PublicRateLimit)
            .WithName("PublicInfoEvents")
            .WithSummary("The public information pushed live (text/event-stream): an event `info` with the same body as GET /api/public/info " +
                "now and whenever it changes, at most once per cache interval; comment lines keep the stream open.");

        var staff = endpoints.MapGroup("/api/v1/public-profile").WithTags("public");
        staff.MapGet("/", async (string? organisation, HttpContext http, IClusterClient cluster) =>
            {
                var key = StaffApi.Readable(http.CurrentUser(), organisation).Key;
                return Results.Ok(new { organisation = key, profile = await cluster.GetGrain<IPublicProfileGrain>(key).GetAsync() });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("PublicProfile")
            .WithSummary("The organisation's public profile as published (null when none is set); ?organisation=operator or party:{id}, the caller's own by default.");

        staff.MapPut("/", async (string? organisation, ProfileBody? body, HttpContext http, IClusterClient cluster, PublicInfoCache cache) =>
            {
                var target = StaffApi.Readable(http.CurrentUser(), organisation);
                var actor = StaffApi.Admin(http.CurrentUser(), target);
                var result = await cluster.GetGrain<IPublicProfileGrain>(target.Key).SetAsync(
                    new SetPublicProfile(body?.Introduction, body?.Services, body?.OpeningHours, body?.Address, body?.Phone, body?.Email, body?.SupervisionPhone,
                        body?.ComplaintChannels, body?.DisputeRules),
                    actor, CommandIds.Required(http));
                http.Audit().Target = "public-profile:" + target.Key;
                if (!result.Ok)
                {
                    return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, null, Array.Empty<PublicProfileCommandType>(), Msg.Of("public.what.profile"),
                        new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
                }

                OpsHttp.MarkReplay(http, result.Replay);
                http.Audit().Details["version"] = result.Profile!.Version;
                cache.Forget();
                return Results.Ok(new { organisation = target.Key, profile = result.Profile });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SetPublicProfile")
            .WithSummary("Sets the organisation's public profile whole (its admins only): introduction, services, openingHours, address, phone, email, " +
                "supervisionPhone, and the complaint channels and dispute-resolution rules the public pages publish (complaintChannels, disputeRules; " +
                "§11.1.1, §11.2.1). Nothing personal belongs here: staff appear on the public page only by their own consent on the staff record. " +
                "Requires an Idempotency-Key.");

        return endpoints;
    }
}

/// <summary>The public information serialised once per refresh, with its ETag.</summary>
public sealed record PublicInfoSnapshot(byte[] Body, string ETag, DateTimeOffset At);

/// <summary>
/// The public information, built from the read tables and the profile grains at most once per <see cref="Fresh"/>: concurrent
/// readers share one build, so a hot day costs the database a few queries per interval whatever the traffic.
/// </summary>
public sealed class PublicInfoCache(NpgsqlDataSource db, PartyDirectory directory, IClusterClient cluster, TimeProvider time)
{
    /// <summary>How long a build is served from memory (and the max-age the answer carries).</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(3);

    private const int MaxSurveys = 20;
    private readonly Lock _gate = new();
    private (DateTimeOffset At, Lazy<Task<PublicInfoSnapshot>> Build)? _held;

    private sealed record StaffRow(string Organisation, string Name, string Post);

    private sealed record EvaluationRow(string PartyId, int Year, string Title, string State, decimal? Total, string? Result, string? Summary, DateTimeOffset UpdatedAt);

    private sealed record SurveyRow(string Id, string Title);

    /// <summary>The information, at most <see cref="Fresh"/> old.</summary>
    public Task<PublicInfoSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Lazy<Task<PublicInfoSnapshot>> build;
        lock (_gate)
        {
            if (_held is not { } held || now - held.At >= Fresh || held.Build.Value.IsFaulted)
            {
                _held = held = (now, new Lazy<Task<PublicInfoSnapshot>>(() => BuildAsync(CancellationToken.None)));
            }

            build = held.Build;
        }

        return build.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Drops the held build (a profile changed through this instance shows at once).</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _held = null;
        }
    }

    private async Task<PublicInfoSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        var parties = await directory.PartiesAsync(null, cancellationToken);
        List<StaffRow> staff;
        List<EvaluationRow> evaluations;
        List<SurveyRow> surveys;
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        {
            // Only people who consented, and only while they are in post: name and post, nothing else of the record.
            staff = [.. await connection.QueryAsync<StaffRow>(new CommandDefinition("""
                SELECT organisation, name, post FROM mc.staff WHERE publish_consent AND state = 'Active' ORDER BY organisation, post, name, id
                """, cancellationToken: cancellationToken))];
            // The latest evaluation per center that has a result the center may publish: concluded or closed, never a draft.
            evaluations = [.. await connection.QueryAsync<EvaluationRow>(new CommandDefinition("""
                SELECT DISTINCT ON (party_id) party_id, year, title, state, total, result, COALESCE(view->>'summary', view->>'Summary') AS summary, updated_at
                  FROM mc.evaluations WHERE state IN ('Concluded', 'Closed') ORDER BY party_id, year DESC
                """, cancellationToken: cancellationToken))];
            surveys = [.. await connection.QueryAsync<SurveyRow>(new CommandDefinition("""
                SELECT id, title FROM mc.surveys WHERE state = 'Published' ORDER BY published_at DESC NULLS LAST, id LIMIT @max
                """, new { max = MaxSurveys }, cancellationToken: cancellationToken))];
        }

        var organisations = new List<(Organisation Organisation, string? Name)> { (Organisation.Operator, null) };
        organisations.AddRange(parties.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (Organisation.Party(p.Id), (string?)p.Name)));
        var profiles = await Task.WhenAll(organisations.Select(o => cluster.GetGrain<IPublicProfileGrain>(o.Organisation.Key).GetAsync()));
        var body = new
        {
            Organisations = organisations.Select((o, i) => new
            {
                o.Organisation.Key,
                o.Organisation.Side,
                o.Organisation.PartyId,
                o.Name,
                Profile = profiles[i] is { } p
                    ? new { p.Introduction, p.Services, p.OpeningHours, p.Address, p.Phone, p.Email, p.SupervisionPhone, p.ComplaintChannels, p.DisputeRules, p.UpdatedAt }
                    : null,
                Staff = staff.Where(s => s.Organisation == o.Organisation.Key).Select(s => new { s.Name, s.Post }).ToList(),
                // The operator's own yearly evaluation is kept under its key, a center's under its party.
                Evaluation = evaluations.FirstOrDefault(e => e.PartyId == (o.Organisation.PartyId ?? Organisation.OperatorKey)) is { } e
                    ? new { e.Year, e.Title, e.State, e.Total, e.Result, e.Summary, e.UpdatedAt }
                    : null,
            }).ToList(),
            Surveys = surveys.Select(s => new { s.Id, s.Title, Page = "/public/survey/?id=" + Uri.EscapeDataString(s.Id) }).ToList(),
            ComplaintPage = "/public/complaint/",
            ComplaintApi = "/api/public/tickets",
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, OpsHttp.Json);
        var etag = "\"pi-" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
        return new PublicInfoSnapshot(bytes, etag, time.GetUtcNow());
    }
}

/// <summary>
/// The public information pushed to open pages: one topic, read through <see cref="PublicInfoCache"/> once per
/// <see cref="PublicInfoCache.Fresh"/> while anyone listens on this instance, an event <c>info</c> (the GET's body) when its ETag
/// moved. A profile saved, a person's consent, an evaluation concluded or a survey published reach every open page within seconds.
/// </summary>
public sealed class PublicInfoStreams(PublicInfoCache cache, TimeProvider time, ILogger<PublicInfoStreams> logger) : EventStreams(time, logger)
{
    /// <summary>The one topic: everybody sees the same information.</summary>
    public const string Topic = "info";

    protected override TimeSpan Interval => PublicInfoCache.Fresh;

    protected override async Task<(string Frame, object Mark)?> NextAsync(string topic, object? sent)
    {
        var info = await cache.GetAsync(CancellationToken.None);
        return sent is string etag && etag == info.ETag ? null : (Frame("info", System.Text.Encoding.UTF8.GetString(info.Body)), info.ETag);
    }
}

/// <summary>Settings of the public information endpoint (section <c>PublicInfo</c>).</summary>
public sealed class PublicInfoOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "PublicInfo";

    /// <summary>Requests per client address per <see cref="PublicWindow"/>.</summary>
    public int PublicPermits { get; set; } = 120;

    /// <summary>The window of <see cref="PublicPermits"/>.</summary>
    public TimeSpan PublicWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Composition of the public information in client-web: the cache and the public rate limit.</summary>
public static class PublicInfoHosting
{
    /// <summary>The rate-limit policy of the public information endpoint, per client address.</summary>
    public const string PublicRateLimit = "public-info";

    /// <summary>Registers what the public information endpoints need.</summary>
    public static WebApplicationBuilder AddPublicInfo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PublicInfoOptions>().Bind(builder.Configuration.GetSection(PublicInfoOptions.Section))
            .Validate(o => o.PublicPermits is >= 1 and <= 1_000_000 && o.PublicWindow > TimeSpan.Zero, "PublicInfo: PublicPermits 1–1000000, PublicWindow > 0.")
            .ValidateOnStart();
        services.AddSingleton<PublicInfoCache>();
        services.AddSingleton<PublicInfoStreams>();
        services.AddPerAddressRateLimit<PublicInfoOptions>(PublicRateLimit, o => (o.PublicPermits, o.PublicWindow));
        return builder;
    }
}
