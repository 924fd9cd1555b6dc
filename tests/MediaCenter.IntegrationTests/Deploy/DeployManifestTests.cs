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
        ["silo"] = ["silo", "hosting", "grains", "identity"],
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
            .SelectMany(c => c.Container.Items("env").Select(e => (Key: e.Get("valueFrom").Get("secretKeyRef").Str("key"), Name: e.Str("name"), Image: ImageOf(c.Container.Str("image"))!)))
            .Where(x => x.Key is not null && x.Key == x.Name).ToLookup(x => x.Key!, x => x.Image);
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

        // Terminals reach the gateway's MQTT port from outside the cluster (over TLS: see the test below).
        var mqtt = objects.Single(o => o.Get("metadata").Str("name") == "gateway-mqtt");
        Assert.Contains(mqtt.Get("spec").Str("type"), new[] { "LoadBalancer", "NodePort" });

        var job = objects.Single(o => o.Str("kind") == "Job");
        var migrate = job.Get("spec").Get("template").Get("spec").Items("containers").Single();
        Assert.Equal(new[] { "db", "migrate", "--bootstrap-admin" }, migrate.Items("args").Select(a => ((YamlScalarNode)a).Value!));
    }

    [Fact]
    public void In_kubernetes_terminals_get_mqtt_over_tls_only_and_each_pod_reads_its_certificates_and_key_file_from_the_generated_secret()
    {
        var objects = KubernetesObjects().ToList();
        var config = FlatMapping(objects.Single(o => o.Str("kind") == "ConfigMap").Get("data"));
        var pods = objects.Where(o => o.Str("kind") is "Deployment" or "Job")
            .ToDictionary(o => o.Get("metadata").Str("name")!, o => o.Get("spec").Get("template").Get("spec")!);
        var gateway = pods["gateway"].Items("containers").Single();
        var gatewayEnv = EnvOf(gateway);

        // The Service exposes 8883 alone, leading to the embedded broker's TLS listener; the plain listener is off.
        var service = objects.Single(o => o.Str("kind") == "Service" && o.Get("metadata").Str("name") == "gateway-mqtt");
        var port = service.Get("spec").Items("ports").Single();
        Assert.Equal("8883", port.Str("port"));
        Assert.Equal("8883", gateway.Items("ports").Single(p => p.Str("name") == port.Str("targetPort")).Str("containerPort"));
        Assert.Equal("8883", gatewayEnv["Mqtt__Tls__Port"]);
        Assert.Equal("false", gatewayEnv["Mqtt__PlainListener"]);
        Assert.DoesNotContain(objects.Where(o => o.Str("kind") == "Service").SelectMany(o => o.Get("spec").Items("ports")), p => p.Str("port") == "1883");
        Assert.DoesNotContain(pods.Values.SelectMany(p => p.Items("containers")).SelectMany(c => c.Items("ports")), p => p.Str("containerPort") == "1883");

        // Each file a setting names is an item of the generated Secret mounted in that pod.
        Assert.Equal("mqtt-server.crt", SecretItem(pods["gateway"], gateway, gatewayEnv["Mqtt__Tls__CertificatePath"]));
        Assert.Equal("mqtt-server.key", SecretItem(pods["gateway"], gateway, gatewayEnv["Mqtt__Tls__KeyPath"]));
        foreach (var name in new[] { "silo", "web", "gateway" })
        {
            var container = pods[name].Items("containers").Single();
            Assert.Contains(container.Items("envFrom"), e => e.Get("configMapRef").Str("name") == "mediacenter-config");
            Assert.Equal("cluster.crt", SecretItem(pods[name], container, config["Cluster__Tls__CertificatePath"]));
            Assert.Equal("cluster.key", SecretItem(pods[name], container, config["Cluster__Tls__KeyPath"]));
            // The files are 0440 for the pod's group: the process runs as 1654, not root.
            Assert.Equal("1654", pods[name].Get("securityContext").Str("fsGroup"));
        }

        var web = pods["web"].Items("containers").Single();
        Assert.Equal("keyring.key", SecretItem(pods["web"], web, EnvOf(web)["Identity__KeyRingKeyFile"]));
        // The silos seal webhook secrets with the key ring, so they open it with the same key file.
        var silo = pods["silo"].Items("containers").Single();
        Assert.Equal("keyring.key", SecretItem(pods["silo"], silo, EnvOf(silo)["Identity__KeyRingKeyFile"]));
        // The migrator seals the first administrator's data with the same key file (it looks in DATA/secrets/keyring.key).
        var migrate = pods["mediacenter-migrate"].Items("containers").Single();
        Assert.Equal("keyring.key", SecretItem(pods["mediacenter-migrate"], migrate, EnvOf(migrate)["MEDIACENTER_DATA"] + "/secrets/keyring.key"));
        // Only the processes that need a file get it: the silos do not see the MQTT key.
        Assert.DoesNotContain(pods["silo"].Items("volumes").SelectMany(v => v.Get("secret").Items("items")), i => i.Str("key") is "mqtt-server.key");

        // The Secret is made from files in secrets/ (kept out of git), and every item mounted is one of them.
        var generator = LoadMapping(PathOf("k8s", "kustomization.yaml")).Items("secretGenerator").Single(g => g.Str("name") == "mediacenter-tls");
        var files = generator.Items("files").Select(f => ((YamlScalarNode)f).Value!).ToList();
        Assert.All(files, f => Assert.StartsWith("secrets/", f));
        var mounted = pods.Values.SelectMany(p => p.Items("volumes")).Where(v => v.Get("secret").Str("secretName") == "mediacenter-tls")
            .SelectMany(v => v.Get("secret").Items("items")).Select(i => i.Str("key")!).Distinct().Order();
        Assert.Equal(files.Select(f => f["secrets/".Length..]).Order(), mounted);
        Assert.Contains("deploy/k8s/secrets/", File.ReadAllLines(Path.Combine(Repo.Root, ".gitignore")));
    }

    [Fact]
    public void In_kubernetes_a_network_policy_lets_only_silos_reach_the_silo_port_and_only_web_and_gateway_the_gateway_port()
    {
        var objects = KubernetesObjects().ToList();
        var policies = objects.Where(o => o.Str("kind") == "NetworkPolicy").ToDictionary(o => o.Get("metadata").Str("name")!);
        Assert.Equal(["alertmanager", "default-deny-ingress", "gateway", "silo", "web"], policies.Keys.Order());

        // Nothing gets in unless a policy says so.
        var deny = policies["default-deny-ingress"].Get("spec");
        Assert.Empty(((YamlMappingNode)deny.Get("podSelector")!).Children);
        Assert.Equal(["Ingress"], deny.Items("policyTypes").Select(t => ((YamlScalarNode)t).Value));
        Assert.Empty(deny.Items("ingress"));

        var deployments = objects.Where(o => o.Str("kind") == "Deployment").ToDictionary(o => o.Get("metadata").Str("name")!);
        int PortOf(string deployment, string name) =>
            int.Parse(deployments[deployment].Get("spec").Get("template").Get("spec").Items("containers").Single().Items("ports").Single(p => p.Str("name") == name).Str("containerPort")!);

        // Each component's policy selects its pods, and opens exactly its ports.
        foreach (var (name, deployment) in deployments)
        {
            var selector = policies[name].Get("spec").Get("podSelector").Get("matchLabels");
            var labels = deployment.Get("spec").Get("template").Get("metadata").Get("labels");
            Assert.Equal(name, selector.Str("app.kubernetes.io/component"));
            Assert.All(((YamlMappingNode)selector!).Children, l => Assert.Equal(((YamlScalarNode)l.Value).Value, labels.Str(((YamlScalarNode)l.Key).Value!)));
            var opened = policies[name].Get("spec").Items("ingress").SelectMany(r => r.Items("ports")).Select(p => int.Parse(p.Str("port")!)).Order();
            var declared = deployment.Get("spec").Get("template").Get("spec").Items("containers").Single().Items("ports").Select(p => int.Parse(p.Str("containerPort")!)).Order();
            Assert.Equal(declared, opened);
        }

        var rules = policies["silo"].Get("spec").Items("ingress").ToList();
        YamlNode RuleFor(int port) => rules.Single(r => r.Items("ports").Any(p => p.Str("port") == port.ToString()));
        IEnumerable<string> Components(YamlNode rule)
        {
            var peer = rule.Items("from").Single().Get("podSelector");
            Assert.Null(rule.Items("from").Single().Get("namespaceSelector"));
            return peer.Get("matchLabels").Str("app.kubernetes.io/component") is { } one
                ? [one]
                : peer.Items("matchExpressions").Single(e => e.Str("key") == "app.kubernetes.io/component").Items("values").Select(v => ((YamlScalarNode)v).Value!);
        }

        // Silo to silo: from silos only. The gateway port: from web and the devices gateway only.
        var siloPort = PortOf("silo", "silo");
        var gatewayPort = PortOf("silo", "gateway");
        Assert.Equal(["silo"], Components(RuleFor(siloPort)));
        Assert.Single(RuleFor(siloPort).Items("ports"));
        Assert.Equal(["gateway", "web"], Components(RuleFor(gatewayPort)).Order());
        Assert.Single(RuleFor(gatewayPort).Items("ports"));
        // The silos' HTTP port (probes, metrics) is the one open to anyone.
        var open = rules.Where(r => !r.Items("from").Any()).SelectMany(r => r.Items("ports")).Select(p => int.Parse(p.Str("port")!)).ToList();
        Assert.Equal([PortOf("silo", "http")], open);
    }

    [Fact]
    public void The_migrator_logs_in_as_the_owner_role_and_the_processes_as_the_application_role_in_compose_and_kubernetes()
    {
        // Kubernetes: two secret keys, two logins; the owner's reaches the migrator job only.
        var secret = FlatMapping(LoadMapping(PathOf("k8s", "secret.example.yaml")).Get("stringData"));
        var app = new Npgsql.NpgsqlConnectionStringBuilder(secret["ConnectionStrings__MediaCenter"]).Username;
        var owner = new Npgsql.NpgsqlConnectionStringBuilder(secret["MEDIACENTER_DB"]).Username;
        Assert.Equal(("mediacenter", "mediacenter_migrator"), (app, owner));
        var takers = KubernetesContainers().Where(c => c.Container.Items("env").Any(e => e.Get("valueFrom").Get("secretKeyRef").Str("key") == "MEDIACENTER_DB"))
            .Select(c => c.Container.Str("name")).ToList();
        Assert.Equal(["migrate"], takers);

        // Compose: the same two logins, each with its own password; the postgres image's init script makes them.
        var compose = LoadMapping(PathOf("compose", "compose.yaml"));
        var services = (YamlMappingNode)compose.Get("services")!;
        var migrator = new Npgsql.NpgsqlConnectionStringBuilder(FlatMapping(services.Get("migrator").Get("environment"))["MEDIACENTER_DB"]);
        Assert.Equal("mediacenter_migrator", migrator.Username);
        foreach (var name in new[] { "silo-1", "silo-2", "web", "gateway" })
        {
            var processes = new Npgsql.NpgsqlConnectionStringBuilder(FlatMapping(services.Get(name).Get("environment"))["ConnectionStrings__MediaCenter"]);
            Assert.Equal("mediacenter", processes.Username);
            Assert.NotEqual(migrator.Password, processes.Password);
            Assert.DoesNotContain("POSTGRES_PASSWORD", processes.Password);
        }

        Assert.DoesNotContain("POSTGRES_PASSWORD", migrator.Password);
        Assert.Contains("./postgres/10-roles.sh:/docker-entrypoint-initdb.d/10-roles.sh:ro", services.Get("postgres").Items("volumes").Select(v => ((YamlScalarNode)v).Value));
        var script = File.ReadAllText(PathOf("compose", "postgres", "10-roles.sh"));
        Assert.Contains("${MEDIACENTER_MIGRATOR_LOGIN:-mediacenter_migrator}", script);
        Assert.Contains("${MEDIACENTER_APP_LOGIN:-mediacenter}", script);
        Assert.Contains("GRANT mediacenter_owner TO :\"migrator\"", script);
        Assert.Contains("GRANT mediacenter_app TO :\"app\"", script);
    }

    [Fact]
    public void In_compose_terminals_get_mqtt_over_tls_only_and_each_service_reads_its_certificates_and_key_file_from_secrets()
    {
        var compose = LoadMapping(PathOf("compose", "compose.yaml"));
        var services = (YamlMappingNode)compose.Get("services")!;
        var secrets = compose.Get("secrets");

        // The embedded broker: TLS on 8883, the plain listener off, only 8883 published.
        var gateway = services.Get("gateway");
        var env = FlatMapping(gateway.Get("environment"));
        Assert.Equal("false", env["Mqtt__PlainListener"]);
        Assert.Equal("8883", env["Mqtt__Tls__Port"]);
        Assert.Equal([8883], PublishedPorts(gateway));
        Assert.Equal("./secrets/mqtt-server.crt", ComposeSecretFile(secrets, gateway, env["Mqtt__Tls__CertificatePath"]));
        Assert.Equal("./secrets/mqtt-server.key", ComposeSecretFile(secrets, gateway, env["Mqtt__Tls__KeyPath"]));

        // Cluster mutual TLS for every process of the cluster; the key-ring key file for web, the silos and the migrator.
        foreach (var name in new[] { "silo-1", "silo-2", "web", "gateway" })
        {
            var service = services.Get(name);
            var settings = FlatMapping(service.Get("environment"));
            Assert.Equal("./secrets/cluster.crt", ComposeSecretFile(secrets, service, settings["Cluster__Tls__CertificatePath"]));
            Assert.Equal("./secrets/cluster.key", ComposeSecretFile(secrets, service, settings["Cluster__Tls__KeyPath"]));
        }

        foreach (var name in new[] { "web", "silo-1", "silo-2" })
        {
            Assert.Equal("./secrets/keyring.key", ComposeSecretFile(secrets, services.Get(name), FlatMapping(services.Get(name).Get("environment"))["Identity__KeyRingKeyFile"]));
        }

        var migrator = services.Get("migrator");
        Assert.Equal("./secrets/keyring.key", ComposeSecretFile(secrets, migrator, FlatMapping(migrator.Get("environment"))["MEDIACENTER_DATA"] + "/secrets/keyring.key"));

        // The Mosquitto override: its TLS listener published alone, the files its configuration names mounted from secrets/.
        var mosquitto = ((YamlMappingNode)LoadMapping(PathOf("compose", "compose.mosquitto.yaml")).Get("services")!).Get("mosquitto");
        Assert.Equal([8883], PublishedPorts(mosquitto));
        var conf = File.ReadAllLines(PathOf("compose", "mosquitto", "mosquitto.conf")).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToList();
        Assert.Equal(["1883", "8883"], conf.Where(p => p[0] == "listener").Select(p => p[1]));
        var mounts = mosquitto.Items("volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')).ToDictionary(m => m[1], m => m[0]);
        foreach (var (directive, file) in new[] { ("cafile", "./secrets/mqtt-ca.crt"), ("certfile", "./secrets/mqtt-server.crt"), ("keyfile", "./secrets/mqtt-server.key") })
        {
            Assert.Equal(file, mounts[conf.Single(p => p[0] == directive)[1]]);
        }

        // Nothing publishes plain MQTT, and the secrets folder stays out of git.
        var all = services.Children.Values.Concat(((YamlMappingNode)LoadMapping(PathOf("compose", "compose.mosquitto.yaml")).Get("services")!).Children.Values);
        Assert.DoesNotContain(all.SelectMany(PublishedPorts), p => p == 1883);
        Assert.Contains("deploy/compose/secrets/", File.ReadAllLines(Path.Combine(Repo.Root, ".gitignore")));
    }

    private static Dictionary<string, string> EnvOf(YamlNode container) =>
        container.Items("env").Where(e => e.Str("value") is not null).ToDictionary(e => e.Str("name")!, e => e.Str("value")!);

    /// <summary>The key of the Secret mediacenter-tls that <paramref name="path"/> is, in this pod and container (fails if none).</summary>
    private static string SecretItem(YamlNode pod, YamlNode container, string path)
    {
        var mount = container.Items("volumeMounts").SingleOrDefault(m => path.StartsWith(m.Str("mountPath") + "/", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"{container.Str("name")}: nothing mounted at {path}");
        Assert.Equal("true", mount.Str("readOnly"));
        var secret = pod.Items("volumes").Single(v => v.Str("name") == mount.Str("name")).Get("secret");
        Assert.Equal("mediacenter-tls", secret.Str("secretName"));
        var relative = path[(mount.Str("mountPath")!.Length + 1)..];
        return secret.Items("items").Single(i => i.Str("path") == relative).Str("key")!;
    }

    /// <summary>The host file behind <paramref name="path"/> in a compose service, through its secrets (fails if none).</summary>
    private static string ComposeSecretFile(YamlNode? secrets, YamlNode? service, string path)
    {
        foreach (var entry in service.Items("secrets"))
        {
            var (source, target) = entry is YamlScalarNode name ? (name.Value!, "/run/secrets/" + name.Value) : (entry.Str("source")!, entry.Str("target")!);
            if (target == path)
            {
                return secrets.Get(source).Str("file")!;
            }
        }

        throw new Xunit.Sdk.XunitException($"no secret of the service is mounted at {path}");
    }

    private static IEnumerable<int> PublishedPorts(YamlNode? service) =>
        service.Items("ports").Select(p => int.Parse(((YamlScalarNode)p).Value!.Split(':')[^1]));

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
        if (parts.Length == 2 && sources.Any(s =>
            s.Contains($"Section = \"{parts[0]}\"", StringComparison.Ordinal) &&
            Regex.IsMatch(s, $@"public [\w?<>]+ {Regex.Escape(parts[1])} {{ get; set; }}")))
        {
            return true;
        }

        // Longer keys: a section (Cluster:Tls), then properties, each nested object's class holding the next one (Mqtt → Tls → Port).
        for (var k = 1; k < parts.Length; k++)
        {
            var types = SectionTypes(sources, string.Join(':', parts[..k])).ToList();
            foreach (var part in parts[k..^1])
            {
                types = types.SelectMany(t => sources.Where(s => Regex.IsMatch(s, $@"\bclass {t}\b"))
                    .Select(s => Regex.Match(s, $@"public (\w+)\?? {Regex.Escape(part)} {{ get; set; }}"))
                    .Where(m => m.Success).Select(m => m.Groups[1].Value)).ToList();
            }

            if (types.Any(t => sources.Any(s => Regex.IsMatch(s, $@"\bclass {t}\b") &&
                Regex.IsMatch(s, $@"public [\w?<>]+ {Regex.Escape(parts[^1])} {{ get; set; }}"))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The settings classes bound to <paramref name="section"/>: the first class of a file declaring <c>Section = "section"</c>,
    /// and classes bound with <c>AddOptions&lt;T&gt;().BindConfiguration(S.Section)</c> to such a class's section.
    /// </summary>
    private static IEnumerable<string> SectionTypes(IReadOnlyList<string> sources, string section)
    {
        var declaring = sources.Where(s => s.Contains($"Section = \"{section}\"", StringComparison.Ordinal))
            .Select(s => Regex.Match(s, @"\bclass (\w+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var bound = sources.SelectMany(s => Regex.Matches(s, @"AddOptions<(\w+)>\(\)\.BindConfiguration\((\w+)\.Section\)"))
            .Where(m => declaring.Contains(m.Groups[2].Value)).Select(m => m.Groups[1].Value);
        return declaring.Concat(bound).Distinct();
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)[:?}-]")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
