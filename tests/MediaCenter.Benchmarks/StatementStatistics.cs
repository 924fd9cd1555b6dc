using System.Globalization;
using Npgsql;

namespace MediaCenter.Benchmarks;

/// <summary>Where the database time went, from pg_stat_statements when the server loaded it.</summary>
internal static class StatementStatistics
{
    /// <summary>Creates the extension if the server has it loaded and clears its counters; false when it is not available.</summary>
    public static async Task<bool> ResetAsync(string connectionString)
    {
        try
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            await using (var create = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var reset = db.CreateCommand("SELECT pg_stat_statements_reset()");
            await reset.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException ex)
        {
            Console.WriteLine($"pg_stat_statements is not available ({ex.MessageText}): no per-statement figures");
            return false;
        }
    }

    /// <summary>The statements with the most execution time since the reset: share, calls per unit of work, mean time, text.</summary>
    public static async Task<List<string>> TopAsync(string connectionString, int count, int units)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("""
            SELECT calls, total_exec_time, mean_exec_time, sum(total_exec_time) OVER () AS everything,
                   regexp_replace(query, '\s+', ' ', 'g') AS query
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC
            LIMIT $1
            """);
        command.Parameters.AddWithValue(count);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var calls = reader.GetInt64(0);
            var share = reader.GetDouble(1) / Math.Max(1, reader.GetDouble(3));
            var query = reader.GetString(4);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{share,6:P1}  {(double)calls / Math.Max(1, units),5:0.00}/unit  mean {reader.GetDouble(2),7:0.000} ms  {(query.Length > 110 ? query[..110] + "…" : query)}"));
        }

        return lines;
    }

    /// <summary>Stored grain state by grain type: rows, mean payload bytes, mean bytes on disk (after PostgreSQL's compression).</summary>
    public static async Task<List<string>> GrainStateSizesAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("""
            SELECT graintypestring, count(*), avg(octet_length(payloadbinary))::float8, avg(pg_column_size(payloadbinary))::float8
            FROM orleansstorage GROUP BY 1 ORDER BY 2 DESC LIMIT 6
            """);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{reader.GetString(0)}: {reader.GetInt64(1)} rows, payload {(reader.IsDBNull(2) ? 0 : reader.GetDouble(2)):0} bytes, stored {(reader.IsDBNull(3) ? 0 : reader.GetDouble(3)):0} bytes"));
        }

        return lines;
    }
}
