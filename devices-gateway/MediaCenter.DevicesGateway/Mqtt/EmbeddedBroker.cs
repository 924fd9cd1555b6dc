using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>The gateway's own MQTT broker (MQTTnet 5), intercepting terminal publishes in-process.</summary>
internal sealed partial class EmbeddedBroker(IOptions<MqttSettings> settings, ILogger<EmbeddedBroker> logger) : IHostedService, IHealthCheck, IAsyncDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var s = settings.Value;
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(s.Host))
            .WithDefaultEndpointPort(s.Port)
            .WithMaxPendingMessagesPerClient(s.MaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .Build();

        _server = factory.CreateMqttServer(options);
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.ClientConnectedAsync += _ => { MqttMetrics.ConnectedClients.Inc(); return Task.CompletedTask; };
        _server.ClientDisconnectedAsync += _ => { MqttMetrics.ConnectedClients.Dec(); return Task.CompletedTask; };
        _server.QueuedApplicationMessageOverwrittenAsync += _ =>
        {
            // A subscriber too slow to keep up: visible in metrics, never silent.
            MqttMetrics.Dropped.WithLabels("subscriber_queue_full").Inc();
            return Task.CompletedTask;
        };

        await _server.StartAsync();
        MqttMetrics.BrokerUp.Set(1);
        LogStarted(logger, s.Host, s.Port);
    }

    private Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        // Messages from the server itself (retained state replays etc.) have no client id.
        if (string.IsNullOrEmpty(e.ClientId))
        {
            return Task.CompletedTask;
        }

        var kind = TopicKinds.Classify(e.ApplicationMessage.Topic, out var dropReason);
        if (kind is null)
        {
            MqttMetrics.Dropped.WithLabels(dropReason!).Inc();
            e.ProcessPublish = false;
            return Task.CompletedTask;
        }

        MqttMetrics.Received.WithLabels(kind).Inc();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            MqttMetrics.BrokerUp.Set(0);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_server?.IsStarted == true
            ? HealthCheckResult.Healthy($"embedded broker listening on {settings.Value.Host}:{settings.Value.Port}")
            : HealthCheckResult.Unhealthy("embedded broker not started"));

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Host}:{Port}")]
    private static partial void LogStarted(ILogger logger, string host, int port);
}
