using MediaCenter.Grains.Terminals;
using MediaCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Terminals;

/// <summary>
/// This web host's subscription to terminal changes: the cluster pushes batches here (an Orleans observer);
/// they are coalesced per terminal (latest wins) and sent to the boards at once when the last message left at least
/// <see cref="MinimumGap"/> ago, else when that gap is over. A browser receives at most one message per gap however
/// hot the fleet is, and a change in a quiet fleet is not held back.
/// </summary>
internal sealed partial class FleetFeed(IClusterClient cluster, IHubContext<LiveHub> hub, LivePushMetrics metrics, ILogger<FleetFeed> logger) : BackgroundService, IFleetObserver
{
    /// <summary>The least time between two messages to a board: at most 10 a second.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(100);

    /// <summary>The client method receiving a batch of <see cref="TerminalDelta"/>.</summary>
    public const string Method = "terminalChanges";

    private static readonly TimeSpan RetrySubscribe = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, TerminalDelta> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0, 1);

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

            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
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
            // The gap is measured from the end of one send to the start of the next, so two sends are never closer than
            // the gap (a periodic timer that ticked late ticked again at once: benchmark B3 once saw three in one second).
            var lastSent = DateTimeOffset.MinValue;
            while (true)
            {
                // Subscriptions expire: refresh well inside their lifetime, and retry while the cluster is away.
                if (DateTimeOffset.UtcNow - lastSubscribed >= MediaCenter.Hosting.ClusterObservers.Renew)
                {
                    try
                    {
                        await subscriptions.SubscribeAsync(reference).WaitAsync(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
                        lastSubscribed = DateTimeOffset.UtcNow;
                    }
                    catch (Exception ex)
                    {
                        LogSubscribeFailed(logger, ex.Message);
                        lastSubscribed = DateTimeOffset.UtcNow - MediaCenter.Hosting.ClusterObservers.Renew + RetrySubscribe;
                    }
                }

                // Wake on a change, or when the subscription is due for renewal.
                var renewIn = lastSubscribed + MediaCenter.Hosting.ClusterObservers.Renew - DateTimeOffset.UtcNow;
                if (renewIn > TimeSpan.Zero && !await _changed.WaitAsync(renewIn, stoppingToken))
                {
                    continue;
                }

                var wait = lastSent + MinimumGap - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stoppingToken);
                }

                if (await FlushAsync(stoppingToken))
                {
                    lastSent = DateTimeOffset.UtcNow;
                }
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

    /// <summary>Sends what is pending; false when nothing was.</summary>
    private async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        List<TerminalDelta> batch;
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return false;
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

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to terminal changes: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
