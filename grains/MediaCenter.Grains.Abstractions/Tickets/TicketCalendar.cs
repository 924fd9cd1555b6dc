using System.Globalization;

namespace MediaCenter.Grains.Tickets;

/// <summary>
/// The working-day calendar the time limits count in: weekends off, the listed holidays (法定节假日) off, and the listed
/// make-up working days (调休上班, often a Saturday or Sunday) on. Admins maintain it through <see cref="ITicketCalendarGrain"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.WorkingCalendar")]
public sealed record WorkingCalendar(
    [property: Id(0)] List<DateOnly> Holidays,
    [property: Id(1)] List<DateOnly> Workdays,
    [property: Id(2)] long Version = 0)
{
    /// <summary>No holidays, no make-up days.</summary>
    public static WorkingCalendar Empty { get; } = new([], []);

    /// <summary>True when the day is worked.</summary>
    public bool IsWorkingDay(DateOnly day) =>
        Workdays.Contains(day) || (!Holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>
    /// The end of the <paramref name="workingDays"/>-th working day after the (local) day of <paramref name="from"/>: a
    /// ticket received on Friday with one working day to acknowledge is due by the end of Monday, or of the first working
    /// day after a holiday. The end of a day is the next local midnight.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset from, int workingDays, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        // In UTC: PostgreSQL's timestamptz takes only offset zero, and instants compare the same either way.
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime();
    }

    /// <summary>The calendar with one year's holidays and make-up days replaced by the given ones.</summary>
    public WorkingCalendar WithYear(int year, IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workdays) =>
        new([.. Holidays.Where(d => d.Year != year).Concat(holidays.Distinct()).Order()],
            [.. Workdays.Where(d => d.Year != year).Concat(workdays.Distinct()).Order()],
            Version + 1);

    /// <summary>A day as the calendar's texts write it.</summary>
    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The time limits of one kind and priority (working days for acknowledging and replying, calendar days for the return visit).</summary>
public sealed record TicketLimits(int AcknowledgeWorkingDays, int ReplyWorkingDays, int ReturnVisitDays);

/// <summary>An override of the time limits for a kind and/or a priority (null matches any).</summary>
public sealed class TicketLimitRule
{
    public TicketKind? Kind { get; set; }
    public TicketPriority? Priority { get; set; }
    public int? AcknowledgeWorkingDays { get; set; }
    public int? ReplyWorkingDays { get; set; }
    public int? ReturnVisitDays { get; set; }
}

/// <summary>Settings of the tickets (section <c>Tickets</c>), read by the silo (time limits) and the web (consent text, public limits).</summary>
public sealed class TicketOptions
{
    public const string Section = "Tickets";

    /// <summary>The zone whose calendar days the working days are.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Default: acknowledged within 1 working day.</summary>
    public int AcknowledgeWorkingDays { get; set; } = 1;

    /// <summary>Default: replied within 5 working days.</summary>
    public int ReplyWorkingDays { get; set; } = 5;

    /// <summary>Default: return visit within 3 days of the reply.</summary>
    public int ReturnVisitDays { get; set; } = 3;

    /// <summary>Overrides per kind and priority; the last matching rule wins, field by field.</summary>
    public List<TicketLimitRule> Rules { get; set; } = [];

    /// <summary>How often an open ticket checks its time limits (an Orleans reminder: at least a minute in production).</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a ticket that is no longer open but still holds a contact checks whether the consented retention has passed.</summary>
    public TimeSpan RetentionCheckEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>What the personal data given with a ticket is used for (shown before consent and recorded with it).</summary>
    public string ConsentPurpose { get; set; } = Msg.Of("ticket.consentPurpose");

    /// <summary>How long the personal data is kept after it was given, in days.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>The version of the consent text, recorded with each consent.</summary>
    public string PolicyVersion { get; set; } = "2026-12";

    /// <summary>Public submissions per client address per <see cref="PublicWindow"/> (the follow-up reads share the budget).</summary>
    public int PublicPermits { get; set; } = 10;

    /// <summary>The window of <see cref="PublicPermits"/>.</summary>
    public TimeSpan PublicWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many files a filing may attach (images and PDF, typed from their bytes).</summary>
    public int MaxAttachments { get; set; } = 3;

    /// <summary>The largest attachment accepted, in bytes.</summary>
    public long MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Leading zero bits the public proof-of-work asks for (0 switches it off).</summary>
    public int ProofOfWorkBits { get; set; } = 16;

    /// <summary>The time limits of a kind and priority.</summary>
    public TicketLimits LimitsFor(TicketKind kind, TicketPriority priority)
    {
        var limits = new TicketLimits(AcknowledgeWorkingDays, ReplyWorkingDays, ReturnVisitDays);
        foreach (var rule in Rules.Where(r => (r.Kind is null || r.Kind == kind) && (r.Priority is null || r.Priority == priority)))
        {
            limits = new TicketLimits(rule.AcknowledgeWorkingDays ?? limits.AcknowledgeWorkingDays, rule.ReplyWorkingDays ?? limits.ReplyWorkingDays,
                rule.ReturnVisitDays ?? limits.ReturnVisitDays);
        }

        return limits;
    }

    /// <summary>What is wrong with the settings, one message per key (empty when they are fine).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Check(string key, int? value, int min, int max)
        {
            if (value is { } v && (v < min || v > max))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{key} must be between {min} and {max} (was {v})."));
            }
        }

        Check(nameof(AcknowledgeWorkingDays), AcknowledgeWorkingDays, 0, 60);
        Check(nameof(ReplyWorkingDays), ReplyWorkingDays, 0, 120);
        Check(nameof(ReturnVisitDays), ReturnVisitDays, 0, 120);
        for (var i = 0; i < Rules.Count; i++)
        {
            Check($"Rules:{i}:AcknowledgeWorkingDays", Rules[i].AcknowledgeWorkingDays, 0, 60);
            Check($"Rules:{i}:ReplyWorkingDays", Rules[i].ReplyWorkingDays, 0, 120);
            Check($"Rules:{i}:ReturnVisitDays", Rules[i].ReturnVisitDays, 0, 120);
        }

        Check(nameof(RetentionDays), RetentionDays, 1, 3650);
        Check(nameof(PublicPermits), PublicPermits, 1, 1_000_000);
        Check(nameof(ProofOfWorkBits), ProofOfWorkBits, 0, 24);
        Check(nameof(MaxAttachments), MaxAttachments, 0, 10);
        if (MaxAttachmentBytes is < 1024 or > 20 * 1024 * 1024)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:MaxAttachmentBytes must be between 1024 and 20971520 (was {MaxAttachmentBytes})."));
        }

        if (PublicWindow < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{Section}:PublicWindow must be at least 00:00:01.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            problems.Add($"{Section}:TimeZone must name a time zone of this machine (e.g. Asia/Shanghai).");
        }

        if (string.IsNullOrWhiteSpace(ConsentPurpose) || string.IsNullOrWhiteSpace(PolicyVersion))
        {
            problems.Add($"{Section}:ConsentPurpose and {Section}:PolicyVersion must not be empty.");
        }

        return problems;
    }
}
