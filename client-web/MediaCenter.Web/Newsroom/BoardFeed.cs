using System.Threading.Channels;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// This web host's subscription to board changes: deltas arrive from the cluster (an Orleans observer) and
/// go to the SignalR group of their channel in arrival order, each with its board version. A board that
/// sees a gap in versions reloads its snapshot; a duplicate is ignored by version.
/// </summary>
internal sealed partial class BoardFeed(IClusterClient cluster, IHubContext<LiveHub> hub, LivePushMetrics metrics, ILogger<BoardFeed> logger) : BackgroundService, IBoardObserver
{
    /// <summary>The client method receiving a <see cref="BoardDelta"/>.</summary>
    public const string Method = "boardChanged";

    private readonly Channel<BoardDelta> _deltas = Channel.CreateBounded<BoardDelta>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void OnBoardChanged(BoardDelta delta) => _deltas.Writer.TryWrite(delta);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<IBoardObserver>(this);
        var subscriptions = cluster.GetGrain<IBoardSubscriptionGrain>(0);
        var forwarding = ForwardAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastSubscribed = DateTimeOffset.MinValue;
        try
        {
            do
            {
                // Renewed often: subscriptions expire, and a subscription grain that moved after a silo loss starts empty.
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
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
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

        await forwarding;
    }

    private async Task ForwardAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delta in _deltas.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.Group(LiveHub.BoardGroupOf(delta.Channel)).SendAsync(Method, delta, stoppingToken);
                    metrics.BoardSent(delta.At);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSendFailed(logger, delta.Channel, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to board changes: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a change of board {Channel}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string channel, string reason);
}
