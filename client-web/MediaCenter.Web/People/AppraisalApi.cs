using Dapper;
using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.People;

/// <summary>
/// Appraisal (考核与激励, F8.3) under /api/v1/people/appraisals: HTTP to the organisation's scheme grain and the per-person
/// appraisal grains, lists from the read table. Appraisers are the organisation's admins (a party's admins and platform
/// staff who manage parties; the operator's: administrators); an appraisal is seen by them and by the person, through the
/// account linked to the staff record, who alone acknowledges or disputes it.
/// </summary>
internal static class AppraisalApi
{
    public sealed record SchemesBody(IReadOnlyList<AppraisalScheme>? Schemes, AppraisalPeriodKind? Cadence = null);

    public sealed record OpenBody(string? PersonId, string? Period);

    public sealed record ScoreBody(IReadOnlyList<ManualItemScore>? Scores, string? Comment);

    public sealed record ReasonBody(string? Reason);

    public sealed record IncentiveBody(IncentiveKind? Kind, decimal? Amount, string? Note);

    public sealed record GoalsBody(IReadOnlyList<DevelopmentGoal>? Goals);

    private static readonly string What = Msg.Of("appraisal.what.appraisal");

    public static IEndpointRouteBuilder MapAppraisalApi(this IEndpointRouteBuilder endpoints)
    {
        var appraisals = endpoints.MapGroup("/api/v1/people/appraisals").WithTags("people");

        appraisals.MapGet("/measures", () => Results.Ok(AppraisalMeasures.All))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("AppraisalMeasures")
            .WithSummary("The catalogue of figures computed per person and period (docs/PEOPLE.md, Appraisal).");

        appraisals.MapGet("/workflow", () => Results.Ok(new { Schemes = AppraisalWorkflow.SchemeRows(), Appraisal = AppraisalWorkflow.Rows() }))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("AppraisalWorkflow")
            .WithSummary("The state tables of the schemes and of an appraisal (state × command × who → next state).");

        appraisals.MapGet("/schemes", async (string? organisation, HttpContext http, IClusterClient cluster) =>
            {
                var key = StaffApi.Readable(http.CurrentUser(), organisation).Key;
                return Results.Ok(new { Organisation = key, Schemes = await cluster.GetGrain<IAppraisalSchemeGrain>(key).GetAsync() });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("AppraisalSchemes")
            .WithSummary("The organisation's appraisal schemes per post level (null until set): indicators, manual items, grade bands.");

        appraisals.MapPut("/schemes", async (string? organisation, SchemesBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var target = StaffApi.Readable(http.CurrentUser(), organisation);
                var actor = Appraiser(http.CurrentUser(), target);
                var operation = CommandIds.Required(http);
                var result = await cluster.GetGrain<IAppraisalSchemeGrain>(target.Key).SetAsync(new SetAppraisalSchemes(body?.Schemes, body?.Cadence), actor, operation);
                http.Audit().Target = "appraisal-schemes:" + target.Key;
                if (!result.Ok)
                {
                    return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, null, Array.Empty<string>(), Msg.Of("appraisal.what.schemes"),
                        new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
                }

                OpsHttp.MarkReplay(http, result.Replay);
                return Results.Ok(new { Organisation = target.Key, result.Schemes });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SetAppraisalSchemes")
            .WithSummary("Sets the schemes whole (the organisation's admins): schemes [{post, indicators [{measure, weight, target, lowerIsBetter}], " +
                "manualItems [{name, weight}], bands [{grade, minTotal}]}], the weights of each post adding up to 100; cadence (Monthly, Quarterly, Yearly; none: " +
                "opened by hand only) opens everyone's appraisal of each ended period by itself (an hourly look). Requires an Idempotency-Key.");

        appraisals.MapGet("/", async (string? organisation, string? period, HttpContext http, AppraisalReadModel read) =>
            {
                var target = StaffApi.Readable(http.CurrentUser(), organisation);
                Appraiser(http.CurrentUser(), target);
                return Results.Ok(await read.ListAsync(target.Key, string.IsNullOrWhiteSpace(period) ? null : period.Trim(), http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListAppraisals")
            .WithSummary("The organisation's appraisals (its admins), newest period first, optionally of one period (2026-11, 2026-Q4, 2026).");

        appraisals.MapGet("/mine", async (HttpContext http, AppraisalReadModel read) =>
                Results.Ok(await read.MineAsync(http.CurrentUser().Id, http.RequestAborted)))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("MyAppraisals")
            .WithSummary("The caller's own appraisals (through the staff record linked to their account), newest period first; empty without one.");

        appraisals.MapPost("/", async (string? organisation, OpenBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var target = StaffApi.Readable(http.CurrentUser(), organisation);
                var actor = Appraiser(http.CurrentUser(), target);
                var operation = CommandIds.Required(http);
                if (string.IsNullOrWhiteSpace(body?.PersonId) || AppraisalPeriod.Parse(body.Period) is not { } period)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("appraisal.periodInvalid"));
                }

                var person = await cluster.GetGrain<IStaffGrain>(body.PersonId.Trim()).GetAsync();
                if (person is null || person.Organisation != target.Key)
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.notFoundId", ("id", body.PersonId)));
                }

                var key = AppraisalWorkflow.KeyOf(person.Id, period.Name);
                return await AnswerAsync(http, key, await cluster.GetGrain<IAppraisalGrain>(key).ExecuteAsync(new OpenAppraisal(), actor, operation), created: true);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("OpenAppraisal")
            .WithSummary("Opens the appraisal of a person (personId) for an ended period (2026-11, 2026-Q4, 2026) with the scheme of their post: " +
                "the figures are computed from the event log. Requires an Idempotency-Key.");

        appraisals.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
                Results.Ok((await VisibleAsync(id, http, cluster)).Appraisal))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("GetAppraisal")
            .WithSummary("One appraisal (its appraisers and the person): figures, manual scores, total, grade, comment, dispute, incentives, goals.");

        Command(appraisals.MapPost("/{id}/recompute", (string id, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new RecomputeAppraisal(), http, cluster)), "RecomputeAppraisal",
            "Computes the figures again (the same period gives the same figures).");
        Command(appraisals.MapPut("/{id}/score", (string id, ScoreBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new ScoreAppraisal(body?.Scores, body?.Comment), http, cluster)), "ScoreAppraisal",
            "The appraiser scores every manual item (scores [{name, score 0–100}]) and comments: total and grade follow.");
        Command(appraisals.MapPost("/{id}/acknowledge", (string id, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new AcknowledgeAppraisal(), http, cluster)), "AcknowledgeAppraisal",
            "The person acknowledges their scored appraisal.");
        Command(appraisals.MapPost("/{id}/dispute", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new DisputeAppraisal(body?.Reason), http, cluster)), "DisputeAppraisal",
            "The person disputes their scored appraisal with a reason: it goes back to the appraiser.");
        Command(appraisals.MapPost("/{id}/close", (string id, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new CloseAppraisal(), http, cluster)), "CloseAppraisal",
            "The appraiser closes an acknowledged appraisal.");
        Command(appraisals.MapPost("/{id}/incentives", (string id, IncentiveBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new RecordIncentive(body?.Kind, body?.Amount, body?.Note), http, cluster)), "RecordAppraisalIncentive",
            "Attaches an incentive to an acknowledged or closed appraisal: kind (Bonus, Commendation), amount (a bonus), note.");
        Command(appraisals.MapPut("/{id}/goals", (string id, GoalsBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new SetDevelopmentGoals(body?.Goals), http, cluster)), "SetAppraisalGoals",
            "Sets the development goals (goals [{title, due}]) of a scored, acknowledged or closed appraisal.");

        return endpoints;
    }

    private static void Command(RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.RequireAuthorization(Policies.SignedIn).WithName(name).WithSummary(summary + " Requires an Idempotency-Key.");

    /// <summary>The caller as an appraiser of the organisation (its admins); 403 otherwise.</summary>
    private static StaffActor Appraiser(CurrentUser user, Organisation organisation) =>
        IsAppraiser(user, organisation)
            ? new StaffActor(user.Id, user.DisplayName, StaffRole.Appraiser)
            : throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("appraisal.onlyAppraisers"));

    /// <summary>True for the organisation's appraisers (its admins), who see its appraisals.</summary>
    internal static bool IsAppraiser(CurrentUser user, Organisation organisation) =>
        organisation.Side == OrganisationSide.Operator ? user.Is(PlatformRoles.Admin) : user.CanManageParty(organisation.PartyId!);

    /// <summary>The appraisal and the caller's roles on it; 404 for anyone who is neither its appraiser nor the person.</summary>
    private static async Task<(Appraisal Appraisal, StaffActor Actor)> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var user = http.CurrentUser();
        var appraisal = await cluster.GetGrain<IAppraisalGrain>(id).GetAsync();
        var roles = StaffRole.None;
        if (appraisal is not null && Organisation.Parse(appraisal.Organisation) is { } organisation && IsAppraiser(user, organisation))
        {
            roles |= StaffRole.Appraiser;
        }

        if (appraisal?.UserId is { } person && person == user.Id)
        {
            roles |= StaffRole.Appraisee;
        }

        return roles == StaffRole.None
            ? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", What)))
            : (appraisal!, new StaffActor(user.Id, user.DisplayName, roles));
    }

    private static async Task<IResult> ExecuteAsync(string id, AppraisalCommand command, HttpContext http, IClusterClient cluster)
    {
        var (_, actor) = await VisibleAsync(id, http, cluster);
        var operation = CommandIds.Required(http);
        return await AnswerAsync(http, id, await cluster.GetGrain<IAppraisalGrain>(id).ExecuteAsync(command, actor, operation), created: false);
    }

    private static Task<IResult> AnswerAsync(HttpContext http, string id, AppraisalResult result, bool created)
    {
        http.Audit().Target = "appraisal:" + id;
        if (!result.Ok)
        {
            return Task.FromResult(GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State, result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] }));
        }

        OpsHttp.MarkReplay(http, result.Replay);
        http.Audit().Details["state"] = result.State;
        return Task.FromResult(created
            ? Results.Created($"/api/v1/people/appraisals/{Uri.EscapeDataString(id)}", result.Appraisal)
            : Results.Ok(result.Appraisal));
    }
}

/// <summary>An appraisal as lists show it (the read table mc.appraisals).</summary>
public sealed record AppraisalListItem(
    string Id,
    string Organisation,
    string PersonId,
    string PersonName,
    string Post,
    string Period,
    string PeriodKind,
    DateOnly PeriodFrom,
    double? Total,
    string? Grade,
    string State,
    long Version,
    DateTimeOffset UpdatedAt);

/// <summary>The appraisal lists from their read table (the appraisal grains keep it up to date); read-only.</summary>
public sealed class AppraisalReadModel(NpgsqlDataSource db)
{
    private const string Select = """
        SELECT id, organisation, person_id, person_name, post, period, period_kind, period_from, total, grade, state, version, updated_at
          FROM mc.appraisals
        """;

    /// <summary>An organisation's appraisals, newest period first, optionally of one period.</summary>
    public async Task<IReadOnlyList<AppraisalListItem>> ListAsync(string organisation, string? period, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<AppraisalListItem>(new CommandDefinition(
            Select + " WHERE organisation = @organisation AND (@period::text IS NULL OR period = @period) ORDER BY period_from DESC, period_kind, person_name, id LIMIT 2000",
            new { organisation, period }, cancellationToken: cancellationToken))];
    }

    /// <summary>The appraisals of the person linked to an account, newest period first.</summary>
    public async Task<IReadOnlyList<AppraisalListItem>> MineAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<AppraisalListItem>(new CommandDefinition(
            Select + " WHERE user_id = @userId ORDER BY period_from DESC, period_kind LIMIT 200", new { userId }, cancellationToken: cancellationToken))];
    }
}
