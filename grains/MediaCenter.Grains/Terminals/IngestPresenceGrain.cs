using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Grains.Terminals;

/// <summary>
/// Which devices gateways are beating. Kept in memory: after a failover it knows nothing until the next beat (a second),
/// and knowing nothing means terminals are judged by their own deadlines, as without it.
/// </summary>
internal sealed partial class IngestPresenceGrain(
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IOptions<TerminalOptions> options,
    ILogger<IngestPresenceGrain> logger) : Grain, IIngestPresenceGrain
{
    // The gateways up: each one's last beat and the backlog it reported then.
    private readonly Dictionary<string, (DateTimeOffset At, TimeSpan Backlog)> _beats = new(StringComparer.Ordinal);
    private bool _known;
    private DateTimeOffset? _downSince;
    private DateTimeOffset? _outageStart;
    private DateTimeOffset? _outageEnd;

    public Task BeatAsync(string gateway, TimeSpan backlog)
    {
        var now = time.GetUtcNow();
        Refresh(now);
        if (_downSince is { } down)
        {
            _outageStart = down;
            _outageEnd = now;
            _downSince = null;
            LogBack(logger, gateway, (now - down).TotalSeconds);
        }

        _beats[gateway] = (now, backlog);
        _known = true;
        return Task.CompletedTask;
    }

    public Task StoppingAsync(string gateway)
    {
        var now = time.GetUtcNow();
        if (_beats.Remove(gateway))
        {
            LogStopping(logger, gateway);
        }

        Refresh(now, now);
        return Task.CompletedTask;
    }

    public Task<IngestPresence> GetAsync()
    {
        Refresh(time.GetUtcNow());
        return Task.FromResult(_known ? new IngestPresence(true, _downSince, _outageStart, _outageEnd, _beats.Count,
            _beats.Count == 0 ? null : _beats.Values.Max(b => b.At),
            _beats.Values.Select(b => b.Backlog).DefaultIfEmpty().Max()) : IngestPresence.Unknown);
    }

    // Gateways silent past the beat timeout are gone; when the last one goes, the outage starts at its last beat (or now,
    // for a gateway that said it was stopping).
    private void Refresh(DateTimeOffset now, DateTimeOffset? lostAt = null)
    {
        var timeout = options.Value.GatewayBeatTimeout;
        foreach (var (gateway, (last, _)) in _beats.Where(b => now - b.Value.At > timeout).ToList())
        {
            _beats.Remove(gateway);
            lostAt = lostAt is { } at && at > last ? at : last;
            LogLost(logger, gateway, last);
        }

        if (_known && _beats.Count == 0 && _downSince is null && lostAt is not null)
        {
            _downSince = lostAt;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Devices gateway {Gateway} stopped beating (last beat {LastBeat:O})")]
    private static partial void LogLost(ILogger logger, string gateway, DateTimeOffset lastBeat);

    [LoggerMessage(Level = LogLevel.Information, Message = "Devices gateway {Gateway} is stopping")]
    private static partial void LogStopping(ILogger logger, string gateway);

    [LoggerMessage(Level = LogLevel.Information, Message = "Terminal traffic is back through {Gateway} after {Seconds:0.0} s without any gateway")]
    private static partial void LogBack(ILogger logger, string gateway, double seconds);
}
