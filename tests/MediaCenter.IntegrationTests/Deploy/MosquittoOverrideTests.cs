using System.Diagnostics;
using System.Net.Sockets;
using MediaCenter.Launcher;
using MediaCenter.Simulator;
using MQTTnet;
using MQTTnet.Protocol;
using YamlDotNet.RepresentationModel;
using static MediaCenter.IntegrationTests.Deploy.DeployFiles;

namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>
/// compose.mosquitto.yaml without Docker: Debian's Mosquitto runs deploy/compose/mosquitto/mosquitto.conf and its ACL
/// (paths and listener moved to a temporary folder and a loopback port), with a password file written the way the
/// mosquitto-passwd service writes it, and a gateway gets the override's settings.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class MosquittoOverrideTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task The_mosquitto_override_connects_the_gateway_and_keeps_each_terminal_to_its_own_topics()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-deploy-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Process? broker = null;
        try
        {
            var gatewayPassword = "Gw-" + Guid.NewGuid().ToString("N");
            var passwords = Path.Combine(dir, "passwd");
            await File.WriteAllTextAsync(passwords, "");
            foreach (var (user, password) in new[] { ("mediacenter-gateway", gatewayPassword), ("dep-t1", "terminal-secret-1") })
            {
                var added = await ProcessRunner.RunAsync("mosquitto_passwd", ["-b", passwords, user, password]);
                Assert.True(added.Ok, added.Output);
            }

            var port = FreePorts.Next();
            using var certificates = TestCertificates.Create(Path.Combine(dir, "certs"));
            broker = await StartDeployBrokerAsync(dir, passwords, port, FreePorts.Next(), certificates, requireCertificate: false);

            // The gateway with the override's settings, the broker's address moved to loopback.
            var services = (YamlMappingNode)LoadMapping(PathOf("compose", "compose.mosquitto.yaml")).Get("services")!;
            var settings = FlatMapping(services.Get("gateway").Get("environment"));
            Assert.Equal("mediacenter-gateway", settings["Mqtt__Username"]);
            Assert.Matches(@"^\$\{MQTT_GATEWAY_PASSWORD", settings["Mqtt__Password"]);
            settings["Mqtt__Host"] = "127.0.0.1";
            settings["Mqtt__Port"] = port.ToString();
            settings["Mqtt__Password"] = gatewayPassword;

            await using var deployment = await fixture.NewDeploymentAsync();
            await deployment.StartSiloAsync("silo");
            var gateway = await deployment.StartGatewayAsync(settings: settings);
            using var http = new HttpClient { BaseAddress = gateway.Http };
            Assert.Contains("mediacenter_mqtt_broker_up 1", await http.GetStringAsync("/metrics"));

            var factory = new MqttClientFactory();
            using var terminal = factory.CreateMqttClient();
            await terminal.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("dep-t1")
                .WithCredentials("dep-t1", "terminal-secret-1").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());

            // Under another terminal's prefix: refused by the ACL, the gateway never sees it.
            var foreign = await terminal.PublishStringAsync("mc/t/dep-t2/telemetry", "not json", MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);
            // Under its own: the gateway receives it through Mosquitto (and drops the bad payload, counted).
            var own = await terminal.PublishStringAsync("mc/t/dep-t1/telemetry", "not json", MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.Equal(MqttClientPublishReasonCode.Success, own.ReasonCode);
            await Eventually.WaitAsync(() => http.GetStringAsync("/metrics"), m => m.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"invalid_json\"} 1\n"),
                TimeSpan.FromSeconds(15), "the terminal's message counted by the gateway");
            await Task.Delay(500);
            Assert.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"invalid_json\"} 1\n", await http.GetStringAsync("/metrics"));

            // Accounts not in the password file are refused.
            using var stranger = factory.CreateMqttClient();
            var refused = false;
            try
            {
                var result = await stranger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("dep-t9")
                    .WithCredentials("dep-t9", "guess").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
                refused = result.ResultCode != MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                refused = true;
            }

            Assert.True(refused, "a stranger connected to the override's Mosquitto");
        }
        finally
        {
            await StopAsync(broker);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Terminals_reach_the_override_over_tls_checked_against_the_ca_and_clear_text_on_that_port_gets_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-deploy-mosquitto-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Process? broker = null;
        try
        {
            var passwords = Path.Combine(dir, "passwd");
            await File.WriteAllTextAsync(passwords, "");
            var added = await ProcessRunner.RunAsync("mosquitto_passwd", ["-b", passwords, "dep-t1", "terminal-secret-1"]);
            Assert.True(added.Ok, added.Output);
            using var certificates = TestCertificates.Create(Path.Combine(dir, "certs"));
            using var stranger = TestCertificates.Create(Path.Combine(dir, "other"), "Someone else's CA");
            var tlsPort = FreePorts.Next();
            broker = await StartDeployBrokerAsync(dir, passwords, FreePorts.Next(), tlsPort, certificates, requireCertificate: false);

            // Clear text to the TLS port: no session, whatever the credentials.
            Assert.False(await ConnectsAsync(new MqttEndpoint("127.0.0.1", tlsPort)), "a clear-text client got a session on the TLS port");
            // A terminal that trusts another CA refuses the broker (and so never sends its password).
            Assert.False(await ConnectsAsync(new MqttEndpoint("127.0.0.1", tlsPort) { CaFile = stranger.CaPath }), "the broker's certificate passed another CA");
            // Trusting the deployment's CA: connected, and its topics work as over plain MQTT.
            using var terminal = new MqttClientFactory().CreateMqttClient();
            var connected = await terminal.ConnectAsync(Options(new MqttEndpoint("127.0.0.1", tlsPort) { CaFile = certificates.CaPath }));
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            var own = await terminal.PublishStringAsync("mc/t/dep-t1/telemetry", "{}", MqttQualityOfServiceLevel.AtLeastOnce);
            // (No gateway subscribes in this test: Mosquitto took it, and says nobody was listening.)
            Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, own.ReasonCode);
            var foreign = await terminal.PublishStringAsync("mc/t/dep-t2/telemetry", "{}", MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);
            await terminal.DisconnectAsync();
        }
        finally
        {
            await StopAsync(broker);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task With_require_certificate_on_only_a_terminal_holding_a_certificate_of_the_ca_gets_in()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-deploy-mosquitto-mtls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Process? broker = null;
        try
        {
            var passwords = Path.Combine(dir, "passwd");
            await File.WriteAllTextAsync(passwords, "");
            var added = await ProcessRunner.RunAsync("mosquitto_passwd", ["-b", passwords, "dep-t1", "terminal-secret-1"]);
            Assert.True(added.Ok, added.Output);
            using var certificates = TestCertificates.Create(Path.Combine(dir, "certs"));
            using var stranger = TestCertificates.Create(Path.Combine(dir, "other"), "Someone else's CA");
            var (certificate, key) = certificates.IssueClient("dep-t1");
            var (foreignCertificate, foreignKey) = stranger.IssueClient("dep-t1");
            var tlsPort = FreePorts.Next();
            broker = await StartDeployBrokerAsync(dir, passwords, FreePorts.Next(), tlsPort, certificates, requireCertificate: true);

            var endpoint = new MqttEndpoint("127.0.0.1", tlsPort) { CaFile = certificates.CaPath };
            Assert.False(await ConnectsAsync(endpoint), "no client certificate, yet connected");
            Assert.False(await ConnectsAsync(endpoint with { ClientCertificateFile = foreignCertificate, ClientKeyFile = foreignKey }),
                "a client certificate of another CA was accepted");
            Assert.True(await ConnectsAsync(endpoint with { ClientCertificateFile = certificate, ClientKeyFile = key }),
                "the terminal's own certificate was refused");
            // The certificate adds to the password, it does not replace it.
            Assert.False(await ConnectsAsync(endpoint with { ClientCertificateFile = certificate, ClientKeyFile = key }, password: "guess"),
                "a certificate let a wrong password in");
        }
        finally
        {
            await StopAsync(broker);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static MqttClientOptions Options(MqttEndpoint endpoint, string password = "terminal-secret-1") =>
        endpoint.Apply(new MqttClientOptionsBuilder()).WithClientId("dep-t1").WithCredentials("dep-t1", password)
            .WithTimeout(TimeSpan.FromSeconds(5)).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();

    private static async Task<bool> ConnectsAsync(MqttEndpoint endpoint, string password = "terminal-secret-1")
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(Options(endpoint, password));
            var ok = result.ResultCode == MqttClientConnectResultCode.Success && client.IsConnected;
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            return ok;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// deploy/compose/mosquitto/mosquitto.conf as it is, with only its listeners moved to loopback ports and its files (password
    /// file, ACL, persistence, the certs folder) to <paramref name="dir"/>; <c>require_certificate</c> set as asked.
    /// </summary>
    private static async Task<Process> StartDeployBrokerAsync(string dir, string passwords, int plainPort, int tlsPort, TestCertificates certificates, bool requireCertificate)
    {
        var deployed = File.ReadAllText(PathOf("compose", "mosquitto", "mosquitto.conf"));
        Assert.Contains("\nlistener 1883\n", deployed);
        Assert.Contains("\nlistener 8883\n", deployed);
        Assert.Contains("\nrequire_certificate false\n", deployed);
        Assert.Contains("\nuse_username_as_clientid true\n", deployed);
        var config = deployed
            .Replace("listener 1883", $"listener {plainPort} 127.0.0.1", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {tlsPort} 127.0.0.1", StringComparison.Ordinal)
            .Replace("require_certificate false", $"require_certificate {(requireCertificate ? "true" : "false")}", StringComparison.Ordinal)
            .Replace("/mosquitto/certs/", certificates.Dir + "/", StringComparison.Ordinal)
            .Replace("/mosquitto/auth/passwd", passwords, StringComparison.Ordinal)
            .Replace("/mosquitto/config/acl", PathOf("compose", "mosquitto", "acl"), StringComparison.Ordinal)
            .Replace("/mosquitto/data/", dir + "/", StringComparison.Ordinal);
        Assert.Contains($"certfile {certificates.ServerCertificatePath}", config);
        var configPath = Path.Combine(dir, "mosquitto.conf");
        // As root, Mosquitto would switch to its own user, which cannot read this folder; the image runs it as that user.
        await File.WriteAllTextAsync(configPath, "user root\n" + config);
        var broker = Process.Start(new ProcessStartInfo("mosquitto") { ArgumentList = { "-c", configPath }, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("mosquitto did not start");
        broker.BeginOutputReadLine();
        broker.BeginErrorReadLine();
        await WaitListeningAsync(plainPort);
        await WaitListeningAsync(tlsPort);
        return broker;
    }

    private static async Task StopAsync(Process? broker)
    {
        if (broker is { HasExited: false })
        {
            broker.Kill();
            await broker.WaitForExitAsync();
        }

        broker?.Dispose();
    }

    private static async Task WaitListeningAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new Xunit.Sdk.XunitException("mosquitto did not listen on port " + port);
    }
}
