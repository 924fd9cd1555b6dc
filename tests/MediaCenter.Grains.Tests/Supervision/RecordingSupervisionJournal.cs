using System.Collections.Concurrent;
using MediaCenter.Grains.Supervision;

namespace MediaCenter.Grains.Tests.Supervision;

/// <summary>An in-memory supervision journal: the latest row per record and survey (version-guarded like the tables), the history, the answers.</summary>
public sealed class RecordingSupervisionJournal : ISupervisionJournal
{
    private readonly ConcurrentDictionary<string, SupervisionRecordView> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Record, long Version), SupervisionHistoryEntry> _history = new();
    private readonly ConcurrentDictionary<string, SurveyView> _surveys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Survey, string Answer), SurveyResponse> _answers = new();

    /// <summary>The row of a record.</summary>
    public SupervisionRecordView? RecordOf(string id) => _records.GetValueOrDefault(id);

    /// <summary>The history of a record, in version order.</summary>
    public IReadOnlyList<SupervisionHistoryEntry> HistoryOf(string id) =>
        [.. _history.Where(h => h.Key.Record == id).Select(h => h.Value).OrderBy(h => h.Version)];

    /// <summary>The answers stored for a survey.</summary>
    public IReadOnlyList<SurveyResponse> AnswersOf(string surveyId) => [.. _answers.Where(a => a.Key.Survey == surveyId).Select(a => a.Value)];

    public Task RecordAsync(SupervisionRecordView record, SupervisionHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.TryAdd((record.Id, entry.Version), entry);
        }

        _records.AddOrUpdate(record.Id, record, (_, held) => held.Version >= record.Version ? held : record);
        return Task.CompletedTask;
    }

    public Task RecordSurveyAsync(SurveyView survey, IReadOnlyList<SurveyResponse> answers, CancellationToken cancellationToken = default)
    {
        _surveys.AddOrUpdate(survey.Id, survey, (_, held) => held.Version >= survey.Version ? held : survey);
        foreach (var a in answers)
        {
            _answers.TryAdd((survey.Id, a.Id), a);
        }

        return Task.CompletedTask;
    }
}
