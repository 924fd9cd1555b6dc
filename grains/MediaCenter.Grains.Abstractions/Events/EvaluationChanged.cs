using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>A yearly evaluation changed: planned, scored, concluded, closed, a finding sent to rectification.</summary>
[GenerateSerializer, Immutable, Alias("mc.EvaluationChanged")]
public sealed record EvaluationChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new evaluation).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The center (access party) evaluated.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>The year evaluated.</summary>
    [Id(4)] public required int Year { get; init; }

    /// <summary>The weighted total once scored.</summary>
    [Id(5)] public decimal? Total { get; init; }

    /// <summary>The result once concluded.</summary>
    [Id(6)] public string? Result { get; init; }

    /// <summary>The note of the command (a criterion and party scored, a finding, a rectification's id).</summary>
    [Id(7)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Evaluation;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
