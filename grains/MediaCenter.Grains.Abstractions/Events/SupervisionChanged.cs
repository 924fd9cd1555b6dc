using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>A supervision record (监督记录) changed: planned, recorded, a finding added or sent to rectification, closed.</summary>
[GenerateSerializer, Immutable, Alias("mc.SupervisionChanged")]
public sealed record SupervisionChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new record).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The kind of activity (TelephoneVisit, MysteryVisit …).</summary>
    [Id(3)] public required string Kind { get; init; }

    /// <summary>The access party concerned, if any.</summary>
    [Id(4)] public string? PartyId { get; init; }

    /// <summary>The note of the command (a finding's number, a rectification's id, a survey's id).</summary>
    [Id(5)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Supervision;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
