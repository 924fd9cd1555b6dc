using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>An organisation's public profile (公开信息) was set: which fields changed, and by whom. The profile itself is public text.</summary>
[GenerateSerializer, Immutable, Alias("mc.PublicProfileChanged")]
public sealed record PublicProfileChanged : DomainEvent
{
    /// <summary>The command applied (SetProfile).</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The fields whose value differs from the previous version (all that are set, for the first one).</summary>
    [Id(1)] public required IReadOnlyList<string> Changed { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.PublicProfile;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
