using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using MediaCenter.Grains.Indicators;
using MediaCenter.Reports;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Makes monthly report packs with the same <see cref="ReportPack"/> the web serves on demand, and keeps them in mc.report_packs.</summary>
internal sealed class PostgresReportArchive(NpgsqlDataSource db, ReportPack pack) : IReportArchive
{
    public Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default) => pack.PartiesAsync(cancellationToken);

    public async Task<IReadOnlyList<ArchivedPack>> ListAsync(DateOnly month, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PackRow>(new CommandDefinition(
            "SELECT month, party_id, made_at, bytes, sha256 FROM mc.report_packs WHERE month = @month ORDER BY party_id",
            new { month }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToPack()).ToList();
    }

    public async Task<ArchivedPack> MakeAsync(DateOnly month, string partyId, CancellationToken cancellationToken = default)
    {
        var sections = await pack.SectionsAsync(partyId.Length == 0 ? null : partyId, month, month, cancellationToken);
        using var buffer = new MemoryStream();
        await ReportPack.WriteXlsxAsync(buffer, sections, cancellationToken);
        var content = buffer.ToArray();
        var counts = sections.ToDictionary(s => s.Key, s => s.Value is System.Collections.ICollection rows ? rows.Count : 0);

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // A pack once kept stays as it was: the first one made wins.
        var row = await connection.QuerySingleAsync<PackRow>(new CommandDefinition("""
            WITH made AS (
                INSERT INTO mc.report_packs (month, party_id, made_at, bytes, sha256, sections, content)
                VALUES (@month, @party, now(), @bytes, @sha256, @sections::jsonb, @content)
                ON CONFLICT (month, party_id) DO NOTHING
                RETURNING month, party_id, made_at, bytes, sha256)
            SELECT * FROM made
            UNION ALL
            SELECT month, party_id, made_at, bytes, sha256 FROM mc.report_packs WHERE month = @month AND party_id = @party
            LIMIT 1
            """, new
        {
            month,
            party = partyId,
            bytes = (long)content.Length,
            sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            sections = JsonSerializer.Serialize(counts),
            content,
        }, cancellationToken: cancellationToken));
        return row.ToPack();
    }

    private sealed class PackRow
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public DateTimeOffset MadeAt { get; init; }
        public long Bytes { get; init; }
        public string Sha256 { get; init; } = "";

        public ArchivedPack ToPack() => new(Month, PartyId, MadeAt, Bytes, Sha256);
    }
}
