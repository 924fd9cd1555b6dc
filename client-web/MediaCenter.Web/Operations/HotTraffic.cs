using System.Collections.Concurrent;
using MediaCenter.Grains.Operations;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MediaCenter.Web.Operations;

/// <summary>Requests attributed to a hot event on this web instance: the last 60 whole seconds, and the total.</summary>
public sealed record HotTrafficView(string EventId, string Instance, long CurrentSecond, long LastSecond, long LastMinute, IReadOnlyList<long> PerSecond,
    long Total, DateTimeOffset? Since, DateTimeOffset At);

/// <summary>
/// Live traffic of hot events, counted in memory by this web instance: requests to an event's public Q&amp;A and to the
/// feeds (<c>/feeds/{channel}/…</c>) of its affected channels while it is active. Also exported to Prometheus as
/// <c>mediacenter_hot_event_requests_total{event,kind}</c>, where the instances are summed. Requests refused by the
/// rate limit are counted too: this is the demand, not what was served.
/// </summary>
public sealed class HotTraffic(TimeProvider time)
{
    private const int Window = 60;

    private static readonly Counter Requests = Metrics.CreateCounter("mediacenter_hot_event_requests_total",
        "Requests attributed to a hot event: its public Q&A (kind=qa) and the feeds of its affected channels while active (kind=feed).",
        new CounterConfiguration { LabelNames = ["event", "kind"] });

    private readonly ConcurrentDictionary<string, Meter> _meters = new(StringComparer.Ordinal);

    /// <summary>How many whole minutes back the per-minute counts are kept for <see cref="Minutes"/> (a silo unreachable for longer loses the oldest).</summary>
    public const int KeptMinutes = 15;

    private readonly ConcurrentDictionary<(string Event, string Kind, long Minute), long> _minutes = new();

    /// <summary>Counts one request for an event.</summary>
    public void Count(string eventId, string kind)
    {
        Requests.WithLabels(eventId, kind).Inc();
        var now = time.GetUtcNow();
        _meters.GetOrAdd(eventId, _ => new Meter(now)).Add(now.ToUnixTimeSeconds());
        CountMinute(eventId, kind, now);
    }

    /// <summary>Counts one answered request of an event's public Q&amp;A (kept per minute only).</summary>
    public void Served(string eventId) => CountMinute(eventId, "qaServed", time.GetUtcNow());

    /// <summary>
    /// This instance's counts per event, kind and minute over the last <see cref="KeptMinutes"/> minutes, each its total so far
    /// (older minutes are forgotten here; they were sent before).
    /// </summary>
    public List<HotTrafficMinute> Minutes()
    {
        var oldest = (time.GetUtcNow().ToUnixTimeSeconds() / 60) - KeptMinutes;
        foreach (var key in _minutes.Keys.Where(k => k.Minute < oldest))
        {
            _minutes.TryRemove(key, out _);
        }

        return [.. _minutes.Select(m => new HotTrafficMinute(m.Key.Event, m.Key.Kind, DateTimeOffset.FromUnixTimeSeconds(m.Key.Minute * 60), m.Value))];
    }

    private void CountMinute(string eventId, string kind, DateTimeOffset now) =>
        _minutes.AddOrUpdate((eventId, kind, now.ToUnixTimeSeconds() / 60), 1, (_, n) => n + 1);

    /// <summary>The traffic of an event as this instance saw it.</summary>
    public HotTrafficView Read(string eventId)
    {
        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        if (!_meters.TryGetValue(eventId, out var meter))
        {
            return new HotTrafficView(eventId, Environment.MachineName, 0, 0, 0, new long[Window], 0, null, now);
        }

        var (current, perSecond, total) = meter.Read(second);
        return new HotTrafficView(eventId, Environment.MachineName, current, perSecond[^1], perSecond.Sum(), perSecond, total, meter.Since, now);
    }

    private sealed class Meter(DateTimeOffset since)
    {
        private readonly long[] _seconds = new long[Window + 1];
        private readonly long[] _counts = new long[Window + 1];
        private readonly Lock _lock = new();
        private long _total;

        public DateTimeOffset Since { get; } = since;

        public void Add(long second)
        {
            var slot = (int)(second % (Window + 1));
            lock (_lock)
            {
                if (_seconds[slot] != second)
                {
                    _seconds[slot] = second;
                    _counts[slot] = 0;
                }

                _counts[slot]++;
                _total++;
            }
        }

        /// <summary>The count of the running second, the 60 whole seconds before it (oldest first), and the total.</summary>
        public (long Current, long[] PerSecond, long Total) Read(long now)
        {
            var perSecond = new long[Window];
            lock (_lock)
            {
                for (var i = 0; i < Window; i++)
                {
                    var second = now - Window + i;
                    var slot = (int)(second % (Window + 1));
                    perSecond[i] = _seconds[slot] == second ? _counts[slot] : 0;
                }

                var current = (int)(now % (Window + 1));
                return (_seconds[current] == now ? _counts[current] : 0, perSecond, _total);
            }
        }
    }
}

/// <summary>Attributes public requests to hot events (see <see cref="HotTraffic"/>); it only counts, it never changes a request.</summary>
internal sealed class HotTrafficMiddleware(RequestDelegate next, HotTraffic traffic, HotModeCache mode)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith(HotEventsApi.PublicPath + "/", StringComparison.Ordinal))
            {
                var id = Segment(path, HotEventsApi.PublicPath.Length + 1);
                if (mode.Public(id) is not null)
                {
                    traffic.Count(id, "qa");
                    return AnsweredAsync(context, id);
                }
            }
            else if (path.StartsWith("/feeds/", StringComparison.Ordinal))
            {
                var channel = Segment(path, "/feeds/".Length);
                foreach (var hot in mode.Active)
                {
                    if (hot.Channels.Contains(channel))
                    {
                        traffic.Count(hot.Id, "feed");
                    }
                }
            }
        }

        return next(context);
    }

    // Of the Q&A asked, those answered (not refused by the rate limit, not failed) are counted too.
    private async Task AnsweredAsync(HttpContext context, string id)
    {
        await next(context);
        if (context.Response.StatusCode < StatusCodes.Status400BadRequest)
        {
            traffic.Served(id);
        }
    }

    private static string Segment(string path, int start)
    {
        var end = path.IndexOf('/', start);
        return end < 0 ? path[start..] : path[start..end];
    }
}

/// <summary>Puts <see cref="HotTrafficMiddleware"/> first in the pipeline, so refused requests are counted too.</summary>
internal sealed class HotTrafficStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<HotTrafficMiddleware>();
        next(app);
    };
}


/// <summary>
/// Sends this instance's per-minute hot-event counts to the cluster every <see cref="HotEventSettings.TrafficFlushEvery"/> and at
/// shutdown, so reports can say what each hot event drew; a failed send is simply repeated by the next one (the counts are totals).
/// </summary>
internal sealed partial class HotTrafficFlush(HotTraffic traffic, IClusterClient cluster, IOptions<HotEventSettings> settings, ILogger<HotTrafficFlush> logger)
    : BackgroundService
{
    /// <summary>This instance's name in the kept counts: host and process, so two instances on one host count apart.</summary>
    public static string Instance { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.TrafficFlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        var minutes = traffic.Minutes();
        if (minutes.Count == 0)
        {
            return;
        }

        try
        {
            await cluster.GetGrain<IHotTrafficGrain>(0).RecordAsync(Instance, minutes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFlushFailed(logger, minutes.Count, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hot-event traffic ({Count} minute counts) not kept this time: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string reason);
}
