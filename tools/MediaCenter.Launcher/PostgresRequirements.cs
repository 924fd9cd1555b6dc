using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace MediaCenter.Launcher;

/// <summary>
/// What <c>up</c> needs of PostgreSQL, checked before anything starts, each failure a <see cref="LaunchRefusal"/> that names the
/// setting and the rule: the server is 15 or newer (the grain-storage constraint uses NULLS NOT DISTINCT), the private
/// cluster's data was made by the major version that is installed, MEDIACENTER_DB is reachable and accepts the sign-in.
/// </summary>
public static partial class PostgresRequirements
{
    /// <summary>The oldest PostgreSQL major version MediaCenter runs on.</summary>
    public const int MinimumMajor = 15;

    /// <summary>Checks the server binaries the private cluster would run and the data it would run on.</summary>
    public static async Task CheckPrivateAsync(PostgresCluster cluster)
    {
        var overridden = Environment.GetEnvironmentVariable("MEDIACENTER_PG_BIN") is { Length: > 0 };
        var bin = PostgresCluster.FindBinaries() ?? throw new LaunchRefusal(overridden
            ? $"MEDIACENTER_PG_BIN: no PostgreSQL server binaries (pg_ctl, initdb) in {Environment.GetEnvironmentVariable("MEDIACENTER_PG_BIN")}; point it at PostgreSQL {MinimumMajor}+'s bin directory, or set MEDIACENTER_DB."
            : $"PostgreSQL server binaries (pg_ctl, initdb) were not found: install the 'postgresql' package ({MinimumMajor} or newer), set MEDIACENTER_PG_BIN to their directory, or set MEDIACENTER_DB.");
        var setting = overridden ? "MEDIACENTER_PG_BIN" : "the installed PostgreSQL";
        var result = await ProcessRunner.RunAsync(Path.Combine(bin, "postgres"), ["--version"], timeout: TimeSpan.FromSeconds(20));
        var version = Version().Match(result.Output);
        if (!result.Ok || !version.Success)
        {
            throw new LaunchRefusal($"{setting}: '{Path.Combine(bin, "postgres")} --version' did not say its version; MediaCenter needs PostgreSQL {MinimumMajor} or newer.");
        }

        var major = int.Parse(version.Groups[1].Value, CultureInfo.InvariantCulture);
        if (major < MinimumMajor)
        {
            throw new LaunchRefusal($"{setting}: PostgreSQL {version.Groups[0].Value} in {bin} is too old; MediaCenter needs PostgreSQL {MinimumMajor} or newer (or set MEDIACENTER_DB).");
        }

        if (cluster.DataMajorVersion is { } dataMajor && dataMajor != major)
        {
            throw new LaunchRefusal($"MEDIACENTER_DATA / --data: the private PostgreSQL under {cluster.Root} was made by PostgreSQL {dataMajor} and the server here is {major}; " +
                $"a data directory runs only on its own major version (point MEDIACENTER_PG_BIN at PostgreSQL {dataMajor}, or upgrade the data with pg_upgrade).");
        }
    }

    /// <summary>Connects to MEDIACENTER_DB once and checks its server version.</summary>
    public static async Task CheckExternalAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new LaunchRefusal($"MEDIACENTER_DB is not a valid connection string ({ex.Message}); write it as Host=…;Port=…;Database=…;Username=…;Password=….");
        }

        var where = $"{builder.Host}:{builder.Port}";
        builder.Timeout = Math.Min(builder.Timeout, 10);
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var major = connection.PostgreSqlVersion.Major;
            if (major < MinimumMajor)
            {
                throw new LaunchRefusal($"MEDIACENTER_DB: the server at {where} is PostgreSQL {connection.ServerVersion}; MediaCenter needs PostgreSQL {MinimumMajor} or newer.");
            }
        }
        catch (PostgresException ex)
        {
            throw new LaunchRefusal($"MEDIACENTER_DB: PostgreSQL at {where} refused the connection as '{builder.Username}' to database '{builder.Database}': {ex.MessageText} ({ex.SqlState}).");
        }
        catch (NpgsqlException ex)
        {
            throw new LaunchRefusal($"MEDIACENTER_DB: cannot reach PostgreSQL at {where} ({Innermost(ex)}); the database must accept connections from this machine.");
        }
        catch (SocketException ex)
        {
            throw new LaunchRefusal($"MEDIACENTER_DB: cannot reach PostgreSQL at {where} ({ex.Message}); the database must accept connections from this machine.");
        }
    }

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message.TrimEnd('.');
    }

    [GeneratedRegex(@"(\d+)(?:\.\d+)*")]
    private static partial Regex Version();
}
