using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>
/// An inspection (巡检) of a terminal was recorded: when it was made, by whom, whether it passed, and when it had been due, so
/// a month's inspections and the share made on time can be counted from the event log alone.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalInspected")]
public sealed record TerminalInspected : DomainEvent
{
    /// <summary>The access party that owns the terminal.</summary>
    [Id(0)] public required string PartyId { get; init; }

    /// <summary>The party's application (接入应用) the terminal belongs to.</summary>
    [Id(1)] public required string Application { get; init; }

    /// <summary>When the inspection was made (it may be recorded later).</summary>
    [Id(2)] public required DateTimeOffset InspectedAt { get; init; }

    /// <summary>When it was due: a period after the previous inspection, or after registration.</summary>
    [Id(3)] public DateTimeOffset? DueAt { get; init; }

    /// <summary>Made no later than it was due.</summary>
    [Id(4)] public required bool OnTime { get; init; }

    /// <summary>The inspector as recorded.</summary>
    [Id(5)] public required string Inspector { get; init; }

    /// <summary>Whether the terminal passed.</summary>
    [Id(6)] public required bool Passed { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Inspection;

    [JsonIgnore] public override string EventType => "terminal.inspected";

    protected override IEnumerable<Guid> Concerned() => [];
}
