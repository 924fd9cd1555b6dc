using System.Collections.Concurrent;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>An in-memory hot-event journal: every timeline entry, and the latest projected card per event (highest version wins).</summary>
public sealed class RecordingHotEventJournal : IHotEventJournal
{
    private readonly ConcurrentQueue<(string Id, HotEventHistoryEntry Entry)> _events = new();
    private readonly ConcurrentDictionary<string, HotEventCard> _cards = new(StringComparer.Ordinal);

    /// <summary>Timeline entries recorded for an event, in order (a replayed entry appears once).</summary>
    public IReadOnlyList<HotEventHistoryEntry> EventsOf(string id) =>
        _events.Where(e => e.Id == id).Select(e => e.Entry).DistinctBy(e => e.Version).ToList();

    /// <summary>The read model's card of an event.</summary>
    public HotEventCard? CardOf(string id) => _cards.GetValueOrDefault(id);

    public Task RecordEventAsync(HotEventCard card, HotEventHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        _events.Enqueue((card.Id, entry));
        return Task.CompletedTask;
    }

    public Task ProjectAsync(HotEventCard card, CancellationToken cancellationToken = default)
    {
        _cards.AddOrUpdate(card.Id, card, (_, known) => card.Version >= known.Version ? card : known);
        return Task.CompletedTask;
    }

    private readonly ConcurrentDictionary<(string Instance, string Event, string Kind, DateTimeOffset Minute), long> _traffic = new();

    /// <summary>The requests kept for an event and kind, summed over instances and minutes.</summary>
    public long TrafficOf(string eventId, string kind) => _traffic.Where(t => t.Key.Event == eventId && t.Key.Kind == kind).Sum(t => t.Value);

    public Task RecordTrafficAsync(string instance, IReadOnlyList<HotTrafficMinute> minutes, CancellationToken cancellationToken = default)
    {
        foreach (var m in minutes)
        {
            _traffic.AddOrUpdate((instance, m.EventId, m.Kind, m.Minute), m.Requests, (_, known) => Math.Max(known, m.Requests));
        }

        return Task.CompletedTask;
    }
}
