using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Live;

/// <summary>
/// Pushes the system status to every connected board whenever it changes (best-effort): with silo addresses to platform
/// administrators, without to everyone else.
/// </summary>
internal sealed partial class SystemStatusBroadcaster(
    SystemStatusReader reader,
    LiveSender live,
    IOptions<LiveSettings> settings,
    ILogger<SystemStatusBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long sentVersion = -1;
        using var timer = new PeriodicTimer(settings.Value.SystemStatusInterval);
        do
        {
            try
            {
                var status = await reader.ReadAsync(stoppingToken);
                if (status.Version != sentVersion)
                {
                    await live.SendAsync(LiveHub.SystemStatusMethod, status, stoppingToken, LiveHub.SystemDetailGroup);
                    await live.SendAsync(LiveHub.SystemStatusMethod, status.WithoutAddresses(), stoppingToken, LiveHub.SystemGroup);
                    sentVersion = status.Version;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cluster may be restarting; boards keep their last state and the next tick retries.
                LogReadFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "System status could not be read: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
