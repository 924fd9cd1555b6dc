using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.People;

/// <summary>
/// Training (人员培训, F8.2) under /api/v1/people/training: HTTP to the organisation's training grain. The organisation is
/// named like the staff records' (<c>organisation=party:{id}</c> or <c>operator</c>, default the caller's own); trainers
/// are its admins, and for the operator's own staff its administrators and operators.
/// </summary>
internal static class TrainingApi
{
    public sealed record PlanBody(StaffPost? Post, TrainingKind? Kind, string? Title, TrainingCadence? Cadence, IReadOnlyList<string>? Skills, int? PassMark);

    public sealed record MaterialBody(string? Name, string? Link);

    public sealed record SessionBody(
        string? PlanId,
        string? Title,
        bool? External,
        string? Provider,
        DateTimeOffset? StartsAt,
        string? Location,
        IReadOnlyList<MaterialBody>? Materials,
        int? PassMark);

    public sealed record PeopleBody(IReadOnlyList<string>? PersonIds);

    public sealed record ScoreBody(string? PersonId, int? Score, IReadOnlyList<string>? ConfirmedSkills);

    public sealed record ScoresBody(IReadOnlyList<ScoreBody>? Scores);

    public static IEndpointRouteBuilder MapTrainingApi(this IEndpointRouteBuilder endpoints)
    {
        var training = endpoints.MapGroup("/api/v1/people/training").WithTags("people");

        training.MapGet("/", async (string? organisation, HttpContext http, IClusterClient cluster) =>
                Results.Ok(await cluster.GetGrain<ITrainingGrain>(StaffApi.Readable(http.CurrentUser(), organisation).Key).GetAsync()))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("TrainingOverview")
            .WithSummary("The organisation's training as of today: plans, sessions (newest first) and open re-training obligations with `overdue` flagged.");

        training.MapGet("/workflow", () => Results.Ok(new { Plan = TrainingWorkflow.PlanRows(), Session = TrainingWorkflow.SessionRows() }))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("TrainingWorkflow")
            .WithSummary("The state tables of training plans and sessions (state × command × who → next state).");

        training.MapGet("/obligations", async (string? organisation, string? person, HttpContext http, IClusterClient cluster) =>
            {
                var grain = cluster.GetGrain<ITrainingGrain>(StaffApi.Readable(http.CurrentUser(), organisation).Key);
                return Results.Ok(string.IsNullOrWhiteSpace(person) ? (await grain.GetAsync()).Obligations : await grain.ObligationsOfAsync(person.Trim()));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("TrainingObligations")
            .WithSummary("Re-training obligations (§8.1.5.5): the organisation's open ones by due date, or with person={id} every one of that person " +
                "(open, fulfilled, dropped), each with `overdue`.");

        training.MapPost("/plans", (string? organisation, PlanBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, operation => new CreateTrainingPlan(OpsHttp.IdFor("tp", operation), body?.Post, body?.Kind, body?.Title, body?.Cadence,
                    body?.Skills, body?.PassMark), http, cluster, created: true))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CreateTrainingPlan")
            .WithSummary("A trainer writes a plan (draft): post (Manager, Staff, ServicePost), kind (PostBasics, OperatingSkills, PlatformOperations, " +
                "GovernmentService, Quality, Security, Confidentiality), title, cadence (Once, Quarterly, HalfYearly, Yearly), skills, passMark (default 60). " +
                "Requires an Idempotency-Key.");

        training.MapPut("/plans/{planId}", (string planId, string? organisation, PlanBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new UpdateTrainingPlan(planId, body?.Title, body?.Cadence, body?.Skills, body?.PassMark), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("UpdateTrainingPlan")
            .WithSummary("Changes title, cadence, skills or passMark (fields left out stay). A skill change of an active plan asks everyone of its post " +
                "to train again. Requires an Idempotency-Key.");

        training.MapPost("/plans/{planId}/activate", (string planId, string? organisation, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new ActivateTrainingPlan(planId), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ActivateTrainingPlan")
            .WithSummary("Brings a plan into force: everyone of its post owes it within the due days. Requires an Idempotency-Key.");

        training.MapPost("/plans/{planId}/retire", (string planId, string? organisation, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new RetireTrainingPlan(planId), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RetireTrainingPlan")
            .WithSummary("Retires a plan; its open obligations are dropped. Requires an Idempotency-Key.");

        training.MapPost("/sessions", (string? organisation, SessionBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, operation => new ScheduleTrainingSession(OpsHttp.IdFor("ts", operation), body?.PlanId, body?.Title,
                    body?.External ?? false, body?.Provider, body?.StartsAt, body?.Location,
                    body?.Materials?.Select(m => new TrainingMaterial(m.Name ?? "", m.Link)).ToList(), body?.PassMark), http, cluster, created: true))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ScheduleTrainingSession")
            .WithSummary("Schedules a session of an active plan: planId, title, external, provider, startsAt, location, materials [{name, link}], " +
                "passMark (default the plan's). Requires an Idempotency-Key.");

        training.MapPost("/sessions/{sessionId}/enrolment", (string sessionId, string? organisation, PeopleBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new EnrolTraining(sessionId, body?.PersonIds), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EnrolTraining")
            .WithSummary("Enrols people (personIds) of the organisation holding the plan's post. Requires an Idempotency-Key.");

        training.MapPut("/sessions/{sessionId}/attendance", (string sessionId, string? organisation, PeopleBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new RecordTrainingAttendance(sessionId, body?.PersonIds), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordTrainingAttendance")
            .WithSummary("Who of the enrolled attended (personIds; the others are absent); the session is then held. Requires an Idempotency-Key.");

        training.MapPut("/sessions/{sessionId}/scores", (string sessionId, string? organisation, ScoresBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new RecordTrainingScores(sessionId,
                    body?.Scores?.Select(s => new TrainingScore(s.PersonId, s.Score, s.ConfirmedSkills)).ToList()), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordTrainingScores")
            .WithSummary("The assessment: scores [{personId, score 0–100, confirmedSkills}] of attendees. Requires an Idempotency-Key.");

        training.MapPost("/sessions/{sessionId}/close", (string sessionId, string? organisation, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new CloseTrainingSession(sessionId), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CloseTrainingSession")
            .WithSummary("Closes a held session whose attendees are all scored: each result goes onto the attendee's staff record (a passed " +
                "PostBasics lifts the role gate) and passes fulfil obligations. Requires an Idempotency-Key.");

        training.MapPost("/sessions/{sessionId}/cancel", (string sessionId, string? organisation, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(organisation, _ => new CancelTrainingSession(sessionId), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CancelTrainingSession")
            .WithSummary("Calls a scheduled session off. Requires an Idempotency-Key.");

        return endpoints;
    }

    /// <summary>The caller as a trainer of the organisation; 403 before anything else is asked of a caller who is not one.</summary>
    private static StaffActor Trainer(CurrentUser user, Organisation organisation)
    {
        var trainer = organisation.Side == OrganisationSide.Operator
            ? user.Is(PlatformRoles.Admin) || user.Is(PlatformRoles.Operator)
            : user.CanManageParty(organisation.PartyId!);
        return trainer
            ? new StaffActor(user.Id, user.DisplayName, StaffRole.Trainer)
            : throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("training.onlyTrainers"));
    }

    private static async Task<IResult> ExecuteAsync(string? organisation, Func<string, TrainingCommand> command, HttpContext http, IClusterClient cluster,
        bool created = false)
    {
        var target = StaffApi.Readable(http.CurrentUser(), organisation);
        var actor = Trainer(http.CurrentUser(), target);
        var operation = CommandIds.Required(http);
        var given = command(operation);
        var result = await cluster.GetGrain<ITrainingGrain>(target.Key).ExecuteAsync(given, actor, operation);
        var what = given is TrainingPlanCommand ? Msg.Of("training.what.plan") : Msg.Of("training.what.session");
        http.Audit().Target = "training:" + target.Key + ":" + (given is TrainingPlanCommand p ? p.PlanId : ((TrainingSessionCommand)given).SessionId);
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State, result.AllowedMoves, what,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        http.Audit().Details["state"] = result.State;
        object answer = (object?)result.Plan ?? result.Session!;
        var location = result.Plan is { } plan ? $"/api/v1/people/training/plans/{plan.Id}" : $"/api/v1/people/training/sessions/{result.Session!.Id}";
        return created ? Results.Created(location, answer) : Results.Ok(answer);
    }
}
