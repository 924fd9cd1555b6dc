using System.Diagnostics;
using System.Net.Sockets;
using MediaCenter.Identity;
using MQTTnet;

namespace MediaCenter.IntegrationTests.Gateway;

/// <summary>The embedded broker's own listeners: a packet-size limit before allocation, a per-address cap, revocation that disconnects.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class BrokerGuardTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task An_oversized_packet_and_a_connection_over_the_per_address_cap_are_closed_at_once_and_terminals_are_still_served()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync(settings: new Dictionary<string, string>
        {
            ["Mqtt__MaxConnectionsPerAddress"] = "3",
            ["Mqtt__CapLoopback"] = "true",
        });
        var port = int.Parse(gateway["Mqtt__Port"]);
        await deployment.Identity.Directory.CreatePartyAsync("guard-party", "防护");
        var secret = await deployment.Identity.Terminals.IssueAsync("G-1", "guard-party", null);

        // A CONNECT header announcing 268,435,455 bytes: MQTTnet alone would allocate that much and wait for the body.
        using (var oversized = await ConnectRawAsync(port))
        {
            await oversized.GetStream().WriteAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F });
            Assert.True(await ClosedWithinAsync(oversized, TimeSpan.FromSeconds(5)), "the oversized packet's connection was not closed");
        }

        // Three connections from this address are held open (no CONNECT yet); a fourth is closed at once.
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await ConnectRawAsync(port));
            }

            using (var fourth = await ConnectRawAsync(port))
            {
                Assert.True(await ClosedWithinAsync(fourth, TimeSpan.FromSeconds(5)), "the connection over the cap was not closed");
            }

            Assert.False(await ClosedWithinAsync(held[0], TimeSpan.FromMilliseconds(500)), "a connection within the cap was closed");

            // One released: a terminal connects in its place and is served.
            held[0].Dispose();
            held.RemoveAt(0);
            using var terminal = new MqttClientFactory().CreateMqttClient();
            await Eventually.WaitAsync(async () =>
            {
                try
                {
                    return (await terminal.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("G-1")
                        .WithCredentials("G-1", secret).WithTimeout(TimeSpan.FromSeconds(3)).Build())).ResultCode;
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                {
                    return MqttClientConnectResultCode.ServerUnavailable;
                }
            }, code => code == MqttClientConnectResultCode.Success, TimeSpan.FromSeconds(15), "a terminal connects once a slot is free");
            await terminal.PublishStringAsync("mc/t/G-1/hb", "{\"v\":1}", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);

            using var http = new HttpClient { BaseAddress = gateway.Http };
            var metrics = await Eventually.WaitAsync(() => http.GetStringAsync("/metrics"),
                m => m.Contains("mediacenter_mqtt_messages_received_total{kind=\"hb\"} 1"), TimeSpan.FromSeconds(10), "the heartbeat counted");
            Assert.Contains("mediacenter_mqtt_refused_total{reason=\"packet_too_large\"} 1", metrics);
            // At least the fourth: on a loaded machine the oversized connection's slot may still be held when the three are opened.
            var overCap = System.Text.RegularExpressions.Regex.Match(metrics, "mediacenter_mqtt_refused_total\\{reason=\"too_many_connections\"\\} (\\d+)");
            Assert.True(overCap.Success && int.Parse(overCap.Groups[1].Value) >= 1, "connections over the cap were not counted");
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Revoking_a_terminals_credential_closes_its_connection_and_refuses_the_next()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync();
        var web = await deployment.StartWebAsync();
        var port = int.Parse(gateway["Mqtt__Port"]);
        await deployment.Identity.Directory.CreatePartyAsync("revoke-party", "吊销");
        await deployment.Identity.PartyUserAsync("revoke-admin", "revoke-party", PartyRoles.Admin);
        var secret = await deployment.Identity.Terminals.IssueAsync("R-1", "revoke-party", null);

        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("R-1").WithCredentials("R-1", secret)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();
        using var terminal = new MqttClientFactory().CreateMqttClient();
        var closed = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        terminal.DisconnectedAsync += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        Assert.Equal(MqttClientConnectResultCode.Success, (await terminal.ConnectAsync(options)).ResultCode);

        using var admin = await TestIdentity.SignInAsync(web.Http, "revoke-admin");
        var watch = Stopwatch.StartNew();
        (await admin.DeleteAsync("/api/terminal-credentials/R-1")).EnsureSuccessStatusCode();
        var disconnected = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Console.WriteLine($"Revoked terminal disconnected {watch.ElapsedMilliseconds} ms after the API answered.");
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, disconnected.Reason);

        using var again = new MqttClientFactory().CreateMqttClient();
        var result = await again.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("R-1")
            .WithCredentials("R-1", secret).Build());
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    private static async Task<TcpClient> ConnectRawAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return client;
    }

    // True when the peer closed (or reset) the connection within the time; false when it is still open.
    private static async Task<bool> ClosedWithinAsync(TcpClient client, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var read = await client.GetStream().ReadAsync(new byte[16], timeout.Token);
            return read == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
