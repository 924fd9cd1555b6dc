using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Supervision;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Supervision;

/// <summary>
/// Supervision (监督, F11.2) under /api/v1/supervision and the survey builder under /api/v1/surveys: HTTP to the record and
/// survey grains, lists from their read tables. Platform staff and management see and write every record; a party's users
/// read the records concerning their party, except a mystery visit (暗访) until it is closed. Who may make which move is the
/// grains' tables.
/// </summary>
internal static class SupervisionApi
{
    public sealed record PlanBody(SupervisionKind? Kind, string? Title, string? PartyId, string? Channel, DateOnly? PlannedFor, string? Detail,
        Guid? ResponsibleId = null);

    public sealed record ScheduleBody(DateOnly? PlannedFor, Guid? ResponsibleId);

    public sealed record RecordBody(DateOnly? DoneOn, string? Summary, List<string>? Findings);

    public sealed record TextBody(string? Text);

    public sealed record SurveyLinkBody(string? SurveyId);

    public sealed record NoteBody(string? Note);

    public sealed record SurveyBody(string? Title, string? Intro, List<SurveyQuestionDraft>? Questions, string? ConsentText);

    /// <summary>A finding with the state its rectification has reached.</summary>
    public sealed record FindingDetail(SupervisionFinding Finding, RectificationState? RectificationState);

    private static readonly string WhatRecord = Msg.Of("supervision.whatRecord");
    private static readonly string WhatSurvey = Msg.Of("supervision.whatSurvey");

    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder endpoints)
    {
        var records = endpoints.MapGroup("/api/v1/supervision").WithTags("supervision");

        records.MapGet("/", async (string? kind, HttpContext http, SupervisionReadModel read) =>
            {
                var user = http.CurrentUser();
                return Results.Ok(await read.RecordsAsync(SeesAll(user) ? null : user.PartyId, SeesAll(user), kind, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListSupervision")
            .WithSummary("Supervision records, newest first: all for platform staff and management; a party's users those concerning their party, " +
                "mystery visits only once closed. ?kind= filters.");

        records.MapGet("/workflow", () => Results.Ok(SupervisionWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("SupervisionWorkflow")
            .WithSummary("The supervision state table (state × command × who → next state).");

        records.MapPost("/", async (PlanBody? body, HttpContext http, IClusterClient cluster, UserStore users) =>
            {
                var operation = CommandIds.Required(http);
                var responsible = await ResponsibleAsync(body?.ResponsibleId, http, users);
                var command = new PlanSupervision(body?.Kind, body?.Title, body?.PartyId, body?.Channel, body?.PlannedFor, body?.Detail, responsible);
                var result = await cluster.GetGrain<ISupervisionRecordGrain>(IdFor("sup", operation)).ExecuteAsync(command, Actor(http.CurrentUser()), operation);
                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("PlanSupervision")
            .WithSummary("Operators and management plan a supervision activity: kind (TelephoneVisit, OnlineSurvey, ReturnVisit, ManagerVisit, " +
                "MysteryVisit, PublicSupervision), title, the access party and channel concerned, the day planned, the person responsible " +
                "(responsibleId: an operator, admin or management account; the planner by default), reminded the day before. Requires an Idempotency-Key.");

        records.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var (record, grain) = await VisibleAsync(id, http, cluster);
                var findings = new List<FindingDetail>();
                foreach (var f in record.Findings)
                {
                    var state = f.RectificationId is { } r ? (await cluster.GetGrain<IRectificationGrain>(r).GetAsync())?.State : null;
                    findings.Add(new FindingDetail(f, state));
                }

                var survey = record.SurveyId is { } s ? await cluster.GetGrain<ISurveyGrain>(s).GetAsync() : null;
                var moves = SupervisionWorkflow.Table.AllowedIn(record.State, Actor(http.CurrentUser()).Roles);
                return Results.Ok(new { Record = record, Findings = findings, Survey = survey, History = await grain.GetHistoryAsync(), AllowedMoves = moves });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetSupervision")
            .WithSummary("A record with its findings (and how far each one's rectification got), the linked survey's results, its history and the caller's moves.");

        records.MapPost("/{id}/schedule", async (string id, ScheduleBody? body, HttpContext http, IClusterClient cluster, UserStore users) =>
            {
                var (record, _) = await VisibleAsync(id, http, cluster);
                // A record planned without anyone responsible gets the person who schedules it.
                var responsible = body?.ResponsibleId is null && record.ResponsibleId is not null ? null : await ResponsibleAsync(body?.ResponsibleId, http, users);
                return await ExecuteAsync(id, new ScheduleSupervision(body?.PlannedFor, responsible), http, cluster);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ScheduleSupervision")
            .WithSummary("Sets or moves a planned activity's day (plannedFor) and the person responsible (responsibleId; kept when absent, the caller " +
                "when the record has none). The person is told the day before; when the day ends without the activity recorded the record is " +
                "flagged overdue. Requires an Idempotency-Key.");
        Command(records, "/{id}/record", "RecordSupervision", "Records the activity as carried out: doneOn (default today), summary, findings (texts).",
            (RecordBody? b) => new RecordSupervision(b?.DoneOn, b?.Summary, b?.Findings));
        Command(records, "/{id}/findings", "AddSupervisionFinding", "Adds a finding to a record carried out.",
            (TextBody? b) => new AddSupervisionFinding(b?.Text));
        records.MapPost("/{id}/findings/{number:int}/rectification", async (string id, int number, HttpContext http, IClusterClient cluster) =>
                await ExecuteAsync(id, new OpenFindingRectification(number), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("OpenFindingRectification")
            .WithSummary("Opens a rectification of the party concerned on one finding; the party answers it under /api/v1/rectifications. Requires an Idempotency-Key.");
        Command(records, "/{id}/survey", "LinkSupervisionSurvey", "Links an online survey to an online-survey record.",
            (SurveyLinkBody? b) => new LinkSupervisionSurvey(b?.SurveyId));
        Command(records, "/{id}/close", "CloseSupervision", "Closes a record carried out (a mystery visit becomes visible to the party visited).",
            (NoteBody? b) => new CloseSupervision(b?.Note));

        var surveys = endpoints.MapGroup("/api/v1/surveys").WithTags("surveys");

        surveys.MapGet("/", async (SupervisionReadModel read, HttpContext http) => Results.Ok(await read.SurveysAsync(http.RequestAborted)))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ListSurveys")
            .WithSummary("The surveys, newest first, with their state and number of answers.");

        surveys.MapGet("/workflow", () => Results.Ok(SurveyWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("SurveyWorkflow")
            .WithSummary("The survey state table (state × command × who → next state).");

        surveys.MapPost("/", async (SurveyBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var operation = CommandIds.Required(http);
                var result = await cluster.GetGrain<ISurveyGrain>(IdFor("svy", operation))
                    .ExecuteAsync(new DefineSurvey(body?.Title, body?.Intro, body?.Questions, body?.ConsentText), SurveyActorOf(http.CurrentUser()), operation);
                return SurveyAnswer(http, result, created: true);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("DefineSurvey")
            .WithSummary("Operators and management write a survey: title, intro, questions (kind Single, Multiple, Rating or Text; text; options for " +
                "choice questions; required), and a consent text only when it asks for personal data (none by default). Requires an Idempotency-Key.");

        surveys.MapGet("/{id}", async (string id, IClusterClient cluster) =>
                Results.Ok(await cluster.GetGrain<ISurveyGrain>(id).GetAsync()
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", WhatSurvey)))))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("GetSurvey")
            .WithSummary("A survey with its questions and per-question results (counts per option or rating, the latest texts).");

        surveys.MapGet("/{id}/answers.xlsx", async (string id, HttpContext http, IClusterClient cluster, SurveyExport export) =>
            {
                var (survey, rows) = await ExportAsync(id, http, cluster, export);
                using var buffer = new MemoryStream();
                await Reports.ReportPack.WriteXlsxAsync(buffer, new Dictionary<string, object> { [MessageCatalog.Render(Msg.Of("supervision.export.sheet"), MessageCatalog.CurrentLanguage)] = rows }, http.RequestAborted);
                return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{survey.Id}-answers.xlsx");
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ExportSurveyAnswersXlsx")
            .WithSummary("A survey's answers as XLSX: one row per answer (number, time in Asia/Shanghai, one column per question), headers in the " +
                "caller's language; phone numbers and e-mail addresses in text answers masked except for platform administrators; every export is " +
                "written to the operation log.");

        surveys.MapGet("/{id}/answers.csv", async (string id, HttpContext http, IClusterClient cluster, SurveyExport export) =>
            {
                var (survey, rows) = await ExportAsync(id, http, cluster, export);
                return Results.Stream(body => Reports.ReportPack.WriteCsvAsync(body, rows, http.RequestAborted), "text/csv; charset=utf-8",
                    $"{survey.Id}-answers.csv");
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ExportSurveyAnswersCsv")
            .WithSummary("The same answers as CSV.");

        SurveyCommand(surveys, "/{id}", "EditSurvey", "Rewrites a draft survey.", (SurveyBody? b) => new DefineSurvey(b?.Title, b?.Intro, b?.Questions, b?.ConsentText), put: true);
        SurveyCommand(surveys, "/{id}/publish", "PublishSurvey", "Publishes a draft: the public link answers.", (NoteBody? _) => new PublishSurvey());
        SurveyCommand(surveys, "/{id}/close", "CloseSurvey", "Closes a published survey: no more answers.", (NoteBody? _) => new CloseSurvey());

        return endpoints;
    }

    /// <summary>An id derived from the operation, so a retried creation reaches the same grain.</summary>
    internal static string IdFor(string prefix, string operationId) =>
        prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + "\n" + operationId)).AsSpan(0, 8));

    /// <summary>The person responsible: the account named (platform staff who supervise, active), or the caller when none is named.</summary>
    private static async Task<Grains.Newsroom.Person> ResponsibleAsync(Guid? id, HttpContext http, UserStore users)
    {
        var caller = http.CurrentUser();
        if (id is not { } named || named == caller.Id)
        {
            return new Grains.Newsroom.Person(caller.Id, caller.DisplayName);
        }

        var user = await users.GetAsync(named, http.RequestAborted);
        var supervises = user is { Disabled: false } && user.PlatformRoles.Any(r => r is PlatformRoles.Admin or PlatformRoles.Operator or PlatformRoles.Management);
        return supervises ? new Grains.Newsroom.Person(user!.Id, user.DisplayName)
            : throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("supervision.responsibleInvalid"));
    }

    /// <summary>The survey and its answers for an export; a platform administrator sees personal data in full, and that is audited.</summary>
    private static async Task<(SurveyView Survey, List<Dictionary<string, object?>> Rows)> ExportAsync(string id, HttpContext http, IClusterClient cluster,
        SurveyExport export)
    {
        var survey = await cluster.GetGrain<ISurveyGrain>(id).GetAsync()
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", WhatSurvey)));
        var full = http.CurrentUser().Is(PlatformRoles.Admin);
        http.Audit().Target = "survey:" + survey.Id;
        http.Audit().Details["answers"] = survey.Responses;
        http.Audit().Details["personalData"] = full ? "full" : "masked";
        return (survey, await export.RowsAsync(survey, full, http.RequestAborted));
    }

    private static bool SeesAll(CurrentUser user) => user.SpansAllParties || user.Is(PlatformRoles.Management);

    /// <summary>Platform staff supervise as operator and management; management as management; a party's users only read.</summary>
    private static OpsActor Actor(CurrentUser user)
    {
        var roles = OpsRole.None;
        if (user.SpansAllParties)
        {
            roles |= OpsRole.Operator | OpsRole.Management;
        }

        if (user.Is(PlatformRoles.Management))
        {
            roles |= OpsRole.Management;
        }

        return new OpsActor(user.Id, user.DisplayName, roles);
    }

    private static SurveyActor SurveyActorOf(CurrentUser user) =>
        new(user.Id, user.DisplayName, SeesAll(user) ? SurveyRole.Staff : SurveyRole.None);

    private static void Command<TBody>(RouteGroupBuilder group, string pattern, string name, string summary, Func<TBody?, SupervisionCommand> make)
        where TBody : class =>
        group.MapPost(pattern, async (string id, TBody? body, HttpContext http, IClusterClient cluster) => await ExecuteAsync(id, make(body), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName(name)
            .WithSummary(summary + " Requires an Idempotency-Key.");

    private static void SurveyCommand<TBody>(RouteGroupBuilder group, string pattern, string name, string summary, Func<TBody?, SurveyCommand> make,
        bool put = false)
        where TBody : class
    {
        var handler = async (string id, TBody? body, HttpContext http, IClusterClient cluster) =>
        {
            // Addressed by id, a command never creates a survey: an unknown one is 404, like a record.
            var grain = cluster.GetGrain<ISurveyGrain>(id);
            _ = await grain.GetAsync() ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", WhatSurvey)));
            var result = await grain.ExecuteAsync(make(body), SurveyActorOf(http.CurrentUser()), CommandIds.Required(http));
            return SurveyAnswer(http, result, created: false);
        };
        (put ? group.MapPut(pattern, handler) : group.MapPost(pattern, handler))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName(name)
            .WithSummary(summary + " Requires an Idempotency-Key.");
    }

    private static async Task<IResult> ExecuteAsync(string id, SupervisionCommand command, HttpContext http, IClusterClient cluster)
    {
        var (_, grain) = await VisibleAsync(id, http, cluster);
        var result = await grain.ExecuteAsync(command, Actor(http.CurrentUser()), CommandIds.Required(http));
        return Answer(http, result, created: false);
    }

    /// <summary>A record the caller may see (404 otherwise, like another party's things and an open mystery visit).</summary>
    internal static async Task<(SupervisionRecordView Record, ISupervisionRecordGrain Grain)> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var user = http.CurrentUser();
        var grain = cluster.GetGrain<ISupervisionRecordGrain>(id);
        var record = await grain.GetAsync();
        var visible = record is not null && (SeesAll(user) || (record.PartyId is { } p && user.PartyId == p && record.VisibleToParty));
        return visible ? (record!, grain) : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("supervision.notFoundId", ("id", id)));
    }

    private static IResult Answer(HttpContext http, SupervisionResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, WhatRecord,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var record = result.Record!;
        http.Audit().Target = "supervision:" + record.Id;
        http.Audit().Details["state"] = record.State.ToString();
        http.Audit().Details["version"] = record.Version;
        return created ? Results.Created($"/api/v1/supervision/{record.Id}", record) : Results.Ok(record);
    }

    internal static IResult SurveyAnswer(HttpContext http, SurveyResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, WhatSurvey,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        if (result.Survey is not { } survey)
        {
            return Results.Ok(new { result.State });
        }

        http.Audit().Target = "survey:" + survey.Id;
        http.Audit().Details["state"] = survey.State.ToString();
        return created ? Results.Created($"/api/v1/surveys/{survey.Id}", survey) : Results.Ok(survey);
    }
}
