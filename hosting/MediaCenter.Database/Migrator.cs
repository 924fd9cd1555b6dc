using Dapper;
using Npgsql;

namespace MediaCenter.Database;

/// <summary>The outcome of a migration run.</summary>
public sealed record MigrationReport(int PreviousVersion, int CurrentVersion, IReadOnlyList<Migration> Applied);

/// <summary>The schema version a database is at, and whether this build can run on it.</summary>
public sealed record SchemaStatus(int CurrentVersion, int RequiredVersion)
{
    /// <summary>True when every migration this build ships has been applied.</summary>
    public bool IsCurrent => CurrentVersion == RequiredVersion;

    /// <summary>True when the database was migrated by a newer build than this one.</summary>
    public bool IsAhead => CurrentVersion > RequiredVersion;
}

/// <summary>Applies the numbered migrations idempotently and reports the schema version.</summary>
public static class Migrator
{
    // Serialises concurrent migrators (two launchers, or CI jobs) on the same database.
    private const long AdvisoryLockKey = 0x4D43_4D49_4752; // "MCMIGR"

    private const string HistoryDdl = """
        CREATE TABLE IF NOT EXISTS public.mediacenter_schema_migrations
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Applies every migration not yet applied, each in its own transaction.</summary>
    public static async Task<MigrationReport> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));

        try
        {
            await using (var ddl = new NpgsqlCommand(HistoryDdl, connection))
            {
                await ddl.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = await ReadHistoryAsync(connection, cancellationToken);
            var previous = applied.Count == 0 ? 0 : applied.Keys.Max();
            var newlyApplied = new List<Migration>();

            foreach (var migration in Migration.All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version:D4}_{migration.Name} was changed after it was applied " +
                            "(checksum differs). Applied migrations are immutable: add a new migration instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await script.ExecuteNonQueryAsync(cancellationToken);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO public.mediacenter_schema_migrations (version, name, checksum) VALUES (@v, @n, @c)",
                    new { v = migration.Version, n = migration.Name, c = migration.Checksum }, transaction, cancellationToken: cancellationToken));

                await transaction.CommitAsync(cancellationToken);
                newlyApplied.Add(migration);
            }

            if (newlyApplied.Count > 0)
            {
                await ApplyPrivilegesAsync(connection, cancellationToken);
            }

            var current = Math.Max(previous, newlyApplied.Count == 0 ? 0 : newlyApplied[^1].Version);
            return new MigrationReport(previous, current, newlyApplied);
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey });
        }
    }

    /// <summary>Reads the schema version without changing anything.</summary>
    public static async Task<SchemaStatus> GetStatusAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('public.mediacenter_schema_migrations') IS NOT NULL", connection);
        var hasHistory = (bool)(await exists.ExecuteScalarAsync(cancellationToken))!;
        if (!hasHistory)
        {
            return new SchemaStatus(0, Migration.Latest);
        }

        var history = await ReadHistoryAsync(connection, cancellationToken);
        return new SchemaStatus(EffectiveVersion(history.Keys), Migration.Latest);
    }

    /// <summary>
    /// The version a database counts as: its newest applied migration, or, when a migration this build ships is missing below that
    /// one (applied out of order on a development database), the last version before the gap, so the database is not current.
    /// </summary>
    internal static int EffectiveVersion(IReadOnlyCollection<int> applied)
    {
        if (applied.Count == 0)
        {
            return 0;
        }

        var newest = applied.Max();
        var missing = Migration.All.FirstOrDefault(m => m.Version < newest && !applied.Contains(m.Version));
        return missing is null ? newest : Migration.All.Where(m => m.Version < missing.Version).Select(m => m.Version).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// Hands what the migrations created to the owner role and grants the application role its rights (migration 0015's
    /// <c>mc.apply_privileges</c>), so that a migration after it need not repeat its grants.
    /// </summary>
    private static async Task ApplyPrivilegesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regprocedure('mc.apply_privileges()') IS NOT NULL", connection);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            await using var apply = new NpgsqlCommand("SELECT mc.apply_privileges()", connection);
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Throws with an operator-facing message unless the database is exactly at this build's version.</summary>
    public static async Task EnsureCurrentAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(connectionString, cancellationToken);
        if (status.IsAhead)
        {
            throw new SchemaVersionException(
                $"The database schema is at version {status.CurrentVersion}, newer than this build knows ({status.RequiredVersion}). " +
                "Run a build that matches the database.");
        }

        if (!status.IsCurrent)
        {
            throw new SchemaVersionException(
                $"The database schema is at version {status.CurrentVersion}; this build needs version {status.RequiredVersion}. " +
                "Run './mediacenter db migrate' first.");
        }
    }

    private static async Task<Dictionary<int, string>> ReadHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM public.mediacenter_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt32(0)] = reader.GetString(1);
        }

        return result;
    }
}

/// <summary>The database is not at the schema version this build needs.</summary>
public sealed class SchemaVersionException(string message) : Exception(message);
