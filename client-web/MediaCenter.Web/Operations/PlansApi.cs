using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Emergency plans and drills (应急预案, 演练; F9.3, F10.2.1) under /api/v1/plans and /api/v1/drills. A plan belongs to
/// an access party: its users write and submit it, management approves or returns it, platform staff read every
/// party's. A plan is effective only once approved. Every state-changing call requires an Idempotency-Key.
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

    private const int MaxTitle = 200;
    private const int MaxText = 4000;

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder endpoints)
    {
        var plans = endpoints.MapGroup("/api/v1/plans").WithTags("plans").Problems();

        plans.MapGet("/", async (string? partyId, HttpContext http, PlanStore store) =>
                Results.Ok(await store.ListAsync(Scope.PartyFilter(http.CurrentUser(), partyId), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListPlans")
            .WithSummary("Emergency plans, newest change first: every party's for platform staff and management, the caller's own party's otherwise.");

        plans.MapGet("/workflow", () => Results.Ok(PlanWorkflow.Transitions.Select(t =>
                new { From = t.From?.ToString(), Command = t.Command.ToString(), Who = t.Who.ToString(), To = t.To.ToString(), t.Note })))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("PlanWorkflow")
            .WithSummary("The plan state table (state of the latest version × command × who → next state); boards derive a plan's actions from it.");

        plans.MapPost("/", (CreatePlanBody? body, HttpContext http, PlanStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                var party = OpsHttp.OwnParty(user, body?.PartyId, "预案 plan");
                return requests.RunAsync(http, "plan.create", async (connection, transaction) =>
                {
                    var title = OpsHttp.Required(body?.Title, "title", MaxTitle);
                    var scenario = OpsHttp.Required(body?.Scenario, "scenario", MaxTitle);
                    var content = PlanStore.Normalize(body?.Content);
                    var id = OpsHttp.NewId("plan");
                    var plan = await store.CreateAsync(connection, transaction, id, party, title, scenario, content, Actor(user), http.RequestAborted);
                    http.Audit().Target = "plan:" + id;
                    return new OpsAnswer(StatusCodes.Status201Created, plan, $"/api/v1/plans/{id}");
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CreatePlan")
            .WithSummary("A party user creates a plan: version 1, a draft. Content sections: organisation, resources, risks, prevention, responseSteps, fallback.");

        plans.MapGet("/{id}", async (string id, HttpContext http, PlanStore store) =>
            {
                await VisiblePlanAsync(id, http, store);
                return Results.Ok(await store.GetAsync(id, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetPlan")
            .WithSummary("A plan: its state, every version's life (drafted, submitted, approved, returned, superseded) and the latest content.");

        plans.MapGet("/{id}/versions/{version:int}", async (string id, int version, HttpContext http, PlanStore store) =>
            {
                await VisiblePlanAsync(id, http, store);
                return await store.VersionAsync(id, version, http.RequestAborted) is { } document
                    ? Results.Ok(document)
                    : throw new IdentityProblem(ProblemKind.NotFound, $"没有第 {version} 版 / no version {version}");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetPlanVersion")
            .WithSummary("One version of a plan with its content (every version is kept).");

        plans.MapGet("/{id}/effective", async (string id, HttpContext http, PlanStore store) =>
            {
                var plan = await VisiblePlanAsync(id, http, store);
                return await store.EffectiveAsync(id, http.RequestAborted) is { } effective
                    ? Results.Ok(effective)
                    : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "预案尚未生效 / The plan is not in force.",
                        detail: "预案经管理方批准后才生效 / a plan is effective only once management approved it",
                        extensions: new Dictionary<string, object?>
                        {
                            ["code"] = "NotEffective",
                            ["currentState"] = plan.LatestState.ToString(),
                            ["latestVersion"] = plan.LatestVersion,
                        });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetEffectivePlan")
            .WithSummary("The version in force (the latest approved one), which an incident cites; 409 NotEffective while none is approved.");

        plans.MapPut("/{id}/draft", async (string id, DraftBody? body, HttpContext http, PlanStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                var plan = await VisiblePlanAsync(id, http, store);
                OpsHttp.RequirePartyUser(user, plan.PartyId, "预案 plan");
                return await requests.RunAsync(http, "plan.draft:" + id, async (connection, transaction) =>
                {
                    if (body?.Revision is not { } revision)
                    {
                        throw OpsProblem.Invalid("需要 revision（编辑所基于的预案修订号）/ revision is required: the plan revision you edited");
                    }

                    var title = OpsHttp.Optional(body.Title, "title", MaxTitle);
                    var scenario = OpsHttp.Optional(body.Scenario, "scenario", MaxTitle);
                    var saved = await store.SaveDraftAsync(connection, transaction, id, revision, title, scenario, PlanStore.Normalize(body.Content), Actor(user),
                        http.RequestAborted);
                    Note(http, id, saved);
                    return new OpsAnswer(StatusCodes.Status200OK, saved);
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SavePlanDraft")
            .WithSummary("Saves the draft (needs the plan's current revision); on an approved plan it starts a new draft version, while the approved one stays effective.");

        plans.MapPost("/{id}/submit", async (string id, HttpContext http, PlanStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                var plan = await VisiblePlanAsync(id, http, store);
                OpsHttp.RequirePartyUser(user, plan.PartyId, "预案 plan");
                return await requests.RunAsync(http, "plan.submit:" + id, async (connection, transaction) =>
                {
                    var submitted = await store.SubmitAsync(connection, transaction, id, Actor(user), http.RequestAborted);
                    Note(http, id, submitted);
                    return new OpsAnswer(StatusCodes.Status200OK, submitted);
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SubmitPlan")
            .WithSummary("Submits the draft for management's approval; 422 lists what is missing (every section filled, every risk rated).");

        plans.MapPost("/{id}/approve", (string id, DecisionBody? body, HttpContext http, PlanStore store, OpsRequests requests) =>
                DecideAsync(id, approve: true, body, http, store, requests))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ApprovePlan")
            .WithSummary("Management approves the submitted version (optionally naming it: version): it becomes the effective one.");

        plans.MapPost("/{id}/return", (string id, DecisionBody? body, HttpContext http, PlanStore store, OpsRequests requests) =>
                DecideAsync(id, approve: false, body, http, store, requests))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReturnPlan")
            .WithSummary("Management returns the submitted version to draft with a reason.");

        MapDrills(endpoints);
        return endpoints;
    }

    private static void MapDrills(IEndpointRouteBuilder endpoints)
    {
        var drills = endpoints.MapGroup("/api/v1/drills").WithTags("plans").Problems();

        drills.MapGet("/", async (string? partyId, string? planId, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, DrillStore store) =>
                Results.Ok(await store.ListAsync(Scope.PartyFilter(http.CurrentUser(), partyId), planId, from, to, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListDrills")
            .WithSummary("Drills by scheduled time, newest first; filters: partyId, planId, from, to.");

        drills.MapPost("/", async (ScheduleDrillBody? body, HttpContext http, PlanStore plans, DrillStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                if (user.PartyId is null || user.PartyRole is null)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, "只有接入方的用户可以安排演练 / only users of an access party schedule drills");
                }

                if (string.IsNullOrWhiteSpace(body?.PlanId))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, "需要 planId / planId is required");
                }

                var plan = await VisiblePlanAsync(body.PlanId, http, plans);
                OpsHttp.RequirePartyUser(user, plan.PartyId, "预案 plan");
                return await requests.RunAsync(http, "drill.schedule", async (connection, transaction) =>
                {
                    var scenario = OpsHttp.Required(body.Scenario, "scenario", MaxText);
                    if (body.ScheduledAt is not { } at)
                    {
                        throw OpsProblem.Invalid("需要 scheduledAt / scheduledAt is required");
                    }

                    var id = OpsHttp.NewId("drill");
                    var drill = await store.ScheduleAsync(connection, transaction, id, plan, scenario, at, user.DisplayName, http.RequestAborted);
                    http.Audit().Target = "drill:" + id;
                    http.Audit().Details["plan"] = plan.Id;
                    return new OpsAnswer(StatusCodes.Status201Created, drill, $"/api/v1/drills/{id}");
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ScheduleDrill")
            .WithSummary("A party user schedules a drill of one of the party's plans: planId, scenario, scheduledAt.");

        drills.MapGet("/{id}", async (string id, HttpContext http, DrillStore store) => Results.Ok(await VisibleDrillAsync(id, http, store)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetDrill")
            .WithSummary("A drill: schedule, and once run, its participants, findings, follow-ups and the plan version in force.");

        drills.MapPost("/{id}/record", async (string id, RecordDrillBody? body, HttpContext http, DrillStore store, OpsRequests requests, TimeProvider time) =>
            {
                var user = http.CurrentUser();
                var drill = await VisibleDrillAsync(id, http, store);
                OpsHttp.RequirePartyUser(user, drill.PartyId, "演练 drill");
                return await requests.RunAsync(http, "drill.record:" + id, async (connection, transaction) =>
                {
                    if (body?.StartedAt is not { } started || body.EndedAt is not { } ended || ended < started || ended > time.GetUtcNow().AddMinutes(5))
                    {
                        throw OpsProblem.Invalid("需要 startedAt 和 endedAt，结束不早于开始、不晚于现在 / startedAt and endedAt are required; it ends after it starts and not in the future");
                    }

                    var participants = (body.Participants ?? []).Where(p => p is not null).ToList();
                    if (participants.Count is 0 or > 500 || participants.Any(p => string.IsNullOrWhiteSpace(p.Name)))
                    {
                        throw OpsProblem.Invalid("需要 1 到 500 名参与人，每人有姓名 / 1 to 500 participants, each with a name");
                    }

                    var findings = (body.Findings ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => OpsHttp.Required(f, "finding", MaxText)).ToList();
                    var followUps = (body.FollowUps ?? []).Where(f => f is not null).ToList();
                    if (findings.Count > 200 || followUps.Count > 200 || followUps.Any(f => string.IsNullOrWhiteSpace(f.Action)))
                    {
                        throw OpsProblem.Invalid("发现和整改项各最多 200 条，整改项需要内容 / at most 200 findings and follow-ups; a follow-up needs its action");
                    }

                    var recorded = await store.RecordAsync(connection, transaction, id, started, ended,
                        participants.Select(p => new DrillParticipant(p.Name!.Trim(), p.Role?.Trim(), p.Organisation?.Trim())).ToList(), findings,
                        followUps.Select(f => new DrillFollowUp(f.Action!.Trim(), f.Owner?.Trim(), f.DueOn)).ToList(),
                        OpsHttp.Optional(body.Summary, "summary", MaxText), user.DisplayName, http.RequestAborted);
                    http.Audit().Target = "drill:" + id;
                    http.Audit().Details["state"] = recorded.State.ToString();
                    return new OpsAnswer(StatusCodes.Status200OK, recorded);
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordDrill")
            .WithSummary("Records a scheduled drill as run: startedAt, endedAt, participants, findings, followUps, summary. Once only.");

        drills.MapPost("/{id}/cancel", async (string id, ReasonBody? body, HttpContext http, DrillStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                var drill = await VisibleDrillAsync(id, http, store);
                OpsHttp.RequirePartyUser(user, drill.PartyId, "演练 drill");
                return await requests.RunAsync(http, "drill.cancel:" + id, async (connection, transaction) =>
                {
                    var reason = OpsHttp.Required(body?.Reason, "reason", MaxText);
                    var cancelled = await store.CancelAsync(connection, transaction, id, reason, user.DisplayName, http.RequestAborted);
                    http.Audit().Target = "drill:" + id;
                    return new OpsAnswer(StatusCodes.Status200OK, cancelled);
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CancelDrill")
            .WithSummary("Cancels a scheduled drill with a reason.");
    }

    private static async Task<IResult> DecideAsync(string id, bool approve, DecisionBody? body, HttpContext http, PlanStore store, OpsRequests requests)
    {
        var user = http.CurrentUser();
        await VisiblePlanAsync(id, http, store);
        if (!user.Is(PlatformRoles.Management))
        {
            throw new IdentityProblem(ProblemKind.Forbidden, "只有管理方可以审批预案 / only management approves or returns plans");
        }

        return await requests.RunAsync(http, (approve ? "plan.approve:" : "plan.return:") + id, async (connection, transaction) =>
        {
            PlanDetail decided;
            if (approve)
            {
                decided = await store.ApproveAsync(connection, transaction, id, body?.Version, Actor(user), http.RequestAborted);
            }
            else
            {
                var reason = OpsHttp.Required(body?.Reason, "reason", MaxText);
                decided = await store.ReturnAsync(connection, transaction, id, body?.Version, reason, Actor(user), http.RequestAborted);
            }

            Note(http, id, decided);
            return new OpsAnswer(StatusCodes.Status200OK, decided);
        });
    }

    /// <summary>The plan when the caller may see it; 404 otherwise (another party's plan looks absent).</summary>
    private static async Task<PlanSummary> VisiblePlanAsync(string id, HttpContext http, PlanStore store)
    {
        var plan = await store.SummaryAsync(id, http.RequestAborted);
        if (plan is null || !http.CurrentUser().CanSeeParty(plan.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, $"预案 {id} 不存在 / plan {id} not found");
        }

        return plan;
    }

    private static async Task<DrillView> VisibleDrillAsync(string id, HttpContext http, DrillStore store)
    {
        var drill = await store.GetAsync(id, http.RequestAborted);
        if (drill is null || !http.CurrentUser().CanSeeParty(drill.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, $"演练 {id} 不存在 / drill {id} not found");
        }

        return drill;
    }

    private static PlanStore.Actor Actor(CurrentUser user) => new(user.Id, user.DisplayName);

    private static void Note(HttpContext http, string id, PlanDetail plan)
    {
        http.Audit().Target = "plan:" + id;
        http.Audit().Details["version"] = plan.Plan.LatestVersion;
        http.Audit().Details["state"] = plan.Plan.LatestState.ToString();
        http.Audit().Details["effectiveVersion"] = plan.Plan.EffectiveVersion;
    }
}
