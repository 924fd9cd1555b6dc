using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Rectification;
using Npgsql;

namespace MediaCenter.Reports;

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

    /// <summary>A monthly pack kept for download, as lists show it (the party is empty for the pack of all parties).</summary>
    public sealed record KeptPack
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public DateTimeOffset MadeAt { get; init; }
        public long Bytes { get; init; }
        public string Sha256 { get; init; } = "";
        public Dictionary<string, int> Sections { get; init; } = [];
    }

    /// <summary>The monthly packs kept, newest month first: every one, or only one party's.</summary>
    public async Task<IReadOnlyList<KeptPack>> KeptPacksAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(DateTime Month, string PartyId, DateTime MadeAt, long Bytes, string Sha256, string Sections)>(new CommandDefinition("""
            SELECT month, party_id, made_at, bytes, sha256, sections::text
              FROM mc.report_packs
             WHERE @party::text IS NULL OR party_id = @party
             ORDER BY month DESC, party_id
             LIMIT 1000
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.Select(r => new KeptPack
        {
            Month = DateOnly.FromDateTime(r.Month),
            PartyId = r.PartyId,
            MadeAt = new DateTimeOffset(DateTime.SpecifyKind(r.MadeAt, DateTimeKind.Utc)),
            Bytes = r.Bytes,
            Sha256 = r.Sha256,
            Sections = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(r.Sections) ?? [],
        }).ToList();
    }

    /// <summary>The XLSX of a kept pack, ready to be streamed, or null when none is kept for that month and party.</summary>
    public Task<StoredFile?> KeptPackAsync(DateOnly month, string partyId, CancellationToken cancellationToken) =>
        FileAsync("mc.report_packs", "month = @month AND party_id = @party", new { month, party = partyId }, cancellationToken);

    /// <summary>The XLSX of a pack made on request, ready to be streamed, or null while it is not made.</summary>
    public Task<StoredFile?> ExportedPackAsync(string id, CancellationToken cancellationToken) =>
        FileAsync("mc.report_exports", "id = @id AND content IS NOT NULL", new { id }, cancellationToken);

    private async Task<StoredFile?> FileAsync(string table, string where, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var bytes = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT octet_length(content) FROM {table} WHERE {where}", parameters, cancellationToken: cancellationToken));
        return bytes is { } size ? new StoredFile(size, (target, token) => CopyAsync(table, where, parameters, target, token)) : null;
    }

    /// <summary>Copies a file from PostgreSQL to the target in pieces (sequential access): never held whole in memory.</summary>
    private async Task CopyAsync(string table, string where, object parameters, Stream target, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"SELECT content FROM {table} WHERE {where}", parameters, cancellationToken: cancellationToken), System.Data.CommandBehavior.SequentialAccess);
        if (await reader.ReadAsync(cancellationToken))
        {
            await using var content = reader.GetStream(0);
            await content.CopyToAsync(target, cancellationToken);
        }
    }
}

/// <summary>A file kept in PostgreSQL: its size, and how to copy it out.</summary>
public sealed record StoredFile(long Bytes, Func<Stream, CancellationToken, Task> CopyToAsync);
