using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>A staff record (人员档案) changed: registered, updated, a certificate recorded or removed, left, rejoined.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffChanged")]
public sealed record StaffChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new record).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>The organisation (<c>operator</c> or <c>party:{id}</c>).</summary>
    [Id(3)] public required string Organisation { get; init; }

    /// <summary>The person's account, when linked: the change is on their people stream too.</summary>
    [Id(4)] public Guid? UserId { get; init; }

    /// <summary>The note given with the command (a certificate number, a reason).</summary>
    [Id(5)] public string? Comment { get; init; }

    /// <summary>The post held after the command (the growth record's posts; absent from entries written before it was kept).</summary>
    [Id(6)] public string? Post { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Staff;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => UserId is { } user ? Actor().Append(user) : Actor();
}
