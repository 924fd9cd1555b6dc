using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Operations;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>Writes the hot events' timeline (mc.event_log) and read model (mc.hot_events); idempotent and version-guarded.</summary>
internal sealed class PostgresHotEventJournal(NpgsqlDataSource db) : IHotEventJournal
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task RecordEventAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
            VALUES ('hot-event', @id, @version, @type, @actor, @at, @payload)
            ON CONFLICT (entity_type, entity_id, version) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", card.Id);
        command.Parameters.AddWithValue("version", entry.Version);
        command.Parameters.AddWithValue("type", entry.Command.ToString());
        command.Parameters.AddWithValue("actor", entry.Actor.Name);
        command.Parameters.AddWithValue("at", entry.At);
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb)
        {
            Value = JsonSerializer.Serialize(new { card.PartyId, From = entry.From?.ToString(), To = entry.To.ToString(), entry.Comment }, Json),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

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
        command.Parameters.Add(new NpgsqlParameter("card", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(card, Json) });
        command.Parameters.AddWithValue("version", card.Version);
        command.Parameters.AddWithValue("updated", card.UpdatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
