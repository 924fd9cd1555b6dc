using Dapper;
using MediaCenter.Grains.Incidents;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Maintenance windows: the read table the lists read and the journal of every move (migration 0030).</summary>
internal sealed class PostgresMaintenanceJournal(NpgsqlDataSource db) : IMaintenanceJournal
{
    public async Task RecordAsync(MaintenanceWindowView window, MaintenanceCommandType command, string operationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var values = new
        {
            window.Id,
            window.PartyId,
            window.Region,
            From = window.From.ToUniversalTime(),
            To = window.To.ToUniversalTime(),
            window.Reason,
            Stage = window.Stage.ToString(),
            window.CreatedBy,
            CreatedAt = window.CreatedAt.ToUniversalTime(),
            EndedAt = window.EndedAt?.ToUniversalTime(),
            window.Version,
            Command = command.ToString(),
            OperationId = operationId,
        };

        // A stale write decides again with the same version: the newer version wins, a repeat changes nothing.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.maintenance_windows (id, party_id, region, starts_at, ends_at, reason, stage, created_by, created_at, ended_at, version)
            VALUES (@Id, @PartyId, @Region, @From, @To, @Reason, @Stage, @CreatedBy, @CreatedAt, @EndedAt, @Version)
            ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, ended_at = EXCLUDED.ended_at, version = EXCLUDED.version
             WHERE mc.maintenance_windows.version <= EXCLUDED.version
            """, values, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.maintenance_window_events (window_id, version, command, stage, operation_id, at)
            VALUES (@Id, @Version, @Command, @Stage, @OperationId, now())
            ON CONFLICT (window_id, version) DO UPDATE SET command = EXCLUDED.command, stage = EXCLUDED.stage, operation_id = EXCLUDED.operation_id
            """, values, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
