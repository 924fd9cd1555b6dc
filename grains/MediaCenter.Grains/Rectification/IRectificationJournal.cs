namespace MediaCenter.Grains.Rectification;

/// <summary>
/// The rectifications' read table (lists for the party, management and operators) and their history in the event log;
/// implemented on PostgreSQL by the silo.
/// </summary>
public interface IRectificationJournal
{
    /// <summary>
    /// Upserts a rectification (an older version changes nothing) and, with <paramref name="entry"/>, appends that move to the event log
    /// (idempotent per version).
    /// </summary>
    Task RecordAsync(RectificationView rectification, RectificationHistoryEntry? entry, CancellationToken cancellationToken = default);
}
