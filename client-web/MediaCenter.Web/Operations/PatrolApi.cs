using System.Text.Json;
using Dapper;
using MediaCenter.Grains.Operations;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Operations;

/// <summary>The daily patrol (每日巡视, F8.4): recent reports, and a run on demand.</summary>
internal static class PatrolApi
{
    public sealed record StoredReport(long Id, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Trigger, string Status, JsonElement Checks);

    private sealed record ReportRow
    {
        public required long Id { get; init; }

        public required DateTimeOffset StartedAt { get; init; }

        public required DateTimeOffset FinishedAt { get; init; }

        public required string Trigger { get; init; }

        public required string Status { get; init; }

        public required string Checks { get; init; }
    }

    public static IEndpointRouteBuilder MapPatrolApi(this IEndpointRouteBuilder endpoints)
    {
        var patrol = endpoints.MapGroup("/api/patrol").WithTags("operations");

        patrol.MapGet("/reports", async (int? limit, NpgsqlDataSource db, CancellationToken cancellationToken) =>
            {
                await using var connection = await db.OpenConnectionAsync(cancellationToken);
                var rows = await connection.QueryAsync<ReportRow>(new CommandDefinition(
                    "SELECT id, started_at, finished_at, trigger, status, checks::text AS checks FROM mc.patrol_reports ORDER BY id DESC LIMIT @limit",
                    new { limit = Math.Clamp(limit ?? 10, 1, 100) }, cancellationToken: cancellationToken));
                return Results.Ok(rows.Select(r => new StoredReport(r.Id, r.StartedAt, r.FinishedAt, r.Trigger, r.Status,
                    JsonDocument.Parse(r.Checks).RootElement.Clone())).ToList());
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ListPatrolReports")
            .WithSummary("The latest daily patrol reports, newest first.");

        patrol.MapPost("/run", async (HttpContext http, IClusterClient cluster) =>
            {
                var report = await cluster.GetGrain<IPatrolGrain>(IPatrolGrain.DefaultKey).RunAsync("on-demand:" + http.CurrentUser().Username);
                http.Audit().Target = "patrol:" + report.Id;
                http.Audit().Details["status"] = report.Status.ToString();
                return Results.Ok(report);
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("RunPatrol")
            .WithSummary("Runs the patrol now and returns its report.");

        return endpoints;
    }
}
