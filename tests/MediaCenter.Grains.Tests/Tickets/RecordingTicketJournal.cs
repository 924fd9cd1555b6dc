using System.Collections.Concurrent;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Tickets;

/// <summary>An in-memory ticket journal: the latest row per ticket (version-guarded like the table) and every history entry.</summary>
public sealed class RecordingTicketJournal : ITicketJournal
{
    private readonly ConcurrentDictionary<string, TicketView> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Ticket, long Version), TicketHistoryEntry> _history = new();

    /// <summary>The row of a ticket, as the read table would hold it.</summary>
    public TicketView? RowOf(string ticketId) => _rows.GetValueOrDefault(ticketId);

    /// <summary>The history of a ticket, in version order.</summary>
    public IReadOnlyList<TicketHistoryEntry> HistoryOf(string ticketId) =>
        [.. _history.Where(h => h.Key.Ticket == ticketId).Select(h => h.Value).OrderBy(h => h.Version)];

    public Task RecordTicketAsync(TicketView ticket, TicketHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.TryAdd((ticket.Id, entry.Version), entry);
        }

        _rows.AddOrUpdate(ticket.Id, ticket, (_, held) => held.Version >= ticket.Version ? held : ticket);
        return Task.CompletedTask;
    }
}
