using System.Collections.Concurrent;
using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tests.People;

/// <summary>An in-memory appraisal journal: figures set by the tests per person, the read rows and history recorded.</summary>
public sealed class RecordingAppraisalJournal : IAppraisalJournal
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, double?>> _figures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Appraisal> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, long Version), AppraisalHistoryEntry> _history = new();
    private readonly ConcurrentQueue<(string PersonId, DateOnly First, DateOnly End, DateTimeOffset From, DateTimeOffset To)> _asked = new();

    /// <summary>Sets what the event log would give for a person (any period).</summary>
    public void SetFigures(string personId, IReadOnlyDictionary<string, double?> figures) => _figures[personId] = figures;

    /// <summary>The windows the grains asked for, per person.</summary>
    public IReadOnlyList<(DateOnly First, DateOnly End, DateTimeOffset From, DateTimeOffset To)> AskedFor(string personId) =>
        [.. _asked.Where(a => a.PersonId == personId).Select(a => (a.First, a.End, a.From, a.To))];

    /// <summary>The read row of an appraisal.</summary>
    public Appraisal? RowOf(string id) => _rows.GetValueOrDefault(id);

    /// <summary>The history of an appraisal, in version order.</summary>
    public IReadOnlyList<AppraisalHistoryEntry> HistoryOf(string id) => [.. _history.Where(h => h.Key.Id == id).Select(h => h.Value).OrderBy(h => h.Version)];

    public Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string personId, Guid? userId, DateOnly firstDay, DateOnly endDay, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        _asked.Enqueue((personId, firstDay, endDay, from, to));
        return Task.FromResult(_figures.GetValueOrDefault(personId) ?? new Dictionary<string, double?>());
    }

    public Task RecordAppraisalAsync(Appraisal appraisal, AppraisalHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        _history.TryAdd((appraisal.Id, entry.Version), entry);
        _rows.AddOrUpdate(appraisal.Id, appraisal, (_, held) => held.Version >= appraisal.Version ? held : appraisal);
        return Task.CompletedTask;
    }
}
