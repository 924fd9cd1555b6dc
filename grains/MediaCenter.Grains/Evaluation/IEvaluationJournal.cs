namespace MediaCenter.Grains.Evaluation;

/// <summary>
/// Where evaluations leave the grains: the read table behind the list and the year-over-year comparison
/// (<c>mc.evaluations</c>) and the history in the event log (entity type <c>evaluation</c>). Implemented on PostgreSQL by
/// the silo; idempotent and version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface IEvaluationJournal
{
    /// <summary>Brings the evaluation's row up to its version and appends the history entry when there is one.</summary>
    Task RecordAsync(EvaluationView evaluation, EvaluationHistoryEntry? entry, CancellationToken cancellationToken = default);
}
