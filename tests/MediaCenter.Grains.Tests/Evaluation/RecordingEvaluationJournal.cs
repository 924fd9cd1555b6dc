using System.Collections.Concurrent;
using MediaCenter.Grains.Evaluation;

namespace MediaCenter.Grains.Tests.Evaluation;

/// <summary>An in-memory evaluation journal: the latest row per evaluation (version-guarded like the table) and the history.</summary>
public sealed class RecordingEvaluationJournal : IEvaluationJournal
{
    private readonly ConcurrentDictionary<string, EvaluationView> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Evaluation, long Version), EvaluationHistoryEntry> _history = new();

    /// <summary>The row of an evaluation.</summary>
    public EvaluationView? RowOf(string id) => _rows.GetValueOrDefault(id);

    /// <summary>The history of an evaluation, in version order.</summary>
    public IReadOnlyList<EvaluationHistoryEntry> HistoryOf(string id) =>
        [.. _history.Where(h => h.Key.Evaluation == id).Select(h => h.Value).OrderBy(h => h.Version)];

    public Task RecordAsync(EvaluationView evaluation, EvaluationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.TryAdd((evaluation.Id, entry.Version), entry);
        }

        _rows.AddOrUpdate(evaluation.Id, evaluation, (_, held) => held.Version >= evaluation.Version ? held : evaluation);
        return Task.CompletedTask;
    }
}
