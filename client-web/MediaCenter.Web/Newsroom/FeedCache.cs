using System.Collections.Concurrent;
using MediaCenter.Grains.Newsroom;
using Prometheus;

namespace MediaCenter.Web.Newsroom;

/// <summary>One version of a feed as written out, and its gzip copy made on first demand.</summary>
public sealed class RenderedFeed(string version, byte[] body)
{
    private readonly Lazy<byte[]> _gzip = new(() => Api.GzipBodies.Compress(body), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>What the version was made from (the ETag and the channel's name).</summary>
    public string Version { get; } = version;

    /// <summary>The feed's bytes.</summary>
    public byte[] Body { get; } = body;

    /// <summary>The feed's bytes, gzip-compressed once for every reader that accepts it.</summary>
    public byte[] GzipBody => _gzip.Value;
}

/// <summary>
/// Written-out feeds kept in memory by this web instance (output caching for the public spike, #21): one slot per channel, target,
/// format and host, holding the version last written. A request still asks the database what the feed's version is now (one
/// query, so a story published or withdrawn is in the next answer, from any web instance) but the items are read and written out
/// only when the version changed, once however many readers ask at the same moment.
/// </summary>
public sealed class FeedCache
{
    /// <summary>Slots kept before the cache starts over (the host is part of the key, and it is the client's to choose).</summary>
    internal const int MaxSlots = 4096;

    private static readonly Counter Renders = Metrics.CreateCounter("mediacenter_feed_renders_total",
        "Feed versions read from the database and written out by this web instance (every other answer came from memory).",
        new CounterConfiguration { LabelNames = ["format"] });

    private static readonly Counter Hits = Metrics.CreateCounter("mediacenter_feed_cache_hits_total",
        "Feed answers served from a version this web instance had already written out.", new CounterConfiguration { LabelNames = ["format"] });

    private readonly ConcurrentDictionary<(string Channel, PublishTarget Target, bool Json, string Self), Slot> _slots = new();

    /// <summary>The feed in the given version: the one kept when it is that version, otherwise written out now by <paramref name="render"/>.</summary>
    /// <remarks>The writing out is shared by every reader waiting for it, so it is not cancelled by any one of them; a failed one is tried again by the next reader.</remarks>
    public Task<RenderedFeed> GetAsync(string channel, PublishTarget target, bool json, string self, string version,
        Func<CancellationToken, Task<byte[]>> render, CancellationToken cancellationToken)
    {
        if (_slots.Count >= MaxSlots)
        {
            _slots.Clear();
        }

        var slot = _slots.GetOrAdd((channel, target, json, self), _ => new Slot());
        var format = json ? "json" : "rss";
        Task<RenderedFeed> made;
        Task<Task<RenderedFeed>>? start = null;
        lock (slot)
        {
            if (slot.Made is { IsFaulted: false, IsCanceled: false } kept && slot.Version == version)
            {
                made = kept;
                Hits.WithLabels(format).Inc();
            }
            else
            {
                // Started outside the lock: the readers of this slot wait for the task, not for the lock.
                start = new Task<Task<RenderedFeed>>(() => RenderAsync(version, render, format));
                slot.Version = version;
                made = slot.Made = start.Unwrap();
            }
        }

        start?.Start(TaskScheduler.Default);
        return made.WaitAsync(cancellationToken);
    }

    private static async Task<RenderedFeed> RenderAsync(string version, Func<CancellationToken, Task<byte[]>> render, string format)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var body = await render(limit.Token);
        Renders.WithLabels(format).Inc();
        return new RenderedFeed(version, body);
    }

    private sealed class Slot
    {
        public string? Version { get; set; }

        public Task<RenderedFeed>? Made { get; set; }
    }
}
