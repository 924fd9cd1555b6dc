using System.Text.Json.Serialization;

namespace MediaCenter.Grains.Events;

/// <summary>A ticket (投诉、咨询、建议) changed. Carries no personal data: the event log keeps it longer than consent allows.</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketChanged")]
public sealed record TicketChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required string Command { get; init; }

    /// <summary>The state before (null for a new ticket).</summary>
    [Id(1)] public string? From { get; init; }

    /// <summary>The state after.</summary>
    [Id(2)] public required string To { get; init; }

    /// <summary>Complaint, consultation or suggestion.</summary>
    [Id(3)] public required string Kind { get; init; }

    /// <summary>Who handles it after the change (<c>operator</c>, <c>party:{id}</c>), if assigned.</summary>
    [Id(4)] public string? Assignee { get; init; }

    /// <summary>The note given with the command (a reason, a deadline escalated); never a contact.</summary>
    [Id(5)] public string? Comment { get; init; }

    /// <summary>The staff record of the person whose work the ticket concerns, after the change (an id, no personal data).</summary>
    [Id(6)] public string? ConcernedStaffId { get; init; }

    /// <summary>The satisfaction (1–5) the ticket holds after the change, if rated.</summary>
    [Id(7)] public int? Satisfaction { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Ticket;

    [JsonIgnore] public override string EventType => Command;

    protected override IEnumerable<Guid> Concerned() => Actor();
}
