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

/// <summary>What a feed request needs to know before it answers: the channel and the feed's stamp (null: no such channel), and the
/// channel's policy (null with no channel).</summary>
public sealed record FeedState(FeedHead? Head, ChannelPolicy? Policy);

/// <summary>
/// The feeds' heads held by this web instance for at most <see cref="Fresh"/> (#21): under a public spike every feed request asked
/// PostgreSQL for the stamp and the channel grain for its policy; now one request per feed and interval does, and the readers
/// arriving meanwhile share its answer. Feeds tell clients they may keep an answer 30 s (max-age), so a second of staleness is
/// within what they promise; a change made through this instance (any successful write outside /api/public) is seen at once,
/// because <see cref="Forget"/> starts a new generation and a head read under an older one is never served again.
/// </summary>
public sealed class FeedHeads(NewsroomReadModel read, IClusterClient cluster, TimeProvider time)
{
    /// <summary>How long a head is served from memory.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private static readonly Counter Reads = Metrics.CreateCounter("mediacenter_feed_head_reads_total",
        "Feed heads (the channel, the feed's stamp and the channel's policy) read by this web instance; the other feed requests shared one.");

    private readonly ConcurrentDictionary<(string Channel, PublishTarget Target), Held> _held = new();
    private long _generation;

    /// <summary>The feed's head, read at most <see cref="Fresh"/> ago in the current generation.</summary>
    public Task<FeedState> GetAsync(string channel, PublishTarget target, CancellationToken cancellationToken)
    {
        if (_held.Count >= FeedCache.MaxSlots)
        {
            _held.Clear();
        }

        var now = time.GetUtcNow();
        var generation = Interlocked.Read(ref _generation);
        var key = (channel, target);
        while (true)
        {
            if (_held.TryGetValue(key, out var held) && held.Generation == generation && now - held.At < Fresh && !held.State.IsFaulted && !held.State.IsCanceled)
            {
                return held.State.WaitAsync(cancellationToken);
            }

            // One reader starts the read; the others that raced it take its answer.
            var fresh = new Held(now, generation, new Lazy<Task<FeedState>>(() => ReadAsync(channel, target)));
            if (held is null ? _held.TryAdd(key, fresh) : _held.TryUpdate(key, fresh, held))
            {
                return fresh.State.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Starts a new generation: every head held now is read again by its next request.</summary>
    public void Forget() => Interlocked.Increment(ref _generation);

    private async Task<FeedState> ReadAsync(string channel, PublishTarget target)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Reads.Inc();
        // Only a channel that exists is asked for its policy (no grain is woken for a made-up code).
        var head = await read.FeedHeadAsync(channel, target, limit.Token);
        return new FeedState(head, head is null ? null : await cluster.GetGrain<IChannelGrain>(channel).GetPolicyAsync());
    }

    private sealed class Held(DateTimeOffset at, long generation, Lazy<Task<FeedState>> state)
    {
        public DateTimeOffset At { get; } = at;

        public long Generation { get; } = generation;

        public Task<FeedState> State => state.Value;
    }
}

/// <summary>Ends the feeds' held heads on this instance after every successful write outside the public endpoints.</summary>
public sealed class FeedHeadsInvalidation(RequestDelegate next, FeedHeads heads)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.Response.StatusCode < 400 && !context.Request.Path.StartsWithSegments("/api/public"))
        {
            heads.Forget();
        }
    }
}
