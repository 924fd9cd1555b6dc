using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using MediaCenter.Simulator;

namespace MediaCenter.Launcher;

/// <summary>
/// The command line of <c>./mediacenter</c>: every command with its options and its own <c>--help</c>. A mistake in the
/// arguments (an unknown flag, a value that does not parse or is out of range) is one line on stderr and exit code 2,
/// before anything runs. Commands the bash script runs itself (test, build, publish, bench) are declared here too, so
/// that their help and their argument check are the same as everyone else's.
/// </summary>
public sealed class LauncherCli
{
    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Set by the script: parse and check the arguments, run nothing (exit 0 when they are fine).</summary>
    public const string CheckOnlyVariable = "MEDIACENTER_LAUNCHER_CHECK";

    private readonly Dictionary<Command, string> _paths = [];
    private readonly Option<string?> _data = new("--data")
    {
        Description = "data directory: private PostgreSQL, logs, launcher state (MEDIACENTER_DATA; default ./.mediacenter)",
        HelpName = "DIR",
    };

    private readonly Dictionary<PortSetting, Option<int?>> _ports;
    private readonly Option<bool> _demo = new("--demo") { Description = "demonstration accounts (one per role), boards with stories, a small simulated fleet" };
    private readonly Option<bool> _noBuild = new("--no-build") { Description = "run what is built already (the script skips its build)" };
    private readonly Option<int?> _restartLimit = new("--restart-limit")
    {
        Description = $"restarts of one process within {Supervisor.DefaultWindow.TotalMinutes:0} minutes before the launcher gives up on it " +
            $"(MEDIACENTER_RESTART_LIMIT; default {Supervisor.DefaultRestartLimit}; 0: never restart)",
        HelpName = "N",
    };

    private readonly Option<int> _silos = new("--silos") { Description = "how many silos (1–8)", DefaultValueFactory = _ => 1, HelpName = "N" };
    private readonly Option<int> _webs = new("--web") { Description = "how many client-web instances (1–8)", DefaultValueFactory = _ => 1, HelpName = "M" };

    /// <summary>Describes every command; <see cref="Root"/> parses.</summary>
    public LauncherCli()
    {
        _ports = PortSetting.All.ToDictionary(p => p, p => new Option<int?>(p.Flag)
        {
            Description = $"{p.What} port ({p.Variable}; default {p.Default})",
            HelpName = "PORT",
            CustomParser = r => Whole(r, p.Flag, 1, 65535, "a TCP port between 1 and 65535"),
        });
        _silos.CustomParser = r => Whole(r, "--silos", 1, 8) ?? 1;
        _webs.CustomParser = r => Whole(r, "--web", 1, 8) ?? 1;
        _restartLimit.CustomParser = r => Whole(r, "--restart-limit", 0, 1000, "a whole number, 0 or more");

        Root = new Command("./mediacenter", "MediaCenter: run the whole system on this machine, test it, operate its database.");
        Root.Options.Add(new HelpOption { Recursive = true });
        Root.Subcommands.Add(Up());
        Root.Subcommands.Add(new Command("cluster", "several silos and web instances") { Subcommands = { ClusterUp() } });
        Root.Subcommands.Add(Status());
        Root.Subcommands.Add(Db());
        Root.Subcommands.Add(Backup());
        Root.Subcommands.Add(Restore());
        Root.Subcommands.Add(Simulate());
        Root.Subcommands.Add(Test());
        Root.Subcommands.Add(Bench());
        Root.Subcommands.Add(ScriptCommand(new Command("build", "build the solution (Release unless MEDIACENTER_CONFIGURATION says otherwise)")));
        Root.Subcommands.Add(ScriptCommand(new Command("publish", "dotnet publish silo, web, gateway and migrator as their container images do (deploy/images/publish.sh)")
        {
            Options = { new Option<string>("--out") { Description = "output folder (default ./.mediacenter/publish)", HelpName = "DIR" } },
        }));
        Root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return UsageError;
        });
        Name(Root, "");
    }

    /// <summary>The root command (<c>./mediacenter</c>).</summary>
    public Command Root { get; }

    /// <summary>Parses <paramref name="args"/> and runs the command, or prints its help, or says in one line what is wrong.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var cli = new LauncherCli();
        var result = cli.Root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            var command = cli._paths.GetValueOrDefault(result.CommandResult.Command, "");
            var messages = string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')));
            error.WriteLine($"mediacenter: {(command.Length > 0 ? command + ": " : "")}{messages} (see ./mediacenter {(command.Length > 0 ? command + " " : "")}--help)");
            return UsageError;
        }

        if (Environment.GetEnvironmentVariable(CheckOnlyVariable) == "1" && result.Action is not HelpAction)
        {
            return 0;
        }

        // The commands handle SIGINT/SIGTERM themselves (stop in order), so the parser must not end the process first.
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
    }

    private Command Up()
    {
        var up = new Command("up", "build, start PostgreSQL (private, or MEDIACENTER_DB), migrate, start silo + web + gateway and keep them running " +
            "(a process that dies is restarted); Ctrl-C stops everything");
        AddRunOptions(up);
        up.SetAction((result, _) => Commands.UpAsync(Settings(result, silos: 1, webs: 1)));
        return up;
    }

    private Command ClusterUp()
    {
        var up = new Command("up", "as up, with N silos and M web instances (web ports 5080, 5090, …; silo ports 11111, 11112, …)");
        AddRunOptions(up);
        up.Options.Add(_silos);
        up.Options.Add(_webs);
        up.SetAction((result, _) => Commands.UpAsync(Settings(result, result.GetValue(_silos), result.GetValue(_webs))));
        return up;
    }

    private void AddRunOptions(Command command)
    {
        command.Options.Add(_demo);
        command.Options.Add(_noBuild);
        command.Options.Add(_data);
        foreach (var option in _ports.Values)
        {
            command.Options.Add(option);
        }

        command.Options.Add(_restartLimit);
    }

    private Command Status()
    {
        var status = new Command("status", "what the running launcher supervises: each process, its pid, whether it is ready, how often it was restarted");
        status.Options.Add(_data);
        status.SetAction((result, _) => Commands.StatusAsync(Settings(result, 1, 1)));
        return status;
    }

    private Command Db()
    {
        var migrate = new Command("migrate", "apply database migrations (MEDIACENTER_DB, or the private cluster)");
        var bootstrap = new Option<bool>("--bootstrap-admin") { Description = "also create the administrator when the database has no account (as up does)" };
        migrate.Options.Add(bootstrap);
        DatabaseOptions(migrate);
        migrate.SetAction((result, _) => Commands.MigrateAsync(Settings(result, 1, 1), result.GetValue(bootstrap)));

        var status = new Command("status", "show the database schema version (exit 3 when it is not the one this build needs)");
        DatabaseOptions(status);
        status.SetAction((result, _) => Commands.SchemaStatusAsync(Settings(result, 1, 1)));

        var directory = new Option<string>("--standby-dir") { Description = "the standby's directory", HelpName = "DIR", Required = true };
        var standbyPort = new Option<int?>("--standby-port")
        {
            Description = "the standby's port (default: the private PostgreSQL's port + 1)",
            HelpName = "PORT",
            CustomParser = r => Whole(r, "--standby-port", 1, 65535, "a TCP port between 1 and 65535"),
        };
        var standby = new Command("standby", "a streaming-replication standby of the private PostgreSQL, started, read-only") { Options = { directory, standbyPort } };
        DatabaseOptions(standby);
        standby.SetAction((result, _) => StandbyCommands.StandbyAsync(Settings(result, 1, 1), result.GetValue(directory)!, result.GetValue(standbyPort)));

        var promote = new Command("promote", "fail over: promote that standby to a primary that accepts writes") { Options = { directory, standbyPort } };
        DatabaseOptions(promote);
        promote.SetAction((result, _) => StandbyCommands.PromoteAsync(Settings(result, 1, 1), result.GetValue(directory)!, result.GetValue(standbyPort)));

        return new Command("db", "the database: migrations, schema version, standby and fail-over") { Subcommands = { migrate, status, standby, promote } };
    }

    private void DatabaseOptions(Command command)
    {
        command.Options.Add(_data);
        command.Options.Add(_ports[PortSetting.Postgres]);
    }

    private Command Backup()
    {
        var to = new Option<string>("--to") { Description = "the backup directory (the off-site location)", HelpName = "DIR", Required = true };
        var keep = new Option<int>("--keep")
        {
            Description = "how many backups to keep, newest first",
            HelpName = "N",
            DefaultValueFactory = _ => 14,
            CustomParser = r => Whole(r, "--keep", 1, 10_000) ?? 14,
        };
        var backup = new Command("backup", "consistent backup (pg_dump) into DIR with a SHA-256 beside it, keeping the newest N") { Options = { to, keep } };
        DatabaseOptions(backup);
        backup.SetAction((result, _) => Commands.BackupAsync(Settings(result, 1, 1), result.GetValue(to)!, result.GetValue(keep)));
        return backup;
    }

    private Command Restore()
    {
        var from = new Option<string>("--from") { Description = "the backup file", HelpName = "FILE", Required = true };
        var into = new Option<string>("--into") { Description = "a new database name (never an existing one)", HelpName = "DB", Required = true };
        var restore = new Command("restore", "verify the checksum and restore into a new database DB") { Options = { from, into } };
        DatabaseOptions(restore);
        restore.SetAction((result, _) => Commands.RestoreAsync(Settings(result, 1, 1), result.GetValue(from)!, result.GetValue(into)!));
        return restore;
    }

    private Command Simulate()
    {
        var terminals = new Option<int>("--terminals")
        {
            Description = "how many terminals",
            HelpName = "N",
            DefaultValueFactory = _ => 10,
            CustomParser = r => Whole(r, "--terminals", 1, 100_000) ?? 10,
        };
        var interval = Seconds("--interval", "heartbeat interval in seconds", 5);
        var user = new Option<string?>("--user") { Description = "the account that registers the terminals (MEDIACENTER_SIM_USER); its password in MEDIACENTER_SIM_PASSWORD", HelpName = "NAME" };
        var password = new Option<string?>("--password") { Description = "the account's password (prefer MEDIACENTER_SIM_PASSWORD: a flag shows in the process list)", HelpName = "PASSWORD" };
        var party = new Option<string>("--party") { Description = "the access party that owns the terminals", HelpName = "ID", DefaultValueFactory = _ => "demo-news" };
        var prefix = new Option<string>("--prefix") { Description = "terminal id prefix (PREFIX-0001 …)", HelpName = "PREFIX", DefaultValueFactory = _ => "sim" };
        var region = new Option<string>("--region") { Description = "the terminals' region", HelpName = "NAME", DefaultValueFactory = _ => "演示区" };
        var stop = Count("--stop", "how many terminals fall silent (Last Will) after --stop-after");
        var stopAfter = Seconds("--stop-after", "seconds before those terminals stop", 30);
        var flap = Count("--flap", "how many terminals disconnect and reconnect every 20 s");
        var degrade = Count("--degrade", "how many terminals report CPU above 95 %");
        var malformed = Count("--malformed", "how many terminals also send malformed telemetry");
        var duration = new Option<double?>("--duration")
        {
            Description = "stop after this many seconds (default: until Ctrl-C)",
            HelpName = "S",
            CustomParser = r => PositiveSeconds(r, "--duration"),
        };
        var web = new Option<Uri?>("--web") { Description = "the web instance to register through (default http://127.0.0.1:WEB-PORT)", HelpName = "URL" };
        var mqttHost = new Option<string>("--mqtt-host") { Description = "the broker's host (with TLS: a name its certificate carries)", HelpName = "HOST", DefaultValueFactory = _ => "127.0.0.1" };
        var tls = new Option<bool>("--mqtt-tls") { Description = "connect over TLS (MQTT port 8883 by convention: give it with --mqtt-port); the broker's certificate must chain to a system root or --mqtt-ca" };
        var ca = ExistingFile("--mqtt-ca", "PEM file of the CA the broker's certificate must chain to (implies --mqtt-tls)");
        var clientCertificate = ExistingFile("--mqtt-client-cert", "PEM client certificate for brokers that require one (with --mqtt-client-key; implies --mqtt-tls)");
        var clientKey = ExistingFile("--mqtt-client-key", "the client certificate's PEM private key");
        var simulate = new Command("simulate", "simulated terminals over real MQTT against a running system")
        {
            Options =
            {
                terminals, interval, user, password, party, prefix, region, stop, stopAfter, flap, degrade, malformed, duration, web, _ports[PortSetting.Web], _ports[PortSetting.Mqtt],
                mqttHost, tls, ca, clientCertificate, clientKey,
            },
        };
        simulate.Validators.Add(r =>
        {
            if ((r.GetValue(clientCertificate) is null) != (r.GetValue(clientKey) is null))
            {
                r.AddError("--mqtt-client-cert and --mqtt-client-key go together.");
            }
        });
        simulate.SetAction((result, _) =>
        {
            var plan = new SimulationPlan(result.GetValue(terminals), TimeSpan.FromSeconds(result.GetValue(interval)), result.GetValue(party)!, result.GetValue(prefix)!,
                result.GetValue(region)!, result.GetValue(stop), TimeSpan.FromSeconds(result.GetValue(stopAfter)), result.GetValue(flap), result.GetValue(degrade),
                result.GetValue(malformed), result.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null);
            var settings = Settings(result, 1, 1);
            var broker = new MqttEndpoint(result.GetValue(mqttHost)!, settings.MqttPort)
            {
                Tls = result.GetValue(tls),
                CaFile = result.GetValue(ca),
                ClientCertificateFile = result.GetValue(clientCertificate),
                ClientKeyFile = result.GetValue(clientKey),
            };
            return Commands.SimulateAsync(settings, plan, result.GetValue(user), result.GetValue(password), result.GetValue(web), broker);
        });
        return simulate;
    }

    private Command Test()
    {
        var filter = new Argument<string?>("FILTER") { Description = "run only the test projects whose name contains FILTER", Arity = ArgumentArity.ZeroOrOne };
        return ScriptCommand(new Command("test", "build, then run every test project; ends with \"N passed, N failed\" and fails when a test left a process running")
        {
            Arguments = { filter },
        });
    }

    private Command Bench()
    {
        var only = new Option<string?>("--only") { Description = "run only these benchmarks (comma-separated: B1,B2,B3,B4,B5,B6,B7,B8)", HelpName = "LIST" };
        only.Validators.Add(r =>
        {
            var unknown = (r.GetValueOrDefault<string?>() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(b => b.ToUpperInvariant() is not ("B1" or "B2" or "B3" or "B4" or "B5" or "B6" or "B7" or "B8")).ToList();
            if (unknown.Count > 0)
            {
                r.AddError($"--only names benchmarks B1 to B8 (unknown: {string.Join(", ", unknown)}).");
            }
        });
        var tls = new Option<bool>("--b1-tls") { Description = "B1: the terminals connect to the gateway over TLS (a throw-away CA and certificate; the bare-broker baseline stays plain)" };
        var bench = new Command("bench", "run the benchmarks (apart from the tests) and rewrite docs/BENCHMARKS.md (rows not run are kept)") { Options = { only, tls } };
        foreach (var (flag, description) in BenchOptions)
        {
            bench.Options.Add(new Option<int?>(flag) { Description = description, HelpName = "N", CustomParser = r => Whole(r, flag, 1, int.MaxValue, "a positive whole number") });
        }

        return ScriptCommand(bench);
    }

    // The suite's own knobs (tests/MediaCenter.Benchmarks reads them); defaults are the suite's.
    private static readonly IReadOnlyList<(string Flag, string Description)> BenchOptions =
    [
        ("--b1-terminals", "B1: simulated terminals (10000)"),
        ("--b1-rate", "B1: heartbeats per second offered (15500)"),
        ("--b1-seconds", "B1: measured seconds (60)"),
        ("--b1-qos1-seconds", "B1: seconds of the QoS 1 run (20)"),
        ("--b1-baseline-seconds", "B1: seconds of the bare-broker baseline (20)"),
        ("--b2-terminals", "B2: terminals that fall silent (200)"),
        ("--b3-connections", "B3: SignalR board connections (1000)"),
        ("--b3-connections-per-account", "B3: connections per staff account (10)"),
        ("--b3-staff", "B3: staff making changes (5)"),
        ("--b4-users", "B4: concurrent newsroom users (50)"),
        ("--b4-seconds", "B4: measured seconds (30)"),
        ("--b4-warmup-seconds", "B4: seconds of the full load before the measured window, not measured (30)"),
        ("--b5-staff", "B5: staff working during the public reads (50)"),
        ("--b5-staff-pace-ms", "B5: milliseconds between one staff member's transitions (5000: a newsroom's pace)"),
        ("--b5-addresses", "B5: readers, each on its own loopback address (1000)"),
        ("--b5-step-seconds", "B5: seconds per load step (10)"),
        ("--b6-terminals", "B6: terminal grains activated (100000)"),
        ("--b7-terminals", "B7: terminals of the region that goes silent (1000)"),
        ("--b7-spread-seconds", "B7: seconds over which they go silent (10)"),
        ("--b7-staff", "B7: operators reading the board (5)"),
        ("--b7-witnesses", "B7: terminals of another region that keep beating (20)"),
        ("--b8-events", "B8: domain events in the delivery run (20000)"),
        ("--b8-rate", "B8: events per second in the latency run (200)"),
        ("--b8-replay-events", "B8: events read back from the log (20000)"),
    ];

    // Declared for help and the argument check; the script runs the command itself and never hands it to the launcher to run.
    private static Command ScriptCommand(Command command)
    {
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Error.WriteLine($"mediacenter: '{command.Name}' is run by the ./mediacenter script, not by the launcher.");
            return UsageError;
        });
        return command;
    }

    private LauncherSettings Settings(ParseResult result, int silos, int webs) =>
        LauncherSettings.Resolve(
            result.GetValue(_data),
            PortSetting.All.Where(p => result.GetResult(_ports[p]) is not null).ToDictionary(p => p, p => result.GetValue(_ports[p])!.Value),
            result.GetValue(_demo),
            silos,
            webs,
            result.GetResult(_restartLimit) is not null ? result.GetValue(_restartLimit) : null);

    private void Name(Command command, string path)
    {
        _paths[command] = path;
        foreach (var sub in command.Subcommands)
        {
            Name(sub, path.Length == 0 ? sub.Name : path + " " + sub.Name);
        }
    }

    // One value of a flag as a whole number in a range; anything else is a parse error that says the rule.
    private static int? Whole(System.CommandLine.Parsing.ArgumentResult result, string flag, int min, int max, string? rule = null)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(string.Create(CultureInfo.InvariantCulture, $"{flag} must be {rule ?? $"a whole number from {min} to {max}"} (was '{text}')"));
        return null;
    }

    private static double? PositiveSeconds(System.CommandLine.Parsing.ArgumentResult result, string flag)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
        {
            return value;
        }

        result.AddError($"{flag} must be a positive number of seconds (was '{text}')");
        return null;
    }

    private static Option<int> Count(string flag, string description) => new(flag)
    {
        Description = description,
        HelpName = "K",
        DefaultValueFactory = _ => 0,
        CustomParser = r => Whole(r, flag, 0, 100_000) ?? 0,
    };

    private static Option<string?> ExistingFile(string flag, string description) => new(flag)
    {
        Description = description,
        HelpName = "FILE",
        CustomParser = r =>
        {
            var path = r.Tokens.Count == 0 ? null : r.Tokens[0].Value;
            if (path is not null && !File.Exists(path))
            {
                r.AddError($"{flag} names no file ({path})");
            }

            return path;
        },
    };

    private static Option<double> Seconds(string flag, string description, double fallback) => new(flag)
    {
        Description = description,
        HelpName = "S",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => PositiveSeconds(r, flag) ?? fallback,
    };
}
/// <summary>A TCP port the launcher listens on or connects to: its flag, its environment variable and its default.</summary>
public sealed record PortSetting(string Flag, string Variable, int Default, string What)
{
    /// <summary>The private PostgreSQL.</summary>
    public static readonly PortSetting Postgres = new("--pg-port", "MEDIACENTER_PG_PORT", 55432, "private PostgreSQL");

    /// <summary>client-web (instance i listens on this + 10·i).</summary>
    public static readonly PortSetting Web = new("--web-port", "MEDIACENTER_WEB_PORT", 5080, "client-web HTTP (instance i: + 10·i)");

    /// <summary>The gateway's MQTT broker.</summary>
    public static readonly PortSetting Mqtt = new("--mqtt-port", "MEDIACENTER_MQTT_PORT", 1883, "MQTT broker");

    /// <summary>The gateway's health and metrics.</summary>
    public static readonly PortSetting GatewayHttp = new("--gateway-http-port", "MEDIACENTER_GATEWAY_HTTP_PORT", 5081, "devices gateway HTTP");

    /// <summary>The silo's health and metrics (silo i: + 10·i).</summary>
    public static readonly PortSetting SiloHttp = new("--silo-http-port", "MEDIACENTER_SILO_HTTP_PORT", 5082, "silo HTTP (silo i: + 10·i)");

    /// <summary>Silo-to-silo (silo i: + i).</summary>
    public static readonly PortSetting Silo = new("--silo-port", "MEDIACENTER_SILO_PORT", 11111, "silo-to-silo (silo i: + i)");

    /// <summary>The silo's client gateway (silo i: + i).</summary>
    public static readonly PortSetting SiloGateway = new("--silo-gateway-port", "MEDIACENTER_SILO_GATEWAY_PORT", 30000, "silo client gateway (silo i: + i)");

    /// <summary>Every port setting, in the order help lists them.</summary>
    public static IReadOnlyList<PortSetting> All { get; } = [Web, Mqtt, Postgres, GatewayHttp, SiloHttp, Silo, SiloGateway];

    /// <summary>How an operator names this setting: the flag and the variable.</summary>
    public string Names => $"{Flag} / {Variable}";
}
