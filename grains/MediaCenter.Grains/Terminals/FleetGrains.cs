using MediaCenter.Grains.Terminals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace MediaCenter.Grains.Terminals;

/// <summary>
/// Per-silo publisher: keeps the latest change per terminal and sends them to the subscription grain as one batch,
/// at once when the last batch left at least <see cref="MinimumGap"/> ago, else when that gap is over: a lone change
/// is not held back, and a hot fleet costs at most 1/<see cref="MinimumGap"/> calls a second, not one per heartbeat.
/// </summary>
[StatelessWorker(1)]
internal sealed class FleetPublisherGrain([FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IFleetPublisherGrain
{
    internal static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(50);
    private readonly Dictionary<string, TerminalDelta> _pending = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;
    private DateTimeOffset _lastFlush = DateTimeOffset.MinValue;
    private bool _scheduled;

    public Task EnqueueAsync(TerminalDelta change)
    {
        if (!_pending.TryGetValue(change.Id, out var existing) || existing.Version <= change.Version)
        {
            _pending[change.Id] = change;
        }

        if (!_scheduled)
        {
            _scheduled = true;
            var due = _lastFlush + MinimumGap - time.GetUtcNow();
            _timer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = false });
            _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _scheduled = false;
        if (_pending.Count == 0)
        {
            return;
        }

        _lastFlush = time.GetUtcNow();
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
