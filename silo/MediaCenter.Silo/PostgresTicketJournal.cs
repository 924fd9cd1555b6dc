using Dapper;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Tickets;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The read table of tickets (mc.tickets, masked contact only) and their history in mc.event_log (<see cref="TicketChanged"/>
/// through <see cref="PostgresEventLog"/>, in the same transaction, published after it commits). Idempotent: a history entry
/// is unique per (ticket, version), and a row older than what the table holds changes nothing.
/// </summary>
internal sealed class PostgresTicketJournal(NpgsqlDataSource db, PostgresEventLog events) : ITicketJournal
{
    public async Task RecordTicketAsync(TicketView t, TicketHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new TicketChanged
        {
            EntityId = t.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            Kind = t.Kind.ToString(),
            Assignee = t.Assignee,
            Comment = entry.Comment,
            ConcernedStaffId = t.ConcernedStaffId,
            Satisfaction = t.Satisfaction,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.tickets (id, kind, priority, source, subject, state, assignee, party_id, name_masked, phone_masked, email_masked,
                consent_purpose, consent_retention_days, consent_given_at, personal_data_erased_at, rectification_requested, satisfaction,
                acknowledge_by, reply_by, return_visit_by, overdue, reopened, version, created_at, updated_at)
            VALUES (@id, @kind, @priority, @source, @subject, @state, @assignee, @partyId, @name, @phone, @email, @purpose, @retention, @givenAt,
                @erasedAt, @rectification, @satisfaction, @acknowledgeBy, @replyBy, @returnVisitBy, @overdue, @reopened, @version, @createdAt, @updatedAt)
            ON CONFLICT (id) DO UPDATE SET
                priority = EXCLUDED.priority, state = EXCLUDED.state, assignee = EXCLUDED.assignee, party_id = EXCLUDED.party_id,
                name_masked = EXCLUDED.name_masked, phone_masked = EXCLUDED.phone_masked, email_masked = EXCLUDED.email_masked,
                personal_data_erased_at = EXCLUDED.personal_data_erased_at, rectification_requested = EXCLUDED.rectification_requested,
                satisfaction = EXCLUDED.satisfaction, acknowledge_by = EXCLUDED.acknowledge_by, reply_by = EXCLUDED.reply_by,
                return_visit_by = EXCLUDED.return_visit_by, overdue = EXCLUDED.overdue, reopened = EXCLUDED.reopened,
                version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.tickets.version < EXCLUDED.version
            """, new
        {
            id = t.Id,
            kind = t.Kind.ToString(),
            priority = t.Priority.ToString(),
            source = t.Source.ToString(),
            subject = t.Subject,
            state = t.State.ToString(),
            assignee = t.Assignee,
            partyId = t.PartyId,
            name = t.NameMasked,
            phone = t.PhoneMasked,
            email = t.EmailMasked,
            purpose = t.Consent?.Purpose,
            retention = t.Consent?.RetentionDays,
            givenAt = t.Consent?.GivenAt,
            erasedAt = t.PersonalDataErasedAt,
            rectification = t.RectificationRequested,
            satisfaction = t.Satisfaction,
            acknowledgeBy = t.Clock.AcknowledgeBy,
            replyBy = t.Clock.ReplyBy,
            returnVisitBy = t.Clock.ReturnVisitBy,
            overdue = t.Clock.Overdue.Select(d => d.ToString()).ToArray(),
            reopened = t.Reopened,
            version = t.Version,
            createdAt = t.CreatedAt,
            updatedAt = t.UpdatedAt,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }
}
