using Dapper;
using MediaCenter.Grains.Operations;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>The patrol's view of the data flows in PostgreSQL: scheduled publishing, the feeds' table, the webhook queue.</summary>
internal sealed class PostgresPatrolFlows(NpgsqlDataSource db) : IPatrolFlowProbes
{
    public async Task<PublishingCensus> PublishingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<PublishingCensus>(new CommandDefinition("""
            SELECT (SELECT count(*)::int FROM mc.articles WHERE stage = 'Scheduled' AND scheduled_at < @late) AS ScheduledLate,
                   (SELECT count(*)::int FROM mc.incidents WHERE source = 'Publishing' AND resolved_at IS NULL) AS OpenFailures,
                   (SELECT count(DISTINCT article_id)::int FROM mc.publications WHERE published_at >= @dayAgo) AS PublishedLastDay
            """, new { late = now - PatrolFlows.Grace, dayAgo = now.AddDays(-1) }, cancellationToken: cancellationToken));
    }

    public async Task<FeedCensus> FeedsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A story published (and not withdrawn) in the newsroom must be served by at least one feed.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<FeedCensus>(new CommandDefinition("""
            SELECT (SELECT count(*)::int FROM mc.publications WHERE withdrawn_at IS NULL) AS LivePublications,
                   (SELECT count(*)::int FROM mc.articles a WHERE a.stage = 'Published'
                       AND NOT EXISTS (SELECT 1 FROM mc.publications p WHERE p.article_id = a.id AND p.withdrawn_at IS NULL)) AS PublishedNotServed,
                   (SELECT floor(extract(epoch FROM @now - max(published_at)) / 60)::bigint FROM mc.publications) AS MinutesSinceLastPublication
            """, new { now }, cancellationToken: cancellationToken));
    }

    public async Task<WebhookBacklog> WebhookBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<WebhookBacklog>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE d.status = 'pending')::int AS Pending,
                   count(*) FILTER (WHERE d.status = 'pending' AND d.next_attempt_at < @late)::int AS Overdue,
                   coalesce(floor(extract(epoch FROM @now - min(d.next_attempt_at) FILTER (WHERE d.status = 'pending')) / 60), 0)::bigint AS OldestPendingMinutes,
                   count(*) FILTER (WHERE d.status = 'failed'
                       AND EXISTS (SELECT 1 FROM mc.webhook_attempts a WHERE a.delivery_id = d.id AND a.at >= @dayAgo))::int AS FailedLastDay
              FROM mc.webhook_deliveries d
             WHERE d.status = 'pending' OR d.status = 'failed'
            """, new { now, late = now - PatrolFlows.Grace, dayAgo = now.AddDays(-1) }, cancellationToken: cancellationToken));
    }
}
