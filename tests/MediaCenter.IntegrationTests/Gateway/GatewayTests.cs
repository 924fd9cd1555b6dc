using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;

namespace MediaCenter.IntegrationTests.Gateway;

/// <summary>The devices gateway as a real process with its embedded MQTT broker and real MQTT clients.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class GatewayTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task The_gateway_is_ready_with_its_embedded_broker_and_the_cluster()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync();
        using var http = new HttpClient { BaseAddress = gateway.Http };

        var ready = await http.GetFromJsonAsync<JsonElement>("/health/ready");
        var checks = ready.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("mqtt").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("cluster").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Terminal_messages_are_counted_by_kind_and_other_topics_are_dropped_and_counted_by_reason()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync();
        var port = int.Parse(gateway["Mqtt__Port"]);
        await deployment.Identity.Directory.CreatePartyAsync("gw-party", "网关测试");
        var secret = await deployment.Identity.Terminals.IssueAsync("T-0001", "gw-party", null);

        var factory = new MqttClientFactory();
        using var terminal = factory.CreateMqttClient();
        await terminal.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("T-0001")
            .WithCredentials("T-0001", secret).Build());
        for (var i = 0; i < 3; i++)
        {
            await terminal.PublishStringAsync("mc/t/T-0001/hb", "{\"v\":1}", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await terminal.PublishStringAsync("elsewhere/topic", "x", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        await terminal.PublishStringAsync("mc/t/T-0001/bogus", "x", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);

        using var http = new HttpClient { BaseAddress = gateway.Http };
        var metrics = await Eventually.WaitAsync(() => http.GetStringAsync("/metrics"),
            m => m.Contains("mediacenter_mqtt_messages_received_total{kind=\"hb\"} 3"), TimeSpan.FromSeconds(10), "3 heartbeats counted");
        Assert.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"topic_not_allowed\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"unknown_kind\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_connected_clients 1", metrics);
    }
}
