using System.Globalization;

namespace MediaCenter.Launcher;

/// <summary>What the launcher runs: command-line flags first, then environment variables (MEDIACENTER_*), then defaults.</summary>
public sealed class LauncherSettings
{
    /// <summary>The repository root (where the built projects are).</summary>
    public required string Root { get; init; }

    /// <summary>The build configuration whose outputs are run.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>Where the private PostgreSQL cluster, the logs and the launcher's state live.</summary>
    public required string DataDir { get; init; }

    /// <summary>An existing PostgreSQL to use instead of the private cluster.</summary>
    public string? ExternalDatabase { get; init; }

    /// <summary>Every port, by its setting.</summary>
    public required IReadOnlyDictionary<PortSetting, int> Ports { get; init; }

    public int PostgresPort => Ports[PortSetting.Postgres];
    public int WebPort => Ports[PortSetting.Web];
    public int MqttPort => Ports[PortSetting.Mqtt];
    public int GatewayHttpPort => Ports[PortSetting.GatewayHttp];
    public int SiloHttpPort => Ports[PortSetting.SiloHttp];
    public int SiloPort => Ports[PortSetting.Silo];
    public int SiloGatewayPort => Ports[PortSetting.SiloGateway];
    public string ClusterId { get; init; } = "mediacenter";
    public bool Demo { get; init; }

    /// <summary>How many silos <c>cluster up</c> starts (1 for <c>up</c>).</summary>
    public int Silos { get; init; } = 1;

    /// <summary>How many client-web instances <c>cluster up</c> starts (1 for <c>up</c>).</summary>
    public int WebInstances { get; init; } = 1;

    /// <summary>Restarts of one process within <see cref="Supervisor.DefaultWindow"/> before the launcher gives up on it.</summary>
    public int RestartLimit { get; init; } = Supervisor.DefaultRestartLimit;

    /// <summary>The bootstrap administrator's password (MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD), when given.</summary>
    public string? BootstrapAdminPassword { get; init; }

    /// <summary>Where the launcher writes what it supervises (read by <c>./mediacenter status</c>).</summary>
    public string StateFile => Path.Combine(DataDir, "run", "launcher.json");

    /// <summary>The key file that seals the Data Protection key ring (outside PostgreSQL, so backups never hold it).</summary>
    public string KeyRingKeyFile => Path.Combine(DataDir, "secrets", "keyring.key");

    /// <summary>Combines the parsed flags with the environment; a malformed variable is a <see cref="LaunchRefusal"/> naming it.</summary>
    public static LauncherSettings Resolve(string? dataFlag, IReadOnlyDictionary<PortSetting, int> portFlags, bool demo, int silos, int webs, int? restartLimitFlag)
    {
        string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        int Port(PortSetting setting)
        {
            if (portFlags.TryGetValue(setting, out var flagged))
            {
                return flagged;
            }

            var text = Environment.GetEnvironmentVariable(setting.Variable);
            if (string.IsNullOrEmpty(text))
            {
                return setting.Default;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new LaunchRefusal($"{setting.Variable} must be a TCP port between 1 and 65535 (was '{text}').");
        }

        var restartLimit = restartLimitFlag;
        if (restartLimit is null && Environment.GetEnvironmentVariable("MEDIACENTER_RESTART_LIMIT") is { Length: > 0 } limitText)
        {
            restartLimit = int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
                ? limit
                : throw new LaunchRefusal($"MEDIACENTER_RESTART_LIMIT must be a whole number, 0 or more (was '{limitText}').");
        }

        var root = Path.GetFullPath(Env("MEDIACENTER_ROOT", Directory.GetCurrentDirectory()));
        return new LauncherSettings
        {
            Root = root,
            Configuration = Env("MEDIACENTER_CONFIGURATION", "Release"),
            DataDir = Path.GetFullPath(dataFlag ?? Env("MEDIACENTER_DATA", Path.Combine(root, ".mediacenter"))),
            ExternalDatabase = Environment.GetEnvironmentVariable("MEDIACENTER_DB") is { Length: > 0 } db ? db : null,
            Ports = PortSetting.All.ToDictionary(p => p, Port),
            ClusterId = Env("MEDIACENTER_CLUSTER_ID", "mediacenter"),
            Demo = demo,
            Silos = silos,
            WebInstances = webs,
            RestartLimit = restartLimit ?? Supervisor.DefaultRestartLimit,
            BootstrapAdminPassword = Environment.GetEnvironmentVariable("MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD") is { Length: > 0 } password ? password : null,
        };
    }

    /// <summary>The path of a built project's assembly.</summary>
    public string Assembly(string folder, string project) =>
        Path.Combine(Root, folder, project, "bin", Configuration, "net10.0", project + ".dll");
}

/// <summary>
/// The launcher refuses to go on for a reason the operator can fix: one line that names the setting and the rule, no stack
/// trace, exit code 1.
/// </summary>
public sealed class LaunchRefusal(string message) : Exception(message);
