using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace MediaCenter.Launcher;

/// <summary>
/// Consistent backups of the MediaCenter database (pg_dump's snapshot, custom format) with a SHA-256
/// beside each file and retention by count; restores go into a fresh database only.
/// </summary>
public static class Backups
{
    /// <summary>File name prefix of every backup.</summary>
    public const string Prefix = "mediacenter-";

    /// <summary>Writes a backup into <paramref name="directory"/> and removes all but the newest <paramref name="keep"/>.</summary>
    public static async Task<string> BackupAsync(string connectionString, string directory, int keep, TimeProvider time)
    {
        if (keep < 1)
        {
            throw new ArgumentException("--keep must be at least 1.");
        }

        Directory.CreateDirectory(directory);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        var file = Path.Combine(Path.GetFullPath(directory), $"{Prefix}{stamp}.dump");
        var partial = file + ".partial";
        var result = await ProcessRunner.RunAsync(Tool("pg_dump"), ["--format=custom", "--no-owner", "--file", partial, Libpq(connectionString)],
            timeout: TimeSpan.FromHours(2), environment: Password(connectionString));
        if (!result.Ok)
        {
            File.Delete(partial);
            throw new InvalidOperationException("pg_dump failed: " + result.Output);
        }

        // Only a complete dump gets the final name and its checksum.
        File.Move(partial, file);
        await File.WriteAllTextAsync(file + ".sha256", $"{await HashAsync(file)}  {Path.GetFileName(file)}\n");

        foreach (var old in Directory.GetFiles(directory, Prefix + "*.dump").OrderDescending().Skip(keep))
        {
            File.Delete(old);
            File.Delete(old + ".sha256");
        }

        return file;
    }

    /// <summary>Checks the checksum, creates <paramref name="database"/> (it must not exist) and restores into it.</summary>
    public static async Task RestoreAsync(string connectionString, string file, string database)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"No backup at {file}.", file);
        }

        var sums = file + ".sha256";
        if (!File.Exists(sums))
        {
            throw new InvalidOperationException($"{sums} is missing: the backup cannot be verified.");
        }

        var expected = (await File.ReadAllTextAsync(sums)).Split(' ', 2)[0].Trim();
        if (!string.Equals(expected, await HashAsync(file), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{file} does not match its checksum: it is damaged or incomplete. Nothing was restored.");
        }

        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(maintenance))
        {
            await connection.OpenAsync();
            if (await connection.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @name", new { name = database }) is not null)
            {
                throw new InvalidOperationException($"The database '{database}' exists: restores go into a fresh database. Choose another --into.");
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\" ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
        }

        var target = new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
        var result = await ProcessRunner.RunAsync(Tool("pg_restore"), ["--no-owner", "--exit-on-error", "--dbname", Libpq(target), file],
            timeout: TimeSpan.FromHours(2), environment: Password(target));
        if (!result.Ok)
        {
            throw new InvalidOperationException($"pg_restore into '{database}' failed (the database is left for inspection): {result.Output}");
        }
    }

    private static string Tool(string name) =>
        Path.Combine(PostgresCluster.FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL client tools (pg_dump, pg_restore) were not found. Install the 'postgresql' package."), name);

    // libpq reads the password from PGPASSWORD, so it never appears on a command line.
    private static string Libpq(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database}";
    }

    private static Dictionary<string, string> Password(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 } p ? new() { ["PGPASSWORD"] = p } : [];

    private static async Task<string> HashAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }
}
