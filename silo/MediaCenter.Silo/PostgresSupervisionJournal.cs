using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Supervision;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The supervision read tables (mc.supervision_records, mc.surveys, mc.survey_answers) and the records' history in
/// mc.event_log (<see cref="SupervisionChanged"/> through <see cref="PostgresEventLog"/>, in the same transaction, published
/// after it commits). Idempotent: a history entry is unique per (record, version), an answer per (survey, id), and a row
/// older than what the table holds changes nothing.
/// </summary>
internal sealed class PostgresSupervisionJournal(NpgsqlDataSource db, PostgresEventLog events) : ISupervisionJournal
{
    public async Task RecordAsync(SupervisionRecordView r, SupervisionHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new SupervisionChanged
        {
            EntityId = r.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId == Guid.Empty ? null : entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            Kind = r.Kind.ToString(),
            PartyId = r.PartyId,
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.supervision_records (id, kind, state, title, party_id, channel, planned_for, done_on, done_by, findings, survey_id,
                version, created_at, updated_at, view, responsible_id, responsible, overdue)
            VALUES (@id, @kind, @state, @title, @party, @channel, @plannedFor, @doneOn, @doneBy, @findings, @survey, @version, @createdAt,
                @updatedAt, @view, @responsibleId, @responsible, @overdue)
            ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, done_on = EXCLUDED.done_on, done_by = EXCLUDED.done_by,
                planned_for = EXCLUDED.planned_for, responsible_id = EXCLUDED.responsible_id, responsible = EXCLUDED.responsible,
                overdue = EXCLUDED.overdue,
                findings = EXCLUDED.findings, survey_id = EXCLUDED.survey_id, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                view = EXCLUDED.view
            WHERE mc.supervision_records.version < EXCLUDED.version
            """, new
        {
            id = r.Id,
            kind = r.Kind.ToString(),
            state = r.State.ToString(),
            title = r.Title,
            party = r.PartyId,
            channel = r.Channel,
            plannedFor = r.PlannedFor,
            doneOn = r.DoneOn,
            doneBy = r.DoneBy,
            findings = r.Findings.Count,
            survey = r.SurveyId,
            version = r.Version,
            createdAt = r.CreatedAt.ToUniversalTime(),
            updatedAt = r.UpdatedAt.ToUniversalTime(),
            view = SqlValue.Jsonb(r),
            responsibleId = r.ResponsibleId,
            responsible = r.Responsible,
            overdue = r.Overdue,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    public async Task RecordSurveyAsync(SurveyView s, IReadOnlyList<SurveyResponse> answers, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.surveys (id, title, state, responses, version, created_at, published_at, closed_at, updated_at, view)
            VALUES (@id, @title, @state, @responses, @version, @createdAt, @publishedAt, @closedAt, @updatedAt, @view)
            ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, state = EXCLUDED.state, responses = EXCLUDED.responses,
                version = EXCLUDED.version, published_at = EXCLUDED.published_at, closed_at = EXCLUDED.closed_at,
                updated_at = EXCLUDED.updated_at, view = EXCLUDED.view
            WHERE mc.surveys.version < EXCLUDED.version
            """, new
        {
            id = s.Id,
            title = s.Title,
            state = s.State.ToString(),
            responses = s.Responses,
            version = s.Version,
            createdAt = s.CreatedAt.ToUniversalTime(),
            publishedAt = s.PublishedAt?.ToUniversalTime(),
            closedAt = s.ClosedAt?.ToUniversalTime(),
            updatedAt = s.UpdatedAt.ToUniversalTime(),
            view = SqlValue.Jsonb(s),
        }, transaction, cancellationToken: cancellationToken));
        if (answers.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO mc.survey_answers (survey_id, answer_id, answered_at, items)
                SELECT @survey, a.id, a.at, a.items::jsonb FROM unnest(@ids, @ats, @items) AS a(id, at, items)
                ON CONFLICT (survey_id, answer_id) DO NOTHING
                """, new
            {
                survey = s.Id,
                ids = answers.Select(a => a.Id).ToArray(),
                ats = answers.Select(a => a.At.UtcDateTime).ToArray(),
                items = answers.Select(a => PersistedJson.Serialize(a.Items)).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
