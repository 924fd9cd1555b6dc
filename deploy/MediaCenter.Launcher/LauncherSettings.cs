namespace MediaCenter.Launcher;

/// <summary>What the launcher runs, from environment variables (MEDIACENTER_*) and command-line flags.</summary>
public sealed class LauncherSettings
{
    /// <summary>The repository root (where the built projects are).</summary>
    public required string Root { get; init; }

    /// <summary>The build configuration whose outputs are run.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>Where the private PostgreSQL cluster and the logs live.</summary>
    public required string DataDir { get; init; }

    /// <summary>An existing PostgreSQL to use instead of the private cluster.</summary>
    public string? ExternalDatabase { get; init; }

    public int PostgresPort { get; init; } = 55432;
    public int WebPort { get; init; } = 5080;
    public int MqttPort { get; init; } = 1883;
    public int GatewayHttpPort { get; init; } = 5081;
    public int SiloHttpPort { get; init; } = 5082;
    public int SiloPort { get; init; } = 11111;
    public int SiloGatewayPort { get; init; } = 30000;
    public string ClusterId { get; init; } = "mediacenter";
    public bool Demo { get; init; }

    /// <summary>How many silos <c>cluster up</c> starts (1 for <c>up</c>).</summary>
    public int Silos { get; init; } = 1;

    /// <summary>How many client-web instances <c>cluster up</c> starts (1 for <c>up</c>).</summary>
    public int WebInstances { get; init; } = 1;

    /// <summary>Reads the environment, then lets flags override it.</summary>
    public static LauncherSettings From(string[] args)
    {
        string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        int Port(string name, int fallback, string flag)
        {
            var text = Flag(args, flag) ?? Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }

            return int.TryParse(text, out var port) && port is > 0 and < 65536
                ? port
                : throw new ArgumentException($"{flag} / {name} must be a TCP port between 1 and 65535 (was '{text}').");
        }

        var root = Path.GetFullPath(Env("MEDIACENTER_ROOT", Directory.GetCurrentDirectory()));
        return new LauncherSettings
        {
            Root = root,
            Configuration = Env("MEDIACENTER_CONFIGURATION", "Release"),
            DataDir = Path.GetFullPath(Flag(args, "--data") ?? Env("MEDIACENTER_DATA", Path.Combine(root, ".mediacenter"))),
            ExternalDatabase = Environment.GetEnvironmentVariable("MEDIACENTER_DB") is { Length: > 0 } db ? db : null,
            PostgresPort = Port("MEDIACENTER_PG_PORT", 55432, "--pg-port"),
            WebPort = Port("MEDIACENTER_WEB_PORT", 5080, "--web-port"),
            MqttPort = Port("MEDIACENTER_MQTT_PORT", 1883, "--mqtt-port"),
            GatewayHttpPort = Port("MEDIACENTER_GATEWAY_HTTP_PORT", 5081, "--gateway-http-port"),
            SiloHttpPort = Port("MEDIACENTER_SILO_HTTP_PORT", 5082, "--silo-http-port"),
            SiloPort = Port("MEDIACENTER_SILO_PORT", 11111, "--silo-port"),
            SiloGatewayPort = Port("MEDIACENTER_SILO_GATEWAY_PORT", 30000, "--silo-gateway-port"),
            ClusterId = Env("MEDIACENTER_CLUSTER_ID", "mediacenter"),
            Demo = args.Contains("--demo"),
            Silos = Count(args, "--silos"),
            WebInstances = Count(args, "--web"),
        };
    }

    /// <summary>The path of a built project's assembly.</summary>
    public string Assembly(string folder, string project) =>
        Path.Combine(Root, folder, project, "bin", Configuration, "net10.0", project + ".dll");

    private static int Count(string[] args, string flag)
    {
        var text = Flag(args, flag);
        if (text is null)
        {
            return 1;
        }

        return int.TryParse(text, out var n) && n is >= 1 and <= 8 ? n : throw new ArgumentException($"{flag} must be between 1 and 8 (was '{text}').");
    }

    private static string? Flag(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
