using System.Diagnostics;
using System.Net.Sockets;
using MediaCenter.Launcher;
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
            var config = File.ReadAllText(PathOf("compose", "mosquitto", "mosquitto.conf"))
                .Replace("listener 1883", $"listener {port} 127.0.0.1", StringComparison.Ordinal)
                .Replace("/mosquitto/auth/passwd", passwords, StringComparison.Ordinal)
                .Replace("/mosquitto/config/acl", PathOf("compose", "mosquitto", "acl"), StringComparison.Ordinal)
                .Replace("/mosquitto/data/", dir + "/", StringComparison.Ordinal);
            Assert.Contains($"listener {port} 127.0.0.1", config);
            Assert.Contains(passwords, config);
            var configPath = Path.Combine(dir, "mosquitto.conf");
            // As root, Mosquitto would switch to its own user, which cannot read this folder; the image runs it as that user.
            await File.WriteAllTextAsync(configPath, "user root\n" + config);
            broker = Process.Start(new ProcessStartInfo("mosquitto") { ArgumentList = { "-c", configPath }, RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("mosquitto did not start");
            broker.BeginOutputReadLine();
            broker.BeginErrorReadLine();
            await WaitListeningAsync(port);

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
            if (broker is { HasExited: false })
            {
                broker.Kill();
                await broker.WaitForExitAsync();
            }

            broker?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
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
