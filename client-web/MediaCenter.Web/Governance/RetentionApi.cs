using System.Text.Json;
using Dapper;
using MediaCenter.Grains.Operations;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Governance;

/// <summary>
/// The retention job (F10.3) over HTTP: its recent runs from <c>mc.retention_runs</c> (scheduled and on demand alike), and a
/// run started now by administrators or operators, idempotent by the Idempotency-Key (a retry answers the same run).
/// </summary>
internal static class RetentionApi
{
    public sealed record StoredRun(long Id, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Trigger, JsonElement Counts);

    private sealed record RunRow
    {
        public required long Id { get; init; }

        public required DateTimeOffset StartedAt { get; init; }

        public required DateTimeOffset FinishedAt { get; init; }

        public required string Trigger { get; init; }

        public required string Counts { get; init; }
    }

    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder endpoints)
    {
        var runs = endpoints.MapGroup("/api/v1/retention/runs").WithTags("governance");

        runs.MapGet("/", async (int? limit, NpgsqlDataSource db, CancellationToken cancellationToken) =>
            {
                await using var connection = await db.OpenConnectionAsync(cancellationToken);
                var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
                    "SELECT id, started_at, finished_at, trigger, counts::text AS counts FROM mc.retention_runs ORDER BY id DESC LIMIT @limit",
                    new { limit = Math.Clamp(limit ?? 10, 1, 100) }, cancellationToken: cancellationToken));
                return Results.Ok(rows.Select(r => new StoredRun(r.Id, r.StartedAt, r.FinishedAt, r.Trigger,
                    JsonDocument.Parse(r.Counts).RootElement.Clone())).ToList());
            })
            .RequireAuthorization(Policies.OperationsRead)
            .WithName("ListRetentionRuns")
            .WithSummary("The latest runs of the retention job, newest first: when, what started it (scheduled, on-demand:{user}), rows removed per table " +
                "and tickets anonymised.");

        runs.MapPost("/", async (HttpContext http, IClusterClient cluster) =>
            {
                var operation = CommandIds.Required(http);
                var run = await cluster.GetGrain<IRetentionGrain>(IRetentionGrain.DefaultKey).RunOnDemandAsync(operation, http.CurrentUser().Username);
                http.Audit().Target = "retention:" + run.Id;
                http.Audit().Details["counts"] = run.Counts;
                return Results.Ok(run);
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("RunRetention")
            .WithSummary("Runs the retention job now (it deletes only what has expired, as the daily run does) and answers the run, recorded like the " +
                "scheduled ones. Requires an Idempotency-Key: a retry answers the same run.");

        return endpoints;
    }
}
