using Dapper;
using MediaCenter.Database.Data;
using Npgsql;

namespace MediaCenter.Web.Evaluation;

/// <summary>An evaluation as the list shows it.</summary>
public sealed record EvaluationRow
{
    public required string Id { get; init; }
    public required string PartyId { get; init; }
    public required int Year { get; init; }
    public required string State { get; init; }
    public required string Title { get; init; }
    public decimal? Total { get; init; }
    public string? Result { get; init; }
    public required int Findings { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One criterion's combined score in a year.</summary>
public sealed record CriterionYearScore(string Code, string Name, int Weight, decimal? Score);

/// <summary>One year of a center's evaluations, for the comparison.</summary>
public sealed record EvaluationYear(int Year, string Id, string State, decimal? Total, string? Result, IReadOnlyList<CriterionYearScore> Criteria);

/// <summary>The evaluations' list and year-over-year comparison from their read table (the grains keep it up to date); read-only.</summary>
public sealed class EvaluationReadModel(NpgsqlDataSource db)
{
    private sealed record YearRow(int Year, string Id, string State, decimal? Total, string? Result, string CriterionScores);

    /// <summary>The evaluations citing a ticket as evidence (of every center, or of one), newest year first.</summary>
    public async Task<IReadOnlyList<EvaluationRow>> CitingTicketAsync(string ticketId, string? partyId, bool all, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EvaluationRow>(new CommandDefinition("""
            SELECT id, party_id, year, state, title, total, result, findings, updated_at
              FROM mc.evaluations
             WHERE ticket_refs @> ARRAY[@ticketId]::text[] AND (@all OR party_id = @partyId)
             ORDER BY year DESC, id
             LIMIT 50
            """, new { ticketId, partyId, all }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The latest evaluations: all, or one party's.</summary>
    public async Task<IReadOnlyList<EvaluationRow>> ListAsync(string? partyId, int? year, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EvaluationRow>(new CommandDefinition("""
            SELECT id, party_id, year, state, title, total, result, findings, updated_at
              FROM mc.evaluations
             WHERE (@partyId::text IS NULL OR party_id = @partyId)
               AND (@year::integer IS NULL OR year = @year)
             ORDER BY year DESC, party_id
             LIMIT 500
            """, new { partyId, year }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>A center's evaluations by year, oldest first, with each criterion's combined score (the comparison's series).</summary>
    public async Task<IReadOnlyList<EvaluationYear>> ComparisonAsync(string partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<YearRow>(new CommandDefinition("""
            SELECT year, id, state, total, result, criterion_scores::text AS criterion_scores
              FROM mc.evaluations
             WHERE party_id = @partyId
             ORDER BY year
             LIMIT 100
            """, new { partyId }, cancellationToken: cancellationToken));
        return rows.Select(r => new EvaluationYear(r.Year, r.Id, r.State, r.Total, r.Result,
            PersistedJson.Deserialize<List<CriterionYearScore>>(r.CriterionScores) ?? [])).ToList();
    }
}
