using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Rectification;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>The rectifications' read table (mc.rectifications), version-guarded: an older version changes nothing.</summary>
internal sealed class PostgresRectificationJournal(NpgsqlDataSource db) : IRectificationJournal
{
    public async Task RecordAsync(RectificationView r, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.rectifications (id, party_id, source_kind, source_ref, title, state, version, next_due, opened_at, updated_at, view)
            VALUES (@id, @party, @kind, @reference, @title, @state, @version, @nextDue, @openedAt, @updatedAt, @view)
            ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version, next_due = EXCLUDED.next_due,
                updated_at = EXCLUDED.updated_at, view = EXCLUDED.view
            WHERE mc.rectifications.version < EXCLUDED.version
            """, new
        {
            id = r.Id,
            party = r.PartyId,
            kind = r.Source.Kind,
            reference = r.Source.Reference,
            title = r.Source.Title,
            state = r.State.ToString(),
            version = r.Version,
            nextDue = r.Actions.Where(a => a.DoneAt is null).Select(a => (DateOnly?)a.Due).Min(),
            openedAt = r.OpenedAt.ToUniversalTime(),
            updatedAt = r.UpdatedAt.ToUniversalTime(),
            view = SqlValue.Jsonb(r),
        }, cancellationToken: cancellationToken));
    }
}
