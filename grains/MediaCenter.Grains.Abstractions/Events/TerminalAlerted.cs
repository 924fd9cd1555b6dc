using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>A terminal's health crossed a line that raises or clears an alert (offline, degraded, recovered).</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalAlerted")]
public sealed record TerminalAlerted : DomainEvent
{
    /// <summary><c>terminal.offline</c>, <c>terminal.degraded</c> or <c>terminal.recovered</c>.</summary>
    [Id(0)] public required string Kind { get; init; }

    /// <summary>The access party that owns the terminal.</summary>
    [Id(1)] public required string PartyId { get; init; }

    /// <summary>The incident desk's key (one open incident per key).</summary>
    [Id(2)] public string? DedupKey { get; init; }

    /// <summary>Why, in words.</summary>
    [Id(3)] public required string Reason { get; init; }

    /// <summary>The party's application (接入应用) the terminal belongs to; null in events written before applications.</summary>
    [Id(4)] public string? Application { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Terminal;

    [JsonIgnore] public override string EventType => Kind;

    protected override IEnumerable<Guid> Concerned() => [];
}
