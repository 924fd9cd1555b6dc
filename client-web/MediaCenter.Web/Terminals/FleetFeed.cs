using MediaCenter.Grains.Terminals;
using MediaCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Terminals;

/// <summary>
/// This web host's subscription to terminal changes: the cluster pushes batches here (an Orleans observer);
/// they are coalesced per terminal (latest wins) and sent to the boards on a fixed cadence, so a browser
/// receives at most one message per cadence however hot the fleet is.
/// </summary>
internal sealed partial class FleetFeed(IClusterClient cluster, IHubContext<LiveHub> hub, LivePushMetrics metrics, ILogger<FleetFeed> logger) : BackgroundService, IFleetObserver
{
    /// <summary>How often boards receive terminal changes.</summary>
    public static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(500);

    /// <summary>The client method receiving a batch of <see cref="TerminalDelta"/>.</summary>
    public const string Method = "terminalChanges";

    private readonly Dictionary<string, TerminalDelta> _pending = new(StringComparer.Ordinal);

    public void OnChanges(IReadOnlyList<TerminalDelta> changes)
    {
        lock (_pending)
        {
            foreach (var change in changes)
            {
                if (!_pending.TryGetValue(change.Id, out var existing) || existing.Version <= change.Version)
                {
                    _pending[change.Id] = change;
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<IFleetObserver>(this);
        var subscriptions = cluster.GetGrain<IFleetSubscriptionGrain>(0);
        var lastSubscribed = DateTimeOffset.MinValue;
        try
        {
            // A delay after each send rather than a periodic timer: a periodic timer that ticked late ticks again at once, and a
            // board got two messages well inside one cadence (benchmark B3 saw three in one second). This keeps a whole cadence
            // between two sends.
            while (true)
            {
                await Task.Delay(Cadence, stoppingToken);
                // Subscriptions expire: refresh well inside their lifetime, and retry while the cluster is away.
                if (DateTimeOffset.UtcNow - lastSubscribed > MediaCenter.Hosting.ClusterObservers.Renew)
                {
                    try
                    {
                        await subscriptions.SubscribeAsync(reference).WaitAsync(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
                        lastSubscribed = DateTimeOffset.UtcNow;
                    }
                    catch (Exception ex)
                    {
                        LogSubscribeFailed(logger, ex.Message);
                    }
                }

                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await subscriptions.UnsubscribeAsync(reference);
            }
            catch (Exception)
            {
                // Shutting down; the subscription expires on its own.
            }
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<TerminalDelta> batch;
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = [.. _pending.Values];
            _pending.Clear();
        }

        await hub.Clients.Group(LiveHub.FleetGroup).SendAsync(Method, batch, cancellationToken);
        foreach (var change in batch)
        {
            metrics.FleetSent(change.At);
        }

        foreach (var party in batch.GroupBy(d => d.PartyId))
        {
            await hub.Clients.Group(LiveHub.FleetGroupOf(party.Key)).SendAsync(Method, party.ToList(), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to terminal changes: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
