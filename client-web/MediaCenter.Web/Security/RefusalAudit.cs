using System.Collections.Concurrent;
using MediaCenter.Identity;

namespace MediaCenter.Web.Security;

/// <summary>
/// Writes refusals that happen before the operation log's own middleware sees a request — CSRF failures and rate-limit 429s — to the
/// operation log. 429s come in floods: one entry per client address and kind per minute, so a flood cannot flood the log (or the
/// database) too.
/// </summary>
public sealed partial class RefusalAudit(AuditLog audit, TimeProvider time, ILogger<RefusalAudit> logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastWritten = new();

    /// <summary>Writes a refusal; with <paramref name="throttled"/>, at most once a minute per client address and action.</summary>
    public async Task WriteAsync(HttpContext context, string action, bool throttled, IReadOnlyDictionary<string, object?> details)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttled)
        {
            var now = time.GetUtcNow();
            var key = action + "|" + address;
            if (_lastWritten.TryGetValue(key, out var last) && now - last < Quiet)
            {
                return;
            }

            if (_lastWritten.Count >= MaxRemembered)
            {
                foreach (var old in _lastWritten.Where(e => now - e.Value >= Quiet).Select(e => e.Key).ToList())
                {
                    _lastWritten.TryRemove(old, out _);
                }
            }

            _lastWritten[key] = now;
        }

        try
        {
            var all = new Dictionary<string, object?>(details) { ["method"] = context.Request.Method, ["path"] = context.Request.Path.Value };
            await audit.OperationAsync(context.OperationEntry(action, null, "denied", all), CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogFailed(logger, action, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The operation log entry for the refusal {Action} could not be written")]
    private static partial void LogFailed(ILogger logger, string action, Exception exception);
}
