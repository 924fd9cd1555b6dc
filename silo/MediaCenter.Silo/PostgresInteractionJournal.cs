using System.Text.Json;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Interactive;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>
/// The interaction read tables (mc.interactions, mc.interaction_questions), in one transaction. Version-guarded: a row
/// older than what the table holds changes nothing, so a retry or a replay after activation is harmless.
/// </summary>
internal sealed class PostgresInteractionJournal(NpgsqlDataSource db) : IInteractionJournal
{
    public async Task RecordAsync(InteractionResults r, IReadOnlyList<InteractionQuestion> questions, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.interactions (article_id, channel_code, type, question, options, counts, votes, approved_questions, pending_questions,
                open, version, updated_at)
            VALUES (@id, @channel, @type, @question, @options, @counts, @votes, @approved, @pending, @open, @version, @updatedAt)
            ON CONFLICT (article_id) DO UPDATE SET counts = EXCLUDED.counts, votes = EXCLUDED.votes, approved_questions = EXCLUDED.approved_questions,
                pending_questions = EXCLUDED.pending_questions, open = EXCLUDED.open, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.interactions.version < EXCLUDED.version
            """, new
        {
            id = r.ArticleId,
            channel = r.Channel,
            type = r.Type.ToString(),
            question = r.Question,
            // A plain JSON array: the feeds and reports read it as it is.
            options = SqlValue.As(JsonSerializer.Serialize(r.Options), NpgsqlDbType.Jsonb),
            counts = r.Counts.ToArray(),
            votes = r.Votes,
            approved = r.ApprovedQuestions,
            pending = r.PendingQuestions,
            open = r.Open,
            version = r.Version,
            updatedAt = r.UpdatedAt.ToUniversalTime(),
        }, transaction, cancellationToken: cancellationToken));
        foreach (var q in questions)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO mc.interaction_questions (article_id, question_id, text, state, submitted_at, decided_at, decided_by, version)
                VALUES (@article, @id, @text, @state, @submittedAt, @decidedAt, @decidedBy, @version)
                ON CONFLICT (article_id, question_id) DO UPDATE SET state = EXCLUDED.state, decided_at = EXCLUDED.decided_at,
                    decided_by = EXCLUDED.decided_by, version = EXCLUDED.version
                WHERE mc.interaction_questions.version < EXCLUDED.version
                """, new
            {
                article = r.ArticleId,
                id = q.Id,
                text = q.Text,
                state = q.State.ToString(),
                submittedAt = q.SubmittedAt.ToUniversalTime(),
                decidedAt = q.DecidedAt?.ToUniversalTime(),
                decidedBy = q.DecidedBy,
                version = q.Version,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
