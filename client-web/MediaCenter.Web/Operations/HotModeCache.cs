using System.Collections.Concurrent;
using System.Text.Json;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Hosting;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Operations;

/// <summary>A public Q&amp;A script, serialised once per version.</summary>
public sealed record CachedScript(string Id, long Version, byte[] Body, string ETag, DateTimeOffset EndsAt)
{
    private byte[]? _gzip;

    /// <summary>The body gzip-compressed, once per version (two readers at the first moment may both compress it; either copy is kept).</summary>
    public byte[] GzipBody => _gzip ??= Api.GzipBodies.Compress(Body);
}

/// <summary>
/// This web instance's copy of the hot-event mode (<see cref="IHotModeGrain"/>): taken from every
/// <see cref="HotModeChanged"/> of the hot-mode topic (the topic's latest on subscribing), and read again every
/// <c>HotEvents:RefreshInterval</c> in case an event was lost. It decides the public rate-limit profile and which Q&amp;A scripts may be served, and caches each
/// script per version, so the public endpoints cost no grain call at high rates. An event whose window has
/// closed is never served, whatever the last refresh said.
/// </summary>
public sealed partial class HotModeCache(IClusterClient cluster, IOptions<HotEventSettings> settings, TimeProvider time, ILogger<HotModeCache> logger)
    : LiveSubscriber("hot-mode", cluster, time, logger, LiveTopic.HotMode)
{
    private readonly ConcurrentDictionary<string, CachedScript> _scripts = new(StringComparer.Ordinal);
    private volatile HotModeSnapshot _snapshot = new(-1, [], DateTimeOffset.MinValue);

    /// <summary>The last snapshot read from the Cluster.</summary>
    public HotModeSnapshot Snapshot => _snapshot;

    /// <summary>Acknowledged and active events whose window has not closed.</summary>
    public IReadOnlyList<HotModeEntry> Events
    {
        get
        {
            var now = Time.GetUtcNow();
            return _snapshot.Events.Where(e => e.EndsAt > now).ToList();
        }
    }

    /// <summary>Active events whose window has not closed.</summary>
    public IReadOnlyList<HotModeEntry> Active => Events.Where(e => e.Status == HotEventStatus.Active).ToList();

    /// <summary>True while the platform is in hot-event mode.</summary>
    public bool IsHot
    {
        get
        {
            var now = Time.GetUtcNow();
            return _snapshot.Events.Any(e => e.Status == HotEventStatus.Active && e.EndsAt > now);
        }
    }

    /// <summary>The event if the public may see it now (acknowledged or active, window not closed).</summary>
    public HotModeEntry? Public(string id)
    {
        var now = Time.GetUtcNow();
        return _snapshot.Events.FirstOrDefault(e => e.Id == id && e.EndsAt > now);
    }

    /// <summary>The public Q&amp;A script of an event, from the cache when its version is current; null when it may not be served.</summary>
    public async Task<CachedScript?> ScriptAsync(string id)
    {
        if (Public(id) is not { } entry)
        {
            return null;
        }

        if (_scripts.TryGetValue(id, out var cached) && cached.Version >= entry.Version)
        {
            return cached;
        }

        var script = await Cluster.GetGrain<IHotEventGrain>(id).GetScriptAsync();
        if (script is null)
        {
            return null;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            script.Id,
            script.Title,
            script.Policy,
            script.Status,
            script.StartsAt,
            script.EndsAt,
            script.Qa,
            script.Version,
        }, OpsHttp.Json);
        cached = new CachedScript(id, script.Version, body, $"\"{id}-{script.Version}\"", script.EndsAt);
        _scripts.AddOrUpdate(id, cached, (_, known) => known.Version >= cached.Version ? known : cached);
        return cached;
    }

    /// <summary>Reads the snapshot now (also used at start-up).</summary>
    public async Task RefreshAsync() => Adopt(await Cluster.GetGrain<IHotModeGrain>(0).GetAsync());

    private void Adopt(HotModeSnapshot snapshot)
    {
        // Versions only grow: an event that overtook a refresh (or the reverse) never puts an older registry back.
        if (snapshot.Version < _snapshot.Version)
        {
            return;
        }

        var wasHot = IsHot;
        _snapshot = snapshot;
        foreach (var id in _scripts.Keys)
        {
            if (!snapshot.Events.Any(e => e.Id == id))
            {
                _scripts.TryRemove(id, out _);
            }
        }

        if (wasHot != IsHot)
        {
            LogMode(Logger, IsHot ? "on" : "off", snapshot.Version);
        }
    }

    protected override Task HandleAsync(LiveTopic topic, LiveEvent live, CancellationToken cancellationToken)
    {
        if (live is HotModeChanged { Mode: var mode })
        {
            Adopt(mode);
        }

        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.RefreshInterval, Time);
        do
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(Logger, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot-event mode {Mode} (registry version {Version})")]
    private static partial void LogMode(ILogger logger, string mode, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the hot-event mode: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
