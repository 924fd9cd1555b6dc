using Dapper;
using Npgsql;

namespace MediaCenter.Web.Tickets;

/// <summary>A ticket as the list shows it: the clock and state, the contact only masked.</summary>
public sealed record TicketRow
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Priority { get; init; }
    public required string Source { get; init; }
    public required string Subject { get; init; }
    public required string State { get; init; }
    public string? Assignee { get; init; }
    public string? PartyId { get; init; }
    public string? NameMasked { get; init; }
    public string? PhoneMasked { get; init; }
    public string? EmailMasked { get; init; }
    public DateTimeOffset? PersonalDataErasedAt { get; init; }
    public string? RectificationRequested { get; init; }
    public int? Satisfaction { get; init; }
    public required DateTimeOffset AcknowledgeBy { get; init; }
    public required DateTimeOffset ReplyBy { get; init; }
    public DateTimeOffset? ReturnVisitBy { get; init; }
    public required string[] Overdue { get; init; }
    public required int Reopened { get; init; }
    public required long Version { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The ticket lists from their read table (the ticket grains keep it up to date); read-only.</summary>
public sealed class TicketReadModel(NpgsqlDataSource db)
{
    /// <summary>The latest tickets (of one party, or all when <paramref name="partyId"/> is null), optionally of one state.</summary>
    public async Task<IReadOnlyList<TicketRow>> ListAsync(string? partyId, bool all, string? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TicketRow>(new CommandDefinition("""
            SELECT id, kind, priority, source, subject, state, assignee, party_id, name_masked, phone_masked, email_masked, personal_data_erased_at,
                   rectification_requested, satisfaction, acknowledge_by, reply_by, return_visit_by, overdue, reopened, version, created_at, updated_at
              FROM mc.tickets
             WHERE (@all OR party_id = @partyId) AND (@state::text IS NULL OR state = @state)
             ORDER BY created_at DESC, id
             LIMIT @limit
            """, new { all, partyId, state, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
