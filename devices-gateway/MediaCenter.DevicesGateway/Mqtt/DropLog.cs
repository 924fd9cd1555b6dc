namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>
/// Counts every dropped message and refusal in the metrics, and logs them at a bounded rate: at most one
/// line per reason every 10 seconds, saying how many were suppressed, so a flood cannot flood the logs.
/// </summary>
public sealed partial class DropLog(TimeProvider time, ILogger<DropLog> logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, (DateTimeOffset LastLogged, int Suppressed)> _reasons = [];

    /// <summary>Counts a dropped message and maybe logs it.</summary>
    public void Dropped(string reason, string? clientId, string topic)
    {
        MqttMetrics.Dropped.WithLabels(reason).Inc();
        if (ShouldLog("drop:" + reason, out var suppressed))
        {
            LogDropped(logger, reason, clientId ?? "-", topic, suppressed);
        }
    }

    /// <summary>Counts a refused connection or subscription and maybe logs it.</summary>
    public void Refused(string reason, string? clientId)
    {
        MqttMetrics.Refused.WithLabels(reason).Inc();
        if (ShouldLog("refuse:" + reason, out var suppressed))
        {
            LogRefused(logger, reason, clientId ?? "-", suppressed);
        }
    }

    private bool ShouldLog(string key, out int suppressed)
    {
        var now = time.GetUtcNow();
        lock (_reasons)
        {
            if (_reasons.TryGetValue(key, out var entry) && now - entry.LastLogged < Interval)
            {
                _reasons[key] = (entry.LastLogged, entry.Suppressed + 1);
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            _reasons[key] = (now, 0);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a message ({Reason}) from {ClientId} on {Topic}; {Suppressed} more like it since the last report")]
    private static partial void LogDropped(ILogger logger, string reason, string clientId, string topic, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {ClientId} ({Reason}); {Suppressed} more like it since the last report")]
    private static partial void LogRefused(ILogger logger, string reason, string clientId, int suppressed);
}
