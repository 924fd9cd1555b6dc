using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace MediaCenter.Launcher;

/// <summary>
/// A private PostgreSQL cluster under a directory the caller owns: created on first use, reused after,
/// listening on loopback only. When run as root, the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresCluster
{
    private const string ServerUser = "postgres";

    /// <summary>Where the cluster lives: data/, run/ (socket), password, postgres.log.</summary>
    public string Root { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The database MediaCenter uses inside the cluster.</summary>
    public string Database { get; }

    /// <summary>Test clusters trade durability for speed (fsync off); the run command never does.</summary>
    public bool Throwaway { get; }

    /// <summary>Further server settings for <c>pg_ctl -o</c> (e.g. <c>-c shared_preload_libraries=pg_stat_statements</c>).</summary>
    public string ServerOptions { get; init; } = "";

    private string DataDir => Path.Combine(Root, "data");
    private string SocketDir => Path.Combine(Root, "run");
    private string PasswordFile => Path.Combine(Root, "password");
    private string LogFile => Path.Combine(Root, "postgres.log");

    /// <summary>Describes a cluster; nothing happens until <see cref="StartAsync"/>.</summary>
    public PostgresCluster(string root, int port, string database = "mediacenter", bool throwaway = false)
    {
        Root = Path.GetFullPath(root);
        Port = port;
        Database = database;
        Throwaway = throwaway;
    }

    /// <summary>The connection string for the MediaCenter database.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    /// <summary>A connection string for any database of this cluster.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServerUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>The directory of the PostgreSQL server binaries, or null when none is installed.</summary>
    public static string? FindBinaries()
    {
        var overridden = Environment.GetEnvironmentVariable("MEDIACENTER_PG_BIN");
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(Path.Combine(overridden, "pg_ctl")) ? overridden : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return newest.Dir;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb")))
            {
                return dir;
            }
        }

        return null;
    }

    private static string Bin(string tool) =>
        Path.Combine(FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (pg_ctl, initdb) were not found. Install the 'postgresql' package, " +
            "or set MEDIACENTER_DB to use an existing PostgreSQL."), tool);

    private string? RunAs => Posix.IsRoot ? ServerUser : null;

    /// <summary>True when the PostgreSQL build here has the pg_stat_statements module (Debian ships it with the server).</summary>
    public static bool HasStatementStatistics =>
        FindBinaries() is { } bin && File.Exists(Path.Combine(Path.GetDirectoryName(bin)!, "lib", "pg_stat_statements.so"));

    /// <summary>True when the cluster has been initialised before.</summary>
    public bool Exists => File.Exists(Path.Combine(DataDir, "PG_VERSION"));

    /// <summary>The PostgreSQL major version that made the data directory, or null when there is none yet.</summary>
    public int? DataMajorVersion =>
        Exists && int.TryParse(File.ReadAllText(Path.Combine(DataDir, "PG_VERSION")).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : null;

    /// <summary>Initialises (first time), starts (unless already running) and creates the database. Returns true if this call started the server.</summary>
    public async Task<bool> StartAsync()
    {
        if (!Exists)
        {
            await InitAsync();
        }

        var started = false;
        var runningPort = RunningPort();
        if (runningPort is { } port)
        {
            Port = port;
        }
        else
        {
            Directory.CreateDirectory(SocketDir);
            ChownToServer(SocketDir);
            // Every process keeps two pools (Orleans' providers and the application's data source): room for several processes.
            var options = $"-p {Port} -k {SocketDir} -c listen_addresses=127.0.0.1 -c max_connections=300";
            if (Throwaway)
            {
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            }

            if (ServerOptions.Length > 0)
            {
                options += " " + ServerOptions;
            }

            var result = await ProcessRunner.RunAsync(Bin("pg_ctl"),
                ["-D", DataDir, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], RunAs);
            if (!result.Ok)
            {
                var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(15)) : "";
                throw new InvalidOperationException($"PostgreSQL did not start on port {Port}:\n{result.Output}\n{log}");
            }

            started = true;
        }

        await EnsureDatabaseAsync();
        return started;
    }

    /// <summary>Stops the server (fast shutdown: active transactions are rolled back, data is safe).</summary>
    public async Task StopAsync(string mode = "fast")
    {
        if (RunningPort() is null)
        {
            return;
        }

        await ProcessRunner.RunAsync(Bin("pg_ctl"), ["-D", DataDir, "-m", mode, "-w", "-t", "60", "stop"], RunAs);
    }

    /// <summary>
    /// Makes a streaming-replication standby of this (running) cluster under <paramref name="root"/>: a base backup taken over
    /// the replication protocol with the WAL it needs, <c>standby.signal</c> and <c>primary_conninfo</c> written by
    /// pg_basebackup -R. The standby is not started; <see cref="StartAsync"/> starts it (read-only, following this cluster).
    /// </summary>
    public async Task<PostgresCluster> CreateStandbyAsync(string root, int port)
    {
        var standby = new PostgresCluster(root, port, Database, Throwaway);
        if (standby.Exists)
        {
            throw new InvalidOperationException($"{standby.DataDir} already holds a cluster.");
        }

        Directory.CreateDirectory(standby.Root);
        File.Copy(PasswordFile, standby.PasswordFile);
        File.SetUnixFileMode(standby.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(standby.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ChownToServer(standby.Root);
        var result = await ProcessRunner.RunAsync(Bin("pg_basebackup"),
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", ServerUser, "-D", standby.DataDir,
             "-R", "-X", "stream", "-c", "fast", "--no-password"],
            RunAs, TimeSpan.FromMinutes(30), new Dictionary<string, string> { ["PGPASSWORD"] = File.ReadAllText(PasswordFile).Trim() });
        if (!result.Ok)
        {
            throw new InvalidOperationException($"pg_basebackup from port {Port} failed:\n{result.Output}");
        }

        return standby;
    }

    /// <summary>True while the server is a standby replaying its primary's WAL.</summary>
    public async Task<bool> IsStandbyAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Promotes a standby to a primary that accepts writes (fail-over); waits until it does.</summary>
    public async Task PromoteAsync()
    {
        var result = await ProcessRunner.RunAsync(Bin("pg_ctl"), ["-D", DataDir, "-w", "-t", "60", "promote"], RunAs);
        if (!result.Ok)
        {
            throw new InvalidOperationException($"pg_ctl promote failed for {DataDir}:\n{result.Output}");
        }
    }

    /// <summary>The port of the server running on this data directory, or null when it is not running.</summary>
    public int? RunningPort()
    {
        var pidFile = Path.Combine(DataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (IOException)
        {
            return null;
        }

        if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !Posix.Signal(pid, 0))
        {
            return null;
        }

        return int.TryParse(lines[3], out var port) ? port : null;
    }

    private async Task InitAsync()
    {
        Directory.CreateDirectory(Root);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        await File.WriteAllTextAsync(PasswordFile, password + "\n");
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ChownToServer(Root);
        ChownToServer(PasswordFile);

        List<string> args =
        [
            "-D", DataDir, "-U", ServerUser, "--pwfile", PasswordFile, "-E", "UTF8", "--locale", "C.UTF-8",
            "--auth-host", "scram-sha-256", "--auth-local", "scram-sha-256",
        ];
        if (Throwaway)
        {
            args.Add("--no-sync");
        }

        var result = await ProcessRunner.RunAsync(Bin("initdb"), args, RunAs);
        if (!result.Ok)
        {
            var hint = Posix.IsRoot
                ? $" The server runs as user '{ServerUser}': every directory above {Root} must be searchable by it (chmod o+x)."
                : "";
            throw new InvalidOperationException($"initdb failed for {DataDir}.{hint}\n{result.Output}");
        }
    }

    private async Task EnsureDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        if (await connection.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @name", new { name = Database }) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Database.Replace("\"", "\"\"")}\" ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    private static void ChownToServer(string path)
    {
        if (!Posix.IsRoot)
        {
            return;
        }

        var result = ProcessRunner.RunAsync("chown", ["-R", $"{ServerUser}:{ServerUser}", path]).GetAwaiter().GetResult();
        if (!result.Ok)
        {
            throw new InvalidOperationException($"Could not hand {path} to user '{ServerUser}': {result.Output}");
        }
    }
}
