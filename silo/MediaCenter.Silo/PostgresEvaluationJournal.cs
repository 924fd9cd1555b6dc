using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Events;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The evaluations' read table (mc.evaluations) and their history in mc.event_log (<see cref="EvaluationChanged"/> through
/// <see cref="PostgresEventLog"/>, in the same transaction, published after it commits). Idempotent: a history entry is
/// unique per (evaluation, version), and a row older than what the table holds changes nothing.
/// </summary>
internal sealed class PostgresEvaluationJournal(NpgsqlDataSource db, PostgresEventLog events) : IEvaluationJournal
{
    /// <summary>One criterion's combined score as the comparison reads it.</summary>
    private sealed record CriterionScore(string Code, string Name, int Weight, decimal? Score);

    public async Task RecordAsync(EvaluationView e, EvaluationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new EvaluationChanged
        {
            EntityId = e.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId == Guid.Empty ? null : entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            PartyId = e.PartyId,
            Year = e.Year,
            Total = e.Total,
            Result = e.Result?.ToString(),
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
        var criteria = e.Criteria.Select(c => new CriterionScore(c.Code, c.Name, c.Weight, EvaluationScoring.CriterionScore(e, c.Code))).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.evaluations (id, party_id, year, state, title, total, result, criterion_scores, findings, version, created_at, updated_at, view,
                ticket_refs)
            VALUES (@id, @party, @year, @state, @title, @total, @result, @criteria, @findings, @version, @createdAt, @updatedAt, @view, @tickets)
            ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, title = EXCLUDED.title, total = EXCLUDED.total, result = EXCLUDED.result,
                criterion_scores = EXCLUDED.criterion_scores, findings = EXCLUDED.findings, version = EXCLUDED.version,
                updated_at = EXCLUDED.updated_at, view = EXCLUDED.view, ticket_refs = EXCLUDED.ticket_refs
            WHERE mc.evaluations.version < EXCLUDED.version
            """, new
        {
            id = e.Id,
            party = e.PartyId,
            year = e.Year,
            state = e.State.ToString(),
            title = e.Title,
            total = e.Total,
            result = e.Result?.ToString(),
            criteria = SqlValue.Jsonb(criteria),
            findings = e.Findings.Count,
            version = e.Version,
            createdAt = e.CreatedAt.ToUniversalTime(),
            updatedAt = e.UpdatedAt.ToUniversalTime(),
            view = SqlValue.Jsonb(e),
            tickets = e.Evidence.Where(x => x.Kind == EvaluationEvidenceKind.Ticket).Select(x => x.Reference).Distinct(StringComparer.Ordinal).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }
}
