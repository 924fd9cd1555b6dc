using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static MediaCenter.IntegrationTests.Deploy.DeployFiles;

namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>
/// The files under deploy/ that no engine runs here (no Docker engine, no Kubernetes cluster): they parse, they name
/// only settings the processes read, their ports, probes and labels agree with each other and with the images, and
/// the Prometheus files pass promtool (check and unit tests). What the metrics they use look like in real scrapes is
/// checked by <see cref="PublishedImageTests"/>.
/// </summary>
public sealed partial class DeployManifestTests
{
    /// <summary>The process in each image, with the source folders whose settings it reads.</summary>
    private static readonly Dictionary<string, string[]> ImageSources = new()
    {
        ["silo"] = ["silo", "hosting", "grains"],
        ["web"] = ["client-web", "hosting", "identity"],
        ["gateway"] = ["devices-gateway", "hosting", "identity"],
        ["migrator"] = ["tools/MediaCenter.Launcher", "hosting/MediaCenter.Database", "identity"],
    };

    /// <summary>Settings of .NET itself (hosting, logging), read by every process.</summary>
    private static readonly string[] FrameworkSettings = ["Urls", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT"];

    [Fact]
    public void Deploy_holds_deployment_files_only_and_the_images_publish_projects_that_exist()
    {
        // The launcher and simulator live in tools/, the migrator next to hosting/: no code project under deploy/.
        // (Build output a clone kept from before the move, bin/ and obj/, is not in the repository.)
        var code = Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repo.Root, f))
            .ToList();
        Assert.Empty(code);

        var publish = File.ReadAllText(PathOf("images", "publish.sh"));
        var projects = Regex.Matches(publish, @"project=(\S+\.csproj)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(4, projects.Count);
        Assert.Contains("tools/MediaCenter.Launcher/MediaCenter.Launcher.csproj", projects);
        Assert.All(projects, p => Assert.True(File.Exists(Path.Combine(Repo.Root, p)), $"publish.sh names {p}, which does not exist"));
        Assert.All(ImageSources.Values.SelectMany(folders => folders), folder =>
            Assert.True(Directory.Exists(Path.Combine(Repo.Root, folder)), $"the settings check reads {folder}, which does not exist"));
    }

    [Fact]
    public void Every_yaml_and_json_file_under_deploy_parses()
    {
        var files = Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count >= 15, $"expected the deployment files under {Root}, found {files.Count}");
        foreach (var file in files)
        {
            try
            {
                if (file.EndsWith(".json", StringComparison.Ordinal))
                {
                    using var _ = JsonDocument.Parse(File.ReadAllText(file));
                }
                else
                {
                    Assert.NotEmpty(LoadYaml(file));
                }
            }
            catch (Exception ex) when (ex is JsonException or YamlDotNet.Core.YamlException)
            {
                Assert.Fail($"{Path.GetRelativePath(Repo.Root, file)} does not parse: {ex.Message}");
            }
        }
    }

    [Fact]
    public void The_compose_file_runs_the_whole_system_from_images_whose_dockerfiles_exist()
    {
        var compose = LoadMapping(PathOf("compose", "compose.yaml"));
        var services = (YamlMappingNode)compose.Get("services")!;
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order().ToList();
        Assert.Equal(new[] { "alertmanager", "gateway", "grafana", "migrator", "postgres", "prometheus", "silo-1", "silo-2", "web" }, names);

        foreach (var (key, service) in services.Children)
        {
            if (service.Get("build") is { } build)
            {
                Assert.Equal("../..", build.Str("context"));
                var dockerfile = Path.Combine(Repo.Root, build.Str("dockerfile")!);
                Assert.True(File.Exists(dockerfile), $"{key}: {dockerfile} is missing");
            }
        }

        // Every image of ours is built by some service, and each service runs the image its name says.
        foreach (var image in ImageSources.Keys)
        {
            Assert.Contains(services.Children.Values, s => s.Str("image")?.StartsWith($"mediacenter/{image}:", StringComparison.Ordinal) == true && s.Get("build") is not null);
        }

        // Order: migrations before silos, an active silo before web and gateway.
        Assert.Equal("service_completed_successfully", services.Get("silo-1").Get("depends_on").Get("migrator").Str("condition"));
        Assert.Equal("service_completed_successfully", services.Get("silo-2").Get("depends_on").Get("migrator").Str("condition"));
        Assert.Equal("service_healthy", services.Get("web").Get("depends_on").Get("silo-1").Str("condition"));
        Assert.Equal("service_healthy", services.Get("gateway").Get("depends_on").Get("silo-1").Str("condition"));
        Assert.Equal("service_healthy", services.Get("migrator").Get("depends_on").Get("postgres").Str("condition"));

        // Silos advertise the fixed address they have on the cluster network, inside the subnet, outside the dynamic range.
        foreach (var silo in new[] { "silo-1", "silo-2" })
        {
            var env = FlatMapping(services.Get(silo).Get("environment"));
            var address = services.Get(silo).Get("networks").Get("cluster").Str("ipv4_address");
            Assert.Equal(address, env["Silo__AdvertisedAddress"]);
            Assert.Equal(silo, env["Silo__Name"]);
            Assert.StartsWith("172.28.0.", address);
            Assert.True(int.Parse(address!.Split('.')[3]) < 128, $"{silo}: {address} is inside ip_range 172.28.0.128/25");
            Assert.Equal("/health/ready", services.Get(silo).Get("healthcheck").Items("test").Select(t => ((YamlScalarNode)t).Value).Last());
        }

        // Secrets come from .env: the compose file holds none, .env.example names every one it needs.
        var text = File.ReadAllText(PathOf("compose", "compose.yaml")) + File.ReadAllText(PathOf("compose", "compose.mosquitto.yaml"));
        var example = File.ReadAllText(PathOf("compose", ".env.example"));
        foreach (Match m in Interpolation().Matches(text))
        {
            Assert.Contains(m.Groups[1].Value + "=", example);
        }

        Assert.DoesNotMatch("(?im)password[^$\\n]*[:=]\\s*[\"']?[A-Za-z0-9]{6,}[\"']?\\s*$", text);

        // The override swaps the embedded broker for Mosquitto.
        var mosquitto = (YamlMappingNode)LoadMapping(PathOf("compose", "compose.mosquitto.yaml")).Get("services")!;
        Assert.Equal("External", FlatMapping(mosquitto.Get("gateway").Get("environment"))["Mqtt__Mode"]);
        Assert.Equal("mosquitto", FlatMapping(mosquitto.Get("gateway").Get("environment"))["Mqtt__Host"]);
        Assert.Contains("mosquitto", mosquitto.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void Every_image_builds_in_stages_runs_as_the_non_root_user_and_checks_its_own_live_endpoint()
    {
        var expected = new Dictionary<string, (string Dll, int? Port)>
        {
            ["silo"] = ("MediaCenter.Silo.dll", 5082),
            ["web"] = ("MediaCenter.Web.dll", 5080),
            ["gateway"] = ("MediaCenter.DevicesGateway.dll", 5081),
            ["migrator"] = ("mediacenter-launcher.dll", null),
        };
        foreach (var (image, (dll, port)) in expected)
        {
            var file = ReadDockerfile(PathOf("images", image + ".Dockerfile"));
            Assert.Contains(file.Froms, f => f.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal) && f.EndsWith(" AS build", StringComparison.Ordinal));
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", file.Froms[^1]);
            Assert.Equal("$APP_UID", file.User);
            Assert.Contains(file.Runs, r => r.Contains($"bash deploy/images/publish.sh {image} /app", StringComparison.Ordinal));
            Assert.Contains($"\"{dll}\"", file.Entrypoint);
            if (port is { } p)
            {
                // The port the process listens on (Urls) is the one exposed and the one its health check asks.
                Assert.Equal(p, HttpPort(file));
                Assert.Contains(p, file.Exposed);
                Assert.Contains($"CMD [\"mc-healthcheck\", \"{p}\", \"/health/live\"]", file.HealthCheck);
            }
        }

        // The gateway's embedded broker listens on every address of the container.
        var gateway = ReadDockerfile(PathOf("images", "gateway.Dockerfile"));
        Assert.Equal("0.0.0.0", gateway.Env["Mqtt__Host"]);
        Assert.Contains(int.Parse(gateway.Env["Mqtt__Port"]), gateway.Exposed);
        Assert.Contains(".git", File.ReadAllLines(Path.Combine(Repo.Root, ".dockerignore")));
    }

    [Fact]
    public void Every_setting_the_images_compose_and_kubernetes_give_is_one_the_process_reads()
    {
        var given = new List<(string Where, string Image, string Key)>();
        foreach (var image in ImageSources.Keys)
        {
            given.AddRange(ReadDockerfile(PathOf("images", image + ".Dockerfile")).Env.Keys.Select(k => ($"{image}.Dockerfile", image, k)));
        }

        foreach (var file in new[] { "compose.yaml", "compose.mosquitto.yaml" })
        {
            foreach (var (name, service) in ((YamlMappingNode)LoadMapping(PathOf("compose", file)).Get("services")!).Children)
            {
                if (ImageOf(service.Str("image")) is { } image)
                {
                    given.AddRange(FlatMapping(service.Get("environment")).Keys.Select(k => ($"{file} {name}", image, k)));
                }
                else if (((YamlScalarNode)name).Value == "gateway")
                {
                    given.AddRange(FlatMapping(service.Get("environment")).Keys.Select(k => ($"{file} gateway", "gateway", k)));
                }
            }
        }

        var config = KubernetesObjects().Single(o => o.Str("kind") == "ConfigMap");
        var secret = LoadMapping(PathOf("k8s", "secret.example.yaml"));
        foreach (var (file, container) in KubernetesContainers())
        {
            if (IsThirdParty(container.Str("image")))
            {
                continue;
            }

            var image = ImageOf(container.Str("image")) ?? throw new Xunit.Sdk.XunitException($"{file}: unknown image {container.Str("image")}");
            given.AddRange(container.Items("env").Select(e => ($"{file} {container.Str("name")}", image, e.Str("name")!)));
            if (container.Items("envFrom").Any(e => e.Get("configMapRef") is not null))
            {
                given.AddRange(FlatMapping(config.Get("data")).Keys.Select(k => ($"{file} {container.Str("name")} (config)", image, k)));
            }
        }

        // A secret key is read by the process whose container takes it (by the same name); keys no container names: the migrator's
        // MEDIACENTER_* and otherwise the silo's.
        var takenBy = KubernetesContainers().Where(c => ImageOf(c.Container.Str("image")) is not null)
            .SelectMany(c => c.Container.Items("env").Select(e => (Key: e.Get("valueFrom").Get("secretKeyRef").Str("key"), Image: ImageOf(c.Container.Str("image"))!)))
            .Where(x => x.Key is not null).ToLookup(x => x.Key!, x => x.Image);
        given.AddRange(FlatMapping(secret.Get("stringData")).Keys.SelectMany(k => takenBy[k].Any()
            ? takenBy[k].Distinct().Select(image => ("secret.example.yaml", image, k))
            : [("secret.example.yaml", k.StartsWith("MEDIACENTER_", StringComparison.Ordinal) ? "migrator" : "silo", k)]));

        var unknown = given.Where(g => !IsRead(g.Image, g.Key)).Select(g => $"{g.Where}: {g.Key}").Distinct().ToList();
        Assert.True(unknown.Count == 0, "settings no process reads:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void The_kubernetes_manifests_wire_orleans_hosting_probes_resources_budgets_and_scraping()
    {
        var objects = KubernetesObjects().ToList();
        Assert.All(objects, o =>
        {
            Assert.NotNull(o.Str("apiVersion"));
            Assert.NotNull(o.Get("metadata").Str("name"));
            if (o.Str("kind") != "Namespace")
            {
                Assert.Equal("mediacenter", o.Get("metadata").Str("namespace"));
            }
        });
        var kinds = objects.Select(o => $"{o.Str("kind")}/{o.Get("metadata").Str("name")}").ToList();
        foreach (var wanted in new[]
        {
            "Namespace/mediacenter", "ConfigMap/mediacenter-config", "ServiceAccount/mediacenter-silo", "Role/mediacenter-silo-pods",
            "RoleBinding/mediacenter-silo-pods", "Job/mediacenter-migrate", "Deployment/silo", "PodDisruptionBudget/silo",
            "Deployment/web", "Service/web", "Deployment/gateway", "Service/gateway-mqtt", "Deployment/alertmanager", "Service/alertmanager",
        })
        {
            Assert.Contains(wanted, kinds);
        }

        // kustomization.yaml applies every manifest file (and the operator's secret.yaml).
        var kustomization = LoadMapping(PathOf("k8s", "kustomization.yaml"));
        var listed = kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).ToList();
        Assert.Equal(ManifestFiles().Select(f => Path.GetFileName(f)).Append("secret.yaml").Order(), listed.Order());

        var config = FlatMapping(objects.Single(o => o.Str("kind") == "ConfigMap").Get("data"));
        // MediaCenter's own processes (Alertmanager is checked with its configuration, below).
        var deployments = objects.Where(o => o.Str("kind") == "Deployment")
            .Where(o => !IsThirdParty(o.Get("spec").Get("template").Get("spec").Items("containers").Single().Str("image")))
            .ToDictionary(o => o.Get("metadata").Str("name")!);
        foreach (var (name, deployment) in deployments)
        {
            var pod = deployment.Get("spec").Get("template");
            var container = pod.Get("spec").Items("containers").Single();
            var image = ReadDockerfile(PathOf("images", ImageOf(container.Str("image")) + ".Dockerfile"));
            var httpPort = HttpPort(image);
            Assert.Contains(container.Items("ports"), p => p.Str("name") == "http" && p.Str("containerPort") == httpPort.ToString());

            Assert.Equal("true", pod.Get("metadata").Get("annotations").Str("prometheus.io/scrape"));
            Assert.Equal(httpPort.ToString(), pod.Get("metadata").Get("annotations").Str("prometheus.io/port"));
            Assert.Equal("/metrics", pod.Get("metadata").Get("annotations").Str("prometheus.io/path"));

            Assert.Equal("/health/live", container.Get("livenessProbe").Get("httpGet").Str("path"));
            Assert.Equal("/health/ready", container.Get("readinessProbe").Get("httpGet").Str("path"));
            Assert.Equal("/health/live", container.Get("startupProbe").Get("httpGet").Str("path"));
            Assert.NotNull(container.Get("resources").Get("requests").Str("cpu"));
            Assert.NotNull(container.Get("resources").Get("requests").Str("memory"));
            Assert.NotNull(container.Get("resources").Get("limits").Str("memory"));
            Assert.Equal("true", pod.Get("spec").Get("securityContext").Str("runAsNonRoot"));
            Assert.Equal("false", container.Get("securityContext").Str("allowPrivilegeEscalation"));
            Assert.Equal(name, pod.Get("metadata").Get("labels").Str("app.kubernetes.io/component"));
        }

        // The silos: Orleans' Kubernetes hosting with the pod's name, namespace and address from the downward API,
        // cluster ids from the ConfigMap that web and gateway read too, and pod labels with the same ids.
        var siloPod = deployments["silo"].Get("spec").Get("template");
        var silo = siloPod.Get("spec").Items("containers").Single();
        var env = silo.Items("env").ToDictionary(e => e.Str("name")!);
        Assert.Equal("true", env["Silo__Kubernetes"].Str("value"));
        Assert.Equal("metadata.name", env["POD_NAME"].Get("valueFrom").Get("fieldRef").Str("fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Get("valueFrom").Get("fieldRef").Str("fieldPath"));
        Assert.Equal("status.podIP", env["POD_IP"].Get("valueFrom").Get("fieldRef").Str("fieldPath"));
        Assert.Equal("Cluster__ClusterId", env["ORLEANS_CLUSTER_ID"].Get("valueFrom").Get("configMapKeyRef").Str("key"));
        Assert.Equal("Cluster__ServiceId", env["ORLEANS_SERVICE_ID"].Get("valueFrom").Get("configMapKeyRef").Str("key"));
        Assert.Equal(config["Cluster__ClusterId"], siloPod.Get("metadata").Get("labels").Str("orleans/clusterId"));
        Assert.Equal(config["Cluster__ServiceId"], siloPod.Get("metadata").Get("labels").Str("orleans/serviceId"));
        Assert.Equal("mediacenter-silo", siloPod.Get("spec").Str("serviceAccountName"));
        Assert.Equal("mediacenter/migrator:dev", siloPod.Get("spec").Items("initContainers").Single().Str("image"));

        // What the Kubernetes hosting calls on the API: its own pod (get, patch labels), the cluster's pods (list, watch).
        var role = objects.Single(o => o.Str("kind") == "Role");
        var verbs = role.Items("rules").Single().Items("verbs").Select(v => ((YamlScalarNode)v).Value).Order().ToList();
        Assert.Equal(new[] { "get", "list", "patch", "watch" }, verbs);
        var binding = objects.Single(o => o.Str("kind") == "RoleBinding");
        Assert.Equal("mediacenter-silo", binding.Items("subjects").Single().Str("name"));
        Assert.Equal(role.Get("metadata").Str("name"), binding.Get("roleRef").Str("name"));

        var budget = objects.Single(o => o.Str("kind") == "PodDisruptionBudget");
        Assert.Equal("silo", budget.Get("spec").Get("selector").Get("matchLabels").Str("app.kubernetes.io/component"));
        Assert.True(int.Parse(deployments["silo"].Get("spec").Str("replicas")!) >= 2);

        // Terminals reach the gateway's MQTT port from outside the cluster.
        var mqtt = objects.Single(o => o.Get("metadata").Str("name") == "gateway-mqtt");
        Assert.Contains(mqtt.Get("spec").Str("type"), new[] { "LoadBalancer", "NodePort" });
        Assert.Equal("1883", mqtt.Get("spec").Items("ports").Single().Str("port"));

        var job = objects.Single(o => o.Str("kind") == "Job");
        var migrate = job.Get("spec").Get("template").Get("spec").Items("containers").Single();
        Assert.Equal(new[] { "db", "migrate", "--bootstrap-admin" }, migrate.Items("args").Select(a => ((YamlScalarNode)a).Value!));
    }

    [Fact]
    public void Prometheus_scrapes_each_process_on_its_own_port_under_the_job_names_the_rules_use()
    {
        var compose = (YamlMappingNode)LoadMapping(PathOf("compose", "compose.yaml")).Get("services")!;
        var config = LoadMapping(PathOf("prometheus", "prometheus.yml"));
        var jobs = config.Items("scrape_configs").ToDictionary(j => j.Str("job_name")!);
        Assert.Equal(new[] { "mediacenter-gateway", "mediacenter-silo", "mediacenter-web" }, jobs.Keys.Order());
        foreach (var (job, scrape) in jobs)
        {
            var image = job["mediacenter-".Length..];
            var port = HttpPort(ReadDockerfile(PathOf("images", image + ".Dockerfile")));
            var targets = scrape.Items("static_configs").SelectMany(s => s.Items("targets")).Select(t => ((YamlScalarNode)t).Value!).ToList();
            Assert.NotEmpty(targets);
            foreach (var target in targets)
            {
                var (host, targetPort) = (target.Split(':')[0], int.Parse(target.Split(':')[1]));
                Assert.Equal(port, targetPort);
                Assert.Equal(image, ImageOf(compose.Get(host).Str("image")));
            }
        }

        // Every service of ours is scraped.
        var scraped = jobs.Values.SelectMany(j => j.Items("static_configs")).SelectMany(s => s.Items("targets")).Select(t => ((YamlScalarNode)t).Value!.Split(':')[0]).ToHashSet();
        foreach (var (name, service) in compose.Children)
        {
            if (ImageOf(service.Str("image")) is { } image && image != "migrator")
            {
                Assert.Contains(((YamlScalarNode)name).Value!, scraped);
            }
        }

        // In Kubernetes the job name comes from the pod's component label: mediacenter-silo, -web, -gateway.
        var k8s = File.ReadAllText(PathOf("prometheus", "prometheus-k8s.yml"));
        Assert.Contains("replacement: mediacenter-$1", k8s);
        Assert.Contains("__meta_kubernetes_pod_label_app_kubernetes_io_component", k8s);
    }

    [Fact]
    public void Every_alert_has_a_duration_a_severity_a_chinese_summary_and_an_incident_title_in_the_catalogue()
    {
        var rules = LoadMapping(PathOf("prometheus", "alerts.yml")).Items("groups").SelectMany(g => g.Items("rules")).ToList();
        var names = rules.Select(r => r.Str("alert")).ToList();
        foreach (var wanted in new[]
        {
            "MediaCenterSiloDown", "MediaCenterIngestDrop", "MediaCenterIngestFailures", "MediaCenterTerminalsOfflineSpike",
            "MediaCenterBoardLatencyHigh", "MediaCenterHttp5xxRatio",
        })
        {
            Assert.Contains(wanted, names);
        }

        foreach (var rule in rules)
        {
            var name = rule.Str("alert");
            Assert.Matches(@"^\d+[smh]$", rule.Str("for"));
            Assert.Contains(rule.Get("labels").Str("severity"), new[] { "critical", "warning" });
            var summary = rule.Get("annotations").Str("summary") ?? "";
            // The summary is what Alertmanager's own UI shows (Chinese only); the incident's title is the rule's catalogue
            // message, rendered in each reader's language.
            Assert.True(Cjk().IsMatch(summary) && !summary.Contains(" / ", StringComparison.Ordinal), $"{name}: the summary is Chinese only: {summary}");
            foreach (var language in MediaCenter.Messages.Languages.All)
            {
                Assert.True(MediaCenter.Messages.MessageCatalog.Template($"incidents.platformAlert.{name}", language) is not null,
                    $"{name}: no incident title incidents.platformAlert.{name} in the catalogue");
            }

            Assert.False(string.IsNullOrWhiteSpace(rule.Get("annotations").Str("description")), $"{name} has no description");
        }
    }

    [Fact]
    public async Task Alertmanager_hands_every_alert_and_its_resolution_to_the_web_receiver_with_the_token_web_expects()
    {
        await PassesAsync(Amtool(), ["check-config", "alertmanager.yml"], PathOf("prometheus"));
        var config = LoadMapping(PathOf("prometheus", "alertmanager.yml"));
        var receiverName = config.Get("route").Str("receiver");
        var receiver = config.Items("receivers").Single(r => r.Str("name") == receiverName);
        var hook = receiver.Items("webhook_configs").Single();
        var url = new Uri(hook.Str("url")!);
        var compose = (YamlMappingNode)LoadMapping(PathOf("compose", "compose.yaml")).Get("services")!;
        Assert.Equal(("web", HttpPort(ReadDockerfile(PathOf("images", "web.Dockerfile"))), "/api/v1/alertmanager"), (url.Host, url.Port, url.AbsolutePath));
        Assert.Equal("web", ImageOf(compose.Get(url.Host).Str("image")));
        Assert.Equal("true", hook.Str("send_resolved"));

        // The token: .env → web's Incidents:Alertmanager:Token, and → the file Alertmanager's container writes and the config reads.
        var authorization = hook.Get("http_config").Get("authorization");
        Assert.Equal("Bearer", authorization.Str("type"));
        var tokenFile = authorization.Str("credentials_file")!;
        Assert.Equal("${ALERTMANAGER_RECEIVER_TOKEN:?set ALERTMANAGER_RECEIVER_TOKEN in .env}",
            compose.Get("web").Get("environment").Str("Incidents__Alertmanager__Token"));
        var alertmanager = compose.Get("alertmanager");
        var entrypoint = string.Join(' ', alertmanager.Items("entrypoint").Select(e => ((YamlScalarNode)e).Value));
        Assert.Contains($"> {tokenFile} ", entrypoint, StringComparison.Ordinal);
        Assert.Contains(alertmanager.Items("volumes").Select(v => ((YamlScalarNode)v).Value!), v => v == "../prometheus/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro");
        Assert.Contains("ALERTMANAGER_RECEIVER_TOKEN=", await File.ReadAllTextAsync(PathOf("compose", ".env.example")), StringComparison.Ordinal);

        // Prometheus sends its alerts there.
        var targets = LoadMapping(PathOf("prometheus", "prometheus.yml")).Get("alerting").Items("alertmanagers")
            .SelectMany(a => a.Items("static_configs")).SelectMany(s => s.Items("targets")).Select(t => ((YamlScalarNode)t).Value!);
        Assert.Equal(["alertmanager:9093"], targets);
    }

    [Fact]
    public async Task In_kubernetes_alertmanager_routes_as_in_compose_to_the_web_service_with_the_token_web_reads_from_the_secret()
    {
        await PassesAsync(Amtool(), ["check-config", "alertmanager.yml"], PathOf("k8s"));
        var compose = LoadMapping(PathOf("prometheus", "alertmanager.yml"));
        var k8s = LoadMapping(PathOf("k8s", "alertmanager.yml"));
        Assert.Equal(Flat(compose.Get("route")), Flat(k8s.Get("route")));
        var hook = k8s.Items("receivers").Single(r => r.Str("name") == k8s.Get("route").Str("receiver")).Items("webhook_configs").Single();
        Assert.Equal("true", hook.Str("send_resolved"));

        // The URL is web's Service, whose port leads to the container port web listens on.
        var objects = KubernetesObjects().ToList();
        var url = new Uri(hook.Str("url")!);
        Assert.Equal(("web.mediacenter.svc", "/api/v1/alertmanager"), (url.Host, url.AbsolutePath));
        var webService = objects.Single(o => o.Str("kind") == "Service" && o.Get("metadata").Str("name") == "web");
        Assert.Equal("http", webService.Get("spec").Items("ports").Single(p => p.Str("port") == url.Port.ToString()).Str("targetPort"));

        // The token: one secret key, web's Incidents:Alertmanager:Token, and the file Alertmanager's configuration reads.
        var web = objects.Single(o => o.Str("kind") == "Deployment" && o.Get("metadata").Str("name") == "web").Get("spec").Get("template").Get("spec").Items("containers").Single();
        var tokenKey = web.Items("env").Single(e => e.Str("name") == "Incidents__Alertmanager__Token").Get("valueFrom").Get("secretKeyRef").Str("key");
        Assert.Contains(tokenKey!, FlatMapping(LoadMapping(PathOf("k8s", "secret.example.yaml")).Get("stringData")).Keys);
        var deployment = objects.Single(o => o.Str("kind") == "Deployment" && o.Get("metadata").Str("name") == "alertmanager");
        var pod = deployment.Get("spec").Get("template").Get("spec");
        var container = pod.Items("containers").Single();
        var tokenFile = hook.Get("http_config").Get("authorization").Str("credentials_file")!;
        var mount = container.Items("volumeMounts").Single(m => tokenFile.StartsWith(m.Str("mountPath") + "/", StringComparison.Ordinal));
        var volume = pod.Items("volumes").Single(v => v.Str("name") == mount.Str("name"));
        Assert.Equal("mediacenter-secrets", volume.Get("secret").Str("secretName"));
        Assert.Contains(volume.Get("secret").Items("items"), i => i.Str("key") == tokenKey && mount.Str("mountPath") + "/" + i.Str("path") == tokenFile);

        // The configuration file is the one kustomize puts in the ConfigMap the pod mounts, at the path the arguments name.
        var configMount = container.Items("volumeMounts").Single(m => m.Str("mountPath") == "/etc/alertmanager/alertmanager.yml");
        Assert.Contains("--config.file=/etc/alertmanager/alertmanager.yml", container.Items("args").Select(a => ((YamlScalarNode)a).Value));
        var configMap = pod.Items("volumes").Single(v => v.Str("name") == configMount.Str("name")).Get("configMap").Str("name");
        var generator = LoadMapping(PathOf("k8s", "kustomization.yaml")).Items("configMapGenerator").Single(g => g.Str("name") == configMap);
        Assert.Equal(["alertmanager.yml"], generator.Items("files").Select(f => ((YamlScalarNode)f).Value!));
        Assert.Equal("alertmanager.yml", configMount.Str("subPath"));

        // Prometheus in the cluster sends its alerts to the Service's port.
        var service = objects.Single(o => o.Str("kind") == "Service" && o.Get("metadata").Str("name") == "alertmanager");
        var port = service.Get("spec").Items("ports").Single().Str("port");
        var targets = LoadMapping(PathOf("prometheus", "prometheus-k8s.yml")).Get("alerting").Items("alertmanagers")
            .SelectMany(a => a.Items("static_configs")).SelectMany(s => s.Items("targets")).Select(t => ((YamlScalarNode)t).Value!);
        Assert.Equal([$"alertmanager.mediacenter.svc:{port}"], targets);
        Assert.Equal("9093", container.Items("ports").Single().Str("containerPort"));
    }

    // A node as YAML text (comments left out), to compare two files' sections.
    private static string Flat(YamlNode? node)
    {
        if (node is null)
        {
            return "";
        }

        using var text = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(text, assignAnchors: false);
        return text.ToString();
    }

    private static bool IsThirdParty(string? image) => image is not null && image.StartsWith("prom/alertmanager:", StringComparison.Ordinal);

    [Fact]
    public async Task The_prometheus_files_pass_promtool_checks_and_the_alert_unit_tests()
    {
        var promtool = Promtool();
        var dir = PathOf("prometheus");
        await PassesAsync(promtool, ["check", "rules", "alerts.yml"], dir);
        await PassesAsync(promtool, ["check", "config", "prometheus.yml"], dir);
        // Scenarios in alerts.test.yml: which alerts fire, when, with which labels and annotations.
        await PassesAsync(promtool, ["test", "rules", "alerts.test.yml"], dir);

        // The dashboard's queries are PromQL too: checked as recording rules, Grafana's interval variable filled in.
        var rules = Path.Combine(Path.GetTempPath(), $"mc-dashboard-rules-{Guid.NewGuid():N}.yml");
        try
        {
            var lines = new List<string> { "groups:", "  - name: dashboard", "    rules:" };
            var n = 0;
            foreach (var (_, expr) in DashboardExpressions())
            {
                lines.Add($"      - record: dashboard:query_{++n}");
                lines.Add($"        expr: {JsonSerializer.Serialize(expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal))}");
            }

            Assert.True(n >= 15, $"the dashboard has {n} queries");
            await File.WriteAllLinesAsync(rules, lines);
            await PassesAsync(promtool, ["check", "rules", rules], dir);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    [Fact]
    public void Grafana_provisions_the_datasource_the_dashboard_queries_and_the_folder_compose_mounts()
    {
        var datasource = LoadMapping(PathOf("grafana", "provisioning", "datasources", "prometheus.yaml")).Items("datasources").Single();
        Assert.Equal("prometheus", datasource.Str("type"));
        Assert.Equal("http://prometheus:9090", datasource.Str("url"));
        var uid = datasource.Str("uid");

        using var dashboard = JsonDocument.Parse(File.ReadAllText(PathOf("grafana", "dashboards", "mediacenter.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.All(panels, p => Assert.Equal(uid, p.GetProperty("datasource").GetProperty("uid").GetString()));
        var titles = string.Join(" | ", panels.Select(p => p.GetProperty("title").GetString()));
        foreach (var wanted in new[] { "Silos up", "Activations", "Grain calls", "Ingest rate", "Ingest queue depth", "Online", "Offline", "Drops by reason", "Request rate", "5xx ratio", "Latency p99", "Board push latency" })
        {
            Assert.Contains(wanted, titles);
        }

        var provider = LoadMapping(PathOf("grafana", "provisioning", "dashboards", "mediacenter.yaml")).Items("providers").Single();
        var path = provider.Get("options").Str("path");
        var grafana = ((YamlMappingNode)LoadMapping(PathOf("compose", "compose.yaml")).Get("services")!).Get("grafana");
        var mounts = grafana.Items("volumes").Select(v => ((YamlScalarNode)v).Value!).ToList();
        Assert.Contains($"../grafana/dashboards:{path}:ro", mounts);
        Assert.Contains("../grafana/provisioning:/etc/grafana/provisioning:ro", mounts);
    }

    private static async Task PassesAsync(string promtool, string[] arguments, string dir)
    {
        var (exit, output) = await MediaCenter.Launcher.ProcessRunner.RunAsync(promtool, arguments, timeout: TimeSpan.FromMinutes(1), workingDirectory: dir);
        Assert.True(exit == 0, $"promtool {string.Join(' ', arguments)} failed:\n{output}");
    }

    private static string? ImageOf(string? image) =>
        image is not null && image.StartsWith("mediacenter/", StringComparison.Ordinal) ? image["mediacenter/".Length..].Split(':')[0] : null;

    private static IEnumerable<string> ManifestFiles() =>
        Directory.GetFiles(PathOf("k8s"), "*.yaml").Where(f => Regex.IsMatch(Path.GetFileName(f), @"^\d\d-")).Order();

    private static IEnumerable<YamlNode> KubernetesObjects() => ManifestFiles().SelectMany(LoadYaml);

    private static IEnumerable<(string File, YamlNode Container)> KubernetesContainers() =>
        ManifestFiles().SelectMany(f => LoadYaml(f).Select(o => (File: Path.GetFileName(f), Object: o)))
            .Where(x => x.Object.Str("kind") is "Deployment" or "Job")
            .SelectMany(x => x.Object.Get("spec").Get("template").Get("spec").Items("containers")
                .Concat(x.Object.Get("spec").Get("template").Get("spec").Items("initContainers"))
                .Select(c => (x.File, c)));

    /// <summary>
    /// True when the process of <paramref name="image"/> reads <paramref name="key"/>: a setting of .NET itself, an
    /// environment variable its source names ("POD_IP"), a full key its source names ("ConnectionStrings:MediaCenter"),
    /// or Section:Property of a settings class (a file declaring <c>Section = "Section"</c> and <c>public … Property { get; set; }</c>).
    /// </summary>
    private static bool IsRead(string image, string key)
    {
        if (FrameworkSettings.Contains(key) || key.StartsWith("Logging__", StringComparison.Ordinal))
        {
            return true;
        }

        var sources = ImageSources[image].SelectMany(folder => Directory.GetFiles(Path.Combine(Repo.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        if (sources.Any(s => s.Contains($"\"{path}\"", StringComparison.Ordinal)))
        {
            return true;
        }

        var parts = path.Split(':');
        return parts.Length == 2 && sources.Any(s =>
            s.Contains($"Section = \"{parts[0]}\"", StringComparison.Ordinal) &&
            Regex.IsMatch(s, $@"public [\w?<>]+ {Regex.Escape(parts[1])} {{ get; set; }}"));
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)[:?}-]")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
