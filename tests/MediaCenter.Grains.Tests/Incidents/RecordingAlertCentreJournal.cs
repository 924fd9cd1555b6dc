using System.Collections.Concurrent;
using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>An in-memory alert centre: webhook rows (with secrets), notifications and read marks, as the silo's tables would hold them.</summary>
public sealed class RecordingAlertCentreJournal : IAlertCentreJournal
{
    private readonly ConcurrentDictionary<Guid, (WebhookView Hook, string Secret)> _hooks = new();
    private readonly ConcurrentDictionary<string, AlertNotification> _notifications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Guid User, string Notification), bool> _reads = new();

    private int _webhookWrites;

    /// <summary>How many times a webhook row was written.</summary>
    public int WebhookWrites => _webhookWrites;

    /// <summary>A webhook row and its secret, as the delivery worker would read them.</summary>
    public (WebhookView Hook, string Secret)? RowOf(Guid id) => _hooks.TryGetValue(id, out var row) ? row : null;

    /// <summary>Puts a row there as if it had been written before the grains owned webhooks.</summary>
    public void Seed(WebhookView hook, string secret) => _hooks[hook.Id] = (hook, secret);

    /// <summary>Notifications whose id starts with a prefix.</summary>
    public IReadOnlyList<AlertNotification> NotificationsStartingWith(string prefix) =>
        [.. _notifications.Values.Where(n => n.Id.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(n => n.Audience, StringComparer.Ordinal)];

    /// <summary>Whether the user has read the notification.</summary>
    public bool HasRead(Guid user, string notificationId) => _reads.ContainsKey((user, notificationId));

    public Task SaveWebhookAsync(WebhookView hook, string secret, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _webhookWrites);
        _hooks[hook.Id] = (hook, secret);
        return Task.CompletedTask;
    }

    public Task StopWebhookAsync(Guid id, CancellationToken cancellationToken = default)
    {
        _hooks.AddOrUpdate(id, _ => throw new InvalidOperationException("no row"), (_, row) => (row.Hook with { Active = false }, row.Secret));
        return Task.CompletedTask;
    }

    public Task<WebhookView?> LoadWebhookAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_hooks.TryGetValue(id, out var row) ? row.Hook : null);

    public Task<int> MarkReadAsync(Guid userId, IReadOnlyList<string> audiences, string? notificationId, CancellationToken cancellationToken = default)
    {
        var visible = _notifications.Values.Where(n => audiences.Contains(n.Audience) && (notificationId is null || n.Id == notificationId)).ToList();
        foreach (var n in visible)
        {
            _reads[(userId, n.Id)] = true;
        }

        return Task.FromResult(visible.Count);
    }

    public Task<bool> NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default) =>
        Task.FromResult(_notifications.TryAdd(notification.Id, notification));
}
