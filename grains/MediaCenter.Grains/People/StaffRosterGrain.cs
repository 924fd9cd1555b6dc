using System.Globalization;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of a roster. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.StaffRosterState")]
public sealed class StaffRosterState
{
    /// <summary>The latest entry of each person of the organisation, by person id.</summary>
    [Id(0)] public Dictionary<string, RosterEntry> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The day the certified share was first seen below half in the current spell; null while it is not.</summary>
    [Id(1)] public DateOnly? BelowSince { get; set; }

    /// <summary>The reserve plan as the organisation's reserve grain last reported it.</summary>
    [Id(2)] public ReservePlan? Plan { get; set; }
}

/// <summary>
/// The roster of one organisation: the latest entry of each staff record (the records report after each write, an
/// older report changing nothing), checked against <see cref="StaffRules"/> on every report and on a periodic
/// reminder, since certificates expire with no command at all. What it raises goes to the alert centre with an id
/// per occasion (a spell below half, a forecast day, a certificate's end), so checking again never repeats it.
/// </summary>
internal sealed partial class StaffRosterGrain(
    [PersistentState("roster", StorageNames.Main)] IPersistentState<StaffRosterState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IAlertCentreJournal alerts,
    IOptions<StaffOptions> options,
    ILogger<StaffRosterGrain> logger) : Grain, IStaffRosterGrain, IRemindable
{
    private const string ReviewReminder = "review";
    private const string KindBelow = "staffRatioBelow";
    private const string KindForecast = "staffRatioForecast";
    private const string KindExpiring = "certificateExpiring";

    private TimeZoneInfo? _zone;
    private bool _reminderSet;

    private StaffRosterState S => state.State;

    private string Key => this.GetPrimaryKeyString();

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public Task<IReadOnlyList<RosterEntry>> GetEntriesAsync() =>
        Task.FromResult<IReadOnlyList<RosterEntry>>([.. state.State.Entries.Values.OrderBy(e => e.PersonId, StringComparer.Ordinal)]);

    public async Task HearAsync(RosterEntry entry)
    {
        if (!S.Entries.TryGetValue(entry.PersonId, out var held) || held.Version < entry.Version)
        {
            S.Entries[entry.PersonId] = entry;
            await state.WriteStateAsync();
        }

        // Checked (and announced) even for a report already held: the record retries after a failed check.
        await CheckAsync();
        await EnsureReminderAsync();
    }

    public async Task HearPlanAsync(ReservePlan plan)
    {
        if (S.Plan is null || S.Plan.Version < plan.Version)
        {
            S.Plan = plan;
            await state.WriteStateAsync();
        }

        await GrainFactory.PublishLiveAsync(LiveTopic.People, new RosterChanged(Evaluate()));
    }

    public Task<RosterSummary> GetSummaryAsync() => Task.FromResult(Evaluate());

    public Task<RosterSummary> ReviewAsync() => CheckAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReviewReminder)
        {
            await CheckAsync();
        }
    }

    private RosterSummary Evaluate() =>
        StaffRules.Evaluate(Key, S.Entries.Values, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime),
            options.Value.CertificateReminderDays, S.Plan);

    private async Task<RosterSummary> CheckAsync()
    {
        var summary = Evaluate();
        var organisation = Organisation.Parse(Key);
        var now = time.GetUtcNow();

        // The spell below half is remembered, so it is announced once, not once per day it lasts.
        DateOnly? belowSince = summary.MeetsRatio ? null : S.BelowSince ?? summary.Today;
        if (belowSince != S.BelowSince)
        {
            S.BelowSince = belowSince;
            await state.WriteStateAsync();
        }

        if (organisation is not null)
        {
            var audience = organisation.AdminAudience;
            var share = Percent(summary.Certified, summary.Total);
            if (belowSince is { } since)
            {
                await NotifyAsync($"people:{Key}:ratio-below:{Day(since)}", audience, KindBelow, organisation.PartyId,
                    Msg.Of("people.ratioBelow", ("certified", summary.Certified), ("total", summary.Total)),
                    Msg.Of("people.ratioBelowBody", ("organisation", Key), ("share", share)), now);
            }
            else if (summary.BelowFrom is { } day)
            {
                await NotifyAsync($"people:{Key}:ratio-forecast:{Day(day)}", audience, KindForecast, organisation.PartyId,
                    Msg.Of("people.ratioForecast", ("day", Day(day))),
                    Msg.Of("people.ratioForecastBody", ("organisation", Key), ("certified", summary.CertifiedOnBelowFrom), ("total", summary.Total)), now);
            }

            foreach (var c in summary.Expiring)
            {
                await NotifyAsync($"people:{Key}:expiry:{c.PersonId}:{c.Number}:{Day(c.ValidTo)}", audience, KindExpiring, organisation.PartyId,
                    Msg.Of("people.certificateExpiring", ("name", c.Name), ("type", c.Type)),
                    Msg.Of("people.certificateExpiringBody", ("number", c.Number), ("day", Day(c.ValidTo)), ("daysLeft", c.DaysLeft)), now);
            }
        }

        await GrainFactory.PublishLiveAsync(LiveTopic.People, new RosterChanged(summary));
        return summary;
    }

    private async Task NotifyAsync(string id, string audience, string kind, string? partyId, string title, string body, DateTimeOffset at)
    {
        if (await alerts.NotifyAsync(new AlertNotification(id, audience, kind, partyId, title, body, at)))
        {
            LogRaised(logger, Key, kind, id);
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, audience, kind, null, partyId, null, title, body, at));
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (!_reminderSet)
        {
            var every = options.Value.ReviewEvery;
            await this.RegisterOrUpdateReminder(ReviewReminder, every, every);
            _reminderSet = true;
        }
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Percent(int part, int total) =>
        total == 0 ? "—" : (100.0 * part / total).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    [LoggerMessage(Level = LogLevel.Information, Message = "Roster {Organisation}: raised {Kind} ({NotificationId})")]
    private static partial void LogRaised(ILogger logger, string organisation, string kind, string notificationId);
}
