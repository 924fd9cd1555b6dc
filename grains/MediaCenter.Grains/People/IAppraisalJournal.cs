namespace MediaCenter.Grains.People;

/// <summary>An appraisal's history entry: which command moved it from where to where, by whom, when.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalHistoryEntry")]
public sealed record AppraisalHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] AppraisalCommandType Command,
    [property: Id(2)] AppraisalState? From,
    [property: Id(3)] AppraisalState To,
    [property: Id(4)] Guid ActorId,
    [property: Id(5)] string Actor,
    [property: Id(6)] DateTimeOffset At);

/// <summary>
/// Where appraisals meet PostgreSQL: the figures of the catalogue (<see cref="AppraisalMeasures"/>) per person and period
/// computed from <c>mc.event_log</c> and the read tables, and the read table <c>mc.appraisals</c> with the history in the
/// event log (entity type <c>appraisal</c>), written in one transaction, version-guarded.
/// </summary>
public interface IAppraisalJournal
{
    /// <summary>
    /// The figures of one person over the calendar days [<paramref name="firstDay"/>, <paramref name="endDay"/>), which are
    /// the instants [<paramref name="from"/>, <paramref name="to"/>): events made by (or naming) the account
    /// <paramref name="userId"/>, trainings on the staff record <paramref name="personId"/>. Without an account only the
    /// trainings are counted (the other figures are absent).
    /// </summary>
    Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string personId, Guid? userId, DateOnly firstDay, DateOnly endDay, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Brings the read table up to the appraisal's version and appends its history entry.</summary>
    Task RecordAppraisalAsync(Appraisal appraisal, AppraisalHistoryEntry entry, CancellationToken cancellationToken = default);
}
