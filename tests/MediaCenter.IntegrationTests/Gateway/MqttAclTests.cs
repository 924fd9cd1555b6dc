using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Gateway;

/// <summary>Per-terminal MQTT credentials and topic ACLs on a real broker connection.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class MqttAclTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Wrong_or_missing_or_revoked_credentials_are_refused_and_counted()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync();
        var port = int.Parse(gateway["Mqtt__Port"]);
        await deployment.Identity.Directory.CreatePartyAsync("acl-party", "ACL");
        var secret = await deployment.Identity.Terminals.IssueAsync("K-1", "acl-party", null);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(port, "K-1", null, null));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(port, "K-1", "K-1", "mct_wrong"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(port, "K-2", "K-1", secret));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(port, "K-9", "K-9", secret));
        Assert.Equal(MqttClientConnectResultCode.Success, await TryConnectAsync(port, "K-1", "K-1", secret));
        await deployment.Identity.Terminals.RevokeAsync("K-1");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(port, "K-1", "K-1", secret));

        using var http = new HttpClient { BaseAddress = gateway.Http };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"no_credentials\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"bad_secret\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"client_id_mismatch\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"unknown_terminal\"} 1", metrics);
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"revoked\"} 1", metrics);
    }

    [Fact]
    public async Task A_terminal_may_publish_and_subscribe_only_under_its_own_prefix()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var gateway = await deployment.StartGatewayAsync();
        var port = int.Parse(gateway["Mqtt__Port"]);
        await deployment.Identity.Directory.CreatePartyAsync("acl-party", "ACL");
        var aSecret = await deployment.Identity.Terminals.IssueAsync("A-1", "acl-party", null);
        var bSecret = await deployment.Identity.Terminals.IssueAsync("B-1", "acl-party", null);

        var factory = new MqttClientFactory();
        using var a = factory.CreateMqttClient();
        using var b = factory.CreateMqttClient();
        await a.ConnectAsync(Options(port, "A-1", aSecret));
        await b.ConnectAsync(Options(port, "B-1", bSecret));

        var bReceived = new List<string>();
        b.ApplicationMessageReceivedAsync += e =>
        {
            lock (bReceived)
            {
                bReceived.Add(e.ApplicationMessage.Topic);
            }

            return Task.CompletedTask;
        };
        var own = await b.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("mc/t/B-1/cmd", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        var foreign = await b.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("mc/t/A-1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, foreign.Items.Single().ResultCode);
        var everything = await b.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, everything.Items.Single().ResultCode);

        // A tries to send B a command and to speak as B: both are dropped and counted; its own heartbeat is accepted.
        await a.PublishStringAsync("mc/t/B-1/cmd", "{\"do\":\"reboot\"}", MqttQualityOfServiceLevel.AtLeastOnce);
        await a.PublishStringAsync("mc/t/B-1/hb", "{}", MqttQualityOfServiceLevel.AtLeastOnce);
        await a.PublishStringAsync("mc/t/A-1/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);

        using var http = new HttpClient { BaseAddress = gateway.Http };
        var metrics = await Eventually.WaitAsync(() => http.GetStringAsync("/metrics"),
            m => m.Contains("mediacenter_mqtt_messages_received_total{kind=\"hb\"} 1"), TimeSpan.FromSeconds(10), "A's heartbeat counted");
        Assert.Contains("mediacenter_mqtt_messages_dropped_total{reason=\"topic_not_allowed\"} 2", metrics);
        Assert.Contains("mediacenter_mqtt_refused_total{reason=\"subscription_not_allowed\"} 2", metrics);
        await Task.Delay(300);
        lock (bReceived)
        {
            Assert.Empty(bReceived);
        }
    }

    private static MqttClientOptions Options(int port, string clientId, string? secret, string? username = null) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithCredentials(username ?? clientId, secret).WithTimeout(TimeSpan.FromSeconds(5)).Build();

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(int port, string clientId, string? username, string? secret)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithTimeout(TimeSpan.FromSeconds(5));
        if (username is not null)
        {
            builder = builder.WithCredentials(username, secret);
        }

        try
        {
            var result = await client.ConnectAsync(builder.Build());
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            // MQTTnet 5 reports the broker's reason code only in the message.
            return Enum.GetValues<MqttClientConnectResultCode>().FirstOrDefault(
                code => code != MqttClientConnectResultCode.Success && ex.Message.Contains(code.ToString(), StringComparison.Ordinal),
                MqttClientConnectResultCode.UnspecifiedError);
        }
    }
}
