using MediaCenter.Grains.Operations;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Operations;

/// <summary>The list of campaigns from their read table (the grains keep it up to date); read-only.</summary>
public sealed class CampaignReadModel(NpgsqlDataSource db)
{
    /// <summary>Campaigns whose dates overlap [from, to] (either end open), by start date; one party's when given.</summary>
    public async Task<IReadOnlyList<CampaignView>> ListAsync(string? partyId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT * FROM mc.campaigns
            WHERE (@party::text IS NULL OR party_id = @party) AND (@from::date IS NULL OR ends_on >= @from) AND (@to::date IS NULL OR starts_on <= @to)
            ORDER BY starts_on, title LIMIT 1000
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = (object?)from ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = (object?)to ?? DBNull.Value });
        var list = new List<CampaignView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var r = new OpsRow(reader);
            list.Add(new CampaignView(r.Text("id"), r.Text("party_id"), r.Text("title"), r.Enum<CampaignKind>("kind"), r.Date("starts_on"), r.Date("ends_on"),
                r.Text("description"), r.Enum<CampaignSupport>("support"), r.TextOrNull("support_note"), r.TextOrNull("supported_by_name"),
                r.TimeOrNull("supported_at"), r.Text("registered_by_name"), r.Time("registered_at"), r.Time("updated_at"), r.Enum<CampaignState>("state"),
                r.TextOrNull("withdraw_reason"), r.TimeOrNull("withdrawn_at"), r.Long("version"), r.Guid("registered_by")));
        }

        return list;
    }
}
