using System.Globalization;
using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Rectification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.Indicators;

/// <summary>Stored state of the monthly computation. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IndicatorMonthState")]
public sealed class IndicatorMonthState
{
    /// <summary>The latest month closed (its first day).</summary>
    [Id(0)] public DateOnly? LastClosed { get; set; }
}

/// <summary>
/// Closes each month once it has ended: a durable reminder ticks every hour and closes every month from the one after
/// the last closed up to the previous one (a silo that was down at the turn of the month catches up). Figures are
/// computed only from events inside the month, so closing again gives the same figures; each missed target opens the
/// party's rectification and raises one notification whose id names indicator, party and month, so a repeated close,
/// a reminder delivered twice or a restart in the middle raise nothing more.
/// </summary>
internal sealed partial class IndicatorMonthGrain(
    [PersistentState("indicator-months", StorageNames.Main)] IPersistentState<IndicatorMonthState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IIndicatorJournal journal,
    IAlertCentreJournal alerts,
    IOptions<IndicatorOptions> options,
    ILogger<IndicatorMonthGrain> logger) : Grain, IIndicatorMonthGrain, IRemindable
{
    internal const string ReminderName = "month-close";
    internal const string NotificationKind = "indicatorMissed";
    private const int MaxCatchUpMonths = 12;
    private static readonly OpsActor Platform = new(Guid.Empty, Msg.Of("indicator.actorPlatform"), OpsRole.Management);

    public async Task ScheduleAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.FirstCheckAfter, options.Value.CheckEvery);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        var previous = IndicatorMonths.MonthOf(time.GetUtcNow()).AddMonths(-1);
        var next = state.State.LastClosed is { } last ? last.AddMonths(1) : previous;
        if (next < previous.AddMonths(-MaxCatchUpMonths))
        {
            next = previous.AddMonths(-MaxCatchUpMonths);
        }

        for (var month = next; month <= previous; month = month.AddMonths(1))
        {
            await CloseAsync(month);
        }
    }

    public async Task<IndicatorMonthReport> CloseAsync(DateOnly month)
    {
        month = new DateOnly(month.Year, month.Month, 1);
        if (month >= IndicatorMonths.MonthOf(time.GetUtcNow()))
        {
            throw new ArgumentException(Msg.Of("indicator.monthNotEnded", ("month", IndicatorMonths.Name(month))));
        }

        var (figures, raised) = await ComputeAsync(month, closed: true);
        if (state.State.LastClosed is not { } last || last < month)
        {
            state.State.LastClosed = month;
            await state.WriteStateAsync();
        }

        LogClosed(logger, IndicatorMonths.Name(month), figures.Count, raised);
        return new IndicatorMonthReport(month, true, figures, raised);
    }

    public async Task<IndicatorMonthReport> ComputeSoFarAsync()
    {
        var month = IndicatorMonths.MonthOf(time.GetUtcNow());
        var (figures, _) = await ComputeAsync(month, closed: false);
        return new IndicatorMonthReport(month, false, figures, 0);
    }

    public async Task<Dictionary<string, double?>> MeasureAsync(string partyId, DateOnly month)
    {
        var (from, to) = IndicatorMonths.Window(month);
        var now = time.GetUtcNow();
        var measures = await journal.MeasureAsync(partyId, from, now < to ? now : to);
        return new Dictionary<string, double?>(measures, StringComparer.Ordinal);
    }

    public async Task<Dictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateOnly month)
    {
        var (from, to) = IndicatorMonths.Window(month);
        var now = time.GetUtcNow();
        var measures = await journal.MeasureApplicationAsync(partyId, application, from, now < to ? now : to);
        return new Dictionary<string, double?>(measures, StringComparer.Ordinal);
    }

    public Task<DateOnly?> GetLastClosedAsync() => Task.FromResult(state.State.LastClosed);

    private async Task<(List<IndicatorFigure> Figures, int Raised)> ComputeAsync(DateOnly month, bool closed)
    {
        var now = time.GetUtcNow();
        var (from, to) = IndicatorMonths.Window(month);
        if (!closed && now < to)
        {
            to = now;
        }

        var indicators = await journal.ActiveIndicatorsAsync();
        var parties = await journal.PartiesAsync();
        var known = parties.ToHashSet(StringComparer.Ordinal);
        var measured = new Dictionary<string, IReadOnlyDictionary<string, double?>>(StringComparer.Ordinal);
        var figures = new List<IndicatorFigure>();
        var raised = 0;
        foreach (var indicator in indicators.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var expression = IndicatorExpression.TryParse(indicator.Expression, out _);
            if (expression is null)
            {
                continue;
            }

            // Scoped to applications: one figure per application of a party that exists; otherwise one per party.
            var scopes = indicator.Applications.Count > 0
                ? indicator.Applications.Select(ApplicationIds.Split).OfType<(string PartyId, string Code)>().Where(a => known.Contains(a.PartyId))
                    .OrderBy(a => a.PartyId, StringComparer.Ordinal).ThenBy(a => a.Code, StringComparer.Ordinal).ToList()
                : [.. parties.Where(indicator.AppliesTo).Order(StringComparer.Ordinal).Select(p => (PartyId: p, Code: ""))];
            foreach (var (party, application) in scopes)
            {
                var scope = application.Length == 0 ? party : ApplicationIds.Of(party, application);
                if (!measured.TryGetValue(scope, out var measures))
                {
                    measures = application.Length == 0
                        ? await journal.MeasureAsync(party, from, to)
                        : await journal.MeasureApplicationAsync(party, application, from, to);
                    measured[scope] = measures;
                }

                var value = expression.Evaluate(m => measures.GetValueOrDefault(m));
                if (value is { } v)
                {
                    value = Math.Round(v, 4);
                }

                var used = expression.Measures.ToDictionary(m => m, m => measures.GetValueOrDefault(m), StringComparer.Ordinal);
                var figure = new IndicatorFigure(indicator.Id, party, month, value, indicator.Comparison, indicator.Target,
                    value is { } x ? IndicatorView.Meets(indicator.Comparison, x, indicator.Target) : null, used, indicator.Expression, now, closed)
                { Application = application };
                await journal.StoreFigureAsync(figure);
                figures.Add(figure);
                if (closed && figure.Met == false && await RemindAsync(indicator, figure, now))
                {
                    raised++;
                }
            }
        }

        return (figures, raised);
    }

    /// <summary>Opens the party's rectification and raises the reminder; true when the reminder is new.</summary>
    private async Task<bool> RemindAsync(IndicatorView indicator, IndicatorFigure figure, DateTimeOffset now)
    {
        var monthName = IndicatorMonths.Name(figure.Month);
        var scope = figure.Application.Length == 0 ? figure.PartyId : ApplicationIds.Of(figure.PartyId, figure.Application);
        var rectificationId = RectificationWorkflow.ShortfallId(indicator.Id, figure.PartyId, figure.Month, figure.Application);
        var source = new RectificationSource("indicator", $"{indicator.Id}/{scope}/{monthName}",
            figure.Application.Length == 0 ? $"{indicator.Name} {monthName}" : $"{indicator.Name} · {figure.Application} {monthName}",
            $"{Number(figure.Value)} / {(indicator.Comparison == IndicatorComparison.AtLeast ? "≥" : "≤")} {Number(indicator.Target)}");
        var opened = await GrainFactory.GetGrain<IRectificationGrain>(rectificationId)
            .ExecuteAsync(new OpenRectification(figure.PartyId, source), Platform, "open:" + rectificationId);
        if (!opened.Ok)
        {
            LogNotOpened(logger, rectificationId, opened.Message ?? opened.Outcome.ToString());
        }

        var earlier = await journal.EarlierFiguresAsync(indicator.Id, figure.PartyId, figure.Application, figure.Month, 3);
        var trend = string.Join(" → ", earlier.Reverse().Select(f => $"{IndicatorMonths.Name(f.Month)} {Number(f.Value)}")
            .Append($"{monthName} {Number(figure.Value)}"));
        var id = $"indicator:{indicator.Id}:{scope}:{monthName}";
        var audience = "party:" + figure.PartyId;
        string title = figure.Application.Length == 0
            ? Msg.Of("indicator.targetMissed", ("name", indicator.Name), ("month", monthName))
            : Msg.Of("indicator.targetMissedApplication", ("name", indicator.Name), ("application", figure.Application), ("month", monthName));
        string body = Msg.Of("indicator.targetMissedBody", ("value", Number(figure.Value) + indicator.Unit),
            ("comparison", indicator.Comparison == IndicatorComparison.AtLeast ? "≥" : "≤"), ("target", Number(indicator.Target) + indicator.Unit),
            ("trend", trend), ("link", "/indicators/rectifications/" + rectificationId));
        var stored = await alerts.NotifyAsync(new AlertNotification(id, audience, NotificationKind, figure.PartyId, title, body, now));
        if (stored)
        {
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, audience, NotificationKind, null, figure.PartyId, null, title, body, now));
        }

        await journal.RecordReminderAsync(indicator.Id, figure.PartyId, figure.Application, figure.Month, id, now);
        return stored;
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "—";

    [LoggerMessage(Level = LogLevel.Information, Message = "Indicators: month {Month} closed, {Figures} figures, {Raised} reminders raised")]
    private static partial void LogClosed(ILogger logger, string month, int figures, int raised);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicators: rectification {RectificationId} not opened: {Reason}")]
    private static partial void LogNotOpened(ILogger logger, string rectificationId, string reason);
}
