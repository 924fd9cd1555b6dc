using MediaCenter.Grains.Events;
using MediaCenter.Grains.Incidents;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Writes the incident read model and timeline, and the alert centre with its webhook outbox.</summary>
internal sealed class PostgresIncidentJournal(NpgsqlDataSource db, PostgresEventLog events) : IIncidentJournal
{
    public async Task RecordAsync(IncidentSnapshot s, IncidentTimelineEntry? entry, CancellationToken cancellationToken = default)
    {
        var change = entry is null ? null : await ChangeAsync(s, entry, cancellationToken);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand("""
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
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("id", s.Id);
            upsert.Parameters.AddWithValue("stage", s.Stage.ToString());
            upsert.Parameters.AddWithValue("severity", s.Severity.ToString());
            upsert.Parameters.AddWithValue("source", s.Source.ToString());
            upsert.Parameters.AddWithValue("dedup", s.DedupKey);
            upsert.Parameters.AddWithValue("title", s.Title);
            upsert.Parameters.Add(Sql.Text("party", s.PartyId));
            upsert.Parameters.Add(Sql.Text("channel", s.Channel));
            upsert.Parameters.Add(Sql.Text("subject", s.Subject));
            upsert.Parameters.AddWithValue("reported", s.ReportedAt);
            upsert.Parameters.Add(Sql.Time("acknowledged", s.AcknowledgedAt));
            upsert.Parameters.Add(Sql.Time("resolved", s.ResolvedAt));
            upsert.Parameters.Add(Sql.Time("closed", s.ClosedAt));
            upsert.Parameters.AddWithValue("occurrences", s.Occurrences);
            upsert.Parameters.AddWithValue("last", s.LastOccurrenceAt);
            upsert.Parameters.AddWithValue("level", s.EscalationLevel);
            upsert.Parameters.Add(Sql.Jsonb("snapshot", s));
            upsert.Parameters.AddWithValue("version", s.Version);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        // The read model and the timeline row commit together; the stream hears of the row only once it is committed.
        var appended = change is null ? null : await events.AppendAsync(change, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
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
        command.Parameters.Add(Sql.Text("party", n.PartyId));
        command.Parameters.AddWithValue("severity", n.Severity.ToString());
        command.Parameters.AddWithValue("title", n.Title);
        command.Parameters.AddWithValue("body", n.Body);
        command.Parameters.AddWithValue("at", n.At);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The timeline entry as a typed event.</summary>
    /// <remarks>
    /// The timeline names its actor and owner by display name only (the incident grain keeps no user ids). Until it does,
    /// a name is taken for the one active account that bears it; a name no account or several accounts bear stays
    /// without an id (the system, or an ambiguous name), and such an event counts for nobody.
    /// </remarks>
    private async Task<IncidentChanged> ChangeAsync(IncidentSnapshot s, IncidentTimelineEntry entry, CancellationToken cancellationToken)
    {
        var ids = await AccountsNamedAsync([entry.Actor, .. s.Owner is { } owner ? new[] { owner } : []], cancellationToken);
        var previous = await events.PreviousAsync<IncidentChanged>(DomainNames.Incident, s.Id, entry.Version, cancellationToken);
        Guid? ownerId = s.Owner is { } name && ids.TryGetValue(name, out var o) ? o : null;
        return new IncidentChanged
        {
            EntityId = s.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = ids.TryGetValue(entry.Actor, out var actor) ? actor : null,
            ActorName = entry.Actor,
            Command = entry.Command,
            From = entry.From,
            To = entry.To,
            DedupKey = s.DedupKey,
            Title = s.Title,
            Severity = s.Severity,
            Source = s.Source,
            PartyId = s.PartyId,
            Channel = s.Channel,
            Text = entry.Text,
            OwnerId = ownerId,
            PreviousOwnerId = previous?.OwnerId is { } before && before != ownerId ? before : null,
        };
    }

    private async Task<Dictionary<string, Guid>> AccountsNamedAsync(string[] names, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT display_name, (array_agg(id))[1] FROM mc.users
            WHERE display_name = ANY(@names) AND NOT disabled
            GROUP BY display_name HAVING count(*) = 1
            """);
        command.Parameters.AddWithValue("names", names);
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetString(0)] = reader.GetGuid(1);
        }

        return ids;
    }
}
