using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Rectification;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The rectifications' read table (mc.rectifications), version-guarded: an older version changes nothing; and their history in
/// mc.event_log (<see cref="RectificationChanged"/>, in the same transaction, published after it commits).
/// </summary>
internal sealed class PostgresRectificationJournal(NpgsqlDataSource db, PostgresEventLog events) : IRectificationJournal
{
    public async Task RecordAsync(RectificationView r, RectificationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new RectificationChanged
        {
            EntityId = r.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            PartyId = r.PartyId,
            SourceKind = r.Source.Kind,
            SourceRef = r.Source.Reference,
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
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
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }
}
