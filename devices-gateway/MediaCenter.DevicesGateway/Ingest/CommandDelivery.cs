using System.Text.Json;
using MediaCenter.Grains.Platform;
using MediaCenter.Hosting;
using Prometheus;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>Reaches terminals through whichever broker this gateway uses.</summary>
public interface ITerminalPublisher
{
    /// <summary>Publishes at QoS 1.</summary>
    Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken);

    /// <summary>Closes the terminal's connection if this gateway's broker holds it; true when it did.</summary>
    Task<bool> DisconnectAsync(string terminalId, CancellationToken cancellationToken);
}

/// <summary>
/// This gateway's subscription to the commands topic: each command is published on <c>mc/t/{id}/cmd</c> (every gateway
/// hears every command; the broker holding the terminal's session delivers it). The terminal answers on <c>mc/t/{id}/ack</c>.
/// A revoked credential closes the terminal's connection at once (its next connection is refused).
/// </summary>
public sealed partial class CommandDelivery(IClusterClient cluster, ITerminalPublisher publisher, TimeProvider time, ILogger<CommandDelivery> logger)
    : LiveSubscriber("commands", cluster, time, logger, LiveTopic.Commands)
{
    private static readonly Counter Delivered = Metrics.CreateCounter("mediacenter_commands_published_total", "Commands published to terminals.");
    private static readonly Counter Disconnected = Metrics.CreateCounter("mediacenter_mqtt_revoked_disconnects_total",
        "Terminal connections closed because their credential was revoked.");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task HandleAsync(LiveTopic topic, LiveEvent live, CancellationToken cancellationToken)
    {
        if (live is TerminalCredentialRevoked { TerminalId: var revoked })
        {
            try
            {
                if (await publisher.DisconnectAsync(revoked, cancellationToken))
                {
                    Disconnected.Inc();
                    LogRevoked(logger, revoked);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(logger, revoked, ex.Message);
            }

            return;
        }

        if (live is not TerminalCommandIssued { TerminalId: var terminalId, Command: var command })
        {
            return;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            v = 1,
            id = command.Id,
            type = command.Type.ToString().ToLowerInvariant(),
            text = command.Text,
        }, Json);
        try
        {
            await publisher.PublishAsync($"mc/t/{terminalId}/cmd", payload, cancellationToken);
            Delivered.Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, command.Id, terminalId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the connection of {TerminalId}: its credential was revoked")]
    private static partial void LogRevoked(ILogger logger, string terminalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not close the connection of revoked {TerminalId}: {Reason}")]
    private static partial void LogDisconnectFailed(ILogger logger, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} for {TerminalId} could not be published: {Reason}")]
    private static partial void LogFailed(ILogger logger, string commandId, string terminalId, string reason);
}
