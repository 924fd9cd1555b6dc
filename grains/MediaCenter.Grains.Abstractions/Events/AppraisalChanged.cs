using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>An appraisal (考核) changed: opened, recomputed, scored, acknowledged, disputed, closed, an incentive or goals.</summary>
[GenerateSerializer, Immutable, Alias("mc.AppraisalChanged")]
public sealed record AppraisalChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null when opened).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The organisation (<c>operator</c> or <c>party:{id}</c>).</summary>
    [Id(3)] public required string Organisation { get; init; }

    /// <summary>The person's staff record.</summary>
    [Id(4)] public required string PersonId { get; init; }

    /// <summary>The period (<c>2026-11</c>, <c>2026-Q4</c>, <c>2026</c>).</summary>
    [Id(5)] public required string Period { get; init; }

    /// <summary>The person's account, when linked: the change is on their people stream too.</summary>
    [Id(6)] public Guid? UserId { get; init; }

    /// <summary>The total after the change, once scored.</summary>
    [Id(7)] public double? Total { get; init; }

    /// <summary>The grade after the change, once scored.</summary>
    [Id(8)] public string? Grade { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Appraisal;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => UserId is { } user ? Actor().Append(user) : Actor();
}
