using System.Text.Json.Serialization;
using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Events;

/// <summary>An incident moved (one row of <see cref="IncidentWorkflow.Transitions"/> was applied).</summary>
[GenerateSerializer, Immutable, Alias("mc.IncidentChanged")]
public sealed record IncidentChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required IncidentCommandType Command { get; init; }

    /// <summary>The stage before.</summary>
    [Id(1)] public required IncidentStage From { get; init; }

    /// <summary>The stage after.</summary>
    [Id(2)] public required IncidentStage To { get; init; }

    /// <summary>The fault's dedup key (one open incident per key).</summary>
    [Id(3)] public required string DedupKey { get; init; }

    /// <summary>The incident's title.</summary>
    [Id(4)] public required string Title { get; init; }

    /// <summary>The severity after the change.</summary>
    [Id(5)] public required IncidentSeverity Severity { get; init; }

    /// <summary>Where the report came from.</summary>
    [Id(6)] public required IncidentSource Source { get; init; }

    /// <summary>The affected access party.</summary>
    [Id(7)] public string? PartyId { get; init; }

    /// <summary>The affected channel.</summary>
    [Id(8)] public string? Channel { get; init; }

    /// <summary>The note of the timeline entry.</summary>
    [Id(9)] public string? Text { get; init; }

    /// <summary>The account that owns the incident (acknowledged it) after the change, when known.</summary>
    [Id(10)] public Guid? OwnerId { get; init; }

    /// <summary>The owner before the change, when it differs (a reopened incident is no longer its former owner's task).</summary>
    [Id(11)] public Guid? PreviousOwnerId { get; init; }

    /// <summary>
    /// The application (接入应用, its code within the party) of a grouped terminal incident; null for others (an incident on a channel
    /// belongs to the channel's application).
    /// </summary>
    [Id(12)] public string? Application { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Incident;

    [JsonIgnore] public override string EventType => "incident." + Command;

    protected override IEnumerable<Guid> Concerned() => Actor().Concat(new[] { OwnerId, PreviousOwnerId }.OfType<Guid>());
}
