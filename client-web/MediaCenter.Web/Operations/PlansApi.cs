using MediaCenter.Grains.Operations;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Emergency plans and drills (应急预案, 演练; F9.3, F10.2.1) under /api/v1/plans and /api/v1/drills: HTTP to the plan
/// and drill grains, lists from the read tables. The operator (for any party) and the plan's own party write a plan,
/// management approves or returns it, platform staff and management read every party's. A plan is effective only once
/// approved. Every state-changing call requires an Idempotency-Key; the grains keep it with their state.
/// </summary>
internal static class PlansApi
{
    public sealed record CreatePlanBody(string? PartyId, string? Title, string? Scenario, PlanContent? Content);

    public sealed record DraftBody(long? Revision, string? Title, string? Scenario, PlanContent? Content);

    public sealed record DecisionBody(int? Version, string? Reason);

    public sealed record ScheduleDrillBody(string? PlanId, string? Scenario, DateTimeOffset? ScheduledAt);

    public sealed record RecordDrillBody(DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<DrillParticipant>? Participants,
        IReadOnlyList<string>? Findings, IReadOnlyList<DrillFollowUp>? FollowUps, string? Summary);

    public sealed record ReasonBody(string? Reason);

    /// <summary>A plan in full as the API answers it: the grain's detail and the drill status from the read tables.</summary>
    public sealed record PlanAnswer(PlanSummary Plan, IReadOnlyList<PlanVersionInfo> Versions, PlanContent LatestContent,
        IReadOnlyList<PlanCommandType> AllowedMoves, PlanDrillStatus DrillStatus);

    private static readonly string PlanWhat = Msg.Of("what.plan");
    private static readonly string DrillWhat = Msg.Of("what.drill");

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder endpoints)
    {
        var plans = endpoints.MapGroup("/api/v1/plans").WithTags("plans");

        plans.MapGet("/", async (string? partyId, bool? drillOverdue, HttpContext http, PlanReadModel read) =>
                Results.Ok(await read.ListAsync(Scope.PartyFilter(http.CurrentUser(), partyId), drillOverdue, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListPlans")
            .WithSummary("Emergency plans, newest change first, each with its drill status (drillEveryDays, lastDrillAt, nextDrillDueAt, drillOverdue); drillOverdue=true lists those whose drill is due and not held.");

        plans.MapGet("/workflow", () => Results.Ok(PlanWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("PlanWorkflow")
            .WithSummary("The plan state table (state of the latest version × command × who → next state); boards derive a plan's actions from it.");

        plans.MapPost("/", async (CreatePlanBody? body, HttpContext http, IClusterClient cluster, PartyDirectory directory, PlanReadModel read) =>
            {
                var user = http.CurrentUser();
                var party = await AuthorPartyAsync(user, body?.PartyId, directory, http.RequestAborted);
                var operation = CommandIds.Required(http);
                var id = OpsHttp.IdFor("plan", operation);
                var result = await cluster.GetGrain<IPlanGrain>(id)
                    .ExecuteAsync(new CreatePlan(party, body?.Title, body?.Scenario, body?.Content), OpsHttp.Actor(user, party), operation);
                http.Audit().Target = "plan:" + id;
                return await AnswerAsync(http, cluster, read, id, result, created: true);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CreatePlan")
            .WithSummary("The operator (naming partyId) or a user of the party creates a plan: version 1, a draft. Content sections: organisation, resources, risks, prevention, responseSteps, fallback, and drillEveryDays.");

        plans.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster, PlanReadModel read) =>
                Results.Ok(await WithDrillsAsync(await VisiblePlanAsync(id, http, cluster), read, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetPlan")
            .WithSummary("A plan: its state, every version's life (drafted, submitted, approved, returned, superseded), the latest content and its drill status.");

        plans.MapGet("/{id}/versions/{version:int}", async (string id, int version, HttpContext http, IClusterClient cluster) =>
            {
                await VisiblePlanAsync(id, http, cluster);
                return await cluster.GetGrain<IPlanGrain>(id).GetVersionAsync(version) is { } document
                    ? Results.Ok(document)
                    : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.plan.noVersion", ("version", version)));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetPlanVersion")
            .WithSummary("One version of a plan with its content (every version is kept).");

        plans.MapGet("/{id}/effective", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var plan = await VisiblePlanAsync(id, http, cluster);
                return await cluster.GetGrain<IPlanGrain>(id).GetEffectiveAsync() is { } effective
                    ? Results.Ok(effective)
                    : GrainOutcomes.Problem("NotEffective", Msg.Of("ops.plan.notEffective"),
                        plan.Plan.LatestState.ToString(), plan.AllowedMoves, PlanWhat,
                        new Dictionary<string, object?> { ["latestVersion"] = plan.Plan.LatestVersion });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetEffectivePlan")
            .WithSummary("The version in force (the latest approved one), which an incident cites; 409 NotEffective while none is approved.");

        plans.MapPut("/{id}/draft", (string id, DraftBody? body, HttpContext http, IClusterClient cluster, PlanReadModel read) =>
                ExecuteAsync(id, new SavePlanDraft(body?.Revision, body?.Title, body?.Scenario, body?.Content), http, cluster, read))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SavePlanDraft")
            .WithSummary("Saves the draft (needs the plan's current revision; content left out stays); on an approved plan it starts a new draft version, while the approved one stays effective.");

        plans.MapPost("/{id}/submit", (string id, HttpContext http, IClusterClient cluster, PlanReadModel read) =>
                ExecuteAsync(id, new SubmitPlan(), http, cluster, read))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SubmitPlan")
            .WithSummary("Submits the draft for management's approval; 422 lists what is missing (every section filled, every risk rated).");

        plans.MapPost("/{id}/approve", (string id, DecisionBody? body, HttpContext http, IClusterClient cluster, PlanReadModel read) =>
                ExecuteAsync(id, new ApprovePlan(body?.Version), http, cluster, read))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ApprovePlan")
            .WithSummary("Management approves the submitted version (optionally naming it: version): it becomes the effective one.");

        plans.MapPost("/{id}/return", (string id, DecisionBody? body, HttpContext http, IClusterClient cluster, PlanReadModel read) =>
                ExecuteAsync(id, new ReturnPlan(body?.Version, body?.Reason), http, cluster, read))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReturnPlan")
            .WithSummary("Management returns the submitted version to draft with a reason.");

        MapDrills(endpoints);
        return endpoints;
    }

    private static void MapDrills(IEndpointRouteBuilder endpoints)
    {
        var drills = endpoints.MapGroup("/api/v1/drills").WithTags("plans");

        drills.MapGet("/", async (string? partyId, string? planId, DateTimeOffset? from, DateTimeOffset? to, bool? overdue, HttpContext http,
                PlanReadModel read) =>
                Results.Ok(await read.DrillsAsync(Scope.PartyFilter(http.CurrentUser(), partyId), planId, from, to, overdue, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListDrills")
            .WithSummary("Drills by scheduled time, newest first, each flagged overdue when its time passed without a record; filters: partyId, planId, from, to, overdue.");

        drills.MapGet("/workflow", () => Results.Ok(DrillWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("DrillWorkflow")
            .WithSummary("The drill state table (state × command × who → next state).");

        drills.MapPost("/", async (ScheduleDrillBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var user = http.CurrentUser();
                if (user.PartyId is null || user.PartyRole is null)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("ops.drill.onlyPartyUsers"));
                }

                if (string.IsNullOrWhiteSpace(body?.PlanId))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("ops.drill.planIdRequired"));
                }

                var plan = await VisiblePlanAsync(body.PlanId, http, cluster);
                var operation = CommandIds.Required(http);
                var id = OpsHttp.IdFor("drill", operation);
                var result = await cluster.GetGrain<IDrillGrain>(id)
                    .ExecuteAsync(new ScheduleDrill(plan.Plan.Id, body.Scenario, body.ScheduledAt), OpsHttp.Actor(user, plan.Plan.PartyId), operation);
                http.Audit().Target = "drill:" + id;
                http.Audit().Details["plan"] = plan.Plan.Id;
                return DrillAnswer(http, result, created: true);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ScheduleDrill")
            .WithSummary("A party user schedules a drill of one of the party's plans: planId, scenario, scheduledAt.");

        drills.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) => Results.Ok(await VisibleDrillAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetDrill")
            .WithSummary("A drill: schedule, and once run, its participants, findings, follow-ups and the plan version in force.");

        drills.MapPost("/{id}/record", (string id, RecordDrillBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteDrillAsync(id, new RecordDrill(body?.StartedAt, body?.EndedAt, body?.Participants, body?.Findings, body?.FollowUps, body?.Summary),
                    http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordDrill")
            .WithSummary("Records a scheduled drill as run: startedAt, endedAt, participants, findings, followUps, summary. Once only.");

        drills.MapPost("/{id}/cancel", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteDrillAsync(id, new CancelDrill(body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CancelDrill")
            .WithSummary("Cancels a scheduled drill with a reason.");
    }

    /// <summary>
    /// The party a new plan belongs to: a party user's own (naming another looks absent), or the one the operator
    /// names (it must exist). Anyone else does not write plans.
    /// </summary>
    private static async Task<string> AuthorPartyAsync(CurrentUser user, string? requested, PartyDirectory directory, CancellationToken cancellationToken)
    {
        if (!user.SpansAllParties)
        {
            return OpsHttp.OwnParty(user, requested, PlanWhat);
        }

        if (string.IsNullOrWhiteSpace(requested) || (await directory.PartiesAsync(requested, cancellationToken)).Count == 0)
        {
            throw new CommandRefused("Invalid", Msg.Of("ops.plan.partyRequiredForOperator", ("party", requested)),
                PlanWhat);
        }

        return requested;
    }

    private static async Task<IResult> ExecuteAsync(string id, PlanCommand command, HttpContext http, IClusterClient cluster, PlanReadModel read)
    {
        var plan = await VisiblePlanAsync(id, http, cluster);
        var result = await cluster.GetGrain<IPlanGrain>(id).ExecuteAsync(command, OpsHttp.Actor(http.CurrentUser(), plan.Plan.PartyId),
            CommandIds.Required(http));
        http.Audit().Target = "plan:" + id;
        return await AnswerAsync(http, cluster, read, id, result, created: false);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, IClusterClient cluster, PlanReadModel read, string id, PlanResult result, bool created)
    {
        if (!result.Ok)
        {
            var more = new Dictionary<string, object?> { ["errors"] = result.Errors ?? (result.Message is { } m ? [m] : []) };
            if (result.Plan is { } plan)
            {
                more["revision"] = plan.Revision;
                more["latestVersion"] = plan.LatestVersion;
            }

            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, PlanWhat, more);
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var detail = await WithDrillsAsync((await cluster.GetGrain<IPlanGrain>(id).GetAsync())!, read, http.RequestAborted);
        http.Audit().Details["version"] = detail.Plan.LatestVersion;
        http.Audit().Details["state"] = detail.Plan.LatestState.ToString();
        http.Audit().Details["effectiveVersion"] = detail.Plan.EffectiveVersion;
        return created ? Results.Created($"/api/v1/plans/{id}", detail) : Results.Ok(detail);
    }

    private static async Task<PlanAnswer> WithDrillsAsync(PlanDetail detail, PlanReadModel read, CancellationToken cancellationToken) =>
        new(detail.Plan, detail.Versions, detail.LatestContent, detail.AllowedMoves, await read.DrillStatusAsync(detail.Plan.Id, cancellationToken));

    private static async Task<IResult> ExecuteDrillAsync(string id, DrillCommand command, HttpContext http, IClusterClient cluster)
    {
        var drill = await VisibleDrillAsync(id, http, cluster);
        var result = await cluster.GetGrain<IDrillGrain>(id).ExecuteAsync(command, OpsHttp.Actor(http.CurrentUser(), drill.PartyId), CommandIds.Required(http));
        http.Audit().Target = "drill:" + id;
        return DrillAnswer(http, result, created: false);
    }

    private static IResult DrillAnswer(HttpContext http, DrillResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, DrillWhat,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var drill = result.Drill!;
        http.Audit().Details["state"] = drill.State.ToString();
        return created ? Results.Created($"/api/v1/drills/{drill.Id}", drill) : Results.Ok(drill);
    }

    /// <summary>The plan when the caller may see it; 404 otherwise (another party's plan looks absent).</summary>
    internal static async Task<PlanDetail> VisiblePlanAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var plan = await cluster.GetGrain<IPlanGrain>(id).GetAsync();
        if (plan is null || !http.CurrentUser().CanSeeParty(plan.Plan.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.plan.notFoundId", ("id", id)));
        }

        return plan;
    }

    internal static async Task<DrillView> VisibleDrillAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var drill = await cluster.GetGrain<IDrillGrain>(id).GetAsync();
        if (drill is null || !http.CurrentUser().CanSeeParty(drill.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.drill.notFoundId", ("id", id)));
        }

        return drill;
    }
}
