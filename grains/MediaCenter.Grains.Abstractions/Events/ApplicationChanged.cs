using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>An application (接入应用) of an access party changed: created, edited, suspended, resumed or retired.</summary>
[GenerateSerializer, Immutable, Alias("mc.ApplicationChanged")]
public sealed record ApplicationChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new application).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The access party it belongs to.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>Its code within the party.</summary>
    [Id(4)] public required string Code { get; init; }

    /// <summary>The reason or note given with the command.</summary>
    [Id(5)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Application;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
