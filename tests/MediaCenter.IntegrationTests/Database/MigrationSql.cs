using MediaCenter.Database;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>Plain SQL against a test database, for the tests that seed old rows and run one migration over them again.</summary>
internal static class MigrationSql
{
    /// <summary>Runs the migration of that version as it ships.</summary>
    public static async Task RunAsync(NpgsqlDataSource db, int version)
    {
        var migration = Migration.All.Single(m => m.Version == version);
        await using var command = db.CreateCommand(migration.Sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<int> ExecuteAsync(NpgsqlDataSource db, string sql, params (string Name, object Value)[] args)
    {
        await using var command = Command(db, sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, params (string Name, object Value)[] args)
    {
        await using var command = Command(db, sql, args);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource db, string sql, (string Name, object Value)[] args)
    {
        var command = db.CreateCommand(sql);
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
