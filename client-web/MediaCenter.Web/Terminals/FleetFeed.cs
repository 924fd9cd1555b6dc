using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Terminals;
using MediaCenter.Hosting;
using MediaCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Terminals;

/// <summary>
/// This web host's terminal changes: batches from the fleet topic are coalesced per terminal (latest wins) and sent to
/// the boards at once when the last message left at least <see cref="MinimumGap"/> ago, else when that gap is over. A
/// browser receives at most one message per gap however hot the fleet is, and a change in a quiet fleet is not held back.
/// </summary>
internal sealed class FleetFeed(IClusterClient cluster, LiveSender live, LivePushMetrics metrics, TimeProvider time, ILogger<FleetFeed> logger)
    : LiveSubscriber("fleet", cluster, time, logger, LiveTopic.Fleet)
{
    /// <summary>The least time between two messages to a board: at most 10 a second.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(100);

    /// <summary>The client method receiving a batch of <see cref="TerminalDelta"/>.</summary>
    public const string Method = "terminalChanges";

    private readonly Dictionary<string, TerminalDelta> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0, 1);

    protected override Task HandleAsync(LiveTopic topic, LiveEvent live, CancellationToken cancellationToken)
    {
        if (live is TerminalsChanged { Changes: var changes })
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

        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The gap is measured from the end of one send to the start of the next, so two sends are never closer than
            // the gap (a periodic timer that ticked late ticked again at once: benchmark B3 once saw three in one second).
            var lastSent = DateTimeOffset.MinValue;
            while (true)
            {
                await _changed.WaitAsync(stoppingToken);
                var wait = lastSent + MinimumGap - Time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Time, stoppingToken);
                }

                if (await FlushAsync(stoppingToken))
                {
                    lastSent = Time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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

        await live.SendAsync(Method, batch, cancellationToken, LiveHub.FleetGroup);
        foreach (var change in batch)
        {
            metrics.FleetSent(change.At);
        }

        foreach (var party in batch.GroupBy(d => d.PartyId))
        {
            await live.SendAsync(Method, party.ToList(), cancellationToken, LiveHub.FleetGroupOf(party.Key));
        }

        return true;
    }
}
