using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace MediaCenter.Grains.Platform;

/// <summary>
/// The live hub of one topic: fans events out to the subscribed web hosts and gateways. Reentrant because every call
/// completes without awaiting: a hot topic (the fleet) is never queued behind its own subscribers' renewals.
/// </summary>
[Reentrant]
internal sealed class LiveTopicGrain : Grain, ILiveTopicGrain
{
    private readonly ObserverManager<ILiveObserver> _observers;
    private LiveEvent? _retained;

    public LiveTopicGrain([FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time, ILogger<LiveTopicGrain> logger)
    {
        // Expiry runs on grain time, so tests can let a subscription lapse without waiting two minutes.
        _observers = new(ILiveTopicGrain.Expiry, logger) { GetDateTime = () => time.GetUtcNow().UtcDateTime };
    }

    private LiveTopic Topic => new(this.GetPrimaryKeyString());

    public Task<LiveEvent?> SubscribeAsync(ILiveObserver observer)
    {
        // The snapshot goes to a new subscription only: a renewal already holds it and every change since.
        var isNew = !_observers.Observers.ContainsKey(observer);
        _observers.Subscribe(observer, observer);
        return Task.FromResult(isNew ? _retained : null);
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(LiveEvent live)
    {
        if (live.Retained)
        {
            _retained = live;
        }

        var topic = Topic;
        _observers.Notify(o => o.OnEvent(topic, live));
        return Task.CompletedTask;
    }

    public Task<int> CountSubscribersAsync()
    {
        _observers.ClearExpired();
        return Task.FromResult(_observers.Count);
    }
}
