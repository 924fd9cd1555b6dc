using System.Diagnostics;
using System.Runtime.InteropServices;
using MediaCenter.Database;
using MediaCenter.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.Launcher;

/// <summary>The launcher's commands: up, db migrate, db status.</summary>
public static class Commands
{
    /// <summary>Starts PostgreSQL (private or given), migrates, starts silo, web and gateway, waits for ready, runs until a signal.</summary>
    public static async Task<int> UpAsync(LauncherSettings settings)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        var clock = Stopwatch.StartNew();
        var busy = BusyPorts(settings);
        if (busy.Count > 0)
        {
            Console.Error.WriteLine(
                $"mediacenter: {string.Join(", ", busy)} already in use on 127.0.0.1. Is another MediaCenter running? " +
                "Stop it, or choose other ports (MEDIACENTER_WEB_PORT, MEDIACENTER_MQTT_PORT, … see ./mediacenter help).");
            return 1;
        }

        var logs = Path.Combine(settings.DataDir, "logs");
        Directory.CreateDirectory(logs);

        var (connectionString, cluster) = await OpenDatabaseAsync(settings, own: true);
        var started = new List<ServiceProcess>();
        var exitCode = 0;
        try
        {
            var report = await Migrator.MigrateAsync(connectionString, stop.Token);
            Console.WriteLine($"database: schema version {report.CurrentVersion} ({report.Applied.Count} migration(s) applied now)");
            var (simulatorAccount, demoPassword) = await SeedAccountsAsync(connectionString, settings.Demo, stop.Token);

            // Bound each pool, so silos, web and gateway instances together stay under the server's connection limit.
            var pooled = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
            {
                pooled.MaxPoolSize = 20;
            }

            var common = new Dictionary<string, string>
            {
                ["ConnectionStrings__MediaCenter"] = pooled.ConnectionString,
                ["Cluster__ClusterId"] = settings.ClusterId,
                ["Cluster__ServiceId"] = "mediacenter",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__Console__FormatterName"] = "json",
            };

            // Silo i listens on the base ports + i; its health port and web instance i's port are 10 apart per instance.
            var silos = new List<ServiceProcess>();
            for (var i = 0; i < settings.Silos; i++)
            {
                var silo = Start(settings, Numbered("silo", i), "silo", "MediaCenter.Silo", settings.SiloHttpPort + (10 * i), logs, common, new()
                {
                    ["Silo__Name"] = $"{Environment.MachineName}-silo{i + 1}",
                    ["Silo__Port"] = (settings.SiloPort + i).ToString(),
                    ["Silo__GatewayPort"] = (settings.SiloGatewayPort + i).ToString(),
                });
                started.Add(silo);
                silos.Add(silo);
            }

            await Task.WhenAll(silos.Select(s => RequireReadyAsync(s, stop.Token)));

            var clients = new List<ServiceProcess>();
            for (var i = 0; i < settings.WebInstances; i++)
            {
                clients.Add(Start(settings, Numbered("web", i), "client-web", "MediaCenter.Web", settings.WebPort + (10 * i), logs, common, []));
            }

            clients.Add(Start(settings, "gateway", "devices-gateway", "MediaCenter.DevicesGateway", settings.GatewayHttpPort, logs, common, new()
            {
                ["Mqtt__Port"] = settings.MqttPort.ToString(),
            }));
            started.AddRange(clients);
            await Task.WhenAll(clients.Select(c => RequireReadyAsync(c, stop.Token)));

            var webs = string.Join(" ", Enumerable.Range(0, settings.WebInstances).Select(i => $"http://127.0.0.1:{settings.WebPort + (10 * i)}/"));
            var siloHealth = string.Join(" ", Enumerable.Range(0, settings.Silos).Select(i => $"http://127.0.0.1:{settings.SiloHttpPort + (10 * i)}/health/ready"));
            Console.WriteLine(
                $"MediaCenter ready in {clock.Elapsed.TotalSeconds:0.0} s: web {webs} " +
                $"mqtt mqtt://127.0.0.1:{settings.MqttPort} silo {siloHealth} " +
                $"gateway http://127.0.0.1:{settings.GatewayHttpPort}/health/ready logs {logs}");
            Console.WriteLine("Press Ctrl-C to stop.");
            if (simulatorAccount is { } account)
            {
                _ = RunDemoFleetAsync(settings, account, stop.Token);
            }

            if (demoPassword is not null)
            {
                _ = SeedNewsroomAsync(settings, demoPassword, stop.Token);
            }

            // Run until a signal, or until a process dies on its own (then stop the rest and say why).
            var exited = Task.WhenAny(started.Select(p => p.WaitForExitAsync(stop.Token)));
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop.Token)).ContinueWith(_ => { }, TaskScheduler.Default);
            var dead = started.FirstOrDefault(p => p.HasExited);
            if (dead is not null && !stop.IsCancellationRequested)
            {
                Console.Error.WriteLine($"The {dead.Name} exited unexpectedly (code {dead.ExitCode}); stopping. Last log lines:\n{dead.Tail()}");
                exitCode = 1;
            }
        }
        catch (LaunchException ex)
        {
            Console.Error.WriteLine(ex.Message);
            exitCode = 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Console.WriteLine("Stopping…");
            // Clients first, then the silo, then the database.
            for (var i = started.Count - 1; i >= 0; i--)
            {
                await started[i].DisposeAsync();
            }

            if (cluster is not null)
            {
                await cluster.StopAsync();
            }

            Console.WriteLine("Stopped.");
        }

        return exitCode;
    }

    /// <summary>Runs simulated terminals against a running MediaCenter (see <see cref="Simulator"/>).</summary>
    public static async Task<int> SimulateAsync(LauncherSettings settings, string[] args)
    {
        var plan = Simulator.PlanFrom(args);
        var username = Flag(args, "--user") ?? Environment.GetEnvironmentVariable("MEDIACENTER_SIM_USER")
            ?? throw new ArgumentException("Give the account that registers the terminals: --user NAME (or MEDIACENTER_SIM_USER) and MEDIACENTER_SIM_PASSWORD.");
        var password = Environment.GetEnvironmentVariable("MEDIACENTER_SIM_PASSWORD") ?? Flag(args, "--password")
            ?? throw new ArgumentException("Set MEDIACENTER_SIM_PASSWORD to the password of --user.");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var http = new HttpClient { BaseAddress = new Uri(Flag(args, "--web") ?? $"http://127.0.0.1:{settings.WebPort}") };
        var simulator = new Simulator(http, "127.0.0.1", settings.MqttPort, Console.Out);
        await simulator.SignInAsync(username, password, stop.Token);
        await simulator.RunAsync(plan, stop.Token);
        return 0;
    }

    /// <summary>Backs the database up into a directory (the off-site location) with retention.</summary>
    public static async Task<int> BackupAsync(LauncherSettings settings, string[] args)
    {
        var directory = Flag(args, "--to") ?? throw new ArgumentException("Give the backup directory: backup --to DIR.");
        var keep = Flag(args, "--keep") is { } k ? (int.TryParse(k, out var n) ? n : throw new ArgumentException($"--keep must be a number (was '{k}').")) : 14;
        var (connectionString, cluster) = await OpenDatabaseAsync(settings);
        try
        {
            var clock = Stopwatch.StartNew();
            var file = await Backups.BackupAsync(connectionString, directory, keep, TimeProvider.System);
            Console.WriteLine($"backup: {file} ({new FileInfo(file).Length / 1024.0:0.0} KiB, {clock.Elapsed.TotalSeconds:0.0} s); keeping the newest {keep}");
            return 0;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAsync();
            }
        }
    }

    /// <summary>Restores a backup into a fresh database of the same server.</summary>
    public static async Task<int> RestoreAsync(LauncherSettings settings, string[] args)
    {
        var file = Flag(args, "--from") ?? throw new ArgumentException("Give the backup file: restore --from FILE --into DATABASE.");
        var database = Flag(args, "--into") ?? throw new ArgumentException("Give a new database name: restore --from FILE --into DATABASE.");
        var (connectionString, cluster) = await OpenDatabaseAsync(settings);
        try
        {
            var clock = Stopwatch.StartNew();
            await Backups.RestoreAsync(connectionString, file, database);
            var status = await Migrator.GetStatusAsync(new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString);
            Console.WriteLine($"restore: {file} → database '{database}' in {clock.Elapsed.TotalSeconds:0.0} s (schema version {status.CurrentVersion})");
            Console.WriteLine("          point MEDIACENTER_DB (Database=" + database + ") at it, or swap it in, to run on the restored data");
            return 0;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAsync();
            }
        }
    }

    internal static string? Flag(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>
    /// Applies migrations to MEDIACENTER_DB or the private cluster; with <paramref name="bootstrapAdmin"/> also creates the
    /// administrator on a database without accounts, as <c>up</c> does (the one-shot migrator of a container deployment).
    /// </summary>
    public static async Task<int> MigrateAsync(LauncherSettings settings, bool bootstrapAdmin = false)
    {
        var (connectionString, cluster) = await OpenDatabaseAsync(settings);
        try
        {
            var report = await Migrator.MigrateAsync(connectionString);
            foreach (var migration in report.Applied)
            {
                Console.WriteLine($"applied {migration.Version:D4}_{migration.Name}");
            }

            Console.WriteLine($"schema version {report.CurrentVersion} (was {report.PreviousVersion}; {report.Applied.Count} applied, this build needs {Migration.Latest})");
            if (bootstrapAdmin)
            {
                await SeedAccountsAsync(connectionString, demo: false, CancellationToken.None);
            }

            return 0;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAsync();
            }
        }
    }

    /// <summary>Prints the schema version without changing anything.</summary>
    public static async Task<int> StatusAsync(LauncherSettings settings)
    {
        var (connectionString, cluster) = await OpenDatabaseAsync(settings);
        try
        {
            var status = await Migrator.GetStatusAsync(connectionString);
            Console.WriteLine($"schema version {status.CurrentVersion}; this build needs {status.RequiredVersion}; " +
                (status.IsCurrent ? "up to date" : status.IsAhead ? "database is newer than this build" : "run './mediacenter db migrate'"));
            return status.IsCurrent ? 0 : 3;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAsync();
            }
        }
    }

    // First run: the administrator (never a default password). --demo: one account per role, password shown once.
    // Returns the simulator's account and, when the demonstration accounts were created now, their password.
    private static async Task<((string Username, string Password)? Simulator, string? DemoPassword)> SeedAccountsAsync(string connectionString, bool demo,
        CancellationToken cancellationToken)
    {
        await using var identity = IdentityServices.CreateStandalone(connectionString);
        var users = identity.GetRequiredService<UserStore>();
        var admin = await Bootstrap.EnsureAdminAsync(users, Environment.GetEnvironmentVariable("MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD"), cancellationToken);
        if (admin is { Password: { } generated })
        {
            Console.WriteLine($"accounts: created the administrator '{admin.Username}' with password {generated}");
            Console.WriteLine("          (shown this once; it must be changed at first sign-in)");
        }
        else if (admin is not null)
        {
            Console.WriteLine($"accounts: created the administrator '{admin.Username}' with MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD");
        }

        if (demo)
        {
            var (accounts, password) = await Bootstrap.SeedDemoAsync(users, identity.GetRequiredService<PartyDirectory>(), cancellationToken);
            var newsroomDesk = accounts.Any(a => a.Username == "demo-chief") ? password : null;
            if (accounts.Count == 0)
            {
                Console.WriteLine("demo: the demonstration accounts exist already (their password was shown when they were created)");
            }
            else
            {
                Console.WriteLine($"demo: created {accounts.Count} accounts, all with password {password} (shown this once):");
                foreach (var account in accounts)
                {
                    Console.WriteLine($"        {account.Username,-18} {account.Role}");
                }
            }

            return (await Bootstrap.SimulatorAccountAsync(users, "demo-news", cancellationToken), newsroomDesk);
        }

        return (null, null);
    }

    // --demo, first run: stories in every column of the demonstration boards, made through the API by the demo staff.
    private static async Task SeedNewsroomAsync(LauncherSettings settings, string password, CancellationToken cancellationToken)
    {
        try
        {
            var count = await new NewsroomDemo(new Uri($"http://127.0.0.1:{settings.WebPort}"), password).SeedAsync(cancellationToken);
            Console.WriteLine($"demo: newsroom boards filled: {count} stories in demo-news-home, demo-news-gov, demo-news-life (sign in as demo-chief, demo-editor, demo-reviewer1…3)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"demo: could not fill the newsroom boards: {ex.Message}");
        }
    }

    // --demo: a small simulated fleet (one stops, one flaps, one runs hot) so the ops board has something to show.
    private static async Task RunDemoFleetAsync(LauncherSettings settings, (string Username, string Password) account, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings.WebPort}") };
            var simulator = new Simulator(http, "127.0.0.1", settings.MqttPort, TextWriter.Null);
            await simulator.SignInAsync(account.Username, account.Password, cancellationToken);
            Console.WriteLine("demo: 8 simulated terminals (sim-0001 … sim-0008) report over MQTT; sim-0001 stops after 60 s, sim-0002 flaps, sim-0008 runs hot");
            await simulator.RunAsync(new SimulationPlan(8, TimeSpan.FromSeconds(5), "demo-news", "sim", "演示区", 1, TimeSpan.FromSeconds(60), 1, 1, 0, null),
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"demo: the simulated fleet stopped: {ex.Message}");
        }
    }

    // Returns the private cluster the caller must stop afterwards: `up` owns it for its lifetime (even one a
    // crashed launcher left running); the db commands stop only a server they started themselves.
    private static async Task<(string ConnectionString, PostgresCluster? OwnedCluster)> OpenDatabaseAsync(LauncherSettings settings, bool own = false)
    {
        if (settings.ExternalDatabase is not null)
        {
            Console.WriteLine("database: MEDIACENTER_DB");
            return (settings.ExternalDatabase, null);
        }

        var cluster = new PostgresCluster(Path.Combine(settings.DataDir, "postgres"), settings.PostgresPort);
        var reused = cluster.Exists;
        var started = await cluster.StartAsync();
        Console.WriteLine($"database: private PostgreSQL on 127.0.0.1:{cluster.Port} ({(reused ? "existing data" : "new cluster")}) under {cluster.Root}");
        return (cluster.ConnectionString, started || own ? cluster : null);
    }

    private static string Numbered(string name, int index) => index == 0 ? name : $"{name}{index + 1}";

    private static List<string> BusyPorts(LauncherSettings settings)
    {
        var wanted = new List<(string Name, int Port)> { ("mqtt", settings.MqttPort), ("gateway http", settings.GatewayHttpPort) };
        for (var i = 0; i < settings.WebInstances; i++)
        {
            wanted.Add((Numbered("web", i), settings.WebPort + (10 * i)));
        }

        for (var i = 0; i < settings.Silos; i++)
        {
            wanted.Add((Numbered("silo", i) + " http", settings.SiloHttpPort + (10 * i)));
            wanted.Add((Numbered("silo", i), settings.SiloPort + i));
            wanted.Add((Numbered("silo", i) + " gateway", settings.SiloGatewayPort + i));
        }

        var busy = new List<string>();
        foreach (var (name, port) in wanted)
        {
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException)
            {
                busy.Add($"port {port} ({name})");
            }
        }

        return busy;
    }

    private static ServiceProcess Start(LauncherSettings settings, string name, string folder, string project, int httpPort,
        string logs, Dictionary<string, string> common, Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(common) { ["Urls"] = $"http://127.0.0.1:{httpPort}" };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        var process = ServiceProcess.Start(name, settings.Assembly(folder, project), Path.Combine(settings.Root, folder, project),
            new Uri($"http://127.0.0.1:{httpPort}"), environment, Path.Combine(logs, name + ".log"));
        Console.WriteLine($"{name}: started (pid {process.Pid}), log {process.LogPath}");
        return process;
    }

    private static async Task RequireReadyAsync(ServiceProcess process, CancellationToken cancellationToken)
    {
        if (!await process.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new LaunchException(process.HasExited
                ? $"The {process.Name} exited with code {process.ExitCode} before it was ready. Last log lines:\n{process.Tail()}"
                : $"The {process.Name} was not ready within 90 s. Last log lines:\n{process.Tail()}");
        }

        Console.WriteLine($"{process.Name}: ready");
    }
}

/// <summary>Start-up failed for a reason the operator must see.</summary>
public sealed class LaunchException(string message) : Exception(message);
