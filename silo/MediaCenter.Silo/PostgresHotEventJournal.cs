using MediaCenter.Grains.Events;
using MediaCenter.Grains.Operations;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Writes the hot events' timeline (through the event log) and read model (mc.hot_events); idempotent and version-guarded.</summary>
internal sealed class PostgresHotEventJournal(NpgsqlDataSource db, PostgresEventLog events) : IHotEventJournal
{
    public Task RecordEventAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken = default) =>
        events.AppendAsync(new HotEventChanged
        {
            EntityId = card.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.Actor.Id == Guid.Empty ? null : entry.Actor.Id,
            ActorName = entry.Actor.Name,
            Command = entry.Command,
            From = entry.From,
            To = entry.To,
            PartyId = card.PartyId,
            Title = card.Title,
            StartsAt = card.StartsAt,
            EndsAt = card.EndsAt,
            RegisteredById = card.RegisteredBy.Id,
            AcknowledgedById = card.AcknowledgedBy?.Id,
            Comment = entry.Comment,
        }, cancellationToken);

    public async Task ProjectAsync(HotEventCard card, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO mc.hot_events (id, party_id, title, status, starts_at, ends_at, card, version, updated_at)
            VALUES (@id, @party, @title, @status, @starts, @ends, @card, @version, @updated)
            ON CONFLICT (id) DO UPDATE SET
                title = EXCLUDED.title, status = EXCLUDED.status, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
                card = EXCLUDED.card, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.hot_events.version <= EXCLUDED.version
            """);
        command.Parameters.AddWithValue("id", card.Id);
        command.Parameters.AddWithValue("party", card.PartyId);
        command.Parameters.AddWithValue("title", card.Title);
        command.Parameters.AddWithValue("status", card.Status.ToString());
        command.Parameters.AddWithValue("starts", card.StartsAt);
        command.Parameters.AddWithValue("ends", card.EndsAt);
        command.Parameters.Add(Sql.Jsonb("card", card));
        command.Parameters.AddWithValue("version", card.Version);
        command.Parameters.AddWithValue("updated", card.UpdatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
