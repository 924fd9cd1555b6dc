using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MediaCenter.Launcher;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using YamlDotNet.RepresentationModel;
using static MediaCenter.IntegrationTests.Deploy.DeployFiles;

namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>
/// What the container images contain, run here without a container engine: the outputs of the same
/// <c>deploy/images/publish.sh</c> the Dockerfiles run, started with the settings of compose.yaml (addresses and ports
/// moved to loopback), checked with the images' own HEALTHCHECK script, and scraped for every metric that an alert
/// rule or a dashboard panel reads.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed partial class PublishedImageTests(IntegrationFixture fixture)
{
    /// <summary>The compose settings that only make sense inside Docker's network, and what they become on loopback.</summary>
    private static readonly string[] LocalSettings =
        ["ConnectionStrings__MediaCenter", "Cluster__ClusterId", "Urls", "Silo__AdvertisedAddress", "Silo__Port", "Silo__GatewayPort", "Mqtt__Host", "Mqtt__Port",
            "Mqtt__Tls__Host", "Mqtt__Tls__Port"];

    [Fact]
    public async Task The_published_images_migrate_start_with_their_compose_settings_pass_their_healthcheck_and_expose_every_metric_alerts_and_dashboard_use()
    {
        var publish = Path.Combine(Path.GetTempPath(), $"mc-publish-{Guid.NewGuid():N}");
        var logs = Path.Combine(Path.GetTempPath(), "mc-test-logs");
        var processes = new List<ServiceProcess>();
        try
        {
            foreach (var image in new[] { "silo", "web", "gateway", "migrator" })
            {
                var (exit, output) = await ProcessRunner.RunAsync("bash", [PathOf("images", "publish.sh"), image, Path.Combine(publish, image)],
                    timeout: TimeSpan.FromMinutes(10), workingDirectory: Repo.Root);
                Assert.True(exit == 0, $"publishing {image} failed:\n{output}");
            }

            Assert.True(File.Exists(Path.Combine(publish, "web", "wwwroot", "lib", "signalr.min.js")), "the web image needs the browser libraries");

            // compose.yaml's secrets, made as docs/OPERATIONS.md makes them, in a local folder instead of ./secrets.
            var compose = LoadMapping(PathOf("compose", "compose.yaml"));
            var secrets = Path.Combine(publish, "secrets");
            using var authority = TestCertificates.Create(Path.Combine(secrets, "mqtt"));
            var cluster = TestCertificates.WriteSelfSigned(secrets, "mediacenter-cluster");
            MediaCenter.Identity.KeyRingSeal.CreateFile(Path.Combine(secrets, "keyring.key"));
            var secretFiles = new Dictionary<string, string>
            {
                ["./secrets/cluster.crt"] = cluster.CertificatePath,
                ["./secrets/cluster.key"] = cluster.KeyPath,
                ["./secrets/mqtt-server.crt"] = authority.ServerCertificatePath,
                ["./secrets/mqtt-server.key"] = authority.ServerKeyPath,
                ["./secrets/keyring.key"] = Path.Combine(secrets, "keyring.key"),
            };
            Assert.Equal(secretFiles.Keys.Order(), ((YamlMappingNode)compose.Get("secrets")!).Children.Values.Select(v => v.Str("file")!).Order());

            // The migrator as the compose service and the Kubernetes job run it, on a new empty database.
            var database = await fixture.Postgres.CreateDatabaseAsync("deploy");
            var services = (YamlMappingNode)compose.Get("services")!;
            var migratorEnv = WithSecrets(compose, services.Get("migrator")!, Resolve(FlatMapping(services.Get("migrator").Get("environment"))), secretFiles, publish);
            migratorEnv["MEDIACENTER_DB"] = database;
            migratorEnv["MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD"] = TestIdentity.Password;
            string[] migrate = ["mediacenter-launcher.dll", "db", "migrate", "--bootstrap-admin"];
            var first = await ProcessRunner.RunAsync("dotnet", migrate, timeout: TimeSpan.FromMinutes(2), environment: migratorEnv, workingDirectory: Path.Combine(publish, "migrator"));
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains("created the administrator 'admin' with MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD", first.Output);
            var again = await ProcessRunner.RunAsync("dotnet", migrate, timeout: TimeSpan.FromMinutes(2), environment: migratorEnv, workingDirectory: Path.Combine(publish, "migrator"));
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Contains("0 applied", again.Output);
            Assert.DoesNotContain("created the administrator", again.Output);

            // Silo, web and gateway from their publish folders, with the image's ENV and the compose service's settings.
            var clusterId = "deploy-" + Guid.NewGuid().ToString("N")[..8];
            async Task<(ServiceProcess Process, int HttpPort)> StartAsync(string service, string image, string dll)
            {
                var dockerfile = ReadDockerfile(PathOf("images", image + ".Dockerfile"));
                var env = new Dictionary<string, string>(dockerfile.Env);
                foreach (var (key, value) in WithSecrets(compose, services.Get(service)!, Resolve(FlatMapping(services.Get(service).Get("environment"))), secretFiles, publish))
                {
                    env[key] = value;
                }

                var httpPort = FreePorts.Next();
                var local = new Dictionary<string, string>
                {
                    ["ConnectionStrings__MediaCenter"] = new Npgsql.NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 20 }.ConnectionString,
                    ["Cluster__ClusterId"] = clusterId,
                    ["Urls"] = $"http://127.0.0.1:{httpPort}",
                    ["Silo__AdvertisedAddress"] = "127.0.0.1",
                    ["Silo__Port"] = FreePorts.Next().ToString(),
                    ["Silo__GatewayPort"] = FreePorts.Next().ToString(),
                    ["Mqtt__Host"] = "127.0.0.1",
                    ["Mqtt__Port"] = FreePorts.Next().ToString(),
                    ["Mqtt__Tls__Host"] = "127.0.0.1",
                    ["Mqtt__Tls__Port"] = FreePorts.Next().ToString(),
                };
                foreach (var key in LocalSettings.Where(env.ContainsKey))
                {
                    env[key] = local[key];
                }

                var process = ServiceProcess.Start($"published-{service}", Path.Combine(publish, image, dll), Path.Combine(publish, image),
                    new Uri($"http://127.0.0.1:{httpPort}"), env, Path.Combine(logs, $"published-{service}-{httpPort}.log"));
                processes.Add(process);
                Assert.True(await process.WaitReadyAsync(TimeSpan.FromSeconds(90), CancellationToken.None),
                    $"the published {service} did not become ready:\n{process.Tail(40)}");
                return (process, httpPort);
            }

            var silo = await StartAsync("silo-1", "silo", "MediaCenter.Silo.dll");
            var web = await StartAsync("web", "web", "MediaCenter.Web.dll");
            var gateway = await StartAsync("gateway", "gateway", "MediaCenter.DevicesGateway.dll");

            // The images' HEALTHCHECK command, against each process.
            foreach (var (name, port) in new[] { ("silo", silo.HttpPort), ("web", web.HttpPort), ("gateway", gateway.HttpPort) })
            {
                var (exit, output) = await ProcessRunner.RunAsync("bash", [PathOf("images", "healthcheck.sh"), port.ToString(), "/health/live"], workingDirectory: Repo.Root);
                Assert.True(exit == 0, $"the {name} healthcheck failed: {output}");
            }

            var (refused, _) = await ProcessRunner.RunAsync("bash", [PathOf("images", "healthcheck.sh"), FreePorts.Next().ToString(), "/health/live"], workingDirectory: Repo.Root);
            Assert.NotEqual(0, refused);

            // The administrator the migrator created signs in; a board change reaches the web host's push metric.
            await using (var identity = new TestIdentity(database))
            {
                await identity.PartyAsync("deploy");
            }

            using var admin = await TestIdentity.SignInAsync(web.Process.HttpBase, "admin");
            // A board open in a browser: the web pushes a channel's changes only while someone watches its board.
            await using var board = new HubConnectionBuilder()
                .WithUrl(new Uri(web.Process.HttpBase, "/hubs/live"), HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(admin.DefaultRequestHeaders.Authorization!.Parameter);
                })
                .Build();
            await board.StartAsync();
            Assert.True(await board.InvokeAsync<bool>("WatchBoard", "deploy-home"));
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/channels/deploy-home/policy")
            {
                Content = JsonContent.Create(new { reviewLevels = 2, targets = new[] { "Pc", "App" } }),
            };
            request.Headers.Add("Idempotency-Key", "deploy-policy-1");
            var policy = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

            // A registered terminal shows in the silo's census of the fleet (health unknown until it reports).
            using var register = new HttpRequestMessage(HttpMethod.Post, "/api/terminals")
            {
                Content = JsonContent.Create(new { id = "deploy-k1", name = "大厅一号机", kind = "Kiosk", region = "hall", partyId = "deploy", heartbeatIntervalSeconds = 30 }),
            };
            register.Headers.Add("Idempotency-Key", "deploy-terminal-1");
            var registered = await admin.SendAsync(register);
            Assert.True(registered.IsSuccessStatusCode, $"{registered.StatusCode}: {await registered.Content.ReadAsStringAsync()}");

            using var http = new HttpClient();
            await Eventually.WaitAsync(() => http.GetStringAsync(new Uri(silo.Process.HttpBase, "/metrics")),
                m => m.Contains("mediacenter_terminals{health=\"unknown\"} 1\n", StringComparison.Ordinal), TimeSpan.FromSeconds(20),
                "the registered terminal counted in mediacenter_terminals");

            var webMetrics = await Eventually.WaitAsync(() => http.GetStringAsync(new Uri(web.Process.HttpBase, "/metrics")),
                m => BoardPushes().Match(m) is { Success: true } found && double.Parse(found.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1,
                TimeSpan.FromSeconds(20), "a board push counted in mediacenter_live_push_delay_seconds");

            // Orleans creates its request-latency histogram with the first application grain call a silo makes or
            // answers; the web's status page makes some.
            var siloMetrics = await Eventually.WaitAsync(async () =>
                {
                    (await admin.GetAsync("/api/system/status")).EnsureSuccessStatusCode();
                    return await http.GetStringAsync(new Uri(silo.Process.HttpBase, "/metrics"));
                },
                m => m.Contains("microsoft_orleans_orleans_app_requests_latency_count", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "Orleans' application request histogram on the silo");

            var scrapes = new Dictionary<string, ILookup<string, string>>
            {
                ["mediacenter-silo"] = Samples(siloMetrics),
                ["mediacenter-web"] = Samples(webMetrics),
                ["mediacenter-gateway"] = Samples(await http.GetStringAsync(new Uri(gateway.Process.HttpBase, "/metrics"))),
            };

            var missing = new List<string>();
            foreach (var (where, expr) in AlertExpressions().Select(a => ("alert " + a.Name, a.Expr)).Concat(DashboardExpressions().Select(d => ("panel " + d.Name, d.Expr))))
            {
                foreach (var selector in MetricsIn(expr))
                {
                    if (selector.Metric == "up")
                    {
                        continue; // Prometheus' own series for each target.
                    }

                    var job = selector.Matchers.Where(m => m.Label == "job" && m.Op == "=").Select(m => m.Value).FirstOrDefault();
                    var candidates = job is null ? scrapes.Values.ToList() : [scrapes[job]];
                    var found = candidates.Where(s => s.Contains(selector.Metric)).ToList();
                    if (found.Count == 0)
                    {
                        missing.Add($"{where}: {selector.Metric}{(job is null ? "" : " on " + job)}");
                        continue;
                    }

                    foreach (var (label, _, value) in selector.Matchers.Where(m => m.Op == "=" && m.Label is not "job" and not "instance"))
                    {
                        if (!found.Any(s => s[selector.Metric].Any(labels => labels.Contains($"{label}=\"{value}\"", StringComparison.Ordinal))))
                        {
                            missing.Add($"{where}: {selector.Metric}{{{label}=\"{value}\"}}");
                        }
                    }
                }
            }

            Assert.True(missing.Count == 0, "metrics the alerts or the dashboard read that no process exposes:\n" + string.Join("\n", missing.Distinct()));
        }
        finally
        {
            for (var i = processes.Count - 1; i >= 0; i--)
            {
                await processes[i].DisposeAsync();
            }

            if (Directory.Exists(publish))
            {
                Directory.Delete(publish, recursive: true);
            }
        }
    }

    /// <summary>
    /// A service's settings with the files compose mounts for it (its <c>secrets:</c>, at /run/secrets/NAME or their target) replaced
    /// by the local copies; a target under the migrator's MEDIACENTER_DATA becomes the same place under a local data folder.
    /// </summary>
    private static Dictionary<string, string> WithSecrets(YamlNode compose, YamlNode service, Dictionary<string, string> env, Dictionary<string, string> local, string scratch)
    {
        var result = new Dictionary<string, string>(env);
        var data = env.GetValueOrDefault("MEDIACENTER_DATA");
        var localData = Path.Combine(scratch, "data-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var entry in service.Items("secrets"))
        {
            var (name, target) = entry is YamlScalarNode plain ? (plain.Value!, "/run/secrets/" + plain.Value) : (entry.Str("source")!, entry.Str("target")!);
            var file = local[compose.Get("secrets").Get(name).Str("file")!];
            foreach (var key in env.Where(e => e.Value == target).Select(e => e.Key))
            {
                result[key] = file;
            }

            if (data is not null && target.StartsWith(data + "/", StringComparison.Ordinal))
            {
                var copy = Path.Combine(localData, target[(data.Length + 1)..]);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
                result["MEDIACENTER_DATA"] = localData;
            }
        }

        Assert.DoesNotContain(result.Values, v => v.StartsWith("/run/secrets/", StringComparison.Ordinal) || v.StartsWith("/var/lib/mediacenter", StringComparison.Ordinal));
        return result;
    }

    /// <summary>Compose interpolation with the defaults: ${NAME:-default} → default, ${NAME:?message} → a placeholder.</summary>
    private static Dictionary<string, string> Resolve(Dictionary<string, string> env) =>
        env.ToDictionary(e => e.Key, e => ComposeVariable().Replace(e.Value, m => m.Groups[2].Value == "-" ? m.Groups[3].Value : "placeholder"));

    [GeneratedRegex(@"\$\{([A-Z_]+):([-?])([^}]*)\}")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex("""mediacenter_live_push_delay_seconds_count\{feed="board"\} (\S+)""")]
    private static partial Regex BoardPushes();
}
