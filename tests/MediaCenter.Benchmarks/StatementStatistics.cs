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

    /// <summary>One statement's share of the database's execution time.</summary>
    public sealed record Statement(double Share, double PerUnit, double MeanMs, string Query)
    {
        /// <summary>A console line: share, calls per unit of work, mean time, the statement's start.</summary>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Share,6:P1}  {PerUnit,5:0.00}/unit  mean {MeanMs,7:0.000} ms  {(Query.Length > 110 ? Query[..110] + "…" : Query)}");

        /// <summary>For the table: the statement's first words, share and mean.</summary>
        public string Short() => string.Create(CultureInfo.InvariantCulture,
            $"`{(Query.Length > 48 ? Query[..48] + "…" : Query)}` {Share:P0} (mean {MeanMs:0.00} ms)");
    }

    /// <summary>The statements with the most execution time since the reset, per unit of work (e.g. per transition).</summary>
    public static async Task<List<Statement>> TopAsync(string connectionString, int count, int units)
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
        var statements = new List<Statement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statements.Add(new Statement(reader.GetDouble(1) / Math.Max(1, reader.GetDouble(3)), (double)reader.GetInt64(0) / Math.Max(1, units),
                reader.GetDouble(2), reader.GetString(4)));
        }

        return statements;
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
