using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>An indicator definition moved: defined, edited, activated or retired (one row of the indicator table applied).</summary>
[GenerateSerializer, Immutable, Alias("mc.IndicatorChanged")]
public sealed record IndicatorChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new indicator).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The name after the change.</summary>
    [Id(3)] public required string Name { get; init; }

    /// <summary>The expression after the change.</summary>
    [Id(4)] public required string Expression { get; init; }

    /// <summary>AtLeast or AtMost, after the change.</summary>
    [Id(5)] public required string Comparison { get; init; }

    /// <summary>The target after the change.</summary>
    [Id(6)] public required double Target { get; init; }

    /// <summary>The parties it applies to after the change (empty: every party, unless it names applications).</summary>
    [Id(7)] public IReadOnlyList<string> Parties { get; init; } = [];

    /// <summary>The applications it is scoped to after the change.</summary>
    [Id(8)] public IReadOnlyList<string> Applications { get; init; } = [];

    /// <summary>The reason given (a retirement).</summary>
    [Id(9)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Indicator;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}

/// <summary>A rectification (整改) moved: opened, analysed, planned, an action done, finished, explained, accepted or rejected.</summary>
[GenerateSerializer, Immutable, Alias("mc.RectificationChanged")]
public sealed record RectificationChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new rectification).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The access party that answers for it.</summary>
    [Id(3)] public required string PartyId { get; init; }

    /// <summary>What opened it (indicator, ticket, supervision …).</summary>
    [Id(4)] public required string SourceKind { get; init; }

    /// <summary>The source's reference (for an indicator shortfall: indicator/party-or-application/month).</summary>
    [Id(5)] public required string SourceRef { get; init; }

    /// <summary>The text given with the command (analysis, note, explanation, decision comment).</summary>
    [Id(6)] public string? Comment { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Rectification;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
