using MediaCenter.Database;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Governance;

/// <summary>The data dictionary (F10.3) as an API: every table and column with its meaning, domain, retention and personal-data kind; read-only.</summary>
internal static class DataDictionaryApi
{
    public static IEndpointRouteBuilder MapDataDictionaryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/data-dictionary", async (NpgsqlDataSource db, HttpContext http) =>
            {
                await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
                return Results.Ok(await DataDictionary.ReadAsync(connection, http.RequestAborted));
            })
            .RequireAuthorization(Policies.AuditRead)
            .WithTags("governance")
            .WithName("DataDictionary")
            .WithSummary("Every stored table and column (schemas public and mc) with type, meaning, owning domain, retention and personal-data kind " +
                "(docs/DATA_DICTIONARY.md is the same, generated).");
        return endpoints;
    }
}
