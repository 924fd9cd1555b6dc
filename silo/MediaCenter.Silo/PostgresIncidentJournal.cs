using Dapper;
using MediaCenter.Database.Data;
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
        await connection.ExecuteAsync(new CommandDefinition("""
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
            """, new
        {
            id = s.Id,
            stage = s.Stage.ToString(),
            severity = s.Severity.ToString(),
            source = s.Source.ToString(),
            dedup = s.DedupKey,
            title = s.Title,
            party = s.PartyId,
            channel = s.Channel,
            subject = s.Subject,
            reported = s.ReportedAt,
            acknowledged = s.AcknowledgedAt,
            resolved = s.ResolvedAt,
            closed = s.ClosedAt,
            occurrences = s.Occurrences,
            last = s.LastOccurrenceAt,
            level = s.EscalationLevel,
            snapshot = SqlValue.Jsonb(s),
            version = s.Version,
        }, transaction, cancellationToken: cancellationToken));

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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            WITH stored AS (
                INSERT INTO mc.notifications (id, audience, kind, incident_id, party_id, severity, title, body, created_at, group_digest)
                VALUES (@id, @audience, @kind, @incident, @party, @severity, @title, @body, @at, @group)
                ON CONFLICT (id) DO NOTHING
                RETURNING id)
            INSERT INTO mc.webhook_deliveries (webhook_id, notification_id)
            SELECT w.id, stored.id FROM stored JOIN mc.webhooks w
                ON w.active AND w.audience = @audience AND (cardinality(w.kinds) = 0 OR @kind = ANY (w.kinds))
            ON CONFLICT (webhook_id, notification_id) DO NOTHING
            """, new
        {
            id = n.Id,
            audience = n.Audience,
            kind = n.Kind,
            incident = n.IncidentId,
            party = n.PartyId,
            severity = n.Severity.ToString(),
            title = n.Title,
            body = n.Body,
            at = n.At,
            group = SqlValue.Jsonb(n.Group),
        }, cancellationToken: cancellationToken));
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
            Application = s.Group?.Application is { Length: > 0 } application ? application : null,
            Text = entry.Text,
            OwnerId = ownerId,
            PreviousOwnerId = previous?.OwnerId is { } before && before != ownerId ? before : null,
        };
    }

    private async Task<Dictionary<string, Guid>> AccountsNamedAsync(string[] names, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var accounts = await connection.QueryAsync<NamedAccount>(new CommandDefinition("""
            SELECT display_name, (array_agg(id))[1] AS id FROM mc.users
            WHERE display_name = ANY(@names) AND NOT disabled
            GROUP BY display_name HAVING count(*) = 1
            """, new { names }, cancellationToken: cancellationToken));
        return accounts.ToDictionary(a => a.DisplayName, a => a.Id, StringComparer.Ordinal);
    }

    private sealed record NamedAccount
    {
        public required string DisplayName { get; init; }

        public required Guid Id { get; init; }
    }
}
