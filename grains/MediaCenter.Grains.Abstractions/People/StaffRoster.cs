using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.People;

/// <summary>An entry condition of a post that a person does not meet.</summary>
public enum StaffRule
{
    /// <summary>A manager below a bachelor's degree (§8.1.2).</summary>
    ManagerEducation,

    /// <summary>A manager with less than three years of relevant experience (§8.1.2).</summary>
    ManagerExperience,

    /// <summary>Staff below junior college (§8.1.3).</summary>
    StaffEducation,

    /// <summary>Staff with less than one year of relevant experience (§8.1.3).</summary>
    StaffExperience,
}

/// <summary>What the roster knows of one person: enough to count and check, nothing personal.</summary>
/// <param name="Version">The staff record's version: an older one never replaces a newer one.</param>
[GenerateSerializer, Immutable, Alias("mc.RosterEntry")]
public sealed record RosterEntry(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] StaffPost Post,
    [property: Id(3)] EducationLevel Education,
    [property: Id(4)] int ExperienceYears,
    [property: Id(5)] IReadOnlyList<StaffCertificate> Certificates,
    [property: Id(6)] bool Active,
    [property: Id(7)] long Version);

/// <summary>A person who breaks an entry condition of their post.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffBreach")]
public sealed record StaffBreach(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] StaffPost Post,
    [property: Id(3)] StaffRule Rule,
    [property: Id(4)] EducationLevel Education,
    [property: Id(5)] int ExperienceYears);

/// <summary>A certificate whose validity ends within the reminder window, with no later one of the same type.</summary>
[GenerateSerializer, Immutable, Alias("mc.ExpiringCertificate")]
public sealed record ExpiringCertificate(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Type,
    [property: Id(3)] string Number,
    [property: Id(4)] DateOnly ValidTo,
    [property: Id(5)] int DaysLeft);

/// <summary>
/// The organisation's staff as the standard checks it, as of <see cref="Today"/>: the certified share (持证上岗 ≥ 50 %,
/// §8.1.1.2) now and over the reminder window counting expiries, the certificates about to expire and the people who
/// break an entry condition.
/// </summary>
/// <param name="Total">Active staff.</param>
/// <param name="Certified">Active staff holding a certificate valid today.</param>
/// <param name="BelowFrom">The first day within the window (today included) on which fewer than half are certified; null when none.</param>
/// <param name="CertifiedOnBelowFrom">How many are certified on <see cref="BelowFrom"/>.</param>
/// <param name="Reserve">The staff reserve plan (§8.1.4.2) against the active headcount per post; empty when no plan is set.</param>
[GenerateSerializer, Immutable, Alias("mc.RosterSummary")]
public sealed record RosterSummary(
    [property: Id(0)] string Organisation,
    [property: Id(1)] DateOnly Today,
    [property: Id(2)] int WindowDays,
    [property: Id(3)] int Total,
    [property: Id(4)] int Certified,
    [property: Id(5)] bool MeetsRatio,
    [property: Id(6)] DateOnly? BelowFrom,
    [property: Id(7)] int? CertifiedOnBelowFrom,
    [property: Id(8)] IReadOnlyList<ExpiringCertificate> Expiring,
    [property: Id(9)] IReadOnlyList<StaffBreach> Breaches,
    [property: Id(10)] IReadOnlyList<ReserveLine> Reserve);

/// <summary>
/// The standard's staff rules as code (F8.1, §8.1.1.2, §8.1.2, §8.1.3), pure so that the roster grain, the API and the
/// tests share one reading of them.
/// </summary>
public static class StaffRules
{
    /// <summary>The certified share the standard requires, in percent (at least).</summary>
    public const int MinimumCertifiedPercent = 50;

    /// <summary>A manager's least education.</summary>
    public const EducationLevel ManagerEducation = EducationLevel.Bachelor;

    /// <summary>A manager's least relevant experience, in years.</summary>
    public const int ManagerYears = 3;

    /// <summary>Staff's least education.</summary>
    public const EducationLevel StaffEducation = EducationLevel.JuniorCollege;

    /// <summary>Staff's least relevant experience, in years.</summary>
    public const int StaffYears = 1;

    /// <summary>True when <paramref name="certified"/> of <paramref name="total"/> is at least the required share (an empty staff meets it).</summary>
    public static bool MeetsRatio(int certified, int total) => total == 0 || certified * 100 >= total * MinimumCertifiedPercent;

    /// <summary>The entry conditions of the post the person does not meet.</summary>
    public static IEnumerable<StaffRule> Breaches(StaffPost post, EducationLevel education, int experienceYears)
    {
        switch (post)
        {
            case StaffPost.Manager:
                if (education < ManagerEducation)
                {
                    yield return StaffRule.ManagerEducation;
                }

                if (experienceYears < ManagerYears)
                {
                    yield return StaffRule.ManagerExperience;
                }

                break;

            case StaffPost.Staff:
                if (education < StaffEducation)
                {
                    yield return StaffRule.StaffEducation;
                }

                if (experienceYears < StaffYears)
                {
                    yield return StaffRule.StaffExperience;
                }

                break;
        }
    }

    /// <summary>True when the person holds a certificate valid on the day.</summary>
    public static bool IsCertified(RosterEntry entry, DateOnly day) => entry.Certificates.Any(c => c.ValidOn(day));

    /// <summary>The roster checked as of <paramref name="today"/>, looking <paramref name="windowDays"/> ahead for expiries.</summary>
    public static RosterSummary Evaluate(string organisation, IEnumerable<RosterEntry> entries, DateOnly today, int windowDays, ReservePlan? plan = null)
    {
        var active = entries.Where(e => e.Active).OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.PersonId, StringComparer.Ordinal).ToList();
        var last = today.AddDays(windowDays);
        int CertifiedOn(DateOnly day) => active.Count(e => IsCertified(e, day));

        // The count changes only on the day after a certificate ends or on the day one starts: those days (and today) are all to look at.
        var days = active.SelectMany(e => e.Certificates)
            .SelectMany(c => c.ValidTo is { } to ? new[] { c.ValidFrom, to.AddDays(1) } : [c.ValidFrom])
            .Where(d => d > today && d <= last)
            .Prepend(today)
            .Distinct()
            .Order();
        DateOnly? belowFrom = null;
        int? certifiedThen = null;
        foreach (var day in days)
        {
            var count = CertifiedOn(day);
            if (!MeetsRatio(count, active.Count))
            {
                belowFrom = day;
                certifiedThen = count;
                break;
            }
        }

        var expiring = active.SelectMany(e => e.Certificates
                .Where(c => c.ValidTo is { } to && to >= today && to <= last
                    && !e.Certificates.Any(o => o.Type == c.Type && o.Number != c.Number && (o.ValidTo is not { } later || later > to)))
                .Select(c => new ExpiringCertificate(e.PersonId, e.Name, c.Type, c.Number, c.ValidTo!.Value, c.ValidTo.Value.DayNumber - today.DayNumber)))
            .OrderBy(x => x.ValidTo).ThenBy(x => x.Name, StringComparer.Ordinal)
            .ToList();
        var breaches = active.SelectMany(e => Breaches(e.Post, e.Education, e.ExperienceYears)
            .Select(rule => new StaffBreach(e.PersonId, e.Name, e.Post, rule, e.Education, e.ExperienceYears))).ToList();
        var certified = CertifiedOn(today);
        return new RosterSummary(organisation, today, windowDays, active.Count, certified, MeetsRatio(certified, active.Count), belowFrom, certifiedThen,
            expiring, breaches, ReserveWorkflow.Lines(plan, active.GroupBy(e => e.Post).ToDictionary(g => g.Key, g => g.Count()), today));
    }
}

/// <summary>
/// The staff roster of one organisation (key: <see cref="Organisation.Key"/>): every staff record of the organisation
/// reports to it after each change, and it checks the standard's rules live, reminds of expiring certificates and
/// alerts the organisation's admins when the certified share is (or will be, counting expiries) below half.
/// </summary>
[Alias("mc.IStaffRosterGrain")]
public interface IStaffRosterGrain : IGrainWithStringKey
{
    /// <summary>Takes a staff record's latest form (idempotent: an entry older than the one held changes nothing), then checks.</summary>
    [Alias("Hear")]
    Task HearAsync(RosterEntry entry);

    /// <summary>The roster checked as of now.</summary>
    [Alias("GetSummary"), Orleans.Concurrency.ReadOnly]
    Task<RosterSummary> GetSummaryAsync();

    /// <summary>Everyone the roster holds (active or not), as the staff records told it.</summary>
    [Alias("Entries"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<RosterEntry>> GetEntriesAsync();

    /// <summary>Takes the organisation's reserve plan (an older version than the one held changes nothing) and announces the roster.</summary>
    [Alias("HearPlan")]
    Task HearPlanAsync(ReservePlan plan);

    /// <summary>Checks as of now and raises what is due (the periodic review; idempotent).</summary>
    [Alias("Review")]
    Task<RosterSummary> ReviewAsync();
}

/// <summary>An organisation's roster changed (a record changed, or the day moved on): the whole summary.</summary>
[GenerateSerializer, Alias("mc.live.RosterChanged")]
public sealed record RosterChanged([property: Id(0)] RosterSummary Summary) : LiveEvent;
