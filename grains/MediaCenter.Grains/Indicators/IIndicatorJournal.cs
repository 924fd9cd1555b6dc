namespace MediaCenter.Grains.Indicators;

/// <summary>
/// Where indicators leave the grains (PostgreSQL on real silos): the definitions' read table, the measures computed from
/// the event log, the figures kept as history and the durable record of each reminder. Every write is idempotent.
/// </summary>
public interface IIndicatorJournal
{
    /// <summary>Upserts a definition into the read table (an older version changes nothing).</summary>
    Task RecordIndicatorAsync(IndicatorView indicator, CancellationToken cancellationToken = default);

    /// <summary>The indicators in force now.</summary>
    Task<IReadOnlyList<IndicatorView>> ActiveIndicatorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every access party's id.</summary>
    Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every measure of the catalogue for one party over [from, to); a measure without data is null.</summary>
    Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string partyId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The measures that follow an application (接入应用) for one party's application over [from, to): those of its channels' stories and
    /// its terminals' alerts (incident measures are the party's only).
    /// </summary>
    Task<IReadOnlyDictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default);

    /// <summary>Stores a figure (replacing the one of the same indicator, party and month).</summary>
    Task StoreFigureAsync(IndicatorFigure figure, CancellationToken cancellationToken = default);

    /// <summary>The closed figures of an indicator and party before a month, newest first (the trend a reminder quotes).</summary>
    Task<IReadOnlyList<IndicatorFigure>> EarlierFiguresAsync(string indicatorId, string partyId, DateOnly before, int count, CancellationToken cancellationToken = default);

    /// <summary>Records the reminder of a missed target; false when one was recorded before for this indicator, party and month.</summary>
    Task<bool> RecordReminderAsync(string indicatorId, string partyId, DateOnly month, string notificationId, DateTimeOffset at,
        CancellationToken cancellationToken = default);
}
