using System.Text.Json;
using MediaCenter.Identity;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Incidents;

/// <summary>A month's incident figures: mean time to acknowledge and to resolve, in minutes.</summary>
public sealed record IncidentMonth(string Month, int Reported, int Acknowledged, int Resolved, double? MeanMinutesToAcknowledge, double? MeanMinutesToResolve);

/// <summary>A notification in the alert centre, with whether the caller has read it.</summary>
public sealed record NotificationRow(string Id, string Audience, string Kind, string? IncidentId, string? PartyId, string? Severity, string Title,
    string Body, DateTimeOffset CreatedAt, bool Read);

/// <summary>A webhook, never with its secret.</summary>
public sealed record WebhookRow(Guid Id, string Audience, string? PartyId, string Url, IReadOnlyList<string> Kinds, bool Active, DateTimeOffset CreatedAt);

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

    /// <summary>Incidents newest first (without their timelines), of one party or all.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAsync(string? partyId, bool platformOnlyToo, string? stage, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT snapshot - 'timeline' FROM mc.incidents
             WHERE (@party::text IS NULL OR party_id = @party OR (@platform AND party_id IS NULL))
               AND (@stage::text IS NULL OR stage = @stage)
             ORDER BY reported_at DESC
             LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.AddWithValue("platform", platformOnlyToo);
        command.Parameters.Add(new NpgsqlParameter("stage", NpgsqlDbType.Text) { Value = (object?)stage ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 500));
        var list = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        }

        return list;
    }

    /// <summary>Per month (Asia/Shanghai): how many were reported, and the mean times to acknowledge and to resolve.</summary>
    public async Task<IReadOnlyList<IncidentMonth>> MonthsAsync(string? partyId, int months, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT to_char(date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month,
                   count(*)::int, count(acknowledged_at)::int, count(resolved_at)::int,
                   avg(extract(epoch FROM acknowledged_at - reported_at) / 60.0)::float8,
                   avg(extract(epoch FROM resolved_at - reported_at) / 60.0)::float8
              FROM mc.incidents
             WHERE (@party::text IS NULL OR party_id = @party)
               AND reported_at >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => @months - 1)
             GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.AddWithValue("months", Math.Clamp(months, 1, 36));
        var list = new List<IncidentMonth>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new IncidentMonth(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : Math.Round(reader.GetDouble(4), 1), reader.IsDBNull(5) ? null : Math.Round(reader.GetDouble(5), 1)));
        }

        return list;
    }

    /// <summary>The notifications of the given audiences, newest first, with the user's read flags.</summary>
    public async Task<IReadOnlyList<NotificationRow>> NotificationsAsync(Guid userId, IReadOnlyList<string> audiences, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT n.id, n.audience, n.kind, n.incident_id, n.party_id, n.severity, n.title, n.body, n.created_at, r.user_id IS NOT NULL
              FROM mc.notifications n LEFT JOIN mc.notification_reads r ON r.notification_id = n.id AND r.user_id = @user
             WHERE n.audience = ANY (@audiences)
             ORDER BY n.created_at DESC, n.id
             LIMIT @limit
            """);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("audiences", audiences.ToArray());
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 500));
        var list = new List<NotificationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new NotificationRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetBoolean(9)));
        }

        return list;
    }

    /// <summary>How many notifications of the audiences the user has not read.</summary>
    public async Task<long> UnreadAsync(Guid userId, IReadOnlyList<string> audiences, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM mc.notifications n
             WHERE n.audience = ANY (@audiences)
               AND NOT EXISTS (SELECT 1 FROM mc.notification_reads r WHERE r.notification_id = n.id AND r.user_id = @user)
            """);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("audiences", audiences.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Webhooks, of one party or all.</summary>
    public async Task<IReadOnlyList<WebhookRow>> WebhooksAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT id, audience, party_id, url, kinds, active, created_at FROM mc.webhooks
             WHERE @party::text IS NULL OR party_id = @party ORDER BY created_at
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        var list = new List<WebhookRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new WebhookRow(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<string[]>(4), reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }

    /// <summary>A webhook's latest deliveries, each with its attempts.</summary>
    public async Task<IReadOnlyList<DeliveryRow>> DeliveriesAsync(Guid webhookId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT d.id, d.notification_id, d.status, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error,
                   coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error,
                       'durationMs', a.duration_ms) ORDER BY a.attempt) FROM mc.webhook_attempts a WHERE a.delivery_id = d.id), '[]')::text
              FROM mc.webhook_deliveries d WHERE d.webhook_id = @id ORDER BY d.id DESC LIMIT 200
            """);
        command.Parameters.AddWithValue("id", webhookId);
        var list = new List<DeliveryRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeliveryRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                JsonSerializer.Deserialize<List<AttemptRow>>(reader.GetString(7), Newsroom.NewsroomReadModel.Json)!));
        }

        return list;
    }
}
