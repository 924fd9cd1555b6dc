using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Evaluation;

/// <summary>
/// Yearly evaluations (年度评价, F12.1) under /api/v1/evaluations: HTTP to the evaluation grains, the list and the
/// year-over-year comparison from their read table. Platform staff and management see every center's; a center's (access
/// party's) users see their own. Who may make which move is the grain's table; a center's administrators score for the center.
/// </summary>
internal static class EvaluationsApi
{
    public sealed record PlanBody(string? PartyId, int? Year, string? Title);

    public sealed record CriteriaBody(List<EvaluationCriterion>? Criteria, EvaluationBands? Bands);

    public sealed record ScoreBody(EvaluationParty? Party, string? Criterion, decimal? Score, string? Comment);

    public sealed record SurveyBody(string? SurveyId, string? Criterion);

    public sealed record EvidenceBody(EvaluationEvidenceKind? Kind, string? Reference, string? Note);

    public sealed record FindingBody(string? Text, string? Criterion);

    public sealed record ResponsibleBody(string? Responsible);

    public sealed record ReasonBody(string? Reason);

    public sealed record ConcludeBody(string? Summary, string? Reward, string? Practice);

    public sealed record NoteBody(string? Note);

    /// <summary>A finding with the state its rectification has reached.</summary>
    public sealed record FindingDetail(EvaluationFinding Finding, RectificationState? RectificationState);

    /// <summary>A criterion with its combined score.</summary>
    public sealed record CriterionDetail(EvaluationCriterion Criterion, decimal? Score);

    private static readonly string What = Msg.Of("evaluation.what");

    public static WebApplicationBuilder AddEvaluations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EvaluationReadModel>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/evaluations").WithTags("evaluations");

        group.MapGet("/", async (string? partyId, int? year, HttpContext http, EvaluationReadModel read) =>
                Results.Ok(await read.ListAsync(PartyScope(http.CurrentUser(), partyId), year, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListEvaluations")
            .WithSummary("Yearly evaluations, newest year first: every center's for platform staff and management (?partyId= filters), a center's own otherwise; ?year= filters.");

        group.MapGet("/workflow", () => Results.Ok(EvaluationWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("EvaluationWorkflow")
            .WithSummary("The evaluation state table (state × command × who → next state).");

        group.MapGet("/comparison", async (string? partyId, HttpContext http, EvaluationReadModel read) =>
            {
                var party = PartyScope(http.CurrentUser(), partyId)
                    ?? throw new CommandRefused("Invalid", Msg.Of("evaluation.partyRequired"), What);
                return Results.Ok(new { PartyId = party, Years = await read.ComparisonAsync(party, http.RequestAborted) });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CompareEvaluations")
            .WithSummary("A center's evaluations year over year: each year's total, result and each criterion's combined score (the caller's own center unless platform staff or management name one).");

        group.MapPost("/", async (PlanBody? body, HttpContext http, IClusterClient cluster) =>
            {
                if (string.IsNullOrWhiteSpace(body?.PartyId) || body.Year is not { } year)
                {
                    throw new CommandRefused("Invalid", Msg.Of("evaluation.planRequired", ("first", 2000), ("last", 2100), ("max", 200)), What);
                }

                var operation = CommandIds.Required(http);
                var party = body.PartyId.Trim();
                var result = await cluster.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(party, year))
                    .ExecuteAsync(new PlanEvaluation(party, year, body.Title), Actor(http.CurrentUser(), party), operation);
                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("PlanEvaluation")
            .WithSummary("Operators and management plan a center's evaluation of a year (one per access party and year; its id is eval-{partyId}-{year}). Requires an Idempotency-Key.");

        group.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var (evaluation, grain) = await VisibleAsync(id, http, cluster);
                var findings = new List<FindingDetail>();
                foreach (var f in evaluation.Findings)
                {
                    var state = f.RectificationId is { } r ? (await cluster.GetGrain<IRectificationGrain>(r).GetAsync())?.State : null;
                    findings.Add(new FindingDetail(f, state));
                }

                var criteria = evaluation.Criteria.Select(c => new CriterionDetail(c, EvaluationScoring.CriterionScore(evaluation, c.Code))).ToList();
                var moves = EvaluationWorkflow.Table.AllowedIn(evaluation.State, Actor(http.CurrentUser(), evaluation.PartyId).Roles);
                return Results.Ok(new
                {
                    Evaluation = evaluation,
                    Criteria = criteria,
                    Total = EvaluationScoring.Total(evaluation),
                    Findings = findings,
                    History = await grain.GetHistoryAsync(),
                    AllowedMoves = moves,
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetEvaluation")
            .WithSummary("An evaluation with each criterion's combined score, the running total, its findings (and how far each one's rectification got), its history and the caller's moves.");

        group.MapGet("/{id}/export.xlsx", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var (evaluation, _) = await VisibleAsync(id, http, cluster);
                var states = new Dictionary<string, RectificationState?>(StringComparer.Ordinal);
                foreach (var r in evaluation.Findings.Select(f => f.RectificationId).OfType<string>())
                {
                    states[r] = (await cluster.GetGrain<IRectificationGrain>(r).GetAsync())?.State;
                }

                using var buffer = new MemoryStream();
                await Reports.ReportPack.WriteXlsxAsync(buffer, EvaluationExport.Sections(evaluation, states), http.RequestAborted);
                return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{evaluation.Id}.xlsx");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ExportEvaluation")
            .WithSummary("An evaluation as XLSX, for whoever may see it: a summary (center, year, state, total, result, bands, conclusion, reward, " +
                "practice), the criteria with weights and each party's and the combined score, the evidence, and the findings with their " +
                "rectification and its state; sheet names and headers in the caller's language.");

        group.MapPut("/{id}/criteria", (string id, CriteriaBody? b, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new DefineEvaluation(b?.Criteria, b?.Bands), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("DefineEvaluation")
            .WithSummary("Sets the criteria (code, name, weight; the weights sum to 100) and optionally the bands (excellent, good, pass: lower bounds on the weighted total). Requires an Idempotency-Key.");
        Command(group, "/{id}/start", "StartEvaluation", "Starts the scoring.", (NoteBody? _) => new StartEvaluation());
        Command(group, "/{id}/scores", "ScoreEvaluation",
            "One party (Authority, Public, Center) scores one criterion 0–100; the center's administrators score for the center, management for the authority and the public.",
            (ScoreBody? b) => new ScoreEvaluation(b?.Party, b?.Criterion, b?.Score, b?.Comment));
        Command(group, "/{id}/survey", "LinkEvaluationSurvey", "Takes the public's score on a criterion from a published or closed survey: its mean rating (1–5) × 20.",
            (SurveyBody? b) => new LinkEvaluationSurvey(b?.SurveyId, b?.Criterion));
        Command(group, "/{id}/evidence", "AddEvaluationEvidence",
            "Adds evidence: kind Report (an /api/ address), Indicator, Ticket or Supervision (checked to exist), a reference and a note.",
            (EvidenceBody? b) => new AddEvaluationEvidence(b?.Kind, b?.Reference, b?.Note));
        Command(group, "/{id}/findings", "AddEvaluationFinding", "Adds a finding, optionally about one criterion.",
            (FindingBody? b) => new AddEvaluationFinding(b?.Text, b?.Criterion));
        group.MapPost("/{id}/findings/{number:int}/rectification", (string id, int number, ResponsibleBody? b, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new OpenEvaluationRectification(number, b?.Responsible), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("OpenEvaluationRectification")
            .WithSummary("Opens a rectification of the center on one finding, naming the person responsible; the center answers it under /api/v1/rectifications. Requires an Idempotency-Key.");
        Command(group, "/{id}/complete", "CompleteEvaluation", "Fixes the scores (every criterion scored, every party heard) and the weighted total.",
            (NoteBody? _) => new CompleteEvaluation());
        Command(group, "/{id}/reopen", "ReopenEvaluation", "Management sends a scored evaluation back to scoring, with a reason.",
            (ReasonBody? b) => new ReopenEvaluation(b?.Reason));
        Command(group, "/{id}/conclude", "ConcludeEvaluation",
            "Management records the result from the bands; a fail needs a finding with a rectification and a person responsible, an excellent result the reward and the practice to promote.",
            (ConcludeBody? b) => new ConcludeEvaluation(b?.Summary, b?.Reward, b?.Practice));
        Command(group, "/{id}/close", "CloseEvaluation", "Management closes a concluded evaluation once every rectification it opened is done.",
            (NoteBody? b) => new CloseEvaluation(b?.Note));

        return endpoints;
    }

    private static bool SeesAll(CurrentUser user) => user.SpansAllParties || user.Is(PlatformRoles.Management);

    /// <summary>The party filter of a list: any (or the one asked for) for platform staff and management, the caller's own otherwise.</summary>
    private static string? PartyScope(CurrentUser user, string? requested) => SeesAll(user) ? requested : Scope.PartyFilter(user, null);

    /// <summary>
    /// Platform staff run evaluations as operator and management, management as management; the evaluated center's
    /// administrators act as the center (its self-assessment, its evidence); its members only read. On the operator's own
    /// evaluation (party <c>operator</c>) platform administrators act as the center and only management judges.
    /// </summary>
    private static OpsActor Actor(CurrentUser user, string? partyId) => OrganisationActor.Of(user, partyId);

    private static void Command<TBody>(RouteGroupBuilder group, string pattern, string name, string summary, Func<TBody?, EvaluationCommand> make)
        where TBody : class =>
        group.MapPost(pattern, async (string id, TBody? body, HttpContext http, IClusterClient cluster) => await ExecuteAsync(id, make(body), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName(name)
            .WithSummary(summary + " Requires an Idempotency-Key.");

    private static async Task<IResult> ExecuteAsync(string id, EvaluationCommand command, HttpContext http, IClusterClient cluster)
    {
        var (evaluation, grain) = await VisibleAsync(id, http, cluster);
        var result = await grain.ExecuteAsync(command, Actor(http.CurrentUser(), evaluation.PartyId), CommandIds.Required(http));
        return Answer(http, result, created: false);
    }

    /// <summary>An evaluation the caller may see (404 otherwise, like another party's things).</summary>
    internal static async Task<(EvaluationView Evaluation, IEvaluationGrain Grain)> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var user = http.CurrentUser();
        var grain = cluster.GetGrain<IEvaluationGrain>(id);
        var evaluation = await grain.GetAsync();
        var visible = evaluation is not null && (SeesAll(user) || user.PartyId == evaluation.PartyId);
        return visible ? (evaluation!, grain) : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("evaluation.notFoundId", ("id", id)));
    }

    private static IResult Answer(HttpContext http, EvaluationResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var evaluation = result.Evaluation!;
        http.Audit().Target = "evaluation:" + evaluation.Id;
        http.Audit().Details["state"] = evaluation.State.ToString();
        http.Audit().Details["version"] = evaluation.Version;
        return created ? Results.Created($"/api/v1/evaluations/{evaluation.Id}", evaluation) : Results.Ok(evaluation);
    }
}
