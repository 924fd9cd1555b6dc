using System.Collections.Concurrent;
using MediaCenter.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>
/// The live hub connections of this web instance, each with the session it was opened with, so that a session that ends ends its
/// connections too: at once on this instance when it ends here, within <see cref="IdentitySettings.LiveSessionCheck"/> on every
/// instance (see <see cref="LiveSessionWatch"/>).
/// </summary>
public sealed class LiveConnections
{
    private sealed record Entry(Guid SessionId, Guid UserId, HubCallerContext Context);

    private readonly ConcurrentDictionary<string, Entry> _connections = new();

    /// <summary>Connections open now.</summary>
    public int Count => _connections.Count;

    /// <summary>Remembers a connection.</summary>
    public void Add(HubCallerContext context, Guid sessionId, Guid userId) =>
        _connections[context.ConnectionId] = new Entry(sessionId, userId, context);

    /// <summary>Forgets a connection that closed.</summary>
    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>The sessions that have connections open.</summary>
    public IReadOnlyCollection<Guid> Sessions() => [.. _connections.Values.Select(e => e.SessionId).Distinct()];

    /// <summary>Closes the connections of the sessions that are not in <paramref name="valid"/>; returns how many.</summary>
    public int CloseAllBut(IReadOnlySet<Guid> valid, IReadOnlyCollection<Guid> checkedSessions) =>
        Close(e => checkedSessions.Contains(e.SessionId) && !valid.Contains(e.SessionId));

    /// <summary>Closes one session's connections (sign-out).</summary>
    public int CloseSession(Guid sessionId) => Close(e => e.SessionId == sessionId);

    /// <summary>Closes a person's connections except those of <paramref name="keep"/> (password change, reset, disablement, role change).</summary>
    public int CloseUser(Guid userId, Guid? keep = null) => Close(e => e.UserId == userId && e.SessionId != keep);

    private int Close(Func<Entry, bool> which)
    {
        var closed = 0;
        foreach (var (id, entry) in _connections)
        {
            if (which(entry) && _connections.TryRemove(id, out _))
            {
                // The client sees the connection end and reconnects: with a session that has ended, it is refused and signs in again.
                entry.Context.Abort();
                closed++;
            }
        }

        return closed;
    }
}

/// <summary>
/// Checks the sessions of this instance's live connections against the database every <see cref="IdentitySettings.LiveSessionCheck"/>
/// and closes those whose session was signed out, expired, revoked, or whose account changed its security stamp or was disabled —
/// wherever that happened (another web instance, the launcher, an administrator's SQL).
/// </summary>
internal sealed partial class LiveSessionWatch(LiveConnections connections, SessionStore sessions, IOptions<IdentitySettings> settings,
    ILogger<LiveSessionWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.LiveSessionCheck);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var open = connections.Sessions();
                if (open.Count == 0)
                {
                    continue;
                }

                var valid = await sessions.StillValidAsync(open, stoppingToken);
                if (connections.CloseAllBut(valid, open) is var closed and > 0)
                {
                    LogClosed(logger, closed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be away for a moment; the next tick tries again.
                LogCheckFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connection(s) whose session ended")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the sessions of live connections failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
