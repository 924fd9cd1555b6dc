using System.Text.Json;
using System.Threading.Channels;
using MediaCenter.Grains.Platform;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Live;

/// <summary>
/// This web host's subscription to live messages from grains (incidents, notifications, hot-event mode):
/// each goes to its SignalR group in arrival order. Best-effort: boards reload their snapshot on reconnect.
/// </summary>
internal sealed partial class LiveFeed(IClusterClient cluster, IHubContext<LiveHub> hub, ILogger<LiveFeed> logger) : BackgroundService, ILiveObserver
{
    private readonly Channel<LiveMessage> _messages = Channel.CreateBounded<LiveMessage>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void OnMessage(LiveMessage message) => _messages.Writer.TryWrite(message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<ILiveObserver>(this);
        var feed = cluster.GetGrain<ILiveFeedGrain>(0);
        var forwarding = ForwardAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastSubscribed = DateTimeOffset.MinValue;
        try
        {
            do
            {
                if (DateTimeOffset.UtcNow - lastSubscribed > MediaCenter.Hosting.ClusterObservers.Renew)
                {
                    try
                    {
                        await feed.SubscribeAsync(reference).WaitAsync(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
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
                await feed.UnsubscribeAsync(reference);
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
            await foreach (var message in _messages.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    using var payload = JsonDocument.Parse(message.Payload);
                    var clients = message.Group == LiveHub.AllGroup ? hub.Clients.All : hub.Clients.Group(message.Group);
                    await clients.SendAsync(message.Method, payload.RootElement.Clone(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSendFailed(logger, message.Method, message.Group, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to live messages: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Method} to {Group}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string method, string group, string reason);
}
