using System.Text.Json;
using MediaCenter.Grains.Operations;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Operations;

/// <summary>The daily patrol (每日巡视, F8.4): recent reports, and a run on demand.</summary>
internal static class PatrolApi
{
    public sealed record StoredReport(long Id, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Trigger, string Status, JsonElement Checks);

    public static IEndpointRouteBuilder MapPatrolApi(this IEndpointRouteBuilder endpoints)
    {
        var patrol = endpoints.MapGroup("/api/patrol").WithTags("operations");

        patrol.MapGet("/reports", async (int? limit, NpgsqlDataSource db, CancellationToken cancellationToken) =>
            {
                await using var command = db.CreateCommand(
                    "SELECT id, started_at, finished_at, trigger, status, checks::text FROM mc.patrol_reports ORDER BY id DESC LIMIT @limit");
                command.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 10, 1, 100));
                var list = new List<StoredReport>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    list.Add(new StoredReport(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2),
                        reader.GetString(3), reader.GetString(4), JsonDocument.Parse(reader.GetString(5)).RootElement.Clone()));
                }

                return Results.Ok(list);
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
