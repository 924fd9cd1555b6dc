using MediaCenter.Grains.Terminals;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>
/// Tells the cluster every second that this gateway is up, and that it is stopping when it stops, so a gateway restart
/// is not taken for every terminal failing at once (see <see cref="IIngestPresenceGrain"/>). Registered after the broker:
/// it starts beating once the broker listens and says it is stopping before the broker closes.
/// </summary>
public sealed partial class PresenceBeat(IClusterClient cluster, IngestPipeline ingest, TimeProvider time, ILogger<PresenceBeat> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>This gateway process among others (a restarted process is a new one).</summary>
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        do
        {
            try
            {
                await cluster.GetGrain<IIngestPresenceGrain>(IIngestPresenceGrain.Key).BeatAsync(Name, ingest.Backlog(time.GetUtcNow()));
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    LogBeatFailed(logger, ex.Message);
                }

                failing = true;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(TimeSpan.FromSeconds(2));
            await cluster.GetGrain<IIngestPresenceGrain>(IIngestPresenceGrain.Key).StoppingAsync(Name).WaitAsync(bounded.Token);
        }
        catch (Exception ex)
        {
            // The cluster learns it from the missing beats a few seconds later.
            LogStoppingFailed(logger, ex.Message);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the cluster this gateway is up: {Reason}")]
    private static partial void LogBeatFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the cluster this gateway is stopping: {Reason}")]
    private static partial void LogStoppingFailed(ILogger logger, string reason);
}
