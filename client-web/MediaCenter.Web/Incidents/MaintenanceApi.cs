using Dapper;
using MediaCenter.Grains.Incidents;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Incidents;

/// <summary>
/// Maintenance windows and the causes holding terminal alerts (issue 20, item 3; docs/INCIDENTS.md, "Inhibition"): operators
/// for any party, a party's administrators for their own. Commands go to the window's grain; lists read the table it keeps.
/// </summary>
internal static class MaintenanceApi
{
    private const int MembersListed = 200;

    public sealed record MaintenanceBody(string? PartyId, string? Region, DateTimeOffset? From, DateTimeOffset? To, string? Reason);

    /// <summary>A window as lists show it: with its held members' counts while it holds.</summary>
    public sealed record WindowRow(Guid Id, string PartyId, string? Region, DateTimeOffset From, DateTimeOffset To, string Reason, string Stage,
        DateTimeOffset CreatedAt, DateTimeOffset? EndedAt, int Held, int Recovered, int Released);

    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder endpoints)
    {
        var windows = endpoints.MapGroup("/api/v1/maintenance-windows").WithTags("incidents");

        windows.MapGet("/", async (bool? all, HttpContext http, NpgsqlDataSource db, IClusterClient cluster) =>
            {
                var caller = http.CurrentUser();
                await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
                var rows = await connection.QueryAsync<StoredWindow>(new CommandDefinition("""
                    SELECT id, party_id, region, starts_at, ends_at, reason, stage, created_at, ended_at FROM mc.maintenance_windows
                     WHERE (@party::text IS NULL OR party_id = @party) AND (@all OR stage IN ('Scheduled', 'Active') OR ended_at > now() - interval '1 day')
                     ORDER BY starts_at DESC LIMIT 100
                    """, new { party = caller.SpansAllParties ? null : caller.PartyId ?? "-", all = all ?? false }, cancellationToken: http.RequestAborted));
                var list = new List<WindowRow>();
                foreach (var w in rows)
                {
                    var held = w.Stage is "Active" or "Ended" or "Cancelled"
                        ? await cluster.GetGrain<IInhibitionCauseGrain>(Inhibitions.MaintenanceCause(w.Id)).GetAsync()
                        : null;
                    list.Add(new WindowRow(w.Id, w.PartyId, w.Region, Utc(w.StartsAt), Utc(w.EndsAt), w.Reason, w.Stage, Utc(w.CreatedAt),
                        w.EndedAt is { } ended ? Utc(ended) : null, held?.Held ?? 0, held?.Recovered ?? 0, held?.Released ?? 0));
                }

                return Results.Ok(list);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("ListMaintenanceWindows")
            .WithSummary("Maintenance windows scheduled, active or ended within a day (all=true: the latest 100), with held members' counts.");

        windows.MapPost("/", async (MaintenanceBody body, HttpContext http, IClusterClient cluster) =>
            {
                var caller = http.CurrentUser();
                var party = caller.SpansAllParties ? body.PartyId : caller.PartyId;
                if (!caller.SpansAllParties && body.PartyId is { Length: > 0 } asked && asked != caller.PartyId)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("incidents.maintenance.partyForbidden"));
                }

                if (body.To is not { } to || string.IsNullOrWhiteSpace(body.Reason))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incidents.maintenance.bodyRequired"));
                }

                var operation = CommandIds.Optional(http);
                var draft = new MaintenanceDraft(party ?? "", body.Region, body.From, to, body.Reason);
                var result = await cluster.GetGrain<IMaintenanceWindowGrain>(CommandIds.KeyFor("maintenance", operation))
                    .ScheduleAsync(draft, caller.Id, RoleOf(caller), operation);
                if (!result.Ok || result.Window is not { } window)
                {
                    return Problem(result);
                }

                http.Audit().Target = "maintenance:" + window.Id;
                http.Audit().Details["after"] = new { window.PartyId, window.Region, window.From, window.To, window.Reason };
                return Results.Created($"/api/v1/maintenance-windows/{window.Id}", window);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("ScheduleMaintenanceWindow")
            .WithSummary("Marks a party's region (no region: all its regions) under maintenance from/to with a reason; it starts and ends by itself.");

        windows.MapGet("/{id:guid}", async (Guid id, HttpContext http, IClusterClient cluster) =>
            {
                var window = await VisibleAsync(id, http, cluster);
                var held = await cluster.GetGrain<IInhibitionCauseGrain>(window.CauseId).GetAsync();
                return Results.Ok(new { window, held = held is null ? null : held with { Members = [.. held.Members.Take(MembersListed)] } });
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("GetMaintenanceWindow")
            .WithSummary("A maintenance window with the members held under it (still out first).");

        windows.MapPost("/{id:guid}/cancel", async (Guid id, HttpContext http, IClusterClient cluster) =>
            {
                await VisibleAsync(id, http, cluster);
                http.Audit().Target = "maintenance:" + id;
                var result = await cluster.GetGrain<IMaintenanceWindowGrain>(id).CancelAsync(RoleOf(http.CurrentUser()), CommandIds.Optional(http));
                return result.Ok ? Results.Ok(result.Window) : Problem(result);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("CancelMaintenanceWindow")
            .WithSummary("Calls a maintenance window off; an active one releases the members still out as one grouped alert.");

        endpoints.MapGet("/api/v1/inhibitions", async (IClusterClient cluster) =>
            {
                var causes = await cluster.GetGrain<IInhibitionGrain>(Inhibitions.Registry).ActiveAsync();
                var views = new List<InhibitionView>();
                foreach (var cause in causes)
                {
                    if (await cluster.GetGrain<IInhibitionCauseGrain>(cause.Id).GetAsync() is { } view)
                    {
                        views.Add(view with { Members = [.. view.Members.Take(MembersListed)] });
                    }
                }

                return Results.Ok(views);
            })
            .RequireAuthorization(Policies.Operations)
            .WithTags("incidents")
            .WithName("ListInhibitions")
            .WithSummary("The causes holding terminal alerts now (maintenance windows, platform alerts), each with its held members.");

        return endpoints;
    }

    private static MaintenanceRole RoleOf(CurrentUser caller) => caller.SpansAllParties ? MaintenanceRole.Operator : MaintenanceRole.PartyAdmin;

    private static async Task<MaintenanceWindowView> VisibleAsync(Guid id, HttpContext http, IClusterClient cluster)
    {
        var caller = http.CurrentUser();
        var window = await cluster.GetGrain<IMaintenanceWindowGrain>(id).GetAsync();
        if (window is null || (!caller.SpansAllParties && window.PartyId != caller.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("incidents.maintenance.notFound"));
        }

        return window;
    }

    private static IResult Problem(MaintenanceResult result) =>
        GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Stage?.ToString(), result.AllowedMoves, Msg.Of("incidents.maintenance.what"));

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private sealed record StoredWindow
    {
        public Guid Id { get; init; }
        public string PartyId { get; init; } = "";
        public string? Region { get; init; }
        public DateTime StartsAt { get; init; }
        public DateTime EndsAt { get; init; }
        public string Reason { get; init; } = "";
        public string Stage { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime? EndedAt { get; init; }
    }
}
