namespace MediaCenter.Grains.Incidents;

/// <summary>Incident rules. Bound from the silo's <c>Incidents</c> section.</summary>
public sealed class IncidentOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Incidents";

    /// <summary>How long an unacknowledged P1 waits before it escalates to the next on-call level.</summary>
    public TimeSpan AcknowledgeP1 { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The same for P2.</summary>
    public TimeSpan AcknowledgeP2 { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The same for P3.</summary>
    public TimeSpan AcknowledgeP3 { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The same for P4.</summary>
    public TimeSpan AcknowledgeP4 { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often repeats of the fault are written (the first report is written at once).</summary>
    public TimeSpan OccurrenceCheckpoint { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The acknowledgement time for a severity.</summary>
    public TimeSpan AcknowledgeWithin(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.P1 => AcknowledgeP1,
        IncidentSeverity.P2 => AcknowledgeP2,
        IncidentSeverity.P3 => AcknowledgeP3,
        _ => AcknowledgeP4,
    };
}

/// <summary>Grouping of alert storms (docs/INCIDENTS.md, "Grouping"). Bound from the silo's <c>Incidents:Grouping</c> section.</summary>
public sealed class IncidentGroupingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Incidents:Grouping";

    /// <summary>A new member joins the group's open incident when its alert starts within this time of the latest member's.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After the first notification, a grouped incident sends its counts at most once per this interval.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>From this many members the incident is at least P2.</summary>
    public int P2FromMembers { get; set; } = 10;

    /// <summary>From this many members the incident is P1.</summary>
    public int P1FromMembers { get; set; } = 50;

    /// <summary>How many members a notification (and its webhook payload) lists; the incident lists them all.</summary>
    public int MembersInNotification { get; set; } = 20;

    /// <summary>The severity a group of this size calls for at least (null: no more than its alerts' own).</summary>
    public IncidentSeverity? SeverityFor(int members) =>
        P1FromMembers > 0 && members >= P1FromMembers ? IncidentSeverity.P1
        : P2FromMembers > 0 && members >= P2FromMembers ? IncidentSeverity.P2
        : null;
}

/// <summary>
/// The on-call levels an unacknowledged incident climbs: 1 the operators on duty (值班运维, group <c>ops</c>),
/// 2 the platform administrators (运维负责人, <c>role:admin</c>), 3 management (管理方, <c>management</c>).
/// </summary>
public static class OnCall
{
    /// <summary>The highest level.</summary>
    public const int Levels = 3;

    /// <summary>Who is told at a level.</summary>
    public static string AudienceOf(int level) => level switch
    {
        1 => "ops",
        2 => "role:admin",
        _ => "management",
    };
}

/// <summary>Where incidents and their notifications leave the grains (PostgreSQL in the silo).</summary>
public interface IIncidentJournal
{
    /// <summary>Brings the read model to the snapshot's version and appends the timeline entry to the event log.</summary>
    Task RecordAsync(IncidentSnapshot snapshot, IncidentTimelineEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>Stores a notification for the alert centre and queues it for every matching webhook (idempotent by id).</summary>
    Task NotifyAsync(IncidentNotification notification, CancellationToken cancellationToken = default);
}
