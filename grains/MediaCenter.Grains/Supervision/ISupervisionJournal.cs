namespace MediaCenter.Grains.Supervision;

/// <summary>
/// Where supervision leaves the grains: the read tables behind the lists (<c>mc.supervision_records</c>, <c>mc.surveys</c>,
/// <c>mc.survey_answers</c>) and the records' history in the event log (entity type <c>supervision</c>). Implemented on
/// PostgreSQL by the silo; idempotent and version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface ISupervisionJournal
{
    /// <summary>Brings the record's row up to its version and appends the history entry when there is one.</summary>
    Task RecordAsync(SupervisionRecordView record, SupervisionHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>Brings the survey's row up to its version and stores the answers not stored yet (each once, by its id).</summary>
    Task RecordSurveyAsync(SurveyView survey, IReadOnlyList<SurveyResponse> answers, CancellationToken cancellationToken = default);
}
