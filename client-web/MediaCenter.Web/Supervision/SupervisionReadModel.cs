using Dapper;
using Npgsql;

namespace MediaCenter.Web.Supervision;

/// <summary>A supervision record as the list shows it.</summary>
public sealed record SupervisionRow
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string State { get; init; }
    public required string Title { get; init; }
    public string? PartyId { get; init; }
    public string? Channel { get; init; }
    public DateOnly? PlannedFor { get; init; }
    public DateOnly? DoneOn { get; init; }
    public string? DoneBy { get; init; }
    public required int Findings { get; init; }
    public string? SurveyId { get; init; }
    public string? Responsible { get; init; }
    public required bool Overdue { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A survey as the list shows it.</summary>
public sealed record SurveyRow
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string State { get; init; }
    public required int Responses { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The supervision lists from their read tables (the grains keep them up to date); read-only.</summary>
public sealed class SupervisionReadModel(NpgsqlDataSource db)
{
    /// <summary>
    /// The latest records: all, or those concerning one party — and of those, a mystery visit only once closed, so the party
    /// learns of it when the visits are over.
    /// </summary>
    public async Task<IReadOnlyList<SupervisionRow>> RecordsAsync(string? partyId, bool all, string? kind, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SupervisionRow>(new CommandDefinition("""
            SELECT id, kind, state, title, party_id, channel, planned_for, done_on, done_by, findings, survey_id, responsible, overdue, updated_at
              FROM mc.supervision_records
             WHERE (@all OR (party_id = @partyId AND (kind <> 'MysteryVisit' OR state = 'Closed')))
               AND (@kind::text IS NULL OR kind = @kind)
             ORDER BY updated_at DESC, id
             LIMIT 500
            """, new { all, partyId, kind }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The latest surveys.</summary>
    public async Task<IReadOnlyList<SurveyRow>> SurveysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SurveyRow>(new CommandDefinition("""
            SELECT id, title, state, responses, published_at, updated_at FROM mc.surveys ORDER BY updated_at DESC, id LIMIT 500
            """, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
