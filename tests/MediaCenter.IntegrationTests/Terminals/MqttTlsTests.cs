using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.Simulator;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Terminals;

/// <summary>The embedded broker over TLS: a terminal's secret never crosses the network in clear (issue #15, item 3).</summary>
[Collection(IntegrationCollection.Name)]
public sealed class MqttTlsTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task With_the_plain_listener_off_a_terminal_reaches_its_grain_over_tls_and_nothing_answers_in_clear()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-mqtt-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            // A PEM pair as an operator would install it (the broker also takes a .pfx).
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=mqtt.mediacenter.test", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("mqtt.mediacenter.test");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            var certificatePath = Path.Combine(dir, "broker.crt");
            var keyPath = Path.Combine(dir, "broker.key");
            await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());

            await using var deployment = await fixture.NewDeploymentAsync();
            await deployment.StartSiloAsync("silo");
            var web = await deployment.StartWebAsync();
            var tlsPort = FreePorts.Next();
            var gateway = await deployment.StartGatewayAsync(settings: new Dictionary<string, string>
            {
                ["Mqtt__PlainListener"] = "false",
                ["Mqtt__Tls__CertificatePath"] = certificatePath,
                ["Mqtt__Tls__KeyPath"] = keyPath,
                ["Mqtt__Tls__Host"] = "127.0.0.1",
                ["Mqtt__Tls__Port"] = tlsPort.ToString(),
            });
            await deployment.Identity.PartyAsync("tls-party");
            await deployment.Identity.PartyUserAsync("tls-admin", "tls-party", PartyRoles.Admin);
            using var admin = await TestIdentity.SignInAsync(web.Http, "tls-admin");
            var registered = await admin.PostAsJsonAsync("/api/terminals", new { id = "tls-k1", name = "加密终端", kind = "Screen", region = "东区", heartbeatIntervalSeconds = 30 });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            var secret = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mqtt").GetProperty("password").GetString()!;

            // Nothing listens in clear on the plain port.
            using (var plain = new TcpClient())
            {
                await Assert.ThrowsAsync<SocketException>(() => plain.ConnectAsync(IPAddress.Loopback, int.Parse(gateway["Mqtt__Port"])));
            }

            // A client that does not speak TLS to the TLS port gets no session.
            using (var clear = new MqttClientFactory().CreateMqttClient())
            {
                await Assert.ThrowsAnyAsync<Exception>(() => clear.ConnectAsync(new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", tlsPort).WithClientId("tls-k1").WithCredentials("tls-k1", secret)
                    .WithTimeout(TimeSpan.FromSeconds(5)).Build()));
                Assert.False(clear.IsConnected);
            }

            // The terminal checks the broker's certificate (pinned here; a real one chains to a trusted root).
            var expected = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            using var terminal = new MqttClientFactory().CreateMqttClient();
            var connected = await terminal.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", tlsPort).WithClientId("tls-k1").WithCredentials("tls-k1", secret)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(c =>
                    c.Certificate?.GetCertHashString(HashAlgorithmName.SHA256) == expected))
                .Build());
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

            await Eventually.WaitAsync(async () =>
                {
                    await terminal.PublishStringAsync("mc/t/tls-k1/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
                    return await admin.GetFromJsonAsync<JsonElement>("/api/terminals/tls-k1");
                },
                t => t.GetProperty("health").GetString() == "Online", TimeSpan.FromSeconds(20), "the terminal online over TLS");
            await terminal.DisconnectAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_simulator_brings_its_terminals_online_over_tls_trusting_only_the_deployments_ca()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-mqtt-tls-sim-" + Guid.NewGuid().ToString("N")[..8]);
        using var certificates = TestCertificates.Create(dir);
        using var stranger = TestCertificates.Create(Path.Combine(dir, "other"), "Someone else's CA");
        try
        {
            await using var deployment = await fixture.NewDeploymentAsync();
            await deployment.StartSiloAsync("silo");
            var web = await deployment.StartWebAsync();
            var tlsPort = FreePorts.Next();
            await deployment.StartGatewayAsync(settings: new Dictionary<string, string>
            {
                ["Mqtt__PlainListener"] = "false",
                ["Mqtt__Tls__CertificatePath"] = certificates.ServerCertificatePath,
                ["Mqtt__Tls__KeyPath"] = certificates.ServerKeyPath,
                ["Mqtt__Tls__Host"] = "127.0.0.1",
                ["Mqtt__Tls__Port"] = tlsPort.ToString(),
            });
            await deployment.Identity.PartyAsync("sim-tls-party");
            await deployment.Identity.PartyUserAsync("sim-tls-admin", "sim-tls-party", PartyRoles.Admin);
            using var admin = await TestIdentity.SignInAsync(web.Http, "sim-tls-admin");

            // Against a CA that did not issue the broker's certificate the simulator's terminals never get a session.
            var wrongCa = await RunSimulatorAsync(web.Http, new MqttEndpoint("127.0.0.1", tlsPort) { CaFile = stranger.CaPath }, "simx", TimeSpan.FromSeconds(6));
            Assert.Contains("simx-0001", wrongCa);
            Assert.Contains("reconnecting", wrongCa);
            var unseen = await admin.GetFromJsonAsync<JsonElement>("/api/terminals/simx-0001");
            Assert.NotEqual("Online", unseen.GetProperty("health").GetString());

            // With the deployment's CA file both terminals come online: heartbeats crossed the TLS listener.
            var run = RunSimulatorAsync(web.Http, new MqttEndpoint("127.0.0.1", tlsPort) { CaFile = certificates.CaPath }, "sims", TimeSpan.FromSeconds(25));
            foreach (var id in new[] { "sims-0001", "sims-0002" })
            {
                await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/terminals/{id}"),
                    t => t.GetProperty("health").GetString() == "Online", TimeSpan.FromSeconds(20), $"{id} online over TLS");
            }

            Assert.DoesNotContain("reconnecting", await run);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> RunSimulatorAsync(Uri web, MqttEndpoint broker, string prefix, TimeSpan duration)
    {
        using var http = new HttpClient { BaseAddress = web };
        var output = new StringWriter();
        var simulator = new TerminalSimulator(http, broker, TextWriter.Synchronized(output));
        await simulator.SignInAsync("sim-tls-admin", TestIdentity.Password, CancellationToken.None);
        await simulator.RunAsync(new SimulationPlan(2, TimeSpan.FromSeconds(1), "sim-tls-party", prefix, "东区", 0, TimeSpan.Zero, 0, 0, 0, duration), CancellationToken.None);
        return output.ToString();
    }
}
