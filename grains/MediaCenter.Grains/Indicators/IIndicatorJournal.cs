namespace MediaCenter.Grains.Indicators;

/// <summary>
/// Where indicators leave the grains (PostgreSQL on real silos): the definitions' read table, the measures computed from
/// the event log, the figures kept as history and the durable record of each reminder. Every write is idempotent.
/// </summary>
public interface IIndicatorJournal
{
    /// <summary>
    /// Upserts a definition into the read table (an older version changes nothing) and, with <paramref name="entry"/>, appends that move
    /// to the event log (idempotent per version).
    /// </summary>
    Task RecordIndicatorAsync(IndicatorView indicator, IndicatorHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>The indicators in force now.</summary>
    Task<IReadOnlyList<IndicatorView>> ActiveIndicatorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every access party's id.</summary>
    Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every measure of the catalogue for one party over [from, to); a measure without data is null.</summary>
    Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string partyId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every measure of the catalogue for one party's application (接入应用) over [from, to): its channels' stories, its terminals'
    /// alerts and the incidents of its channels and terminals.
    /// </summary>
    Task<IReadOnlyDictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default);

    /// <summary>Stores a figure (replacing the one of the same indicator, party, application and month).</summary>
    Task StoreFigureAsync(IndicatorFigure figure, CancellationToken cancellationToken = default);

    /// <summary>
    /// The closed figures of an indicator and party (one application of it, or the whole party when empty) before a month, newest first
    /// (the trend a reminder quotes).
    /// </summary>
    Task<IReadOnlyList<IndicatorFigure>> EarlierFiguresAsync(string indicatorId, string partyId, string application, DateOnly before, int count,
        CancellationToken cancellationToken = default);

    /// <summary>Records the reminder of a missed target; false when one was recorded before for this indicator, party, application and month.</summary>
    Task<bool> RecordReminderAsync(string indicatorId, string partyId, string application, DateOnly month, string notificationId, DateTimeOffset at,
        CancellationToken cancellationToken = default);
}
