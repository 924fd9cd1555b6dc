using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>Subscribes to terminal topics on an external broker and keeps the connection alive.</summary>
internal sealed partial class ExternalBrokerSubscriber(
    IOptions<MqttSettings> settings, Ingest.IngestPipeline ingest, DropLog drops, TimeProvider time, ILogger<ExternalBrokerSubscriber> logger)
    : BackgroundService, IHealthCheck, Ingest.ITerminalPublisher
{
    private IMqttClient? _client;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        var factory = new MqttClientFactory();
        _client = factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += async e =>
            await Ingest.TerminalTraffic.AcceptAsync(null, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, ingest, drops, time);

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(s.Host, s.Port)
            .WithClientId(s.ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600);
        if (!string.IsNullOrEmpty(s.Username))
        {
            builder = builder.WithCredentials(s.Username, s.Password);
        }

        var options = builder.Build();
        var subscribe = factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter($"{TopicKinds.Prefix}+/+", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await _client.TryPingAsync(stoppingToken))
                {
                    MqttMetrics.BrokerUp.Set(0);
                    await _client.ConnectAsync(options, stoppingToken);
                    await _client.SubscribeAsync(subscribe, stoppingToken);
                    MqttMetrics.BrokerConnects.Inc();
                    LogConnected(logger, s.Host, s.Port);
                }

                MqttMetrics.BrokerUp.Set(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                MqttMetrics.BrokerUp.Set(0);
                LogConnectFailed(logger, s.Host, s.Port, ex.Message);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }
    }

    public async Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var client = _client is { IsConnected: true } c ? c : throw new InvalidOperationException("Not connected to the MQTT broker.");
        await client.PublishBinaryAsync(topic, payload, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: cancellationToken);
    }

    // An external broker's sessions are its own: the gateway cannot close one. The broker's authentication refuses the
    // revoked terminal's next connection (docs/SECURITY.md).
    public Task<bool> DisconnectAsync(string terminalId, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_client?.IsConnected == true
            ? HealthCheckResult.Healthy($"subscribed at {settings.Value.Host}:{settings.Value.Port}")
            : HealthCheckResult.Unhealthy($"not connected to the broker at {settings.Value.Host}:{settings.Value.Port}"));

    public override void Dispose()
    {
        _client?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to terminal topics at {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the MQTT broker at {Host}:{Port}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string host, int port, string reason);
}
