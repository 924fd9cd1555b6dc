using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Events;

/// <summary>A hot event (热点事件) moved (one row of <see cref="HotEventWorkflow"/> was applied).</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventChanged")]
public sealed record HotEventChanged : DomainEvent
{
    public HotEventChanged()
    {
    }

    /// <summary>The event of one entry of a hot event's timeline.</summary>
    [SetsRequiredMembers]
    public HotEventChanged(HotEventCard card, HotEventHistoryEntry entry)
        : base(card.Id, entry.Version, entry.At, entry.Actor.Id, entry.Actor.Name)
    {
        Command = entry.Command;
        From = entry.From;
        To = entry.To;
        PartyId = card.PartyId;
        Title = card.Title;
        StartsAt = card.StartsAt;
        EndsAt = card.EndsAt;
        RegisteredById = card.RegisteredBy.Id;
        AcknowledgedById = card.AcknowledgedBy?.Id;
        Comment = entry.Comment;
    }

    /// <summary>The command applied.</summary>
    [Id(0)] public required HotEventCommandType Command { get; init; }

    /// <summary>The status before (null for a registration).</summary>
    [Id(1)] public HotEventStatus? From { get; init; }

    /// <summary>The status after.</summary>
    [Id(2)] public required HotEventStatus To { get; init; }

    /// <summary>The access party that registered it.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>Its title.</summary>
    [Id(4)] public required string Title { get; init; }

    /// <summary>The window.</summary>
    [Id(5)] public required DateTimeOffset StartsAt { get; init; }

    /// <summary>The window's end.</summary>
    [Id(6)] public required DateTimeOffset EndsAt { get; init; }

    /// <summary>Who registered it.</summary>
    [Id(7)] public Guid? RegisteredById { get; init; }

    /// <summary>Who acknowledged it.</summary>
    [Id(8)] public Guid? AcknowledgedById { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(9)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.HotEvent;

    [JsonIgnore] public override string EventType => Command.ToString();

    protected override IEnumerable<Guid> Concerned() =>
        Actor().Concat(new[] { RegisteredById, AcknowledgedById }.OfType<Guid>());
}

/// <summary>The daily patrol found a check not ok (one event per check per report; the version is the report id).</summary>
[GenerateSerializer, Immutable, Alias("mc.PatrolAnomalyFound")]
public sealed record PatrolAnomalyFound : DomainEvent
{
    /// <summary>The incident desk's key for this check.</summary>
    [Id(0)] public required string DedupKey { get; init; }

    /// <summary>Warning or Failed.</summary>
    [Id(1)] public required PatrolStatus Status { get; init; }

    /// <summary>What the check saw.</summary>
    [Id(2)] public required string Detail { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Patrol;

    [JsonIgnore] public override string EventType => "patrol.anomaly";

    protected override IEnumerable<Guid> Concerned() => [];
}

/// <summary>
/// One accepted command of an operations workflow (plan, drill, campaign): what every such event says, set in one place from the
/// workflow's history entry.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.OperationsChanged")]
public abstract record OperationsChanged : DomainEvent
{
    /// <summary>For serializers.</summary>
    protected OperationsChanged()
    {
    }

    /// <summary>The event of one history entry of the entity <paramref name="entityId"/> of <paramref name="partyId"/>.</summary>
    [SetsRequiredMembers]
    protected OperationsChanged(string entityId, string partyId, long version, DateTimeOffset at, string actor, Enum command, Enum? from, Enum to,
        string? comment)
        : base(entityId, version, at, null, actor)
    {
        PartyId = partyId;
        Command = command.ToString();
        From = from?.ToString();
        To = to.ToString();
        Comment = comment;
    }

    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new entity or a new plan version).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The access party the entity belongs to.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(4)] public string? Comment { get; init; }

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}

/// <summary>
/// An emergency plan (应急预案) moved. States and commands are named as the plan workflow names them; the version is the
/// plan's revision (one per accepted change), <see cref="PlanVersion"/> the content version it concerns.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.PlanChanged")]
public sealed record PlanChanged : OperationsChanged
{
    public PlanChanged()
    {
    }

    [SetsRequiredMembers]
    public PlanChanged(PlanSummary plan, PlanHistoryEntry entry)
        : base(plan.Id, plan.PartyId, entry.Revision, entry.At, entry.Actor, entry.Command, entry.From, entry.To, entry.Comment) =>
        PlanVersion = entry.PlanVersion;

    /// <summary>The content version the command concerns.</summary>
    [Id(0)] public required int PlanVersion { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Plan;
}

/// <summary>A drill (演练) moved: scheduled, recorded, cancelled.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillChanged")]
public sealed record DrillChanged : OperationsChanged
{
    public DrillChanged()
    {
    }

    [SetsRequiredMembers]
    public DrillChanged(DrillView drill, DrillHistoryEntry entry)
        : base(drill.Id, drill.PartyId, entry.Version, entry.At, entry.Actor, entry.Command, entry.From, entry.To, entry.Comment)
    {
        PlanId = drill.PlanId;
        ScheduledAt = drill.ScheduledAt;
    }

    /// <summary>The plan drilled.</summary>
    [Id(0)] public required string PlanId { get; init; }

    /// <summary>When it is (or was) scheduled.</summary>
    [Id(1)] public DateTimeOffset? ScheduledAt { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Drill;
}

/// <summary>A campaign (活动) moved: registered, edited, supported, withdrawn.</summary>
[GenerateSerializer, Immutable, Alias("mc.CampaignChanged")]
public sealed record CampaignChanged : OperationsChanged
{
    public CampaignChanged()
    {
    }

    [SetsRequiredMembers]
    public CampaignChanged(CampaignView campaign, CampaignHistoryEntry entry)
        : base(campaign.Id, campaign.PartyId, entry.Version, entry.At, entry.Actor, entry.Command, entry.From, entry.To, entry.Comment) =>
        Title = campaign.Title;

    /// <summary>Its title.</summary>
    [Id(0)] public required string Title { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Campaign;
}
