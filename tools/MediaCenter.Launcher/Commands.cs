using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MediaCenter.Database;
using MediaCenter.Identity;
using MediaCenter.Messages;
using MediaCenter.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.Launcher;

/// <summary>The launcher's commands: up (and cluster up), status, db, backup, restore, simulate.</summary>
public static class Commands
{
    /// <summary>
    /// Starts PostgreSQL (private or given), migrates, starts silos, web instances and the gateway, waits until they are ready,
    /// and keeps them running (<see cref="Supervisor"/>) until SIGINT or SIGTERM.
    /// </summary>
    public static async Task<int> UpAsync(LauncherSettings settings)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        var clock = Stopwatch.StartNew();
        // Refusals come before anything starts: each is one line naming the setting and the rule.
        CheckBootstrapPassword(settings.BootstrapAdminPassword);
        await LauncherState.ClaimAsync(settings.StateFile, settings.DataDir, Console.Out);
        var privateCluster = settings.ExternalDatabase is null ? new PostgresCluster(Path.Combine(settings.DataDir, "postgres"), settings.PostgresPort) : null;
        CheckPorts(settings, includePostgres: privateCluster is not null && privateCluster.RunningPort() is null);
        if (privateCluster is not null)
        {
            await PostgresRequirements.CheckPrivateAsync(privateCluster);
        }
        else
        {
            await PostgresRequirements.CheckExternalAsync(settings.ExternalDatabase!, stop.Token);
        }

        var logs = Path.Combine(settings.DataDir, "logs");
        Directory.CreateDirectory(logs);

        var (connectionString, cluster) = await OpenDatabaseAsync(settings, own: true);
        var state = new LauncherState(settings.StateFile, DateTimeOffset.UtcNow);
        Supervisor? supervisor = null;
        var exitCode = 0;
        try
        {
            var report = await Migrator.MigrateAsync(connectionString, stop.Token);
            Console.WriteLine($"database: schema version {report.CurrentVersion} ({report.Applied.Count} migration(s) applied now)");
            EnsureKeyRingKeyFile(settings.KeyRingKeyFile);
            var (simulatorAccount, demoPassword) = await SeedAccountsAsync(connectionString, settings.KeyRingKeyFile, settings.Demo, settings.BootstrapAdminPassword,
                stop.Token);

            // The processes log in as a member of the application role, never as the server's administrator: they cannot rewrite the
            // logs or the schema (docs/SECURITY.md, "Database roles"). An external database's connection is the operator's choice.
            var processes = settings.ExternalDatabase is null ? await ProcessesLoginAsync(settings, connectionString, stop.Token) : connectionString;

            // Bound each pool, so silos, web and gateway instances together stay under the server's connection limit.
            var pooled = new Npgsql.NpgsqlConnectionStringBuilder(processes);
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
                ["Identity__KeyRingKeyFile"] = settings.KeyRingKeyFile,
            };

            // The ports were free a moment ago, so whatever the membership table still calls alive at this launcher's silo
            // endpoints is a silo of an earlier run that died without saying so: the new silos must not wait for it.
            var siloPorts = Enumerable.Range(0, settings.Silos).Select(i => settings.SiloPort + i).ToList();
            var declared = await SiloMembership.DeclareDeadAsync(connectionString, settings.ClusterId, SiloAddress, siloPorts, stop.Token);
            if (declared > 0)
            {
                Console.WriteLine($"membership: {declared} silo(s) of an earlier run that did not stop cleanly declared dead (nothing listens on their ports)");
            }

            supervisor = new Supervisor(settings, logs, state,
                spec => spec.SiloPort is { } port ? SiloMembership.DeclareDeadAsync(connectionString, settings.ClusterId, SiloAddress, [port]) : Task.CompletedTask,
                Console.Out, Console.Error, TimeProvider.System);

            // Silo i listens on the base ports + i; its health port and web instance i's port are 10 apart per instance.
            // Web and gateway start together with the silos (their cluster clients wait for the cluster), which saves their
            // start-up time on a restart; they stop first, in reverse order.
            var silos = Enumerable.Range(0, settings.Silos).Select(i => new ProcessSpec(Numbered("silo", i), ProcessKind.Silo, "silo", "MediaCenter.Silo",
                settings.SiloHttpPort + (10 * i), With(common, new()
                {
                    ["Silo__Name"] = $"{Environment.MachineName}-silo{i + 1}",
                    ["Silo__Port"] = (settings.SiloPort + i).ToString(CultureInfo.InvariantCulture),
                    ["Silo__GatewayPort"] = (settings.SiloGatewayPort + i).ToString(CultureInfo.InvariantCulture),
                }), settings.SiloPort + i));
            var clients = Enumerable.Range(0, settings.WebInstances)
                .Select(i => new ProcessSpec(Numbered("web", i), ProcessKind.Web, "client-web", "MediaCenter.Web", settings.WebPort + (10 * i), common))
                .Append(new ProcessSpec("gateway", ProcessKind.Gateway, "devices-gateway", "MediaCenter.DevicesGateway", settings.GatewayHttpPort,
                    With(common, new() { ["Mqtt__Port"] = settings.MqttPort.ToString(CultureInfo.InvariantCulture) })));
            await supervisor.StartAsync(silos.Concat(clients), stop.Token);
            supervisor.Watch(stop.Token);
            state.MarkReady();

            var webs = string.Join(" ", Enumerable.Range(0, settings.WebInstances).Select(i => $"http://127.0.0.1:{settings.WebPort + (10 * i)}/"));
            var siloHealth = string.Join(" ", Enumerable.Range(0, settings.Silos).Select(i => $"http://127.0.0.1:{settings.SiloHttpPort + (10 * i)}/health/ready"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MediaCenter ready in {clock.Elapsed.TotalSeconds:0.0} s: web {webs} " +
                $"mqtt mqtt://127.0.0.1:{settings.MqttPort} silo {siloHealth} " +
                $"gateway http://127.0.0.1:{settings.GatewayHttpPort}/health/ready logs {logs}"));
            Console.WriteLine("A process that dies is restarted (./mediacenter status shows them). Press Ctrl-C to stop.");
            if (simulatorAccount is { } account)
            {
                _ = RunDemoFleetAsync(settings, account, stop.Token);
            }

            if (demoPassword is not null)
            {
                _ = SeedNewsroomAsync(settings, demoPassword, stop.Token);
                _ = SeedPeopleAsync(settings, demoPassword, stop.Token);
                _ = SeedIndicatorsAsync(settings, demoPassword, stop.Token);
            }

            // Only a signal ends this: processes that die are the supervisor's business.
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        catch (LaunchException ex)
        {
            Console.Error.WriteLine(MessageCatalog.Render(ex.Message, Languages.English));
            exitCode = 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Console.WriteLine("Stopping…");
            stop.Cancel();
            if (supervisor is not null)
            {
                await supervisor.StopAsync();
            }

            if (cluster is not null)
            {
                await cluster.StopAsync();
            }

            state.Remove();
            Console.WriteLine("Stopped.");
        }

        return exitCode;
    }

    /// <summary>Prints what the launcher running on this data directory supervises (exit 3 when none runs).</summary>
    public static async Task<int> StatusAsync(LauncherSettings settings)
    {
        if (LauncherState.Read(settings.StateFile) is not { } snapshot || !LauncherState.IsLauncher(snapshot.LauncherPid))
        {
            Console.WriteLine($"not running: no launcher runs on {settings.DataDir}");
            return 3;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"launcher pid {snapshot.LauncherPid}, up since {snapshot.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}, {(snapshot.Ready ? "ready" : "starting")}; restarts: {snapshot.TotalRestarts}"));
        Console.WriteLine($"{"process",-10} {"pid",-8} {"state",-11} {"health",-10} {"restarts",-9} last exit");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var process in snapshot.Processes)
        {
            string health;
            try
            {
                using var response = await http.GetAsync(new Uri(new Uri(process.Http), "/health/ready"));
                health = response.IsSuccessStatusCode ? "ready" : $"{(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                health = "no-answer";
            }

            var lastExit = process.LastExit is { } code ? string.Create(CultureInfo.InvariantCulture, $"code {code} at {process.LastExitAt?.ToLocalTime():HH:mm:ss}") : "—";
            var state = process.State switch
            {
                SupervisedState.GaveUp => "gave-up",
                _ => process.State.ToString().ToLowerInvariant(),
            };
            Console.WriteLine($"{process.Name,-10} {process.Pid,-8} {state,-11} {health,-10} {process.Restarts,-9} {lastExit}");
        }

        return 0;
    }

    /// <summary>Runs simulated terminals against a running MediaCenter (see <see cref="TerminalSimulator"/>).</summary>
    public static async Task<int> SimulateAsync(LauncherSettings settings, SimulationPlan plan, string? user, string? password, Uri? web, MqttEndpoint? broker = null)
    {
        var username = user ?? Environment.GetEnvironmentVariable("MEDIACENTER_SIM_USER")
            ?? throw new LaunchRefusal("--user / MEDIACENTER_SIM_USER: give the account that registers the terminals (its password in MEDIACENTER_SIM_PASSWORD).");
        var secret = Environment.GetEnvironmentVariable("MEDIACENTER_SIM_PASSWORD") ?? password
            ?? throw new LaunchRefusal($"MEDIACENTER_SIM_PASSWORD: set it to the password of '{username}'.");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var http = new HttpClient { BaseAddress = web ?? new Uri($"http://127.0.0.1:{settings.WebPort}") };
        var simulator = new TerminalSimulator(http, broker ?? new MqttEndpoint("127.0.0.1", settings.MqttPort), Console.Out);
        await simulator.SignInAsync(username, secret, stop.Token);
        await simulator.RunAsync(plan, stop.Token);
        return 0;
    }

    /// <summary>Backs the database up into a directory (the off-site location) with retention.</summary>
    public static async Task<int> BackupAsync(LauncherSettings settings, string directory, int keep)
    {
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
    public static async Task<int> RestoreAsync(LauncherSettings settings, string file, string database)
    {
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
                EnsureKeyRingKeyFile(settings.KeyRingKeyFile);
                await SeedAccountsAsync(connectionString, settings.KeyRingKeyFile, demo: false, settings.BootstrapAdminPassword, CancellationToken.None);
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
    public static async Task<int> SchemaStatusAsync(LauncherSettings settings)
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

    // The key that seals the key ring of personal-data encryption: created once, next to the data directory's other private
    // files and never inside PostgreSQL, so a dump or backup of the database holds sealed keys only.
    private static void EnsureKeyRingKeyFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        KeyRingSeal.CreateFile(path);
        Console.WriteLine($"keys: created the key-ring key file {path} (owner-only; keep a copy apart from the database backups: docs/OPERATIONS.md)");
    }

    // First run: the administrator (never a default password). --demo: one account per role, password shown once.
    // Returns the simulator's account and, when the demonstration accounts were created now, their password.
    private static async Task<((string Username, string Password)? Simulator, string? DemoPassword)> SeedAccountsAsync(string connectionString,
        string keyRingKeyFile, bool demo, string? adminPassword, CancellationToken cancellationToken)
    {
        CheckBootstrapPassword(adminPassword);
        await using var identity = IdentityServices.CreateStandalone(connectionString, keyRingKeyFile);
        var users = identity.GetRequiredService<UserStore>();
        var admin = await Bootstrap.EnsureAdminAsync(users, adminPassword, cancellationToken);
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
            Console.Error.WriteLine($"demo: could not fill the newsroom boards: {MessageCatalog.Render(ex.Message, Languages.English)}");
        }
    }

    // --demo, first run: a small staff of the demonstration party at the 50 % line, with a certificate about to expire.
    private static async Task SeedPeopleAsync(LauncherSettings settings, string password, CancellationToken cancellationToken)
    {
        try
        {
            var count = await new PeopleDemo(new Uri($"http://127.0.0.1:{settings.WebPort}"), password, TimeProvider.System).SeedAsync(cancellationToken);
            Console.WriteLine($"demo: {count} staff records in demo-news, half of them certified, one certificate expiring in 21 days, the staff owing a post-basics training with a session next week, last month's appraisals of an editor (draft) and the director (scored) (sign in as demo-party-admin, page /people)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"demo: could not record the demonstration staff: {MessageCatalog.Render(ex.Message, Languages.English)}");
        }
    }

    // --demo, first run: two indicators in force for the demonstration parties, with the previous month closed.
    private static async Task SeedIndicatorsAsync(LauncherSettings settings, string password, CancellationToken cancellationToken)
    {
        try
        {
            var count = await new IndicatorDemo(new Uri($"http://127.0.0.1:{settings.WebPort}"), password, TimeProvider.System).SeedAsync(cancellationToken);
            Console.WriteLine($"demo: {count} indicators in force for demo-news and demo-culture, last month closed (sign in as demo-management or demo-party-admin, page /indicators)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"demo: could not define the demonstration indicators: {MessageCatalog.Render(ex.Message, Languages.English)}");
        }
    }

    // --demo: a small simulated fleet (one stops, one flaps, one runs hot) so the ops board has something to show.
    private static async Task RunDemoFleetAsync(LauncherSettings settings, (string Username, string Password) account, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings.WebPort}") };
            var simulator = new TerminalSimulator(http, "127.0.0.1", settings.MqttPort, TextWriter.Null);
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
            Console.Error.WriteLine($"demo: the simulated fleet stopped: {MessageCatalog.Render(ex.Message, Languages.English)}");
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

    /// <summary>The login of the processes on the private server.</summary>
    internal const string ProcessesLogin = "mediacenter_processes";

    /// <summary>
    /// Makes sure the private server has the processes' login (a member of the application role) with the password kept in
    /// DATA/secrets/db-processes.password (created once, owner-only), and answers its connection string.
    /// </summary>
    private static async Task<string> ProcessesLoginAsync(LauncherSettings settings, string adminConnectionString, CancellationToken cancellationToken)
    {
        var file = Path.Combine(settings.DataDir, "secrets", "db-processes.password");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)) + "\n", cancellationToken);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var password = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        await DatabaseRoles.EnsureApplicationLoginAsync(adminConnectionString, ProcessesLogin, password, cancellationToken);
        return new Npgsql.NpgsqlConnectionStringBuilder(adminConnectionString) { Username = ProcessesLogin, Password = password }.ConnectionString;
    }

    private static string Numbered(string name, int index) => index == 0 ? name : $"{name}{index + 1}";

    // The policy the administrator's password must meet, checked before anything starts (identity's own rule).
    private static void CheckBootstrapPassword(string? password)
    {
        if (password is null)
        {
            return;
        }

        var problems = Passwords.Check(password, Bootstrap.AdminUsername);
        if (problems.Count > 0)
        {
            throw new LaunchRefusal("MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD does not meet the password policy: " +
                $"{string.Join("; ", problems.Select(p => MessageCatalog.Render(p, Languages.English)))} " +
                $"(the administrator is '{Bootstrap.AdminUsername}'); choose another, or unset it to have one generated.");
        }
    }

    private static void CheckPorts(LauncherSettings settings, bool includePostgres)
    {
        var wanted = new List<(PortSetting Setting, string Name, int Port)>
        {
            (PortSetting.Mqtt, "mqtt", settings.MqttPort),
            (PortSetting.GatewayHttp, "gateway http", settings.GatewayHttpPort),
        };
        if (includePostgres)
        {
            wanted.Add((PortSetting.Postgres, "private PostgreSQL", settings.PostgresPort));
        }

        for (var i = 0; i < settings.WebInstances; i++)
        {
            wanted.Add((PortSetting.Web, Numbered("web", i), settings.WebPort + (10 * i)));
        }

        for (var i = 0; i < settings.Silos; i++)
        {
            wanted.Add((PortSetting.SiloHttp, Numbered("silo", i) + " http", settings.SiloHttpPort + (10 * i)));
            wanted.Add((PortSetting.Silo, Numbered("silo", i), settings.SiloPort + i));
            wanted.Add((PortSetting.SiloGateway, Numbered("silo", i) + " gateway", settings.SiloGatewayPort + i));
        }

        var busy = new List<string>();
        foreach (var (setting, name, port) in wanted)
        {
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException)
            {
                busy.Add($"{setting.Names}: port {port} ({name})");
            }
        }

        if (busy.Count > 0)
        {
            throw new LaunchRefusal($"{string.Join(", ", busy)} already in use on 127.0.0.1; every port MediaCenter listens on must be free " +
                "(is another MediaCenter running? stop it, or choose other ports: ./mediacenter up --help).");
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> extra)
    {
        var all = new Dictionary<string, string>(common);
        foreach (var (key, value) in extra)
        {
            all[key] = value;
        }

        return all;
    }

    // Silos advertise loopback when the launcher runs them (silo/appsettings.json).
    private const string SiloAddress = "127.0.0.1";
}

/// <summary>Start-up failed for a reason the operator must see.</summary>
public sealed class LaunchException(string message) : Exception(message);
