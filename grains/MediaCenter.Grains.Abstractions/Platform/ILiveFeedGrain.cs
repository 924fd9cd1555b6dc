namespace MediaCenter.Grains.Platform;

/// <summary>
/// A message for live boards: the web instances send <see cref="Payload"/> (JSON) to the SignalR group
/// <see cref="Group"/> as the client method <see cref="Method"/>. Groups: <c>ops</c> (platform staff), <c>management</c>,
/// <c>party:{id}</c> (one access party's users), <c>user:{id}</c>, <c>all</c> (every signed-in connection).
/// </summary>
[GenerateSerializer, Alias("mc.LiveMessage")]
public sealed record LiveMessage([property: Id(0)] string Group, [property: Id(1)] string Method, [property: Id(2)] string Payload);

/// <summary>A web host forwarding live messages to its SignalR connections.</summary>
[Alias("mc.ILiveObserver")]
public interface ILiveObserver : IGrainObserver
{
    /// <summary>A message to forward.</summary>
    [Alias("OnMessage")]
    void OnMessage(LiveMessage message);
}

/// <summary>Where web hosts subscribe for live messages of any grain (subscriptions expire unless refreshed).</summary>
[Alias("mc.ILiveFeedGrain")]
public interface ILiveFeedGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or refreshes a subscription.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(ILiveObserver observer);

    /// <summary>Removes a subscription.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ILiveObserver observer);

    /// <summary>Sends a message to every subscribed web host.</summary>
    [Alias("Publish"), Orleans.Concurrency.OneWay]
    Task PublishAsync(LiveMessage message);
}
