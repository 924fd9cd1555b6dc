using System.Diagnostics;
using System.Threading.Channels;
using MediaCenter.Grains.Terminals;
using Prometheus;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>
/// The bounded path from the broker to the terminal grains: accepted messages wait in a bounded queue
/// (a full queue makes the broker wait — back-pressure, not loss), and are sent in batches to the
/// per-silo ingest grains with a bounded number of calls in flight.
/// </summary>
public sealed partial class IngestPipeline(IClusterClient cluster, ILogger<IngestPipeline> logger) : BackgroundService
{
    /// <summary>Messages that may wait for the cluster.</summary>
    public const int Capacity = 20_000;

    private const int MaxBatch = 500;
    private const int MaxInFlight = 8;
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(5);

    private static readonly Gauge QueueDepth = Metrics.CreateGauge("mediacenter_ingest_queue_depth", "Terminal messages waiting for the cluster.");
    private static readonly Counter Delivered = Metrics.CreateCounter("mediacenter_ingest_messages_total", "Terminal messages delivered to terminal grains.");
    private static readonly Counter Failed = Metrics.CreateCounter("mediacenter_ingest_failed_total", "Terminal messages that could not be delivered after retries.");
    private static readonly Counter Waited = Metrics.CreateCounter("mediacenter_ingest_backpressure_total", "Times the broker waited because the queue was full.");
    private static readonly Histogram BatchSeconds = Metrics.CreateHistogram("mediacenter_ingest_batch_seconds", "Time to deliver one batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    private readonly Channel<TerminalMessage> _queue = Channel.CreateBounded<TerminalMessage>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    /// <summary>
    /// How far behind the queue is: the age of the oldest message still waiting (zero when empty). Reported to the cluster
    /// with each presence beat, so a terminal whose heartbeat may still be waiting here is not judged offline for it.
    /// </summary>
    public TimeSpan Backlog(DateTimeOffset now) =>
        _queue.Reader.TryPeek(out var oldest) && now > oldest.ReceivedAt ? now - oldest.ReceivedAt : TimeSpan.Zero;

    /// <summary>Queues a message; waits (holding up the sender) while the queue is full.</summary>
    public async ValueTask EnqueueAsync(TerminalMessage message, CancellationToken cancellationToken = default)
    {
        if (!_queue.Writer.TryWrite(message))
        {
            Waited.Inc();
            await _queue.Writer.WriteAsync(message, cancellationToken);
        }

        QueueDepth.Inc();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Publishes the ingest metrics (created with this type) at zero before the first message, so dashboards and
        // alerts see the series from the start.
        QueueDepth.Set(0);

        // Not disposed: batches still in flight at shutdown release it after this method returns.
        var slots = new SemaphoreSlim(MaxInFlight);
        var batch = new List<TerminalMessage>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var started = Stopwatch.GetTimestamp();
                while (batch.Count < MaxBatch)
                {
                    if (reader.TryRead(out var message))
                    {
                        batch.Add(message);
                        continue;
                    }

                    var left = MaxWait - Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(left);
                    try
                    {
                        if (!await reader.WaitToReadAsync(wait.Token))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                }

                QueueDepth.Dec(batch.Count);
                await slots.WaitAsync(stoppingToken);
                var toSend = batch.ToArray();
                batch.Clear();
                _ = SendAsync(toSend, slots, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(TerminalMessage[] batch, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using (BatchSeconds.NewTimer())
                    {
                        // Any ingest activation will do: a stateless worker runs on the silo that receives the call.
                        await cluster.GetGrain<ITerminalIngestGrain>(0).IngestAsync(batch);
                    }

                    Delivered.Inc(batch.Length);
                    return;
                }
                catch (Exception ex) when (attempt < 3 && !stoppingToken.IsCancellationRequested)
                {
                    LogRetry(logger, batch.Length, attempt, ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
                }
            }
        }
        catch (Exception ex)
        {
            Failed.Inc(batch.Length);
            LogFailed(logger, batch.Length, ex.Message);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Count} terminal messages failed (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, int count, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivering {Count} terminal messages: {Reason}")]
    private static partial void LogFailed(ILogger logger, int count, string reason);
}
