using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Operations;

/// <summary>A public Q&amp;A script, serialised once per version.</summary>
public sealed record CachedScript(string Id, long Version, byte[] Body, string ETag, DateTimeOffset EndsAt);

/// <summary>
/// This web instance's copy of the hot-event mode (<see cref="IHotModeGrain"/>): refreshed every
/// <c>HotEvents:RefreshInterval</c> and at once when a <c>hotEventMode</c> or <c>hotEventChanged</c> live message
/// arrives. It decides the public rate-limit profile and which Q&amp;A scripts may be served, and caches each
/// script per version, so the public endpoints cost no grain call at high rates. An event whose window has
/// closed is never served, whatever the last refresh said.
/// </summary>
public sealed partial class HotModeCache(IClusterClient cluster, IOptions<HotEventSettings> settings, TimeProvider time, ILogger<HotModeCache> logger)
    : BackgroundService, ILiveObserver
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, CachedScript> _scripts = new(StringComparer.Ordinal);
    private volatile HotModeSnapshot _snapshot = new(-1, [], DateTimeOffset.MinValue);

    /// <summary>The last snapshot read from the cluster.</summary>
    public HotModeSnapshot Snapshot => _snapshot;

    /// <summary>Acknowledged and active events whose window has not closed.</summary>
    public IReadOnlyList<HotModeEntry> Events
    {
        get
        {
            var now = time.GetUtcNow();
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
            var now = time.GetUtcNow();
            return _snapshot.Events.Any(e => e.Status == HotEventStatus.Active && e.EndsAt > now);
        }
    }

    /// <summary>The event if the public may see it now (acknowledged or active, window not closed).</summary>
    public HotModeEntry? Public(string id)
    {
        var now = time.GetUtcNow();
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

        var script = await cluster.GetGrain<IHotEventGrain>(id).GetScriptAsync();
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
    public async Task RefreshAsync()
    {
        var snapshot = await cluster.GetGrain<IHotModeGrain>(0).GetAsync();
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
            LogMode(logger, IsHot ? "on" : "off", snapshot.Version);
        }
    }

    public void OnMessage(LiveMessage message)
    {
        if (message.Method is "hotEventMode" or "hotEventChanged")
        {
            _wake.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<ILiveObserver>(this);
        var feed = cluster.GetGrain<ILiveFeedGrain>(0);
        var lastSubscribed = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (DateTimeOffset.UtcNow - lastSubscribed > MediaCenter.Hosting.ClusterObservers.Renew)
                    {
                        await feed.SubscribeAsync(reference).WaitAsync(MediaCenter.Hosting.ClusterObservers.Renew, stoppingToken);
                        lastSubscribed = DateTimeOffset.UtcNow;
                    }

                    await RefreshAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRefreshFailed(logger, ex.Message);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(settings.Value.RefreshInterval);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The refresh interval passed.
                }
            }
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
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot-event mode {Mode} (registry version {Version})")]
    private static partial void LogMode(ILogger logger, string mode, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the hot-event mode: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
