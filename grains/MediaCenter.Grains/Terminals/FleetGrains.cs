using MediaCenter.Grains.Terminals;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace MediaCenter.Grains.Terminals;

/// <summary>
/// Per-silo publisher: keeps the latest change per terminal and flushes a batch every 250 ms to the
/// subscription grain, so a hot fleet costs a few calls a second, not one per heartbeat.
/// </summary>
[StatelessWorker(1)]
internal sealed class FleetPublisherGrain : Grain, IFleetPublisherGrain
{
    internal static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, TerminalDelta> _pending = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;

    public Task EnqueueAsync(TerminalDelta change)
    {
        if (!_pending.TryGetValue(change.Id, out var existing) || existing.Version <= change.Version)
        {
            _pending[change.Id] = change;
        }

        _timer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(Cadence, Cadence) { KeepAlive = false });
        return Task.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.Values.ToList();
        _pending.Clear();
        await GrainFactory.GetGrain<IFleetSubscriptionGrain>(0).PublishAsync(batch);
    }
}

/// <summary>Web hosts subscribe here for terminal changes; subscriptions expire unless refreshed.</summary>
internal sealed class FleetSubscriptionGrain(ILogger<FleetSubscriptionGrain> logger) : Grain, IFleetSubscriptionGrain
{
    private readonly ObserverManager<IFleetObserver> _observers = new(TimeSpan.FromMinutes(2), logger);

    public Task SubscribeAsync(IFleetObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IFleetObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<TerminalDelta> changes)
    {
        _observers.Notify(o => o.OnChanges(changes));
        return Task.CompletedTask;
    }
}

/// <summary>Gateways subscribe here; a command goes to every gateway, and the one holding the terminal delivers it.</summary>
internal sealed class CommandRouterGrain(ILogger<CommandRouterGrain> logger) : Grain, ICommandRouterGrain
{
    private readonly ObserverManager<ICommandObserver> _gateways = new(TimeSpan.FromMinutes(2), logger);

    public Task SubscribeAsync(ICommandObserver gateway)
    {
        _gateways.Subscribe(gateway, gateway);
        return Task.CompletedTask;
    }

    public Task<int> RouteAsync(string terminalId, TerminalCommand command)
    {
        _gateways.Notify(g => g.Deliver(terminalId, command));
        return Task.FromResult(_gateways.Count);
    }
}
