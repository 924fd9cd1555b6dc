using MediaCenter.Grains.Platform;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace MediaCenter.Grains.Platform;

/// <summary>Fans live messages out to every subscribed web host; subscriptions expire unless refreshed.</summary>
internal sealed class LiveFeedGrain(ILogger<LiveFeedGrain> logger) : Grain, ILiveFeedGrain
{
    private readonly ObserverManager<ILiveObserver> _observers = new(TimeSpan.FromMinutes(2), logger);

    public Task SubscribeAsync(ILiveObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(LiveMessage message)
    {
        _observers.Notify(o => o.OnMessage(message));
        return Task.CompletedTask;
    }
}
