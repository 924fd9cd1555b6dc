using MediaCenter.Launcher;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace MediaCenter.Testing;

/// <summary>
/// A MediaCenter deployment made of the real built processes (silo, web, gateway) on loopback ports,
/// against one PostgreSQL database, with its own cluster id. Disposing it stops every process. The processes log in with
/// <paramref name="applicationConnectionString"/> when given (the application role, as in production), else with
/// <paramref name="connectionString"/>, which the tests use to arrange and inspect data.
/// </summary>
public sealed class Deployment(string connectionString, string? clusterId = null, string? applicationConnectionString = null) : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly List<IHost> _clients = [];
    private TestIdentity? _identity;
    private readonly string _logs = Path.Combine(Path.GetTempPath(), "mc-test-logs");

    /// <summary>The database all processes use, as its administrator (for arranging and inspecting data).</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>How the processes log in to the database.</summary>
    public string ProcessConnectionString { get; } = applicationConnectionString ?? connectionString;

    /// <summary>The cluster id: silos and clients of this deployment only see each other.</summary>
    public string ClusterId { get; } = clusterId ?? "test-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Direct access to the accounts in this deployment's database, for arranging tests.</summary>
    public TestIdentity Identity => _identity ??= new TestIdentity(ConnectionString);

    /// <summary>Settings every process gets, before the per-process ones.</summary>
    public Dictionary<string, string> Common { get; } = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__Console__FormatterName"] = "simple",
        // Fast failure detection and fine-grained reminders so tests finish in seconds.
        ["ClusterTuning__Membership__ProbeTimeout"] = "00:00:01",
        ["ClusterTuning__Membership__NumMissedProbesLimit"] = "2",
        ["ClusterTuning__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
        ["ClusterTuning__Reminders__MinimumReminderPeriod"] = "00:00:01",
        ["Pulse__Period"] = "00:00:02",
        ["Terminals__CheckpointInterval"] = "00:00:01",
        ["Terminals__TelemetryBucket"] = "00:00:02",
        // Monthly report packs of every party would be made in any deployment that lives five minutes; the test of the archive turns them on.
        ["Reports__KeepMonthlyPacks"] = "false",
        // Failed sign-ins wait longer each time for the same user name; tests that fail on purpose would crawl. Its own test turns it on.
        ["Identity__SignInDelayBase"] = "00:00:00",
    };

    /// <summary>Starts a silo and waits until it is ready.</summary>
    public async Task<TestProcess> StartSiloAsync(string name, IReadOnlyDictionary<string, string>? settings = null, bool waitReady = true)
    {
        var siloPort = FreePorts.Next();
        var env = new Dictionary<string, string>
        {
            ["Silo__Name"] = name,
            ["Silo__Port"] = siloPort.ToString(),
            ["Silo__GatewayPort"] = FreePorts.Next().ToString(),
        };
        return await StartAsync(name, "silo", "MediaCenter.Silo", Merge(env, settings), waitReady);
    }

    /// <summary>Starts a client-web instance and waits until it is ready.</summary>
    public Task<TestProcess> StartWebAsync(string name = "web", IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(name, "client-web", "MediaCenter.Web", Merge([], settings), waitReady: true);

    /// <summary>Starts a devices gateway (embedded broker on a free port unless given) and waits until it is ready.</summary>
    public async Task<TestProcess> StartGatewayAsync(string name = "gateway", IReadOnlyDictionary<string, string>? settings = null)
    {
        var env = new Dictionary<string, string> { ["Mqtt__Port"] = FreePorts.Next().ToString() };
        return await StartAsync(name, "devices-gateway", "MediaCenter.DevicesGateway", Merge(env, settings), waitReady: true);
    }

    /// <summary>An Orleans client of this deployment, connected (<paramref name="configure"/> adds to its composition, e.g. TLS).</summary>
    public async Task<IClusterClient> ConnectClientAsync(Action<IClientBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = "mediacenter";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = ConnectionString;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(client);
        });
        var host = builder.Build();
        // Kept before it starts, so a client that fails to connect is disposed with the deployment too.
        _clients.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    private async Task<TestProcess> StartAsync(string name, string folder, string project, Dictionary<string, string> env, bool waitReady)
    {
        var httpPort = FreePorts.Next();
        var all = new Dictionary<string, string>(Common)
        {
            ["ConnectionStrings__MediaCenter"] = ProcessConnectionString,
            ["Cluster__ClusterId"] = ClusterId,
            ["Cluster__ServiceId"] = "mediacenter",
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
        };
        foreach (var (key, value) in env)
        {
            all[key] = value;
        }

        var process = ServiceProcess.Start(name, Repo.Assembly(folder, project), Repo.ProjectDir(folder, project),
            new Uri($"http://127.0.0.1:{httpPort}"), all, Path.Combine(_logs, name + "-" + httpPort + ".log"));
        _processes.Add(process);
        var handle = new TestProcess(process, all);
        if (waitReady && !await process.WaitReadyAsync(TimeSpan.FromSeconds(60), CancellationToken.None))
        {
            throw new InvalidOperationException($"{name} did not become ready (exited: {process.HasExited}). Log:\n{process.Tail(40)}");
        }

        return handle;
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> env, IReadOnlyDictionary<string, string>? extra)
    {
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                env[key] = value;
            }
        }

        return env;
    }

    /// <summary>Stops clients, then processes.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The cluster may already be gone; the client is being thrown away anyway.
            }

            client.Dispose();
        }

        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        if (_identity is not null)
        {
            await _identity.DisposeAsync();
        }
    }
}

/// <summary>A started process of a test deployment.</summary>
public sealed record TestProcess(ServiceProcess Process, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The HTTP base address (health, metrics, API).</summary>
    public Uri Http => Process.HttpBase;

    /// <summary>Kills the process at once, as a crash would (SIGKILL).</summary>
    public void Kill() => Posix.Signal(Process.Pid, Posix.SigKill);

    /// <summary>A setting the process was started with.</summary>
    public string this[string key] => Settings[key];
}
