using System.Text.Json;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.Web.Incidents;

/// <summary>A month's incident figures: mean time to acknowledge and to resolve, in minutes.</summary>
public sealed record IncidentMonth(string Month, int Reported, int Acknowledged, int Resolved, double? MeanMinutesToAcknowledge, double? MeanMinutesToResolve);

/// <summary>A notification in the alert centre, with whether the caller has read it.</summary>
public sealed record NotificationRow(string Id, string Audience, string Kind, string? IncidentId, string? PartyId, string? Severity, string Title,
    string Body, DateTimeOffset CreatedAt, bool Read)
{
    /// <summary>Where a person opens what the notification is about (the incident's address in the app), or null.</summary>
    public string? Link => AppPages.Incident(IncidentId);
}

/// <summary>A webhook, never with its secret.</summary>
public sealed record WebhookRow(Guid Id, string Audience, string? PartyId, string Url, IReadOnlyList<string> Kinds, bool Active, DateTimeOffset CreatedAt,
    string Language);

/// <summary>A webhook delivery with its attempts.</summary>
public sealed record DeliveryRow(long Id, string NotificationId, string Status, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt,
    string? LastError, IReadOnlyList<AttemptRow> History);

/// <summary>One delivery attempt.</summary>
public sealed record AttemptRow(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

/// <summary>Incident lists and figures, the alert centre and webhooks, from PostgreSQL.</summary>
public sealed class IncidentReadModel(NpgsqlDataSource db)
{
    /// <summary>The audiences whose notifications a user sees.</summary>
    public static IReadOnlyList<string> AudiencesOf(CurrentUser user)
    {
        var list = new List<string>();
        if (user.SpansAllParties)
        {
            list.Add("ops");
        }

        if (user.Is(PlatformRoles.Admin))
        {
            list.Add("role:admin");
        }

        if (user.Is(PlatformRoles.Management))
        {
            list.Add("management");
        }

        if (user.PartyId is { } party)
        {
            list.Add("party:" + party);
        }

        // Reminders to a person (an assignment past its due time) and to the chiefs of a channel.
        list.Add("user:" + user.Id.ToString("N"));
        list.AddRange(user.Channels.Where(c => c.Role == ChannelRoles.Chief).Select(c => "chief:" + c.Channel).Distinct());
        return list;
    }

    /// <summary>
    /// Incidents newest first (without their timelines or member lists: a storm's counts suffice on a board), of one party or all, and
    /// of one application (接入应用: its code, as grouped terminal alerts carry it) or any.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> ListAsync(string? partyId, bool platformOnlyToo, string? stage, int limit, CancellationToken cancellationToken,
        string? application = null)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var snapshots = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT (snapshot - 'timeline' #- '{group,members}')::text FROM mc.incidents
             WHERE (@party::text IS NULL OR party_id = @party OR (@platform AND party_id IS NULL))
               AND (@stage::text IS NULL OR stage = @stage)
               AND (@application::text IS NULL OR snapshot -> 'group' ->> 'application' = @application)
             ORDER BY reported_at DESC
             LIMIT @limit
            """, new { party = partyId, platform = platformOnlyToo, stage, limit = Math.Clamp(limit, 1, 500), application }, cancellationToken: cancellationToken));
        return snapshots.Select(json => JsonDocument.Parse(json).RootElement.Clone()).ToList();
    }

    /// <summary>Per month (Asia/Shanghai): how many were reported, and the mean times to acknowledge and to resolve.</summary>
    public async Task<IReadOnlyList<IncidentMonth>> MonthsAsync(string? partyId, int months, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MonthRow>(new CommandDefinition("""
            SELECT to_char(date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month,
                   count(*)::int AS reported, count(acknowledged_at)::int AS acknowledged, count(resolved_at)::int AS resolved,
                   avg(extract(epoch FROM acknowledged_at - reported_at) / 60.0)::float8 AS minutes_to_acknowledge,
                   avg(extract(epoch FROM resolved_at - reported_at) / 60.0)::float8 AS minutes_to_resolve
              FROM mc.incidents
             WHERE (@party::text IS NULL OR party_id = @party)
               AND reported_at >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => @months - 1)
             GROUP BY 1 ORDER BY 1
            """, new { party = partyId, months = Math.Clamp(months, 1, 36) }, cancellationToken: cancellationToken));
        return rows.Select(r => new IncidentMonth(r.Month, r.Reported, r.Acknowledged, r.Resolved,
            r.MinutesToAcknowledge is { } a ? Math.Round(a, 1) : null, r.MinutesToResolve is { } m ? Math.Round(m, 1) : null)).ToList();
    }

    /// <summary>The notifications of the given audiences, newest first, with the user's read flags.</summary>
    public async Task<IReadOnlyList<NotificationRow>> NotificationsAsync(Guid userId, IReadOnlyList<string> audiences, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredNotification>(new CommandDefinition("""
            SELECT n.id, n.audience, n.kind, n.incident_id, n.party_id, n.severity, n.title, n.body, n.created_at, r.user_id IS NOT NULL AS read
              FROM mc.notifications n LEFT JOIN mc.notification_reads r ON r.notification_id = n.id AND r.user_id = @user
             WHERE n.audience = ANY (@audiences)
             ORDER BY n.created_at DESC, n.id
             LIMIT @limit
            """, new { user = userId, audiences = audiences.ToArray(), limit = Math.Clamp(limit, 1, 500) }, cancellationToken: cancellationToken));
        return rows.Select(n => new NotificationRow(n.Id, n.Audience, n.Kind, n.IncidentId, n.PartyId, n.Severity, n.Title, n.Body, n.CreatedAt, n.Read)).ToList();
    }

    /// <summary>How many notifications of the audiences the user has not read.</summary>
    public async Task<long> UnreadAsync(Guid userId, IReadOnlyList<string> audiences, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM mc.notifications n
             WHERE n.audience = ANY (@audiences)
               AND NOT EXISTS (SELECT 1 FROM mc.notification_reads r WHERE r.notification_id = n.id AND r.user_id = @user)
            """, new { user = userId, audiences = audiences.ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>Webhooks, of one party or all.</summary>
    public async Task<IReadOnlyList<WebhookRow>> WebhooksAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredWebhook>(new CommandDefinition("""
            SELECT id, audience, party_id, url, kinds, active, created_at, language FROM mc.webhooks
             WHERE @party::text IS NULL OR party_id = @party ORDER BY created_at
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.Select(w => new WebhookRow(w.Id, w.Audience, w.PartyId, w.Url, w.Kinds, w.Active, w.CreatedAt, w.Language)).ToList();
    }

    /// <summary>A webhook's latest deliveries, each with its attempts.</summary>
    public async Task<IReadOnlyList<DeliveryRow>> DeliveriesAsync(Guid webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredDelivery>(new CommandDefinition("""
            SELECT d.id, d.notification_id, d.status, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error,
                   coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error,
                       'durationMs', a.duration_ms) ORDER BY a.attempt) FROM mc.webhook_attempts a WHERE a.delivery_id = d.id), '[]')::text AS history
              FROM mc.webhook_deliveries d WHERE d.webhook_id = @id ORDER BY d.id DESC LIMIT 200
            """, new { id = webhookId }, cancellationToken: cancellationToken));
        return rows.Select(d => new DeliveryRow(d.Id, d.NotificationId, d.Status, d.Attempts, d.NextAttemptAt, d.DeliveredAt, d.LastError,
            PersistedJson.Deserialize<List<AttemptRow>>(d.History)!)).ToList();
    }

    private sealed record MonthRow
    {
        public required string Month { get; init; }

        public required int Reported { get; init; }

        public required int Acknowledged { get; init; }

        public required int Resolved { get; init; }

        public double? MinutesToAcknowledge { get; init; }

        public double? MinutesToResolve { get; init; }
    }

    private sealed record StoredNotification
    {
        public required string Id { get; init; }

        public required string Audience { get; init; }

        public required string Kind { get; init; }

        public string? IncidentId { get; init; }

        public string? PartyId { get; init; }

        public string? Severity { get; init; }

        public required string Title { get; init; }

        public required string Body { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required bool Read { get; init; }
    }

    private sealed record StoredWebhook
    {
        public required Guid Id { get; init; }

        public required string Audience { get; init; }

        public string? PartyId { get; init; }

        public required string Url { get; init; }

        public required string[] Kinds { get; init; }

        public required bool Active { get; init; }

        public required string Language { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }
    }

    private sealed record StoredDelivery
    {
        public required long Id { get; init; }

        public required string NotificationId { get; init; }

        public required string Status { get; init; }

        public required int Attempts { get; init; }

        public required DateTimeOffset NextAttemptAt { get; init; }

        public DateTimeOffset? DeliveredAt { get; init; }

        public string? LastError { get; init; }

        public required string History { get; init; }
    }
}
