namespace MediaCenter.Grains.Tickets;

/// <summary>A ticket command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.TicketCommand")]
public abstract record TicketCommand
{
    /// <summary>Which command this is.</summary>
    public abstract TicketCommandType Type { get; }
}

/// <summary>Files a ticket. The contact is already encrypted; the consent is required whenever a contact is given.</summary>
[GenerateSerializer, Immutable, Alias("mc.SubmitTicket")]
public sealed record SubmitTicket(
    [property: Id(0)] TicketKind? Kind,
    [property: Id(1)] TicketPriority? Priority,
    [property: Id(2)] TicketSource Source,
    [property: Id(3)] string? Subject,
    [property: Id(4)] string? Content,
    [property: Id(5)] TicketContact? Contact,
    [property: Id(6)] TicketConsent? Consent,
    [property: Id(7)] List<TicketUpload>? Attachments = null) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Submit;
}

/// <summary>A file attached to a filing: its name as the client gave it and its bytes (the type is judged from the bytes).</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketUpload")]
public sealed record TicketUpload([property: Id(0)] string? FileName, [property: Id(1)] byte[]? Data);

/// <summary>Acknowledges the ticket.</summary>
[GenerateSerializer, Immutable, Alias("mc.AcceptTicket")]
public sealed record AcceptTicket([property: Id(0)] TicketPriority? Priority = null) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Accept;
}

/// <summary>Declines the ticket with a reason the submitter sees.</summary>
[GenerateSerializer, Immutable, Alias("mc.RejectTicket")]
public sealed record RejectTicket([property: Id(0)] string? Reason) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Reject;
}

/// <summary>Hands the ticket to <c>operator</c> or <c>party:{id}</c>.</summary>
[GenerateSerializer, Immutable, Alias("mc.AssignTicket")]
public sealed record AssignTicket([property: Id(0)] string? Assignee, [property: Id(1)] string? Note) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Assign;
}

/// <summary>
/// Records the handling; <paramref name="RectificationRequested"/> notes why a rectification was asked for;
/// <paramref name="ConcernedStaffId"/> names the staff record of the person whose work it concerns (of the assignee's organisation;
/// left out, the one named before stays), which feeds their appraisal's complaint figures.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.HandleTicket")]
public sealed record HandleTicket([property: Id(0)] string? Note, [property: Id(1)] string? RectificationRequested,
    [property: Id(2)] string? ConcernedStaffId = null) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Handle;
}

/// <summary>The reply the submitter sees.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReplyTicket")]
public sealed record ReplyTicket([property: Id(0)] string? Text) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Reply;
}

/// <summary>The submitter rates the reply (1–5).</summary>
[GenerateSerializer, Immutable, Alias("mc.RateTicket")]
public sealed record RateTicket([property: Id(0)] int? Satisfaction, [property: Id(1)] string? Comment) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Rate;
}

/// <summary>Staff record a return visit (回访) and the satisfaction given (1–5).</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordTicketReturnVisit")]
public sealed record RecordTicketReturnVisit([property: Id(0)] int? Satisfaction, [property: Id(1)] string? Comment) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.RecordReturnVisit;
}

/// <summary>Closes the ticket; a reason is needed when the submitter was dissatisfied.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseTicket")]
public sealed record CloseTicket([property: Id(0)] string? Reason = null) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Close;
}

/// <summary>Sends a ticket the submitter was dissatisfied with back to its assignee, with a new reply time limit.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReopenTicket")]
public sealed record ReopenTicket([property: Id(0)] string? Reason) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Reopen;
}

/// <summary>Marks a time limit that passed unmet and escalates it.</summary>
[GenerateSerializer, Immutable, Alias("mc.EscalateTicket")]
public sealed record EscalateTicket([property: Id(0)] TicketDeadline Deadline) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.Escalate;
}

/// <summary>Deletes the submitter's personal data (name, phone, e-mail); the ticket stays, anonymous.</summary>
[GenerateSerializer, Immutable, Alias("mc.EraseTicketPersonalData")]
public sealed record EraseTicketPersonalData : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.ErasePersonalData;
}

/// <summary>Opens a rectification of the ticket's party: what to rectify (the title) and why (the detail).</summary>
[GenerateSerializer, Immutable, Alias("mc.OpenTicketRectification")]
public sealed record OpenTicketRectification([property: Id(0)] string? Title, [property: Id(1)] string? Detail) : TicketCommand
{
    /// <inheritdoc />
    public override TicketCommandType Type => TicketCommandType.OpenRectification;
}

/// <summary>One allowed move of a ticket.</summary>
public sealed record TicketTransition(TicketState? From, TicketCommandType Command, TicketRole Roles, TicketState To, string Note);

/// <summary>
/// The ticket's state table as data. Everything not listed is an illegal move (409); a listed move by a caller without
/// one of its roles is 403. docs/TICKETS.md prints it; the grain tests walk it.
/// </summary>
public static class TicketWorkflow
{
    private const TicketRole Handler = TicketRole.Handler;
    private const TicketRole Assignee = TicketRole.Assignee;
    private const TicketRole Submitter = TicketRole.Submitter;

    /// <summary>The states in which a time limit can still run (escalation applies there).</summary>
    public static IReadOnlyList<TicketState> Open { get; } =
        [TicketState.Received, TicketState.Accepted, TicketState.Assigned, TicketState.Handled, TicketState.Replied];

    /// <summary>The states in which a ticket can open a rectification: once it is with someone, also after it is closed.</summary>
    public static IReadOnlyList<TicketState> Rectifiable { get; } =
        [TicketState.Assigned, TicketState.Handled, TicketState.Replied, TicketState.ReturnVisited, TicketState.Closed];

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<TicketTransition> Transitions { get; } =
    [
        new(null, TicketCommandType.Submit, Submitter | Handler, TicketState.Received, "public form/API, or staff record a call or e-mail"),
        new(TicketState.Received, TicketCommandType.Accept, Handler, TicketState.Accepted, "acknowledged by the handler"),
        new(TicketState.Received, TicketCommandType.Reject, Handler, TicketState.Rejected, "reason required; the submitter sees it"),
        new(TicketState.Accepted, TicketCommandType.Assign, Handler, TicketState.Assigned, "to operator or party:{id}"),
        new(TicketState.Assigned, TicketCommandType.Assign, Handler, TicketState.Assigned, "reassign"),
        new(TicketState.Assigned, TicketCommandType.Handle, Assignee, TicketState.Handled, "note; rectification requested (reason) optional"),
        new(TicketState.Handled, TicketCommandType.Reply, Assignee | Handler, TicketState.Replied, "the submitter sees the reply"),
        new(TicketState.Replied, TicketCommandType.Rate, Submitter, TicketState.ReturnVisited, "satisfaction 1–5 by the submitter"),
        new(TicketState.Replied, TicketCommandType.RecordReturnVisit, Handler, TicketState.ReturnVisited, "return visit by staff, satisfaction 1–5"),
        new(TicketState.ReturnVisited, TicketCommandType.Close, Handler, TicketState.Closed, "a dissatisfied one only with a reason"),
        new(TicketState.ReturnVisited, TicketCommandType.Reopen, Handler | Submitter, TicketState.Assigned, "only after dissatisfaction; new reply limit"),
        .. Open.Select(s => new TicketTransition(s, TicketCommandType.Escalate, TicketRole.System, s, "time limit passed: overdue flag, alert centre")),
        .. Rectifiable.Select(s => new TicketTransition(s, TicketCommandType.OpenRectification, Handler, s,
            "a rectification of the assigned party, tracked on its own table; the ticket lists it")),
        .. Enum.GetValues<TicketState>().Select(s =>
            new TicketTransition(s, TicketCommandType.ErasePersonalData, Handler | Submitter | TicketRole.System, s,
                "deletion on request, or by the platform when the consented retention has passed; the anonymous ticket stays")),
    ];

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> Rows() =>
        Transitions.Select(t => new Operations.WorkflowRow(t.From?.ToString(), t.Command.ToString(), t.Roles.ToString(), t.To.ToString(), t.Note)).ToList();
}
