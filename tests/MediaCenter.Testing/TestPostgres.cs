using MediaCenter.Database;
using MediaCenter.Launcher;
using Npgsql;

namespace MediaCenter.Testing;

/// <summary>
/// A throwaway PostgreSQL server for one test assembly (or MEDIACENTER_TEST_DB, an existing server's
/// connection string to the maintenance database). Each test class takes its own database.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly PostgresCluster? _cluster;
    private readonly string _adminConnectionString;
    private readonly string? _root;
    private readonly string _appLogin = "mc_test_app_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _appPassword = Guid.NewGuid().ToString("N");
    private int _databases;

    private TestPostgres(PostgresCluster? cluster, string adminConnectionString, string? root)
    {
        _cluster = cluster;
        _adminConnectionString = adminConnectionString;
        _root = root;
    }

    /// <summary>Starts a private server in a temporary directory (about a second), with further server settings if given.</summary>
    public static async Task<TestPostgres> StartAsync(string serverOptions = "")
    {
        if (Environment.GetEnvironmentVariable("MEDIACENTER_TEST_DB") is { Length: > 0 } existing)
        {
            var shared = new TestPostgres(null, existing, null);
            await shared.CreateApplicationLoginAsync();
            return shared;
        }

        // Under /tmp with mode 755 so the postgres user can reach it when tests run as root.
        var root = Path.Combine(Path.GetTempPath(), "mc-test-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var cluster = new PostgresCluster(Path.Combine(root, "pg"), FreePorts.Next(), database: "postgres", throwaway: true)
        {
            ServerOptions = serverOptions,
        };
        await cluster.StartAsync();
        var postgres = new TestPostgres(cluster, cluster.ConnectionStringFor("postgres"), root);
        await postgres.CreateApplicationLoginAsync();
        return postgres;
    }

    // The processes under test log in as the application role, as a production deployment does; tests arrange and inspect data
    // with the server's administrator (ConnectionString of a Deployment).
    private Task CreateApplicationLoginAsync() => DatabaseRoles.EnsureApplicationLoginAsync(_adminConnectionString, _appLogin, _appPassword);

    /// <summary>The same database as <paramref name="connectionString"/>, logged in as a member of the application role only.</summary>
    public string ApplicationConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = _appLogin, Password = _appPassword }.ConnectionString;

    /// <summary>A deployment on a fresh, migrated database whose processes log in as the application role.</summary>
    public async Task<Deployment> NewDeploymentAsync(string prefix = "t")
    {
        var database = await CreateMigratedDatabaseAsync(prefix);
        return new Deployment(database, applicationConnectionString: ApplicationConnectionString(database));
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Creates a database with every migration applied.</summary>
    public async Task<string> CreateMigratedDatabaseAsync(string prefix = "t")
    {
        var connectionString = await CreateDatabaseAsync(prefix);
        await Migrator.MigrateAsync(connectionString);
        return connectionString;
    }

    /// <summary>Stops the server, keeping its files (an outage); <see cref="ResumeAsync"/> starts it again.</summary>
    public Task PauseAsync() =>
        (_cluster ?? throw new InvalidOperationException("Only a private test server can be stopped.")).StopAsync("fast");

    /// <summary>Starts a server stopped by <see cref="PauseAsync"/>.</summary>
    public async Task ResumeAsync()
    {
        // This process's pooled connections died with the server.
        NpgsqlConnection.ClearAllPools();
        await (_cluster ?? throw new InvalidOperationException("Only a private test server can be started.")).StartAsync();
    }

    /// <summary>Stops the server and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is null)
        {
            // A shared server keeps running: take this run's login away (a private one goes with its files).
            try
            {
                await DatabaseRoles.DropLoginAsync(_adminConnectionString, _appLogin);
            }
            catch (NpgsqlException)
            {
            }
        }

        if (_cluster is not null)
        {
            await _cluster.StopAsync("immediate");
        }

        if (_root is not null)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
