using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Rectification;
using Npgsql;

namespace MediaCenter.Web.Indicators;

/// <summary>Indicators, their figures and rectifications from the read tables the grains keep; read-only.</summary>
public sealed class IndicatorReadModel(NpgsqlDataSource db)
{
    /// <summary>One figure as lists show it.</summary>
    public sealed record FigureRow(string IndicatorId, string PartyId, string Application, DateOnly Month, double? Value, string Comparison, double Target, bool? Met,
        string Expression, DateTimeOffset ComputedAt, bool Closed, bool Reminded, Dictionary<string, double?> Measures);

    /// <summary>One rectification as lists show it.</summary>
    public sealed record RectificationRow
    {
        public required string Id { get; init; }
        public required string PartyId { get; init; }
        public required string SourceKind { get; init; }
        public required string SourceRef { get; init; }
        public required string Title { get; init; }
        public required string State { get; init; }
        public long Version { get; init; }
        public DateOnly? NextDue { get; init; }
        public DateTimeOffset OpenedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    /// <summary>Every indicator (for one party: those in force or retired that apply to it).</summary>
    public async Task<IReadOnlyList<IndicatorRecord>> IndicatorsAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IndicatorRecord>(new CommandDefinition("""
            SELECT id, name, expression, comparison, target, parties, applications, unit, state, version, defined_by, updated_at, retire_reason
              FROM mc.indicators
             WHERE @party::text IS NULL OR (state <> 'Draft' AND (cardinality(applications) = 0 AND (cardinality(parties) = 0 OR @party = ANY (parties))
                   OR EXISTS (SELECT 1 FROM unnest(applications) a WHERE split_part(a, '.', 1) = @party)))
             ORDER BY name, id
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Figures from <paramref name="from"/> to <paramref name="to"/> (months), of one indicator and/or party when given.</summary>
    public async Task<IReadOnlyList<FigureRow>> FiguresAsync(string? indicatorId, string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredFigure>(new CommandDefinition("""
            SELECT f.indicator_id, f.party_id, f.application_code AS application, f.month, f.value, f.comparison, f.target, f.met, f.expression, f.computed_at, f.closed,
                   r.notification_id IS NOT NULL AS reminded, f.measures::text AS measures
              FROM mc.indicator_figures f
              LEFT JOIN mc.indicator_reminders r USING (indicator_id, party_id, application_code, month)
             WHERE (@indicator::text IS NULL OR f.indicator_id = @indicator) AND (@party::text IS NULL OR f.party_id = @party)
               AND f.month >= @from AND f.month <= @to
             ORDER BY f.indicator_id, f.party_id, f.application_code, f.month
             LIMIT 5000
            """, new { indicator = indicatorId, party = partyId, from, to }, cancellationToken: cancellationToken));
        return rows.Select(r => new FigureRow(r.IndicatorId, r.PartyId, r.Application, r.Month, r.Value, r.Comparison, r.Target, r.Met, r.Expression, r.ComputedAt, r.Closed,
            r.Reminded, PersistedJson.Deserialize<Dictionary<string, double?>>(r.Measures) ?? [])).ToList();
    }

    /// <summary>Rectifications, newest first; one party's when given, in one state when given.</summary>
    public async Task<IReadOnlyList<RectificationRow>> RectificationsAsync(string? partyId, RectificationState? state, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RectificationRow>(new CommandDefinition("""
            SELECT id, party_id, source_kind, source_ref, title, state, version, next_due, opened_at, updated_at
              FROM mc.rectifications
             WHERE (@party::text IS NULL OR party_id = @party) AND (@state::text IS NULL OR state = @state)
             ORDER BY updated_at DESC, id LIMIT 1000
            """, new { party = partyId, state = state?.ToString() }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>An indicator as the read table holds it.</summary>
    public sealed record IndicatorRecord
    {
        public required string Id { get; init; }
        public required string Name { get; init; }
        public required string Expression { get; init; }
        public required string Comparison { get; init; }
        public double Target { get; init; }
        public string[] Parties { get; init; } = [];
        public string[] Applications { get; init; } = [];
        public string Unit { get; init; } = "";
        public required string State { get; init; }
        public long Version { get; init; }
        public required string DefinedBy { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? RetireReason { get; init; }
    }

    private sealed class StoredFigure
    {
        public string IndicatorId { get; init; } = "";
        public string PartyId { get; init; } = "";
        public string Application { get; init; } = "";
        public DateOnly Month { get; init; }
        public double? Value { get; init; }
        public string Comparison { get; init; } = "";
        public double Target { get; init; }
        public bool? Met { get; init; }
        public string Expression { get; init; } = "";
        public DateTimeOffset ComputedAt { get; init; }
        public bool Closed { get; init; }
        public bool Reminded { get; init; }
        public string Measures { get; init; } = "{}";
    }
}
