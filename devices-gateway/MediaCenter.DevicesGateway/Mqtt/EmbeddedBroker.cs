using System.Net;
using System.Security.Cryptography.X509Certificates;
using MediaCenter.DevicesGateway.Ingest;
using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Server;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>The gateway's own MQTT broker (MQTTnet 5), intercepting terminal publishes in-process.</summary>
internal sealed partial class EmbeddedBroker(
    IOptions<MqttSettings> settings, TerminalCredentialStore credentials, IngestPipeline ingest, DropLog drops, TimeProvider time,
    ILogger<EmbeddedBroker> logger)
    : IHostedService, IHealthCheck, IAsyncDisposable, ITerminalPublisher
{
    private MqttServer? _server;
    private GuardedListener? _listener;
    private volatile bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var s = settings.Value;
        var factory = new MqttServerFactory();
        // The listeners are this gateway's own (packet-size guard, per-address cap); MQTTnet's endpoints stay off.
        var options = factory.CreateServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(s.MaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .WithoutDefaultEndpoint()
            .Build();
        _listener = new GuardedListener(s, s.Tls.Enabled ? LoadCertificate(s.Tls) : null, drops, logger);
        _server = factory.CreateMqttServer(options, [_listener]);
        _server.ValidatingConnectionAsync += OnConnectingAsync;
        _server.InterceptingSubscriptionAsync += OnSubscribingAsync;
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.ClientConnectedAsync += _ => { MqttMetrics.ConnectedClients.Inc(); return Task.CompletedTask; };
        _server.ClientDisconnectedAsync += async e =>
        {
            MqttMetrics.ConnectedClients.Dec();
            // A takeover is the same terminal reconnecting: not an outage. Neither is this gateway closing its own
            // connections on shutdown: the terminals reconnect (here or to another gateway) within their grace.
            if (!_stopping && e.DisconnectType != MqttClientDisconnectType.Takeover && !string.IsNullOrEmpty(e.ClientId))
            {
                await ingest.EnqueueAsync(new TerminalMessage(e.ClientId, TerminalMessageKind.Disconnected, time.GetUtcNow(), null, null, 0));
            }
        };
        _server.QueuedApplicationMessageOverwrittenAsync += _ =>
        {
            // A subscriber too slow to keep up: visible in metrics, never silent.
            drops.Dropped("subscriber_queue_full", null, "-");
            return Task.CompletedTask;
        };

        await _server.StartAsync();
        MqttMetrics.BrokerUp.Set(1);
        LogStarted(logger, s.PlainListener ? $"{s.Host}:{s.Port}" : "off", s.Tls.Enabled ? $"{s.Tls.Host}:{s.Tls.Port}" : "off");
    }

    private static X509Certificate2 LoadCertificate(MqttTlsSettings tls) =>
        Hosting.CertificateFiles.Load(tls.CertificatePath!, tls.KeyPath, tls.CertificatePassword);

    // A terminal signs in with user name = its terminal id = its client id, and the password issued for it.
    private async Task OnConnectingAsync(ValidatingConnectionEventArgs e)
    {
        if (!settings.Value.RequireAuthentication)
        {
            return;
        }

        string? refusal = null;
        if (string.IsNullOrEmpty(e.UserName) || string.IsNullOrEmpty(e.Password))
        {
            refusal = "no_credentials";
        }
        else if (e.UserName != e.ClientId)
        {
            refusal = "client_id_mismatch";
        }
        else
        {
            try
            {
                refusal = await credentials.VerifyAsync(e.UserName, e.Password) switch
                {
                    TerminalAuthResult.Accepted => null,
                    TerminalAuthResult.UnknownTerminal => "unknown_terminal",
                    TerminalAuthResult.Revoked => "revoked",
                    _ => "bad_secret",
                };
            }
            catch (Exception ex)
            {
                // The database is away: refuse now, the terminal retries; never let an unchecked client in.
                LogCheckFailed(logger, e.ClientId, ex.Message);
                drops.Refused("check_unavailable", e.ClientId);
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.ServerUnavailable;
                return;
            }
        }

        if (refusal is not null)
        {
            drops.Refused(refusal, e.ClientId);
            e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
        }
    }

    // A terminal may subscribe only under its own prefix (its commands).
    private Task OnSubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        if (settings.Value.RequireAuthentication && !e.TopicFilter.Topic.StartsWith(OwnPrefix(e.ClientId), StringComparison.Ordinal))
        {
            drops.Refused("subscription_not_allowed", e.ClientId);
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MQTTnet.Protocol.MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    private static string OwnPrefix(string clientId) => TopicKinds.Prefix + clientId + "/";

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        // Messages from the server itself (retained state replays etc.) have no client id.
        if (string.IsNullOrEmpty(e.ClientId))
        {
            return;
        }

        // A terminal may publish only under its own prefix.
        if (settings.Value.RequireAuthentication && !e.ApplicationMessage.Topic.StartsWith(OwnPrefix(e.ClientId), StringComparison.Ordinal))
        {
            drops.Dropped("topic_not_allowed", e.ClientId, e.ApplicationMessage.Topic);
            e.ProcessPublish = false;
            return;
        }

        // Taken in, the message has reached its one consumer. With authentication on, no other client may subscribe to a
        // terminal's topics, so routing it through the broker's sessions (10,000 subscribed terminals) would find nobody: skip it.
        // Without authentication (development), it is routed, so a debugging client can watch the traffic.
        var accepted = await TerminalTraffic.AcceptAsync(e.ClientId, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, ingest, drops, time);
        if (!accepted || settings.Value.RequireAuthentication)
        {
            e.ProcessPublish = false;
        }
    }

    public Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var server = _server ?? throw new InvalidOperationException("The embedded broker is not running.");
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message), cancellationToken);
    }

    public async Task<bool> DisconnectAsync(string terminalId, CancellationToken cancellationToken)
    {
        var server = _server ?? throw new InvalidOperationException("The embedded broker is not running.");
        if (!(await server.GetClientsAsync()).Any(c => c.Id == terminalId))
        {
            return false;
        }

        await server.DisconnectClientAsync(terminalId, new MqttServerClientDisconnectOptions
        {
            ReasonCode = MQTTnet.Protocol.MqttDisconnectReasonCode.NotAuthorized,
            ReasonString = "credential revoked",
        });
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_server is not null)
        {
            await _server.StopAsync();
            MqttMetrics.BrokerUp.Set(0);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_server?.IsStarted == true
            ? HealthCheckResult.Healthy(settings.Value.PlainListener
                ? $"embedded broker listening on {settings.Value.Host}:{settings.Value.Port}" + (settings.Value.Tls.Enabled ? $" and TLS {settings.Value.Tls.Host}:{settings.Value.Tls.Port}" : "")
                : $"embedded broker listening on TLS {settings.Value.Tls.Host}:{settings.Value.Tls.Port} only")
            : HealthCheckResult.Unhealthy("embedded broker not started"));

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _listener?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the credential of {ClientId}: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening: plain {Plain}, TLS {Tls}")]
    private static partial void LogStarted(ILogger logger, string plain, string tls);
}
