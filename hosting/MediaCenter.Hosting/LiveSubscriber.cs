using System.Collections.Concurrent;
using System.Threading.Channels;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace MediaCenter.Hosting;

/// <summary>
/// A host's subscription to live topics (web hosts, devices gateways): subscribes to each topic's hub grain, renews
/// every <see cref="ClusterObservers.Renew"/> (subscriptions expire, and a hub that came back on another silo after a
/// silo loss or a cluster reconnect starts empty, so renewing is also how a lost subscription is restored), and hands
/// events to <see cref="HandleAsync"/> one at a time in arrival order. Events arrive on Orleans' threads and are only
/// queued there; a full queue drops the oldest (every subscriber reloads what it shows when it falls behind).
/// </summary>
public abstract partial class LiveSubscriber : BackgroundService, ILiveObserver
{
    /// <summary>How soon a failed subscription is tried again.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);

    private static readonly Counter Received = Metrics.CreateCounter(
        "mediacenter_live_events_received_total", "Live events received from the cluster, by feed.", "feed");

    private static readonly Counter Dropped = Metrics.CreateCounter(
        "mediacenter_live_events_dropped_total", "Live events dropped because the feed's queue was full, by feed.", "feed");

    private static readonly Counter SubscribeFailures = Metrics.CreateCounter(
        "mediacenter_live_subscribe_failures_total", "Failed subscriptions or renewals of live topics, by feed.", "feed");

    private readonly string _feed;
    private readonly ConcurrentDictionary<LiveTopic, DateTimeOffset> _topics = new();
    private readonly Channel<(LiveTopic Topic, LiveEvent Event)> _events;
    private readonly Lazy<ILiveObserver> _reference;

    /// <summary>Subscribes <paramref name="feed"/> (the metrics label) to <paramref name="topics"/>; more can be added by <see cref="WatchAsync"/>.</summary>
    protected LiveSubscriber(string feed, IClusterClient cluster, TimeProvider time, ILogger logger, params LiveTopic[] topics)
    {
        _feed = feed;
        Cluster = cluster;
        Time = time;
        Logger = logger;
        _events = Channel.CreateBounded<(LiveTopic, LiveEvent)>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Dropped.WithLabels(feed).Inc());
        _reference = new(() => cluster.CreateObjectReference<ILiveObserver>(this));
        foreach (var topic in topics)
        {
            _topics[topic] = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The cluster this host is a client of.</summary>
    protected IClusterClient Cluster { get; }

    /// <summary>The host's clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The subscriber's logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public void OnEvent(LiveTopic topic, LiveEvent live)
    {
        Received.WithLabels(_feed).Inc();
        _events.Writer.TryWrite((topic, live));
    }

    /// <summary>Subscribes to one more topic (at once; then it is renewed with the others). Never throws for the cluster being away.</summary>
    public async Task WatchAsync(LiveTopic topic, CancellationToken cancellationToken)
    {
        // A second caller while the first subscription is on its way subscribes too, so neither returns before the topic is heard.
        if (_topics.TryAdd(topic, DateTimeOffset.MinValue) || _topics[topic] == DateTimeOffset.MinValue)
        {
            await RenewAsync(topic, cancellationToken);
        }
    }

    /// <summary>Handles one event; an exception is logged and the next event handled.</summary>
    protected abstract Task HandleAsync(LiveTopic topic, LiveEvent live, CancellationToken cancellationToken);

    /// <summary>Work of the subscriber that runs beside the subscription for as long as the host does (none by default).</summary>
    protected virtual Task RunAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handling = HandleAllAsync(stoppingToken);
        var running = RunAsync(stoppingToken);
        using var timer = new PeriodicTimer(Retry, Time);
        try
        {
            do
            {
                foreach (var (topic, renewed) in _topics)
                {
                    if (Time.GetUtcNow() - renewed >= ClusterObservers.Renew)
                    {
                        await RenewAsync(topic, stoppingToken);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var topic in _topics.Keys)
            {
                try
                {
                    await Cluster.Topic(topic).UnsubscribeAsync(_reference.Value).WaitAsync(ClusterObservers.Renew, CancellationToken.None);
                }
                catch (Exception)
                {
                    // Shutting down; the subscription expires on its own.
                }
            }
        }

        await Task.WhenAll(handling, running);
    }

    private async Task RenewAsync(LiveTopic topic, CancellationToken cancellationToken)
    {
        try
        {
            // A renewal waits no longer than the renewal period: one pending on a dead silo must not hold up the next.
            var retained = await Cluster.Topic(topic).SubscribeAsync(_reference.Value).WaitAsync(ClusterObservers.Renew, cancellationToken);
            _topics[topic] = Time.GetUtcNow();
            if (retained is not null)
            {
                OnEvent(topic, retained);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            SubscribeFailures.WithLabels(_feed).Inc();
            LogSubscribeFailed(Logger, _feed, topic.Key, ex.Message);
            // Try again after Retry rather than a whole renewal period.
            _topics[topic] = Time.GetUtcNow() - ClusterObservers.Renew + Retry;
        }
    }

    private async Task HandleAllAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (topic, live) in _events.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(topic, live, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogHandleFailed(Logger, _feed, live.GetType().Name, topic.Key, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Feed}: could not subscribe to {Topic}: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string feed, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Feed}: could not handle {Event} of {Topic}: {Reason}")]
    private static partial void LogHandleFailed(ILogger logger, string feed, string @event, string topic, string reason);
}
