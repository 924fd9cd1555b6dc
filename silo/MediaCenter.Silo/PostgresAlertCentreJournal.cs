using Dapper;
using MediaCenter.Grains.Incidents;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>The alert centre's writes: webhooks (read by the delivery worker), read marks, and notifications raised by grains.</summary>
internal sealed class PostgresAlertCentreJournal(NpgsqlDataSource db) : IAlertCentreJournal
{
    public async Task SaveWebhookAsync(WebhookView hook, string secret, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.webhooks (id, audience, party_id, url, secret, kinds, active, created_by, created_at, language)
            VALUES (@Id, @Audience, @PartyId, @Url, @Secret, @Kinds, @Active, @CreatedBy, @CreatedAt, @Language)
            ON CONFLICT (id) DO UPDATE SET audience = EXCLUDED.audience, party_id = EXCLUDED.party_id, url = EXCLUDED.url,
                secret = EXCLUDED.secret, kinds = EXCLUDED.kinds, active = EXCLUDED.active, created_at = EXCLUDED.created_at,
                language = EXCLUDED.language
            """,
            new
            {
                hook.Id,
                hook.Audience,
                hook.PartyId,
                hook.Url,
                Secret = secret,
                Kinds = hook.Kinds.ToArray(),
                hook.Active,
                hook.CreatedBy,
                CreatedAt = hook.CreatedAt.ToUniversalTime(),
                Language = hook.PayloadLanguage,
            }, cancellationToken: cancellationToken));
    }

    public async Task StopWebhookAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE mc.webhooks SET active = false WHERE id = @id", new { id },
            cancellationToken: cancellationToken));
    }

    public async Task<WebhookView?> LoadWebhookAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition("""
            SELECT id AS Id, audience AS Audience, party_id AS PartyId, url AS Url, kinds AS Kinds, active AS Active,
                   created_by AS CreatedBy, created_at AS CreatedAt, language AS Language
              FROM mc.webhooks WHERE id = @id
            """, new { id }, cancellationToken: cancellationToken));
        return row is null ? null
            : new WebhookView(row.Id, row.Audience, row.PartyId, row.Url, [.. row.Kinds], row.Active, new DateTimeOffset(row.CreatedAt, TimeSpan.Zero),
                row.CreatedBy, row.Language);
    }

    public async Task<int> MarkReadAsync(Guid userId, IReadOnlyList<string> audiences, string? notificationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            WITH visible AS (SELECT n.id FROM mc.notifications n WHERE n.audience = ANY (@audiences) AND (@id::text IS NULL OR n.id = @id)),
                 marked AS (INSERT INTO mc.notification_reads (notification_id, user_id) SELECT id, @user FROM visible ON CONFLICT DO NOTHING)
            SELECT count(*)::int FROM visible
            """, new { user = userId, audiences = audiences.ToArray(), id = notificationId }, cancellationToken: cancellationToken));
    }

    public async Task<bool> NotifyAsync(AlertNotification n, CancellationToken cancellationToken = default)
    {
        // One statement: the notification and its deliveries to every matching active webhook appear together.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var stored = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            WITH stored AS (
                INSERT INTO mc.notifications (id, audience, kind, incident_id, party_id, severity, title, body, created_at)
                VALUES (@Id, @Audience, @Kind, NULL, @PartyId, NULL, @Title, @Body, @At)
                ON CONFLICT (id) DO NOTHING
                RETURNING id),
            queued AS (
                INSERT INTO mc.webhook_deliveries (webhook_id, notification_id)
                SELECT w.id, stored.id FROM stored JOIN mc.webhooks w
                    ON w.active AND w.audience = @Audience AND (cardinality(w.kinds) = 0 OR @Kind = ANY (w.kinds))
                ON CONFLICT (webhook_id, notification_id) DO NOTHING)
            SELECT count(*) FROM stored
            """, new { n.Id, n.Audience, n.Kind, n.PartyId, n.Title, n.Body, At = n.At.ToUniversalTime() }, cancellationToken: cancellationToken));
        return stored > 0;
    }

    private sealed class WebhookRow
    {
        public Guid Id { get; init; }
        public string Audience { get; init; } = "";
        public string? PartyId { get; init; }
        public string Url { get; init; } = "";
        public string[] Kinds { get; init; } = [];
        public bool Active { get; init; }
        public Guid CreatedBy { get; init; }
        public DateTime CreatedAt { get; init; }
        public string Language { get; init; } = Languages.Chinese;
    }
}
