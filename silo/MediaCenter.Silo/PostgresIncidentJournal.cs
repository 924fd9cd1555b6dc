using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Incidents;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>Writes the incident read model and timeline, and the alert centre with its webhook outbox.</summary>
internal sealed class PostgresIncidentJournal(NpgsqlDataSource db) : IIncidentJournal
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task RecordAsync(IncidentSnapshot s, IncidentTimelineEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO mc.incidents (id, stage, severity, source, dedup_key, title, party_id, channel_code, subject, reported_at, acknowledged_at,
                resolved_at, closed_at, occurrences, last_occurrence, escalation_level, snapshot, version, updated_at)
            VALUES (@id, @stage, @severity, @source, @dedup, @title, @party, @channel, @subject, @reported, @acknowledged, @resolved, @closed,
                @occurrences, @last, @level, @snapshot, @version, now())
            ON CONFLICT (id) DO UPDATE SET
                stage = EXCLUDED.stage, severity = EXCLUDED.severity, title = EXCLUDED.title, acknowledged_at = EXCLUDED.acknowledged_at,
                resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at, occurrences = EXCLUDED.occurrences,
                last_occurrence = EXCLUDED.last_occurrence, escalation_level = EXCLUDED.escalation_level, snapshot = EXCLUDED.snapshot,
                version = EXCLUDED.version, updated_at = now()
            WHERE mc.incidents.version < EXCLUDED.version
               OR (mc.incidents.version = EXCLUDED.version AND mc.incidents.occurrences < EXCLUDED.occurrences)
            """);
        upsert.Parameters.AddWithValue("id", s.Id);
        upsert.Parameters.AddWithValue("stage", s.Stage.ToString());
        upsert.Parameters.AddWithValue("severity", s.Severity.ToString());
        upsert.Parameters.AddWithValue("source", s.Source.ToString());
        upsert.Parameters.AddWithValue("dedup", s.DedupKey);
        upsert.Parameters.AddWithValue("title", s.Title);
        upsert.Parameters.Add(Text("party", s.PartyId));
        upsert.Parameters.Add(Text("channel", s.Channel));
        upsert.Parameters.Add(Text("subject", s.Subject));
        upsert.Parameters.AddWithValue("reported", s.ReportedAt);
        upsert.Parameters.Add(Time("acknowledged", s.AcknowledgedAt));
        upsert.Parameters.Add(Time("resolved", s.ResolvedAt));
        upsert.Parameters.Add(Time("closed", s.ClosedAt));
        upsert.Parameters.AddWithValue("occurrences", s.Occurrences);
        upsert.Parameters.AddWithValue("last", s.LastOccurrenceAt);
        upsert.Parameters.AddWithValue("level", s.EscalationLevel);
        upsert.Parameters.Add(new NpgsqlParameter("snapshot", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(s, Json) });
        upsert.Parameters.AddWithValue("version", s.Version);
        batch.BatchCommands.Add(upsert);
        if (entry is not null)
        {
            var log = new NpgsqlBatchCommand("""
                INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
                VALUES ('incident', @id, @version, @type, @actor, @at, @payload)
                ON CONFLICT (entity_type, entity_id, version) DO NOTHING
                """);
            log.Parameters.AddWithValue("id", s.Id);
            log.Parameters.AddWithValue("version", entry.Version);
            log.Parameters.AddWithValue("type", "incident." + entry.Command);
            log.Parameters.AddWithValue("actor", entry.Actor);
            log.Parameters.AddWithValue("at", entry.At);
            log.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb)
            {
                Value = JsonSerializer.Serialize(new { dedupKey = s.DedupKey, from = entry.From.ToString(), to = entry.To.ToString(), entry.Text }, Json),
            });
            batch.BatchCommands.Add(log);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task NotifyAsync(IncidentNotification n, CancellationToken cancellationToken = default)
    {
        // One statement: the notification and its deliveries to every matching active webhook appear together.
        await using var command = db.CreateCommand("""
            WITH stored AS (
                INSERT INTO mc.notifications (id, audience, kind, incident_id, party_id, severity, title, body, created_at)
                VALUES (@id, @audience, @kind, @incident, @party, @severity, @title, @body, @at)
                ON CONFLICT (id) DO NOTHING
                RETURNING id)
            INSERT INTO mc.webhook_deliveries (webhook_id, notification_id)
            SELECT w.id, stored.id FROM stored JOIN mc.webhooks w
                ON w.active AND w.audience = @audience AND (cardinality(w.kinds) = 0 OR @kind = ANY (w.kinds))
            ON CONFLICT (webhook_id, notification_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", n.Id);
        command.Parameters.AddWithValue("audience", n.Audience);
        command.Parameters.AddWithValue("kind", n.Kind);
        command.Parameters.AddWithValue("incident", n.IncidentId);
        command.Parameters.Add(Text("party", n.PartyId));
        command.Parameters.AddWithValue("severity", n.Severity.ToString());
        command.Parameters.AddWithValue("title", n.Title);
        command.Parameters.AddWithValue("body", n.Body);
        command.Parameters.AddWithValue("at", n.At);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) => new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v : DBNull.Value };
}
