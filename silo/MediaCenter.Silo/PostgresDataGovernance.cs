using MediaCenter.Database;
using MediaCenter.Grains.Operations;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Data quality and retention on PostgreSQL (<see cref="DataGovernance"/>): what the patrol counts and the retention job deletes.</summary>
internal sealed class PostgresDataGovernance(NpgsqlDataSource db) : IDataGovernanceStore
{
    public async Task<Dictionary<string, long>> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await DataGovernance.CountAsync(connection, now, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ExpiredConsentTicketsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await DataGovernance.ExpiredConsentTicketsAsync(connection, now, cancellationToken);
    }

    public async Task<Dictionary<string, long>> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await DataGovernance.DeleteExpiredAsync(connection, now, cancellationToken);
    }

    public async Task<long> RecordRunAsync(RetentionRun run, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await DataGovernance.RecordRunAsync(connection, run.StartedAt, run.FinishedAt, run.Trigger, run.Counts, cancellationToken);
    }
}
