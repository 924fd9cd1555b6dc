using System.Globalization;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Writes the hot events' timeline (through the event log) and read model (mc.hot_events); idempotent and version-guarded.</summary>
internal sealed class PostgresHotEventJournal(NpgsqlDataSource db, PostgresEventLog events, Grains.Incidents.IAlertCentreJournal alerts, IGrainFactory grains) : IHotEventJournal
{
    public async Task RecordEventAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        await events.AppendAsync(new HotEventChanged(card, entry), cancellationToken);
        if (entry.Command == HotEventCommandType.Register)
        {
            await NotifyManagementAsync(card, entry, cancellationToken);
        }
    }

    /// <summary>
    /// Standard §9.3.2: management hears of every registered hot event, in the alert centre (and its webhooks) and live.
    /// Idempotent by the notification id, because a timeline entry is recorded again until it succeeds.
    /// </summary>
    private async Task NotifyManagementAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken)
    {
        const string Audience = "management";
        const string Kind = "hotEventRegistered";
        var id = $"{card.Id}:{entry.Version}:{Audience}";
        string body = Msg.Of("ops.hot.registeredBody", ("party", card.PartyId), ("title", card.Title),
            ("starts", card.StartsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("ends", card.EndsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("traffic", card.TrafficMultiple.ToString("0.##", CultureInfo.InvariantCulture)));
        string title = Msg.Of("ops.hot.registeredTitle", ("title", card.Title));
        var stored = await alerts.NotifyAsync(new Grains.Incidents.AlertNotification(id, Audience, Kind, card.PartyId, title, body, entry.At), cancellationToken);
        if (stored)
        {
            await grains.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, Audience, Kind, null, card.PartyId, null,
                title, body, entry.At));
        }
    }

    public async Task ProjectAsync(HotEventCard card, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.hot_events (id, party_id, title, status, starts_at, ends_at, card, version, updated_at)
            VALUES (@id, @party, @title, @status, @starts, @ends, @card, @version, @updated)
            ON CONFLICT (id) DO UPDATE SET
                title = EXCLUDED.title, status = EXCLUDED.status, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
                card = EXCLUDED.card, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.hot_events.version <= EXCLUDED.version
            """, new
        {
            id = card.Id,
            party = card.PartyId,
            title = card.Title,
            status = card.Status.ToString(),
            starts = card.StartsAt,
            ends = card.EndsAt,
            card = SqlValue.Jsonb(card),
            version = card.Version,
            updated = card.UpdatedAt,
        }, cancellationToken: cancellationToken));
    }

    public async Task RecordTrafficAsync(string instance, IReadOnlyList<HotTrafficMinute> minutes, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.hot_event_traffic (event_id, instance, kind, minute, requests)
            SELECT * FROM unnest(@events::text[], @instances::text[], @kinds::text[], @minutes::timestamptz[], @requests::bigint[])
            ON CONFLICT (event_id, instance, kind, minute) DO UPDATE SET requests = GREATEST(mc.hot_event_traffic.requests, EXCLUDED.requests)
            """, new
        {
            events = minutes.Select(m => m.EventId).ToArray(),
            instances = minutes.Select(_ => instance).ToArray(),
            kinds = minutes.Select(m => m.Kind).ToArray(),
            minutes = minutes.Select(m => m.Minute.ToUniversalTime()).ToArray(),
            requests = minutes.Select(m => m.Requests).ToArray(),
        }, cancellationToken: cancellationToken));
    }
}
