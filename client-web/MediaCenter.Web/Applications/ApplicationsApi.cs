using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Applications;

/// <summary>
/// Applications (接入应用) under /api/v1/applications: HTTP to the application grains, lists from their read table; and moving a channel
/// or a terminal to another application of its own party. A party's admins run their own party's applications; platform operators and
/// administrators any party's; everyone of the party (and management) reads.
/// </summary>
internal static class ApplicationsApi
{
    public sealed record ApplicationBody(string? PartyId, string? Code, string? Name, ApplicationKind? Kind, string? Owner, string? Description);

    public sealed record ReasonBody(string? Reason);

    public sealed record MoveBody(string? Application);

    public sealed record ApplicationDetail(ApplicationView Application, List<ApplicationHistoryEntry> History, List<ApplicationCommandType> AllowedMoves,
        IReadOnlyList<ChannelInfo> Channels, IReadOnlyList<ApplicationTerminal> Terminals);

    private static readonly string What = Msg.Of("apps.what");

    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder endpoints)
    {
        var applications = endpoints.MapGroup("/api/v1/applications").WithTags("applications");

        applications.MapGet("/", async (string? party, HttpContext http, ApplicationReadModel read) =>
                Results.Ok(await read.ListAsync(Scope.PartyFilter(http.CurrentUser(), party), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListApplications")
            .WithSummary("Applications the caller may see, with how many channels and terminals belong to each.");

        applications.MapGet("/workflow", () => Results.Ok(ApplicationWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("ApplicationWorkflow")
            .WithSummary("The application state table (state × command × who → next state).");

        applications.MapPost("/", async (ApplicationBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var caller = http.CurrentUser();
                var party = body?.PartyId ?? caller.PartyId ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.partyIdRequired"));
                Scope.RequireManageable(caller, party, Msg.Of("web.whatParty"));
                var code = body?.Code?.Trim();
                if (string.IsNullOrEmpty(code))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("apps.codeRequired"));
                }

                if (!ApplicationIds.IsValidCode(code))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("apps.codeInvalid"));
                }

                var operation = CommandIds.Required(http);
                var id = ApplicationIds.Of(party, code);
                http.Audit().Target = "application:" + id;
                var result = await cluster.GetGrain<IApplicationGrain>(id).ExecuteAsync(
                    new CreateApplication(body?.Name, body?.Kind, body?.Owner, body?.Description), OpsHttp.Actor(caller, party), operation);
                if (result.Outcome == OpsOutcome.IllegalMove)
                {
                    // The code is taken: the table has no Create for an existing application.
                    throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("apps.exists", ("party", party), ("code", code)));
                }

                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("CreateApplication")
            .WithSummary("Registers an application of an access party (the caller's own when none is named): code (unique within the party), name, kind (Web, Wap, App, Terminal), owner, description. Requires an Idempotency-Key.");

        applications.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster, PartyDirectory directory, ApplicationReadModel read) =>
            {
                var (party, code) = Visible(id, http);
                var grain = cluster.GetGrain<IApplicationGrain>(id);
                var application = await grain.GetAsync() ?? throw NotFound();
                return Results.Ok(new ApplicationDetail(application, await grain.GetHistoryAsync(), ApplicationWorkflow.Table.AllowedIn(application.State),
                    await directory.ChannelsAsync(party, http.RequestAborted, code), await read.TerminalsAsync(party, code, http.RequestAborted)));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetApplication")
            .WithSummary("One application with its history, the moves allowed now, and its channels and terminals.");

        applications.MapGet("/{id}/measures", async (string id, string? month, HttpContext http, IClusterClient cluster, TimeProvider time) =>
            {
                var (party, code) = Visible(id, http);
                var asked = month is null
                    ? Grains.Indicators.IndicatorMonths.MonthOf(time.GetUtcNow())
                    : DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var m)
                        ? m
                        : throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("indicator.monthFormat", ("name", "month")));
                var measures = await cluster.GetGrain<Grains.Indicators.IIndicatorMonthGrain>(Grains.Indicators.IIndicatorMonthGrain.DefaultKey)
                    .MeasureApplicationAsync(party, code, asked);
                return Results.Ok(new { month = asked.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), measures });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ApplicationMeasures")
            .WithSummary("Every indicator measure of one application (its channels' stories, its terminals' alerts, the incidents of its terminal groups and channels) for a month (yyyy-MM; the current one so far by default).");

        applications.MapPut("/{id}", (string id, ApplicationBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new EditApplication(body?.Name, body?.Kind, body?.Owner, body?.Description), http, cluster))
            .RequireAuthorization(Policies.PartyManage)
            .WithName("EditApplication")
            .WithSummary("Changes an application's name, kind, owner and description (its code never changes). Requires an Idempotency-Key.");

        applications.MapPost("/{id}/suspend", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new SuspendApplication(true, body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyManage)
            .WithName("SuspendApplication")
            .WithSummary("Suspends the outward service of every channel of the application (publishing refused, feeds 503), with a reason. Requires an Idempotency-Key.");

        applications.MapPost("/{id}/resume", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new SuspendApplication(false, body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyManage)
            .WithName("ResumeApplication")
            .WithSummary("Resumes the application's service; a channel suspended on its own stays suspended. Requires an Idempotency-Key.");

        applications.MapPost("/{id}/retire", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new RetireApplication(body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyManage)
            .WithName("RetireApplication")
            .WithSummary("Retires an application once no channel and no terminal belongs to it (never the default one). Requires an Idempotency-Key.");

        endpoints.MapPut("/api/channels/{code}/application", async (string code, MoveBody? body, HttpContext http, PartyDirectory directory,
                IClusterClient cluster) =>
            {
                var channel = await directory.ChannelAsync(code, http.RequestAborted);
                if (channel is null || !http.CurrentUser().CanSeeParty(channel.PartyId))
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("web.whatChannel"))));
                }

                Scope.RequireManageable(http.CurrentUser(), channel.PartyId, Msg.Of("web.whatChannel"));
                var target = Target(body?.Application, channel.PartyId);
                var suspension = await AdmitAsync(cluster, target, channel.PartyId);
                var operation = CommandIds.Required(http);
                await directory.MoveChannelAsync(code, target.Code, http.RequestAborted);
                // The channel now gives the service its new application gives: suspended with it, or open (its own suspension apart).
                await cluster.GetGrain<IChannelGrain>(code).SetApplicationSuspendedAsync(suspension, operation);
                http.Audit().Target = "channel:" + code;
                http.Audit().Details["before"] = new { application = channel.ApplicationCode };
                http.Audit().Details["after"] = new { application = target.Code };
                return Results.Ok(await directory.ChannelFreshAsync(code, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithTags("channels")
            .WithName("MoveChannelToApplication")
            .WithSummary("Moves a channel to another application of its own party (another party's is refused). Requires an Idempotency-Key.");

        endpoints.MapPut("/api/terminals/{id}/application", async (string id, MoveBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var terminal = await cluster.GetGrain<ITerminalGrain>(id).GetAsync();
                if (terminal.Registration is not { } registration || !http.CurrentUser().CanSeeParty(registration.PartyId))
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("web.whatTerminal"))));
                }

                Scope.RequireManageable(http.CurrentUser(), registration.PartyId, Msg.Of("web.whatTerminal"));
                var target = Target(body?.Application, registration.PartyId);
                await AdmitAsync(cluster, target, registration.PartyId);
                var moved = await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(registration with { ApplicationCode = target.Code }, CommandIds.Required(http));
                http.Audit().Target = "terminal:" + id;
                http.Audit().Details["before"] = new { application = registration.Application() };
                http.Audit().Details["after"] = new { application = target.Code };
                return Results.Ok(moved);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithTags("terminals")
            .WithName("MoveTerminalToApplication")
            .WithSummary("Moves a terminal to another application of its own party (another party's is refused); its next alerts group with that application's. Requires an Idempotency-Key.");

        return endpoints;
    }

    /// <summary>
    /// The application a channel or terminal of <paramref name="partyId"/> is to belong to: a code of its party, or a full id
    /// (<c>{party}.{code}</c>). Null or blank: the party's default application.
    /// </summary>
    public static (string PartyId, string Code) Target(string? application, string partyId)
    {
        var named = application?.Trim();
        if (string.IsNullOrEmpty(named))
        {
            return (partyId, ApplicationIds.DefaultCode);
        }

        return named.Contains('.', StringComparison.Ordinal)
            ? ApplicationIds.Split(named) ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("apps.codeInvalid"))
            : (partyId, named);
    }

    /// <summary>
    /// Asks the application whether it takes a member of <paramref name="memberParty"/>: another party's application is refused (422) before it is
    /// even asked, so a party learns nothing of another's; a retired one is a conflict. Answers the application's suspension reason, if any.
    /// </summary>
    public static async Task<string?> AdmitAsync(IClusterClient cluster, (string PartyId, string Code) target, string memberParty)
    {
        if (target.PartyId != memberParty)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("apps.otherParty", ("code", target.PartyId + "." + target.Code)));
        }

        var admission = await cluster.GetGrain<IApplicationGrain>(ApplicationIds.Of(target.PartyId, target.Code)).AdmitAsync(memberParty);
        return admission.Outcome switch
        {
            OpsOutcome.Applied => admission.SuspendedReason,
            OpsOutcome.IllegalMove => throw new IdentityProblem(ProblemKind.Conflict, admission.Message ?? ""),
            OpsOutcome.NotFound => throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.noSuchApplication", ("application", target.Code))),
            _ => throw new IdentityProblem(ProblemKind.Invalid, admission.Message ?? ""),
        };
    }

    private static async Task<IResult> ExecuteAsync(string id, ApplicationCommand command, HttpContext http, IClusterClient cluster)
    {
        var (party, _) = Visible(id, http);
        http.Audit().Target = "application:" + id;
        var operation = CommandIds.Required(http);
        var result = await cluster.GetGrain<IApplicationGrain>(id).ExecuteAsync(command, OpsHttp.Actor(http.CurrentUser(), party), operation);
        return Answer(http, result, created: false);
    }

    /// <summary>The application when the caller may see it; 404 otherwise (as for an id that is none).</summary>
    internal static async Task<ApplicationView> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        Visible(id, http);
        return await cluster.GetGrain<IApplicationGrain>(id).GetAsync() ?? throw NotFound();
    }

    /// <summary>The application's party and code; 404 when the id is none or the caller may not see the party.</summary>
    private static (string PartyId, string Code) Visible(string id, HttpContext http)
    {
        if (ApplicationIds.Split(id) is not var (party, code) || !http.CurrentUser().CanSeeParty(party))
        {
            throw NotFound();
        }

        return (party, code);
    }

    private static IdentityProblem NotFound() => new(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", What)));

    private static IResult Answer(HttpContext http, ApplicationResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var application = result.Application!;
        http.Audit().Details["state"] = application.State.ToString();
        if (application.SuspendedReason is { } reason)
        {
            http.Audit().Details["reason"] = reason;
        }

        return created ? Results.Created($"/api/v1/applications/{application.Id}", application) : Results.Ok(application);
    }
}
