namespace MediaCenter.Grains.Tickets;

/// <summary>
/// Where tickets leave the grains: the read table behind the ticket lists (<c>mc.tickets</c>, masked contact only) and the
/// history in the event log (entity type <c>ticket</c>, no personal data). Implemented on PostgreSQL by the silo;
/// idempotent and version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface ITicketJournal
{
    /// <summary>Brings the read table up to the ticket's version and appends the history entry when there is one.</summary>
    Task RecordTicketAsync(TicketView ticket, TicketHistoryEntry? entry, CancellationToken cancellationToken = default);
}
