using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Terminals;

/// <summary>The same terminal flows with the gateway on an external broker: Mosquitto with password and ACL files.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class MosquittoTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task On_mosquitto_heartbeats_reach_the_grains_bad_payloads_are_counted_acls_hold_and_commands_round_trip()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        await deployment.Identity.PartyAsync("mq-party");
        await deployment.Identity.PartyUserAsync("mq-admin", "mq-party", PartyRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "mq-admin");
        var secret = await RegisterAsync(admin, "mq-k1");
        await using var broker = await TestMosquitto.StartAsync(new Dictionary<string, string> { ["mq-k1"] = secret, ["mq-k2"] = "other-secret" });
        var gatewaySettings = broker.GatewaySettings();
        var gateway = await deployment.StartGatewayAsync(settings: gatewaySettings);

        // Wrong credentials are refused by the broker itself.
        using (var intruder = new MqttClientFactory().CreateMqttClient())
        {
            var refused = false;
            try
            {
                var result = await intruder.ConnectAsync(new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", broker.Port).WithClientId("mq-k1").WithCredentials("mq-k1", "wrong").Build());
                refused = result.ResultCode != MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Adapter.MqttConnectingFailedException)
            {
                refused = true;
            }

            Assert.True(refused, "mosquitto accepted a wrong password");
            Assert.False(intruder.IsConnected);
        }

        var factory = new MqttClientFactory();
        using var terminal = factory.CreateMqttClient();
        await terminal.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("mq-k1")
            .WithCredentials("mq-k1", secret).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var commands = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        terminal.ApplicationMessageReceivedAsync += e =>
        {
            commands.TrySetResult(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await terminal.SubscribeAsync("mc/t/mq-k1/cmd", MqttQualityOfServiceLevel.AtLeastOnce);

        // Heartbeats reach the grain through mosquitto and the gateway's subscription.
        await Eventually.WaitAsync(async () =>
            {
                await terminal.PublishStringAsync("mc/t/mq-k1/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
                return await admin.GetFromJsonAsync<JsonElement>("/api/terminals/mq-k1");
            },
            t => t.GetProperty("health").GetString() == "Online", TimeSpan.FromSeconds(20), "the terminal online via mosquitto");

        // Speaking as another terminal is refused by the broker's ACL (MQTT 5 reports it on the PUBACK).
        var foreign = await terminal.PublishStringAsync("mc/t/mq-k2/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);

        // Bad payloads are dropped and counted by the gateway.
        for (var i = 0; i < 500; i++)
        {
            await terminal.PublishStringAsync("mc/t/mq-k1/telemetry", i % 2 == 0 ? "not json" : "{\"v\":9}", MqttQualityOfServiceLevel.AtMostOnce);
        }

        using var gatewayHttp = new HttpClient { BaseAddress = gateway.Http };
        await Eventually.WaitAsync(() => gatewayHttp.GetStringAsync("/metrics"),
            m => m.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"invalid_json\"} 250") && m.Contains("reason=\"unsupported_version\"} 250"),
            TimeSpan.FromSeconds(20), "500 bad payloads counted");

        // Another terminal's valid account cannot take over the gateway's session or a terminal's by naming their client
        // ids: the broker makes the client id the user name (use_username_as_clientid in the deploy configuration).
        var terminalDrops = 0;
        terminal.DisconnectedAsync += _ => { Interlocked.Increment(ref terminalDrops); return Task.CompletedTask; };
        foreach (var stolen in new[] { TestMosquitto.GatewayUser, gatewaySettings["Mqtt__ClientId"], "mq-k1" })
        {
            using var impostor = factory.CreateMqttClient();
            var connected = await impostor.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId(stolen)
                .WithCredentials("mq-k2", "other-secret").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await impostor.DisconnectAsync();
        }

        Assert.Equal(0, terminalDrops);
        Assert.True(terminal.IsConnected, "the terminal's session was taken over");
        Assert.Matches(@"(?m)^mediacenter_mqtt_broker_connects_total 1$", await gatewayHttp.GetStringAsync("/metrics"));

        // A command goes out through mosquitto and the acknowledgement comes back.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/terminals/mq-k1/commands") { Content = JsonContent.Create(new { type = "Refresh" }) };
        request.Headers.Add("Idempotency-Key", "mq-refresh");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.SendAsync(request)).StatusCode);
        var command = await commands.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("refresh", command.GetProperty("type").GetString());
        await terminal.PublishStringAsync("mc/t/mq-k1/ack", $"{{\"v\":1,\"id\":\"{command.GetProperty("id").GetString()}\",\"ok\":true}}", MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>("/api/terminals/mq-k1"),
            t => t.GetProperty("commands")[0].GetProperty("status").GetString() == "Acknowledged", TimeSpan.FromSeconds(15), "acknowledged via mosquitto");
    }

    private static async Task<string> RegisterAsync(HttpClient admin, string id)
    {
        var response = await admin.PostAsJsonAsync("/api/terminals", new { id, name = "外部代理终端", kind = "Screen", region = "南区", heartbeatIntervalSeconds = 30 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mqtt").GetProperty("password").GetString()!;
    }
}
