using Dapper;
using MediaCenter.Grains.Operations;
using MediaCenter.Hosting.Data;
using Npgsql;

namespace MediaCenter.Web.Operations;

/// <summary>The list of campaigns from their read table (the grains keep it up to date); read-only.</summary>
public sealed class CampaignReadModel(NpgsqlDataSource db)
{
    /// <summary>Campaigns whose dates overlap [from, to] (either end open), by start date; one party's when given.</summary>
    public async Task<IReadOnlyList<CampaignView>> ListAsync(string? partyId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CampaignRow>(new CommandDefinition("""
            SELECT * FROM mc.campaigns
            WHERE (@party::text IS NULL OR party_id = @party) AND (@from::date IS NULL OR ends_on >= @from) AND (@to::date IS NULL OR starts_on <= @to)
            ORDER BY starts_on, title LIMIT 1000
            """, new { party = partyId, from, to }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }
}
