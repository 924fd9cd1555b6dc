namespace MediaCenter.Grains.Operations;

/// <summary>
/// Where hot events leave the grains: the timeline in the event log and the read model behind lists
/// (<c>mc.hot_events</c>). Implemented on PostgreSQL by the silo. Every write is idempotent and
/// version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface IHotEventJournal
{
    /// <summary>Appends a timeline entry to the event log (entity type <c>hot-event</c>).</summary>
    Task RecordEventAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Brings the read model up to the card's version.</summary>
    Task ProjectAsync(HotEventCard card, CancellationToken cancellationToken = default);

    /// <summary>Stores a web instance's minute counts of hot-event traffic (a count never goes down: the larger one is kept).</summary>
    Task RecordTrafficAsync(string instance, IReadOnlyList<HotTrafficMinute> minutes, CancellationToken cancellationToken = default);
}
