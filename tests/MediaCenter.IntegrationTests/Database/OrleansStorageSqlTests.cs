using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>The SQL behind Orleans' grain storage keeps its optimistic-concurrency promises.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class OrleansStorageSqlTests(IntegrationFixture fixture)
{
    private const string Write = """
        SELECT NewGrainStateVersion FROM orleans_write_storage(1, 0, 0, 7, 'thing', @key, 'svc', @version, @payload)
        """;

    [Fact]
    public async Task Two_first_writes_of_the_same_grain_cannot_both_succeed()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("sql");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => WriteAsync(db, "g1", null, i)));

        Assert.Equal(1, results.Count(r => r == 1));
        Assert.Equal(7, results.Count(r => r is null));
    }

    [Fact]
    public async Task A_write_with_a_stale_version_changes_nothing_and_returns_that_version()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("sql");
        Assert.Equal(1, await WriteAsync(db, "g2", null, 1));
        Assert.Equal(2, await WriteAsync(db, "g2", 1, 2));

        Assert.Equal(1, await WriteAsync(db, "g2", 1, 3));

        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT Version, PayloadBinary FROM OrleansStorage WHERE GrainIdExtensionString = 'g2'", connection);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2, reader.GetInt32(0));
        Assert.Equal([2], (byte[])reader.GetValue(1));
    }

    [Fact]
    public async Task Large_grain_state_is_stored_compressed_with_lz4()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("sql");
        // A story's state is JSON of some 15 KB: repetitive, so PostgreSQL compresses it, and with lz4 (migration 0012).
        var json = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => $"{{\"Version\":{i},\"Command\":\"Approve\"}},")));
        Assert.Equal(1, await WriteAsync(db, "big", null, json));

        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT pg_column_compression(PayloadBinary), pg_column_size(PayloadBinary), PayloadBinary FROM OrleansStorage WHERE GrainIdExtensionString = 'big'",
            connection);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("lz4", reader.GetString(0));
        Assert.True(reader.GetInt32(1) < json.Length / 2, $"stored {reader.GetInt32(1)} bytes of {json.Length}");
        Assert.Equal(json, (byte[])reader.GetValue(2));
    }

    private static Task<int?> WriteAsync(string db, string key, int? version, int payload) => WriteAsync(db, key, version, [(byte)payload]);

    private static async Task<int?> WriteAsync(string db, string key, int? version, byte[] payload)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Write, connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.Add(new NpgsqlParameter("version", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
        command.Parameters.AddWithValue("payload", payload);
        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? null : (int)result;
    }
}
