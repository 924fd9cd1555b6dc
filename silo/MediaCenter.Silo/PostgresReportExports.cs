using System.Security.Cryptography;
using Dapper;
using MediaCenter.Grains.Indicators;
using MediaCenter.Messages;
using MediaCenter.Reports;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>
/// Makes on-demand report packs with the same <see cref="ReportPack"/> as the monthly archive and keeps them in mc.report_exports:
/// the workbook is written to a temporary file, never held whole in memory, and streamed from there into PostgreSQL.
/// </summary>
internal sealed class PostgresReportExports(NpgsqlDataSource db, ReportPack pack, IOptions<ReportArchiveOptions> options) : IReportExports
{
    public async Task<ReportExportStatus?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ExportRow>(new CommandDefinition(
            $"SELECT {Columns} FROM mc.report_exports WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToStatus();
    }

    public async Task SaveAsync(ReportExportStatus status, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var request = status.Request;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.report_exports (id, requested_by, party_id, from_month, to_month, language, state, steps_done, steps_total, step,
                                           rows_read, bytes, sha256, error, started_at, finished_at)
            VALUES (@Id, @RequestedBy, @PartyId, @From, @To, @Language, @State, @StepsDone, @StepsTotal, @Step, @Rows, @Bytes, @Sha256, @Error,
                    @StartedAt, @FinishedAt)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, steps_done = excluded.steps_done, steps_total = excluded.steps_total,
                step = excluded.step, rows_read = excluded.rows_read, bytes = excluded.bytes, sha256 = excluded.sha256, error = excluded.error,
                finished_at = excluded.finished_at
            """, new
        {
            status.Id,
            request.RequestedBy,
            request.PartyId,
            request.From,
            request.To,
            request.Language,
            State = status.State.ToString(),
            status.StepsDone,
            status.StepsTotal,
            status.Step,
            status.Rows,
            status.Bytes,
            status.Sha256,
            status.Error,
            status.StartedAt,
            status.FinishedAt,
        }, cancellationToken: cancellationToken));
        if (status is { State: ReportExportState.Running, StepsDone: 0 })
        {
            // A request (re)starting is the moment to let the expired ones go.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM mc.report_exports WHERE started_at < @before", new { before = status.StartedAt - options.Value.KeepExportsFor },
                cancellationToken: cancellationToken));
        }
    }

    public async Task<(long Bytes, string Sha256)> MakeAsync(string id, ReportExportRequest request, IProgress<ReportPackStep> progress,
        CancellationToken cancellationToken = default)
    {
        var language = MessageCatalog.CurrentLanguage;
        MessageCatalog.CurrentLanguage = Languages.All.Contains(request.Language) ? request.Language : Languages.Chinese;
        try
        {
            var sections = await pack.SectionsAsync(request.PartyId, request.From, request.To, cancellationToken, progress, ReportPack.FileSteps);
            await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await ReportPack.WriteXlsxAsync(file, sections, cancellationToken);
            file.Position = 0;
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            file.Position = 0;

            await using var connection = await db.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("UPDATE mc.report_exports SET content = @content WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = file, Size = (int)file.Length });
            await command.ExecuteNonQueryAsync(cancellationToken);
            progress.Report(new ReportPackStep(ReportPack.FileStep, ReportPack.FileSteps, ReportPack.FileSteps, 0));
            return (file.Length, sha256);
        }
        finally
        {
            MessageCatalog.CurrentLanguage = language;
        }
    }

    private const string Columns = """
        id, requested_by, party_id, from_month, to_month, language, state, steps_done, steps_total, step, rows_read, bytes, sha256, error,
        started_at, finished_at
        """;

    private sealed class ExportRow
    {
        public string Id { get; init; } = "";
        public Guid RequestedBy { get; init; }
        public string? PartyId { get; init; }
        public DateOnly FromMonth { get; init; }
        public DateOnly ToMonth { get; init; }
        public string Language { get; init; } = "";
        public string State { get; init; } = "";
        public int StepsDone { get; init; }
        public int StepsTotal { get; init; }
        public string? Step { get; init; }
        public long RowsRead { get; init; }
        public long? Bytes { get; init; }
        public string? Sha256 { get; init; }
        public string? Error { get; init; }
        public DateTimeOffset StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }

        public ReportExportStatus ToStatus() => new(Id, new ReportExportRequest(RequestedBy, PartyId, FromMonth, ToMonth, Language),
            Enum.Parse<ReportExportState>(State), StepsDone, StepsTotal, Step, RowsRead, Bytes, Sha256, Error, StartedAt, FinishedAt);
    }
}
