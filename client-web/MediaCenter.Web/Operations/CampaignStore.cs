using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Operations;

/// <summary>Promotion campaigns (推广活动, F9.1) in PostgreSQL (<c>mc.campaigns</c>).</summary>
public sealed class CampaignStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string Columns = """
        SELECT id, party_id, title, kind, starts_on, ends_on, description, support, support_note, supported_by_name, supported_at,
               registered_by_name, registered_at, updated_at
        FROM mc.campaigns
        """;

    /// <summary>A campaign, or null.</summary>
    public async Task<CampaignView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Campaigns whose dates overlap [from, to] (either end open), by start date; one party's when given.</summary>
    public async Task<IReadOnlyList<CampaignView>> ListAsync(string? partyId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            {Columns}
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
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Registers a campaign (support pending).</summary>
    public async Task<CampaignView> RegisterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string partyId, string title,
        CampaignKind kind, DateOnly startsOn, DateOnly endsOn, string description, Guid by, string byName, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO mc.campaigns (id, party_id, title, kind, starts_on, ends_on, description, registered_by, registered_by_name, registered_at, updated_at)
            VALUES (@id, @party, @title, @kind, @starts, @ends, @description, @by, @byName, @now, @now)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("party", partyId);
            insert.Parameters.AddWithValue("title", title);
            insert.Parameters.AddWithValue("kind", kind.ToString());
            insert.Parameters.AddWithValue("starts", startsOn);
            insert.Parameters.AddWithValue("ends", endsOn);
            insert.Parameters.AddWithValue("description", description);
            insert.Parameters.AddWithValue("by", by);
            insert.Parameters.AddWithValue("byName", byName);
            insert.Parameters.AddWithValue("now", time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(connection, transaction, id, cancellationToken))!;
    }

    /// <summary>Marks the operator's support (or its refusal) with a note; it may be changed later.</summary>
    public async Task<CampaignView> SupportAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CampaignSupport support,
        string? note, string byName, CancellationToken cancellationToken)
    {
        await using (var update = new NpgsqlCommand("""
            UPDATE mc.campaigns SET support = @support, support_note = @note, supported_by_name = @by, supported_at = @now, updated_at = @now
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("support", support.ToString());
            update.Parameters.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
            update.Parameters.AddWithValue("by", byName);
            update.Parameters.AddWithValue("now", time.GetUtcNow());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(connection, transaction, id, cancellationToken))!;
    }

    private static async Task<CampaignView?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{Columns} WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static CampaignView Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<CampaignKind>(r.GetString(3)),
        r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5), r.GetString(6), Enum.Parse<CampaignSupport>(r.GetString(7)),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        r.GetString(11), r.GetFieldValue<DateTimeOffset>(12), r.GetFieldValue<DateTimeOffset>(13));
}
