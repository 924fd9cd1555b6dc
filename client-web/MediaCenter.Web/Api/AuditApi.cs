using System.Text;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Api;

/// <summary>Searching and exporting the logs (日志审计): read-only, for auditors and administrators.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var audit = endpoints.MapGroup("/api/audit").WithTags("audit").RequireAuthorization(Policies.AuditRead);

        audit.MapGet("/operations", async (DateTimeOffset? from, DateTimeOffset? to, string? actor, string? action, string? target, string? result,
                int? limit, AuditLog log, CancellationToken cancellationToken) =>
                Results.Ok((await log.SearchOperationsAsync(new AuditQuery(from, to, actor, action, target, result, limit ?? 200), cancellationToken))
                    .Select(r => r with { Details = Rendered(r.Details) })))
            .WithName("SearchOperations")
            .WithSummary("The operation log, newest first; filter by time range, actor, action, target, result (ok, denied, rejected, failed).");

        audit.MapGet("/operations.csv", async (DateTimeOffset? from, DateTimeOffset? to, string? actor, string? action, string? target, string? result,
                AuditLog log, CancellationToken cancellationToken) =>
            {
                var rows = await log.SearchOperationsAsync(new AuditQuery(from, to, actor, action, target, result, 10_000), cancellationToken);
                // A file leaves as it is written: its cells in the reader's language, the details' JSON with its messages rendered.
                var language = MessageCatalog.CurrentLanguage;
                return Results.File(Encoding.UTF8.GetBytes(AuditLog.ToCsv(rows.Select(r => r with { Details = MessageJson.Render(r.Details, language) }),
                    text => MessageCatalog.Render(text, language))), "text/csv; charset=utf-8", "operation-log.csv");
            })
            .WithName("ExportOperations")
            .WithSummary("The same search as CSV (at most 10,000 rows).");

        audit.MapGet("/logins", async (DateTimeOffset? from, DateTimeOffset? to, string? actor, string? result, string? address, int? limit,
                AuditLog log, CancellationToken cancellationToken) =>
                Results.Ok(await log.SearchLoginsAsync(new AuditQuery(from, to, actor, null, address, result, limit ?? 200), cancellationToken)))
            .WithName("SearchLogins")
            .WithSummary("The login log, newest first; filter by time range, user name (actor), result (ok, failed), client address.");

        audit.MapGet("/alerts", async (int? limit, AuditLog log, CancellationToken cancellationToken) =>
                Results.Ok(await log.AlertsAsync(limit ?? 100, cancellationToken)))
            .WithName("ListSecurityAlerts")
            .WithSummary("Early warnings: repeated failed sign-ins, bulk deletions.");

        return endpoints;
    }

    /// <summary>
    /// An entry's details with the messages they hold (an alert's text) rendered in the reader's language: the response renders
    /// strings, but details are raw JSON.
    /// </summary>
    private static JsonElement Rendered(JsonElement details) => MessageJson.Render(details, MessageCatalog.CurrentLanguage);
}

