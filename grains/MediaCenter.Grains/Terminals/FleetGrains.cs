using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace MediaCenter.Grains.Terminals;

/// <summary>
/// Per-silo publisher: keeps the latest change per terminal and sends them to the fleet's live topic as one batch,
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
        await GrainFactory.PublishLiveAsync(LiveTopic.Fleet, new TerminalsChanged(batch));
    }
}
