using System.Collections.Concurrent;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Rectification;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>
/// Indicators and rectifications in memory, as the silo's tables would hold them: definitions by version, measures the
/// tests set per party (or application) and month, figures per (indicator, party, application, month), reminders once per
/// (indicator, party, application, month).
/// </summary>
public sealed class RecordingIndicatorJournal : IIndicatorJournal, IRectificationJournal
{
    private readonly ConcurrentDictionary<string, IndicatorView> _indicators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _parties = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Party, DateTimeOffset From), Dictionary<string, double?>> _measures = new();
    private readonly ConcurrentDictionary<(string Indicator, string Party, string Application, DateOnly Month), IndicatorFigure> _figures = new();
    private readonly ConcurrentDictionary<(string Indicator, string Party, string Application, DateOnly Month), string> _reminders = new();
    private readonly ConcurrentDictionary<string, RectificationView> _rectifications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Domain, string Id, long Version), string> _logged = new();

    /// <summary>The moves of an indicator or rectification the event log would hold, by version (one row per version, as its key makes it).</summary>
    public IReadOnlyList<string> LoggedMoves(string domain, string id) =>
        [.. _logged.Where(l => l.Key.Domain == domain && l.Key.Id == id).OrderBy(l => l.Key.Version).Select(l => l.Value)];

    /// <summary>Adds an access party.</summary>
    public void AddParty(string partyId) => _parties[partyId] = true;

    /// <summary>Sets the measures of a party in a month (others are zero counts and absent figures).</summary>
    public void SetMeasures(string partyId, DateOnly month, Dictionary<string, double?> measures) =>
        _measures[(partyId, IndicatorMonths.Window(month).From)] = measures;

    /// <summary>The stored figure, or null.</summary>
    public IndicatorFigure? FigureOf(string indicatorId, string partyId, DateOnly month, string application = "") =>
        _figures.GetValueOrDefault((indicatorId, partyId, application, month));

    /// <summary>The recorded reminders of an indicator.</summary>
    public IReadOnlyList<string> RemindersOf(string indicatorId) =>
        [.. _reminders.Where(r => r.Key.Indicator == indicatorId).Select(r => r.Value).Order(StringComparer.Ordinal)];

    /// <summary>The read-table row of a definition.</summary>
    public IndicatorView? IndicatorRow(string id) => _indicators.GetValueOrDefault(id);

    /// <summary>The read-table row of a rectification.</summary>
    public RectificationView? RectificationRow(string id) => _rectifications.GetValueOrDefault(id);

    public Task RecordIndicatorAsync(IndicatorView indicator, IndicatorHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _logged.TryAdd(("indicator", indicator.Id, entry.Version), entry.Command.ToString());
        }

        _indicators.AddOrUpdate(indicator.Id, indicator, (_, known) => known.Version < indicator.Version ? indicator : known);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndicatorView>> ActiveIndicatorsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<IndicatorView>>([.. _indicators.Values.Where(i => i.State == IndicatorState.Active)]);

    public Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _parties.Keys]);

    public Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string partyId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var set = _measures.GetValueOrDefault((partyId, from)) ?? [];
        IReadOnlyDictionary<string, double?> all = IndicatorMeasures.All.ToDictionary(m => m.Name, m => set.TryGetValue(m.Name, out var v) ? v : m.Unit == "count" ? 0 : null);
        return Task.FromResult(all);
    }

    /// <summary>An application's measures are those the tests set for <c>{party}.{application}</c>.</summary>
    public Task<IReadOnlyDictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default) => MeasureAsync(partyId + "." + application, from, to, cancellationToken);

    public Task StoreFigureAsync(IndicatorFigure figure, CancellationToken cancellationToken = default)
    {
        _figures.AddOrUpdate((figure.IndicatorId, figure.PartyId, figure.Application, figure.Month), figure, (_, known) => figure.Closed || !known.Closed ? figure : known);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndicatorFigure>> EarlierFiguresAsync(string indicatorId, string partyId, string application, DateOnly before, int count,
        CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<IndicatorFigure>>([.. _figures.Values.Where(f => f.IndicatorId == indicatorId && f.PartyId == partyId && f.Application == application
            && f.Month < before && f.Closed)
            .OrderByDescending(f => f.Month).Take(count)]);

    public Task<bool> RecordReminderAsync(string indicatorId, string partyId, string application, DateOnly month, string notificationId, DateTimeOffset at,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(_reminders.TryAdd((indicatorId, partyId, application, month), notificationId));

    public Task RecordAsync(RectificationView rectification, RectificationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _logged.TryAdd(("rectification", rectification.Id, entry.Version), entry.Command.ToString());
        }

        _rectifications.AddOrUpdate(rectification.Id, rectification, (_, known) => known.Version < rectification.Version ? rectification : known);
        return Task.CompletedTask;
    }
}
