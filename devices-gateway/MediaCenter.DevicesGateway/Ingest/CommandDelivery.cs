using System.Text.Json;
using MediaCenter.Grains.Terminals;
using Prometheus;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>Puts a message on a terminal's topic, through whichever broker this gateway uses.</summary>
public interface ITerminalPublisher
{
    /// <summary>Publishes at QoS 1.</summary>
    Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken);
}

/// <summary>
/// This gateway's subscription to commands: the cluster calls <see cref="Deliver"/> (an Orleans observer),
/// and the command is published on <c>mc/t/{id}/cmd</c>. The terminal answers on <c>mc/t/{id}/ack</c>.
/// </summary>
public sealed partial class CommandDelivery(IClusterClient cluster, ITerminalPublisher publisher, ILogger<CommandDelivery> logger)
    : BackgroundService, ICommandObserver
{
    private static readonly Counter Delivered = Metrics.CreateCounter("mediacenter_commands_published_total", "Commands published to terminals.");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Deliver(string terminalId, TerminalCommand command)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            v = 1,
            id = command.Id,
            type = command.Type.ToString().ToLowerInvariant(),
            text = command.Text,
        }, Json);
        _ = Task.Run(async () =>
        {
            try
            {
                await publisher.PublishAsync($"mc/t/{terminalId}/cmd", payload, CancellationToken.None);
                Delivered.Inc();
            }
            catch (Exception ex)
            {
                LogFailed(logger, command.Id, terminalId, ex.Message);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<ICommandObserver>(this);
        var router = cluster.GetGrain<ICommandRouterGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await router.SubscribeAsync(reference).WaitAsync(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
            }
            catch (Exception ex)
            {
                LogSubscribeFailed(logger, ex.Message);
            }

            try
            {
                await Task.Delay(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} for {TerminalId} could not be published: {Reason}")]
    private static partial void LogFailed(ILogger logger, string commandId, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to commands: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
