using System.Text.Json.Serialization;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Events;

/// <summary>A hot event (热点事件) moved (one row of <see cref="HotEventWorkflow"/> was applied).</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventChanged")]
public sealed record HotEventChanged : DomainEvent
{
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
/// An emergency plan (应急预案) moved. States and commands are named as the plan workflow names them; the version is the
/// plan's revision (one per accepted change), <see cref="PlanVersion"/> the content version it concerns.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.PlanChanged")]
public sealed record PlanChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state of the content version before (null for a new version).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The content version the command concerns.</summary>
    [Id(3)] public required int PlanVersion { get; init; }

    /// <summary>The access party the plan belongs to.</summary>
    [Id(4)] public required string PartyId { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(5)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Plan;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}

/// <summary>A drill (演练) moved: scheduled, recorded, cancelled.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillChanged")]
public sealed record DrillChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new drill).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The plan drilled.</summary>
    [Id(3)] public required string PlanId { get; init; }

    /// <summary>The access party.</summary>
    [Id(4)] public required string PartyId { get; init; }

    /// <summary>When it is (or was) scheduled.</summary>
    [Id(5)] public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(6)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Drill;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}

/// <summary>A campaign (活动) moved: registered, edited, supported, withdrawn.</summary>
[GenerateSerializer, Immutable, Alias("mc.CampaignChanged")]
public sealed record CampaignChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new campaign).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The access party.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>Its title.</summary>
    [Id(4)] public required string Title { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(5)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Campaign;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
