namespace MediaCenter.Grains.Incidents;

/// <summary>A notification for the alert centre (and the webhooks of its audience).</summary>
/// <param name="Id">Stable per occasion, so that recording it again changes nothing.</param>
/// <param name="Audience">Who sees it: <c>ops</c>, <c>management</c>, <c>party:{id}</c>, <c>user:{id:N}</c>, <c>chief:{channel}</c> …</param>
public sealed record AlertNotification(string Id, string Audience, string Kind, string? PartyId, string Title, string Body, DateTimeOffset At);

/// <summary>
/// Where the alert centre leaves the grains: the webhooks the delivery worker reads, the read marks of notifications, and
/// notifications raised by grains other than incidents. Implemented on PostgreSQL by the silo; every write is idempotent.
/// </summary>
public interface IAlertCentreJournal
{
    /// <summary>Writes the webhook with its secret (the grain is its only writer: a repeat overwrites what an unacknowledged try left).</summary>
    Task SaveWebhookAsync(WebhookView hook, string secret, CancellationToken cancellationToken = default);

    /// <summary>Stops the webhook in the table the delivery worker reads.</summary>
    Task StopWebhookAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>A webhook as the table holds it (one written before the grains owned webhooks), or null.</summary>
    Task<WebhookView?> LoadWebhookAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the notifications of the audiences read for the user (one, or all when <paramref name="notificationId"/> is
    /// null); returns how many matched, read now or before.
    /// </summary>
    Task<int> MarkReadAsync(Guid userId, IReadOnlyList<string> audiences, string? notificationId, CancellationToken cancellationToken = default);

    /// <summary>Stores a notification and queues it to the audience's webhooks; false when it was stored before.</summary>
    Task<bool> NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default);
}
