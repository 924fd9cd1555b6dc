using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>
/// Where an event sits in <c>mc.event_log</c>: the id of the transaction that wrote it, then its row id. Identity ids are
/// handed out before commit, so a row with a smaller id can become visible after one with a larger id; ordered by the
/// writing transaction first, the part of the log below the oldest running transaction never changes any more, and a
/// reader that checkpoints there misses nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.LogPosition")]
public readonly record struct LogPosition([property: Id(0)] ulong Tx, [property: Id(1)] long Id) : IComparable<LogPosition>
{
    /// <summary>The position right after this one.</summary>
    /// <remarks>A method, not a property: stored grain state is JSON of every property, and this one would never end.</remarks>
    public LogPosition After() => new(Tx, Id + 1);

    public int CompareTo(LogPosition other) => Tx != other.Tx ? Tx.CompareTo(other.Tx) : Id.CompareTo(other.Id);

    public static bool operator <(LogPosition a, LogPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(LogPosition a, LogPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(LogPosition a, LogPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(LogPosition a, LogPosition b) => a.CompareTo(b) >= 0;
}

/// <summary>
/// An accepted state change of one entity, as the event log stores it and the domain streams carry it. One row of
/// <c>mc.event_log</c> per (domain, entity, version); the payload column is the event's JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.DomainEvent")]
public abstract record DomainEvent
{
    /// <summary>For serializers and object initializers.</summary>
    protected DomainEvent()
    {
    }

    /// <summary>The envelope of a change: whose, which version, when and by whom (the platform's empty id is no person).</summary>
    [SetsRequiredMembers]
    protected DomainEvent(string entityId, long version, DateTimeOffset at, Guid? actorId, string? actorName)
    {
        EntityId = entityId;
        Version = version;
        At = at;
        ActorId = actorId == Guid.Empty ? null : actorId;
        ActorName = actorName;
    }

    /// <summary>The entity the change belongs to (story id, incident id, terminal id …).</summary>
    [Id(0)] public required string EntityId { get; init; }

    /// <summary>The entity's version after the change; unique per entity.</summary>
    [Id(1)] public required long Version { get; init; }

    /// <summary>When the change was applied (the grains' clock).</summary>
    [Id(2)] public required DateTimeOffset At { get; init; }

    /// <summary>The account that made the change; null for the platform itself, or when it is not known.</summary>
    [Id(3)] public Guid? ActorId { get; init; }

    /// <summary>The actor's display name as the timeline shows it.</summary>
    [Id(4)] public string? ActorName { get; init; }

    /// <summary>Where the event log holds it; set once it is appended (not part of the stored payload).</summary>
    [Id(5), JsonIgnore] public LogPosition Position { get; init; }

    /// <summary>The domain (<c>mc.event_log.entity_type</c>, see <see cref="DomainNames"/>).</summary>
    [JsonIgnore] public abstract string Domain { get; }

    /// <summary>The event's name in <c>mc.event_log.event_type</c>.</summary>
    [JsonIgnore] public abstract string EventType { get; }

    /// <summary>The people the change concerns: each gets it on their stream of the domain (<see cref="DomainStreams"/>).</summary>
    [JsonIgnore] public IReadOnlyList<Guid> People => [.. Concerned().Where(p => p != Guid.Empty).Distinct()];

    /// <summary>Everyone the change concerns, before duplicates and the platform's empty id are removed.</summary>
    protected abstract IEnumerable<Guid> Concerned();

    /// <summary>The actor, when it is a person.</summary>
    protected IEnumerable<Guid> Actor() => ActorId is { } id ? [id] : [];
}

/// <summary>The domains of the event log (<c>mc.event_log.entity_type</c>).</summary>
public static class DomainNames
{
    public const string Article = "article";
    public const string Incident = "incident";
    public const string HotEvent = "hot-event";
    public const string Terminal = "terminal";
    public const string Patrol = "patrol";
    public const string Plan = "plan";
    public const string Drill = "drill";
    public const string Campaign = "campaign";
    public const string Staff = "staff";
    public const string Ticket = "ticket";
    public const string Supervision = "supervision";

    /// <summary>Applications (接入应用).</summary>
    public const string Application = "application";

    /// <summary>Indicator definitions (指标).</summary>
    public const string Indicator = "indicator";

    /// <summary>Rectifications (整改).</summary>
    public const string Rectification = "rectification";

    /// <summary>Terminal inspections (巡检): the entity is the terminal, the version the terminal's.</summary>
    public const string Inspection = "inspection";

    /// <summary>Yearly evaluations (年度评价).</summary>
    public const string Evaluation = "evaluation";

    /// <summary>Appraisals (考核).</summary>
    public const string Appraisal = "appraisal";

    /// <summary>Organisations' public profiles (公开信息); the entity is the organisation key.</summary>
    public const string PublicProfile = "public-profile";

    /// <summary>Every domain with a typed event.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Article, Incident, HotEvent, Terminal, Patrol, Plan, Drill, Campaign, Staff, Ticket, Supervision, Application, Indicator, Rectification, Inspection, Evaluation,
            Appraisal, PublicProfile];

    /// <summary>The event type of a domain (what its payloads are read back as).</summary>
    public static Type EventTypeOf(string domain) => domain switch
    {
        Article => typeof(ArticleChanged),
        Incident => typeof(IncidentChanged),
        HotEvent => typeof(HotEventChanged),
        Terminal => typeof(TerminalAlerted),
        Patrol => typeof(PatrolAnomalyFound),
        Plan => typeof(PlanChanged),
        Drill => typeof(DrillChanged),
        Campaign => typeof(CampaignChanged),
        Staff => typeof(StaffChanged),
        Ticket => typeof(TicketChanged),
        Supervision => typeof(SupervisionChanged),
        Application => typeof(ApplicationChanged),
        Indicator => typeof(IndicatorChanged),
        Rectification => typeof(RectificationChanged),
        Inspection => typeof(TerminalInspected),
        Evaluation => typeof(EvaluationChanged),
        Appraisal => typeof(AppraisalChanged),
        PublicProfile => typeof(PublicProfileChanged),
        _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, "not a domain of the event log"),
    };
}

/// <summary>
/// The domain streams (Orleans streams, provider <see cref="Provider"/>). Every appended event goes to its domain's
/// entity stream (namespace = the domain, key = the entity id) and to the people stream of each person it concerns
/// (namespace = the domain + <c>/people</c>, key = the person's id), so that a per-person consumer (the editor grain) is
/// reached through an implicit subscription keyed like itself, and a per-entity consumer likewise.
/// </summary>
public static class DomainStreams
{
    /// <summary>The stream provider's name.</summary>
    public const string Provider = "domain";

    public const string ArticlePeople = DomainNames.Article + PeopleSuffix;
    public const string IncidentPeople = DomainNames.Incident + PeopleSuffix;
    private const string PeopleSuffix = "/people";

    /// <summary>The namespace of a domain's entity streams.</summary>
    public static string Entities(string domain) => domain;

    /// <summary>The namespace of a domain's people streams.</summary>
    public static string People(string domain) => domain + PeopleSuffix;
}
