using System.Globalization;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Identity;
using MediaCenter.Reports;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Indicators;

/// <summary>
/// Indicators (指标, F9.4) under /api/v1/indicators and rectifications (整改/报备) under /api/v1/rectifications: HTTP to
/// the indicator, month and rectification grains, lists from their read tables. Management (platform administrators,
/// operators, management) defines indicators, closes or computes months and decides on explanations; an access party's
/// administrators answer for their party; everyone of the party reads.
/// </summary>
internal static class IndicatorsApi
{
    public sealed record IndicatorBody(string? Name, string? Expression, IndicatorComparison? Comparison, double? Target, List<string>? Parties, string? Unit,
        List<string>? Applications = null);

    public sealed record ReasonBody(string? Reason);

    public sealed record TextBody(string? Text);

    public sealed record PlanBody(List<RectificationActionDraft>? Actions);

    public sealed record NoteBody(string? Note);

    public sealed record DecisionBody(bool? Accepted, string? Comment);

    public sealed record RectificationDetail(RectificationView Rectification, List<RectificationHistoryEntry> History, List<RectificationCommandType> AllowedMoves);

    private static readonly string WhatIndicator = Msg.Of("what.indicator");
    private static readonly string WhatRectification = Msg.Of("what.rectification");

    public static IEndpointRouteBuilder MapIndicatorsApi(this IEndpointRouteBuilder endpoints)
    {
        var indicators = endpoints.MapGroup("/api/v1/indicators").WithTags("indicators");

        indicators.MapGet("/", async (HttpContext http, IndicatorReadModel read) =>
                Results.Ok(await read.IndicatorsAsync(PartyScope(http.CurrentUser()), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListIndicators")
            .WithSummary("Indicator definitions: all of them for management and operators; for a party's users those in force or retired that apply to it.");

        indicators.MapGet("/measures", () => Results.Ok(IndicatorMeasures.All))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("IndicatorMeasures")
            .WithSummary("The catalogue of measures an indicator's expression may use.");

        indicators.MapGet("/workflow", () => Results.Ok(IndicatorWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("IndicatorWorkflow")
            .WithSummary("The indicator state table (state × command × who → next state).");

        indicators.MapPost("/", async (IndicatorBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var operation = CommandIds.Required(http);
                var id = OpsHttp.IdFor("ind", operation);
                var command = new DefineIndicator(body?.Name, body?.Expression, body?.Comparison, body?.Target, body?.Parties, body?.Unit, body?.Applications);
                var result = await cluster.GetGrain<IIndicatorGrain>(id).ExecuteAsync(command, Actor(http.CurrentUser(), null), operation);
                http.Audit().Target = "indicator:" + id;
                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("DefineIndicator")
            .WithSummary("Management defines an indicator (a draft): name, expression over measures, comparison (AtLeast, AtMost), target, parties (none: every party) or applications ({party}.{code}: one figure each), unit. Requires an Idempotency-Key.");

        indicators.MapGet("/figures", async (string? indicatorId, string? partyId, string? from, string? to, HttpContext http, IndicatorReadModel read) =>
            {
                var party = Scope.PartyFilter(http.CurrentUser(), partyId);
                var (first, last) = (Month(from, "from") ?? new DateOnly(2000, 1, 1), Month(to, "to") ?? new DateOnly(9999, 12, 1));
                return Results.Ok(await read.FiguresAsync(indicatorId, party, first, last, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("IndicatorFigures")
            .WithSummary("Monthly figures kept as history (from/to as yyyy-MM), of one indicator and/or party; a party's users see their own party's.");

        indicators.MapPost("/months/{month}/close", async (string month, HttpContext http, IClusterClient cluster) =>
            {
                var first = Month(month, "month")!.Value;
                // The grain refuses a month that has not ended on its own clock (400).
                var report = await cluster.GetGrain<IIndicatorMonthGrain>(IIndicatorMonthGrain.DefaultKey).CloseAsync(first);
                http.Audit().Target = "indicator-month:" + IndicatorMonths.Name(first);
                http.Audit().Details["reminders"] = report.RemindersRaised.ToString(CultureInfo.InvariantCulture);
                return Results.Ok(report);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("CloseIndicatorMonth")
            .WithSummary("Closes a month that has ended (yyyy-MM) now rather than at the next hourly check: same figures every time, each missed target reminded once.");

        indicators.MapPost("/months/current/compute", async (HttpContext http, IClusterClient cluster) =>
                Results.Ok(await cluster.GetGrain<IIndicatorMonthGrain>(IIndicatorMonthGrain.DefaultKey).ComputeSoFarAsync()))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ComputeIndicatorMonthSoFar")
            .WithSummary("Computes the current month so far for every indicator in force (kept, marked not closed; the close replaces it).");

        indicators.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) => Results.Ok(await VisibleIndicatorAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetIndicator")
            .WithSummary("An indicator definition.");

        indicators.MapPut("/{id}", (string id, IndicatorBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteIndicatorAsync(id, new EditIndicator(body?.Name, body?.Expression, body?.Comparison, body?.Target, body?.Parties, body?.Unit, body?.Applications), http, cluster))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("EditIndicator")
            .WithSummary("Management changes an indicator (fields left out stay); figures already kept keep the definition they were computed with.");

        indicators.MapPost("/{id}/activate", (string id, HttpContext http, IClusterClient cluster) => ExecuteIndicatorAsync(id, new ActivateIndicator(), http, cluster))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ActivateIndicator")
            .WithSummary("Management puts a draft indicator in force.");

        indicators.MapPost("/{id}/retire", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteIndicatorAsync(id, new RetireIndicator(body?.Reason), http, cluster))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("RetireIndicator")
            .WithSummary("Management retires an indicator with a reason; its history stays.");

        var rectifications = endpoints.MapGroup("/api/v1/rectifications").WithTags("rectifications");

        rectifications.MapGet("/", async (string? partyId, RectificationState? state, HttpContext http, IndicatorReadModel read) =>
                Results.Ok(await read.RectificationsAsync(Scope.PartyFilter(http.CurrentUser(), partyId), state, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListRectifications")
            .WithSummary("Rectifications and explanations, newest first: every party's for platform staff and management, the caller's own party's otherwise.");

        rectifications.MapGet("/workflow", () => Results.Ok(RectificationWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("RectificationWorkflow")
            .WithSummary("The rectification state table (state × command × who → next state).");

        rectifications.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var grain = cluster.GetGrain<IRectificationGrain>(id);
                var view = await VisibleRectificationAsync(id, http, cluster);
                var actor = Actor(http.CurrentUser(), view.PartyId);
                var moves = RectificationWorkflow.Table.AllowedIn(view.State, actor.Roles);
                return Results.Ok(new RectificationDetail(view, await grain.GetHistoryAsync(), moves));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetRectification")
            .WithSummary("A rectification with its history and the moves the caller may make.");

        rectifications.MapPut("/{id}/analysis", (string id, TextBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteRectificationAsync(id, new AnalyseRectification(body?.Text), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("AnalyseRectification")
            .WithSummary("The party's administrators write the monthly analysis (management cannot).");

        rectifications.MapPost("/{id}/plan", (string id, PlanBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteRectificationAsync(id, new PlanRectification(body?.Actions), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("PlanRectification")
            .WithSummary("The party answers with a rectification: actions, each with what, owner and due (yyyy-MM-dd).");

        rectifications.MapPost("/{id}/actions/{number:int}/done", (string id, int number, NoteBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteRectificationAsync(id, new CompleteRectificationAction(number, body?.Note), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("CompleteRectificationAction")
            .WithSummary("The party marks an action done.");

        rectifications.MapPost("/{id}/finish", (string id, NoteBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteRectificationAsync(id, new FinishRectification(body?.Note), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("FinishRectification")
            .WithSummary("The party closes the rectification once every action is done.");

        rectifications.MapPost("/{id}/explanation", (string id, TextBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteRectificationAsync(id, new FileExplanation(body?.Text), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("FileExplanation")
            .WithSummary("The party files an explanation with management instead of rectifying.");

        rectifications.MapPost("/{id}/decision", async (string id, DecisionBody? body, HttpContext http, IClusterClient cluster) =>
            {
                if (body?.Accepted is not { } accepted)
                {
                    await VisibleRectificationAsync(id, http, cluster);
                    throw new CommandRefused("Invalid", Msg.Of("indicator.acceptedRequired"), WhatRectification);
                }

                return await ExecuteRectificationAsync(id, new DecideExplanation(accepted, body.Comment), http, cluster);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("DecideExplanation")
            .WithSummary("Management accepts or rejects a filed explanation (a rejection needs a comment); never the party that filed it.");

        var reports = endpoints.MapGroup("/api/v1/reports").WithTags("reports");

        reports.MapGet("/pack.xlsx", async (string? from, string? to, string? partyId, HttpContext http, ReportPack pack, TimeProvider time) =>
            {
                var (party, first, last) = PackRange(http, time, from, to, partyId);
                var sections = await pack.SectionsAsync(party, first, last, http.RequestAborted);
                using var buffer = new MemoryStream();
                await ReportPack.WriteXlsxAsync(buffer, sections, http.RequestAborted);
                return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    $"mediacenter-{IndicatorMonths.Name(first)}-{IndicatorMonths.Name(last)}.xlsx");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportPackXlsx")
            .WithSummary("A report pack for from–to (yyyy-MM, at most 24 months; default the previous month) and a party (a party's users: their own) as XLSX: Measures, Indicators, Trends (with a line chart per indicator), Rectifications, Channels, Incidents, RootCauses, Terminals, Inspections, Staff, HotEvents, one sheet each.");

        reports.MapGet("/pack.csv", async (string? section, string? from, string? to, string? partyId, HttpContext http, ReportPack pack, TimeProvider time) =>
            {
                var (party, first, last) = PackRange(http, time, from, to, partyId);
                var name = section ?? ReportPack.Measures;
                var rows = await pack.SectionAsync(name, party, first, last, http.RequestAborted) ?? throw SectionInvalid();
                return Results.Stream(body => ReportPack.WriteCsvAsync(body, rows, http.RequestAborted), "text/csv; charset=utf-8",
                    $"mediacenter-{name.ToLowerInvariant()}-{IndicatorMonths.Name(first)}.csv");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportPackCsv")
            .WithSummary("One section of the report pack (section = Measures, Indicators, Trends, Rectifications, Channels, Incidents, RootCauses, Terminals, Inspections, Staff or HotEvents) as CSV, for the same range and party.");

        reports.MapGet("/sections/{section}", async (string section, string? from, string? to, string? partyId, HttpContext http, ReportPack pack, TimeProvider time) =>
            {
                var (party, first, last) = PackRange(http, time, from, to, partyId);
                var rows = await pack.SectionAsync(section, party, first, last, http.RequestAborted) ?? throw SectionInvalid();
                var columns = rows.Count > 0 ? rows[0].Keys.ToList() : [];
                // An empty section is its header alone: one row of nothing, which the page shows as no rows.
                var values = rows.Where(r => r.Values.Any(v => v is not null)).Select(r => columns.Select(c => r.GetValueOrDefault(c)).ToList()).ToList();
                return Results.Ok(new SectionView(ReportPack.SectionNames.First(n => string.Equals(n, section, StringComparison.OrdinalIgnoreCase)),
                    IndicatorMonths.Name(first), IndicatorMonths.Name(last), party, columns, values));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportSection")
            .WithSummary("One section of the report pack as rows for a page (columns in order, then each row's values in that order), for the same range and party rules.");

        reports.MapGet("/archive", async (HttpContext http, IndicatorReadModel read) =>
                Results.Ok(await read.KeptPacksAsync(PartyScope(http.CurrentUser()), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("KeptReportPacks")
            .WithSummary("The monthly report packs kept for download, newest first (partyId empty: the pack of all parties); a party's users see their own party's.");

        reports.MapGet("/archive/progress", async (IClusterClient cluster) =>
                Results.Ok(await cluster.GetGrain<IReportArchiveGrain>(IReportArchiveGrain.DefaultKey).GetProgressAsync()))
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ReportArchiveProgress")
            .WithSummary("How far the monthly packs are: the last month kept, and the month being made with its packs done of all.");

        reports.MapGet("/archive/{month}.xlsx", async (string month, string? partyId, HttpContext http, IndicatorReadModel read) =>
            {
                var first = Month(month, "month")!.Value;
                var party = Scope.PartyFilter(http.CurrentUser(), partyId) ?? "";
                var file = await read.KeptPackAsync(first, party, http.RequestAborted)
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("indicator.packNotKept", ("month", IndicatorMonths.Name(first))));
                return Streamed(http, file, $"mediacenter-{(party.Length == 0 ? "all" : party)}-{IndicatorMonths.Name(first)}.xlsx");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("KeptReportPack")
            .WithSummary("A kept monthly pack as XLSX (yyyy-MM; partyId: a party's pack, none: all parties; a party's users get their own), byte for byte as it was made.");

        reports.MapPost("/archive/{month}", async (string month, HttpContext http, IClusterClient cluster) =>
            {
                var first = Month(month, "month")!.Value;
                // The grain refuses a month that has not ended on its own clock (400); packs already kept are not made again.
                var packs = await cluster.GetGrain<IReportArchiveGrain>(IReportArchiveGrain.DefaultKey).ArchiveAsync(first);
                http.Audit().Target = "report-month:" + IndicatorMonths.Name(first);
                return Results.Ok(packs);
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ArchiveReportMonth")
            .WithSummary("Makes an ended month's packs now (every party's and all parties') rather than at the next hourly check, closing its indicators first; kept packs stay as they are.");

        reports.MapPost("/exports", async (ExportBody? body, HttpContext http, IClusterClient cluster, TimeProvider time) =>
            {
                var (party, first, last) = PackRange(http, time, body?.From, body?.To, body?.PartyId);
                // The caller's Idempotency-Key names the request: a retry answers where the same pack is instead of making another.
                var id = CommandIds.KeyFor("report-export", CommandIds.Optional(http)).ToString("N");
                var status = await cluster.GetGrain<IReportExportGrain>(id)
                    .StartAsync(new ReportExportRequest(http.CurrentUser().Id, party, first, last, ReaderLanguage.Of(http.Request)));
                http.Audit().Target = "report-export:" + id;
                return Results.Accepted(ExportLink(id), ExportView.Of(status));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StartReportExport")
            .WithSummary("Starts making a report pack for from–to (yyyy-MM, at most 24 months) and a party (a party's users: their own) in the background; answers 202 with where to follow it. Its progress is pushed live (reportExportChanged) to the person who asked; the pack is kept for a day.");

        reports.MapGet("/exports/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
                Results.Ok(ExportView.Of(await OwnExportAsync(id, http, cluster))))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportExport")
            .WithSummary("How far a requested report pack is: steps done of all (each section read, then the file written), rows read, and once made its size, hash and download link. Only the person who asked sees it.");

        reports.MapGet("/exports/{id}/pack.xlsx", async (string id, HttpContext http, IClusterClient cluster, IndicatorReadModel read) =>
            {
                var status = await OwnExportAsync(id, http, cluster);
                var file = status.State == ReportExportState.Done ? await read.ExportedPackAsync(id, http.RequestAborted) : null;
                return file is null
                    ? throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("indicator.exportNotMade"))
                    : Streamed(http, file, $"mediacenter-{status.Request.PartyId ?? "all"}-{IndicatorMonths.Name(status.Request.From)}-{IndicatorMonths.Name(status.Request.To)}.xlsx");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportExportFile")
            .WithSummary("A requested report pack once made, streamed from where it is kept (409 while it is being made). Only the person who asked gets it.");

        return endpoints;
    }

    public sealed record ExportBody(string? From, string? To, string? PartyId);

    /// <summary>A section of the report pack as a page shows it.</summary>
    public sealed record SectionView(string Section, string From, string To, string? PartyId, List<string> Columns, List<List<object?>> Rows);

    private static CommandRefused SectionInvalid() =>
        new("Invalid", Msg.Of("indicator.sectionInvalid", ("sections", Msg.List(ReportPack.SectionNames))), WhatIndicator);

    /// <summary>A requested pack as the page follows it.</summary>
    public sealed record ExportView(string Id, string State, int StepsDone, int StepsTotal, string? Step, long Rows, long? Bytes, string? Sha256, string? Error,
        string? PartyId, string From, string To, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Link, string? Download)
    {
        public static ExportView Of(ReportExportStatus s) => new(s.Id, s.State.ToString(), s.StepsDone, s.StepsTotal, s.Step, s.Rows, s.Bytes, s.Sha256, s.Error,
            s.Request.PartyId, IndicatorMonths.Name(s.Request.From), IndicatorMonths.Name(s.Request.To), s.StartedAt, s.FinishedAt, ExportLink(s.Id),
            s.State == ReportExportState.Done ? ExportLink(s.Id) + "/pack.xlsx" : null);
    }

    private static string ExportLink(string id) => "/api/v1/reports/exports/" + id;

    /// <summary>A requested pack of the caller's own; anybody else's (or none) is not found.</summary>
    private static async Task<ReportExportStatus> OwnExportAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var status = id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? await cluster.GetGrain<IReportExportGrain>(id).GetStatusAsync() : null;
        return status is not null && status.Request.RequestedBy == http.CurrentUser().Id
            ? status
            : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("indicator.exportNotFound"));
    }

    /// <summary>An XLSX kept in PostgreSQL, copied to the response as it is read.</summary>
    private static IResult Streamed(HttpContext http, StoredFile file, string name)
    {
        http.Response.ContentLength = file.Bytes;
        return Results.Stream(body => file.CopyToAsync(body, http.RequestAborted),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>
    /// The caller's roles on a party's indicators and rectifications: platform administrators, operators and management
    /// act as management; a party's administrators answer for it; its members only read. The operator's own rectifications
    /// (party <c>operator</c>) are answered by platform administrators and judged by management.
    /// </summary>
    private static OpsActor Actor(CurrentUser user, string? partyId) => OrganisationActor.Of(user, partyId);

    private static (string? Party, DateOnly From, DateOnly To) PackRange(HttpContext http, TimeProvider time, string? from, string? to, string? partyId)
    {
        var party = Scope.PartyFilter(http.CurrentUser(), partyId);
        var previous = IndicatorMonths.MonthOf(time.GetUtcNow()).AddMonths(-1);
        var first = Month(from, "from") ?? previous;
        var last = Month(to, "to") ?? first;
        if (last < first || (last.Year * 12) + last.Month - ((first.Year * 12) + first.Month) >= ReportPack.MaxMonths)
        {
            throw new CommandRefused("Invalid", Msg.Of("indicator.monthRangeInvalid", ("max", ReportPack.MaxMonths)),
                WhatIndicator);
        }

        return (party, first, last);
    }

    private static string? PartyScope(CurrentUser user) =>
        user.SpansAllParties || user.Is(PlatformRoles.Management) ? null : Scope.PartyFilter(user, null);

    private static DateOnly? Month(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : throw new CommandRefused("Invalid", Msg.Of("indicator.monthFormat", ("name", name)), WhatIndicator);
    }

    private static async Task<IResult> ExecuteIndicatorAsync(string id, IndicatorCommand command, HttpContext http, IClusterClient cluster)
    {
        await VisibleIndicatorAsync(id, http, cluster);
        var result = await cluster.GetGrain<IIndicatorGrain>(id).ExecuteAsync(command, Actor(http.CurrentUser(), null), CommandIds.Required(http));
        http.Audit().Target = "indicator:" + id;
        return Answer(http, result, created: false);
    }

    private static IResult Answer(HttpContext http, IndicatorResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, WhatIndicator,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var indicator = result.Indicator!;
        http.Audit().Details["state"] = indicator.State.ToString();
        return created ? Results.Created($"/api/v1/indicators/{indicator.Id}", indicator) : Results.Ok(indicator);
    }

    private static async Task<IndicatorView> VisibleIndicatorAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var indicator = await cluster.GetGrain<IIndicatorGrain>(id).GetAsync();
        var user = http.CurrentUser();
        var visible = indicator is not null && (PartyScope(user) is not { } party || (indicator.State != IndicatorState.Draft && indicator.Concerns(party)));
        return visible ? indicator! : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("indicator.notFoundId", ("id", id)));
    }

    private static async Task<IResult> ExecuteRectificationAsync(string id, RectificationCommand command, HttpContext http, IClusterClient cluster)
    {
        var view = await VisibleRectificationAsync(id, http, cluster);
        var result = await cluster.GetGrain<IRectificationGrain>(id).ExecuteAsync(command, Actor(http.CurrentUser(), view.PartyId), CommandIds.Required(http));
        http.Audit().Target = "rectification:" + id;
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, WhatRectification,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        http.Audit().Details["state"] = result.Rectification!.State.ToString();
        return Results.Ok(result.Rectification);
    }

    internal static async Task<RectificationView> VisibleRectificationAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var view = await cluster.GetGrain<IRectificationGrain>(id).GetAsync();
        return view is not null && http.CurrentUser().CanSeeParty(view.PartyId)
            ? view
            : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("indicator.rectificationNotFoundId", ("id", id))
);
    }
}
