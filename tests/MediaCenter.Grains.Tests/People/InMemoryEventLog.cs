using MediaCenter.Grains.Events;
using Orleans.Runtime;

namespace MediaCenter.Grains.Tests.People;

/// <summary>
/// An event log in memory, with the settled/unsettled distinction of the real one: an event appended "unsettled" stands
/// for a row whose transaction has not finished yet, which a reader must not pass. Positions grow with every append.
/// </summary>
public sealed class InMemoryEventLog : IEventLogReader
{
    private readonly List<(DomainEvent Event, bool Settled)> _rows = [];
    private ulong _tx = 1_000;

    /// <summary>Appends an event; returns it with its position.</summary>
    public DomainEvent Append(DomainEvent e, bool settled = true)
    {
        lock (_rows)
        {
            _tx++;
            var stored = e with { Position = new LogPosition(_tx, (long)_tx) };
            _rows.Add((stored, settled));
            return stored;
        }
    }

    /// <summary>The transaction of an unsettled event ends.</summary>
    public void Settle(DomainEvent e)
    {
        lock (_rows)
        {
            var index = _rows.FindIndex(r => r.Event.Position == e.Position);
            _rows[index] = (_rows[index].Event, true);
        }
    }

    public Task<EventLogPage> ReadAsync(Guid person, IReadOnlyList<string> domains, LogPosition from, int max, CancellationToken cancellationToken = default)
    {
        lock (_rows)
        {
            // The settled end: just below the oldest unsettled transaction, or past everything. The real log's end is the same
            // for every reader; here only the reader's own rows hold it back, so that one test's open row cannot stall another's.
            var horizon = _rows.Where(r => !r.Settled && r.Event.People.Contains(person)).Select(r => r.Event.Position.Tx).DefaultIfEmpty(_tx + 1).Min();
            var events = _rows.Select(r => r.Event)
                .Where(e => e.Position.Tx < horizon && e.Position >= from && domains.Contains(e.Domain) && e.People.Contains(person))
                .OrderBy(e => e.Position).Take(max).ToList();
            var settled = new LogPosition(horizon, 0);
            return Task.FromResult(new EventLogPage(events, events.Count == max ? events[^1].Position.After() : settled > from ? settled : from));
        }
    }
}

/// <summary>Publishes as the silo's event log does: on the people stream of everyone the event concerns.</summary>
public static class DomainStreamsPublisher
{
    public static Task PublishAsync(IClusterClient client, DomainEvent e)
    {
        var provider = client.GetStreamProvider(DomainStreams.Provider);
        return Task.WhenAll(e.People.Select(p => provider.GetStream<DomainEvent>(StreamId.Create(DomainStreams.People(e.Domain), p)).OnNextAsync(e)));
    }
}
