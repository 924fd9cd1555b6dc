using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tickets;

/// <summary>What the public brings (投诉、咨询、建议, F11.1).</summary>
public enum TicketKind
{
    /// <summary>投诉.</summary>
    Complaint,

    /// <summary>咨询.</summary>
    Consultation,

    /// <summary>建议.</summary>
    Suggestion,
}

/// <summary>How urgent a ticket is; the time limits are set per kind and priority.</summary>
public enum TicketPriority
{
    /// <summary>一般.</summary>
    Normal,

    /// <summary>紧急.</summary>
    Urgent,
}

/// <summary>How the ticket came in.</summary>
public enum TicketSource
{
    /// <summary>The public web form.</summary>
    Web,

    /// <summary>The JSON API (a mini client, 微客户端).</summary>
    Api,

    /// <summary>A phone call, recorded by staff.</summary>
    Phone,

    /// <summary>An e-mail, recorded by staff.</summary>
    Email,
}

/// <summary>The state of a ticket. See <see cref="TicketWorkflow"/>.</summary>
public enum TicketState
{
    /// <summary>已接收: waiting to be acknowledged.</summary>
    Received,

    /// <summary>已受理.</summary>
    Accepted,

    /// <summary>不予受理 (with a reason); final.</summary>
    Rejected,

    /// <summary>已分派: with an access party or the operator.</summary>
    Assigned,

    /// <summary>已办理.</summary>
    Handled,

    /// <summary>已答复: the submitter sees the reply.</summary>
    Replied,

    /// <summary>已回访: satisfaction recorded (by the submitter's rating or a staff return visit).</summary>
    ReturnVisited,

    /// <summary>已办结; final.</summary>
    Closed,
}

/// <summary>What can be done to a ticket.</summary>
public enum TicketCommandType
{
    /// <summary>The public files a ticket, or staff record a call or an e-mail.</summary>
    Submit,

    /// <summary>The operator acknowledges it (受理).</summary>
    Accept,

    /// <summary>The operator declines it, with a reason (不予受理).</summary>
    Reject,

    /// <summary>The operator hands it to an access party or to the operator itself (reassigning is the same move).</summary>
    Assign,

    /// <summary>The assignee records what was done; may note that a rectification was requested.</summary>
    Handle,

    /// <summary>The reply the submitter sees.</summary>
    Reply,

    /// <summary>The submitter rates the reply (the return visit by the public itself).</summary>
    Rate,

    /// <summary>Staff record a return visit (回访) with the submitter's satisfaction.</summary>
    RecordReturnVisit,

    /// <summary>The operator closes it (a dissatisfied one only with a reason).</summary>
    Close,

    /// <summary>Back to the assignee after a dissatisfied return visit.</summary>
    Reopen,

    /// <summary>The platform marks a passed time limit and escalates it to the alert centre.</summary>
    Escalate,

    /// <summary>The submitter's personal data is deleted on request; the anonymous ticket stays.</summary>
    ErasePersonalData,

    /// <summary>The operator opens a rectification (整改) of the party the ticket is assigned to (§12.4.3).</summary>
    OpenRectification,
}

/// <summary>Who may give a ticket command (flags, so a caller may hold several).</summary>
[Flags]
public enum TicketRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>The person who filed it, proven by the follow-up code and their phone or e-mail.</summary>
    Submitter = 1,

    /// <summary>The operator's staff who receive and dispatch tickets (administrators and operators).</summary>
    Handler = 2,

    /// <summary>The users of the party the ticket is assigned to (or the operator's staff when it is assigned to the operator).</summary>
    Assignee = 4,

    /// <summary>The platform itself (time limits).</summary>
    System = 8,
}

/// <summary>How a ticket command ended (named like the other workflows', so one problem-details mapping serves all).</summary>
public enum TicketOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold a role the move needs (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such ticket (404).</summary>
    NotFound,
}

/// <summary>The time limits of a ticket.</summary>
public enum TicketDeadline
{
    /// <summary>受理时限: accepted or rejected within N working days of receipt.</summary>
    Acknowledge,

    /// <summary>答复时限: replied within N working days of receipt (of the reopening, after one).</summary>
    Reply,

    /// <summary>回访时限: the return visit within N days of the reply.</summary>
    ReturnVisit,
}

/// <summary>What kind of caller gives a command; the grain derives the caller's roles on the ticket from it.</summary>
public enum TicketActorKind
{
    /// <summary>A member of the public, proven by code and contact (no account).</summary>
    Public,

    /// <summary>The operator's staff (administrators, operators).</summary>
    PlatformStaff,

    /// <summary>A user of an access party.</summary>
    PartyUser,

    /// <summary>The platform (time limits).</summary>
    System,
}

/// <summary>Who gives a command. The web layer establishes the kind (and party) from the identity store or the follow-up proof.</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketActor")]
public sealed record TicketActor(
    [property: Id(0)] Guid? UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] TicketActorKind Kind,
    [property: Id(3)] string? PartyId = null)
{
    /// <summary>The public, as the follow-up proof establishes them.</summary>
    public static TicketActor Public { get; } = new(null, Msg.Of("ticket.actorPublic"), TicketActorKind.Public);

    /// <summary>The platform.</summary>
    public static TicketActor System { get; } = new(null, Msg.Of("ticket.actorSystem"), TicketActorKind.System);
}

/// <summary>The consent given with the personal data (GB/T 35273): what for, how long it is kept, when, to which text.</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketConsent")]
public sealed record TicketConsent(
    [property: Id(0)] string Purpose,
    [property: Id(1)] int RetentionDays,
    [property: Id(2)] DateTimeOffset GivenAt,
    [property: Id(3)] string PolicyVersion);

/// <summary>The submitter's contact as the grain keeps it: each field encrypted by the web host, masked for lists.</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketContact")]
public sealed record TicketContact(
    [property: Id(0)] ProtectedField? Name,
    [property: Id(1)] ProtectedField? Phone,
    [property: Id(2)] ProtectedField? Email);

/// <summary>The clock of a ticket: its time limits, when each was met, and those that passed unmet (overdue, escalated).</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketClock")]
public sealed record TicketClock(
    [property: Id(0)] DateTimeOffset ReceivedAt,
    [property: Id(1)] DateTimeOffset AcknowledgeBy,
    [property: Id(2)] DateTimeOffset ReplyBy,
    [property: Id(3)] DateTimeOffset? ReturnVisitBy,
    [property: Id(4)] DateTimeOffset? AcknowledgedAt,
    [property: Id(5)] DateTimeOffset? RepliedAt,
    [property: Id(6)] DateTimeOffset? ReturnVisitedAt,
    [property: Id(7)] List<TicketDeadline> Overdue)
{
    /// <summary>The time limit running in a state, or null when none runs (final states, waiting to be closed).</summary>
    public static TicketDeadline? RunningIn(TicketState state) => state switch
    {
        TicketState.Received => TicketDeadline.Acknowledge,
        TicketState.Accepted or TicketState.Assigned or TicketState.Handled => TicketDeadline.Reply,
        TicketState.Replied => TicketDeadline.ReturnVisit,
        _ => null,
    };

    /// <summary>When a time limit ends.</summary>
    public DateTimeOffset? DueOf(TicketDeadline deadline) => deadline switch
    {
        TicketDeadline.Acknowledge => AcknowledgeBy,
        TicketDeadline.Reply => ReplyBy,
        _ => ReturnVisitBy,
    };
}

/// <summary>A ticket as staff lists and pages show it: the submitter's contact only masked.</summary>
/// <param name="Assignee">Who handles it: <c>operator</c> or <c>party:{id}</c>; null before it is assigned.</param>
/// <param name="RectificationRequested">Why a rectification (整改) was asked for while handling it; the rectification itself is tracked elsewhere.</param>
/// <param name="Rectifications">The rectifications this ticket opened (ids of the general rectification grain), oldest first.</param>
/// <param name="Satisfaction">1 (very dissatisfied) to 5 (very satisfied), from the rating or the return visit.</param>
/// <param name="ConcernedStaffId">The staff record (of the assignee's organisation) of the person whose work it concerns, named while handling it.</param>
[GenerateSerializer, Immutable, Alias("mc.TicketView")]
public sealed record TicketView(
    [property: Id(0)] string Id,
    [property: Id(1)] TicketKind Kind,
    [property: Id(2)] TicketPriority Priority,
    [property: Id(3)] TicketSource Source,
    [property: Id(4)] string Subject,
    [property: Id(5)] string Content,
    [property: Id(6)] TicketState State,
    [property: Id(7)] string? Assignee,
    [property: Id(8)] string? NameMasked,
    [property: Id(9)] string? PhoneMasked,
    [property: Id(10)] string? EmailMasked,
    [property: Id(11)] TicketConsent? Consent,
    [property: Id(12)] DateTimeOffset? PersonalDataErasedAt,
    [property: Id(13)] string? RejectReason,
    [property: Id(14)] string? HandlingNote,
    [property: Id(15)] string? RectificationRequested,
    [property: Id(16)] string? Reply,
    [property: Id(17)] int? Satisfaction,
    [property: Id(18)] string? SatisfactionComment,
    [property: Id(19)] TicketClock Clock,
    [property: Id(20)] int Reopened,
    [property: Id(21)] long Version,
    [property: Id(22)] DateTimeOffset CreatedAt,
    [property: Id(23)] DateTimeOffset UpdatedAt,
    [property: Id(24)] string? CloseReason = null,
    [property: Id(25)] List<string>? Rectifications = null,
    [property: Id(26)] string? ConcernedStaffId = null,
    [property: Id(27)] List<TicketAttachment>? Attachments = null)
{
    /// <summary>Ratings at or below this are dissatisfied: the ticket goes back to its assignee, or is closed only with a reason.</summary>
    public const int DissatisfiedAtMost = 2;

    /// <summary>True when the last rating or return visit was dissatisfied.</summary>
    public bool Dissatisfied => Satisfaction is <= DissatisfiedAtMost;

    /// <summary>The access party it is assigned to, if any.</summary>
    public string? PartyId => Assignee is { } a && a.StartsWith("party:", StringComparison.Ordinal) ? a["party:".Length..] : null;
}

/// <summary>What the submitter sees when following the ticket: no internal notes, no other person's data.</summary>
[GenerateSerializer, Immutable, Alias("mc.PublicTicketView")]
public sealed record PublicTicketView(
    [property: Id(0)] string Code,
    [property: Id(1)] TicketKind Kind,
    [property: Id(2)] string Subject,
    [property: Id(3)] TicketState State,
    [property: Id(4)] string? RejectReason,
    [property: Id(5)] string? Reply,
    [property: Id(6)] int? Satisfaction,
    [property: Id(7)] TicketClock Clock,
    [property: Id(8)] bool PersonalDataErased,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] List<string>? Attachments = null)
{
    /// <summary>The public part of a ticket: of its attachments, only their names.</summary>
    public static PublicTicketView Of(TicketView t) =>
        new(t.Id, t.Kind, t.Subject, t.State, t.RejectReason, t.Reply, t.Satisfaction, t.Clock, t.PersonalDataErasedAt is not null, t.CreatedAt,
            [.. (t.Attachments ?? []).Select(a => a.FileName)]);
}

/// <summary>A file the submitter attached (kept in the media store, owned by the ticket; deleted with the personal data).</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketAttachment")]
public sealed record TicketAttachment(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string FileName,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long SizeBytes);

/// <summary>One entry of a ticket's history (no personal data: it goes to the event log).</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketHistoryEntry")]
public sealed record TicketHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid? ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] TicketCommandType Command,
    [property: Id(5)] TicketState? From,
    [property: Id(6)] TicketState To,
    [property: Id(7)] string? Comment);

/// <summary>A notification the ticket owes the alert centre (an outbox in its state; the id makes sending it again harmless).</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketNotice")]
public sealed record TicketNotice(
    [property: Id(0)] string Id,
    [property: Id(1)] string Audience,
    [property: Id(2)] string Kind,
    [property: Id(3)] string? PartyId,
    [property: Id(4)] string Title,
    [property: Id(5)] string Body,
    [property: Id(6)] DateTimeOffset At);

/// <summary>The outcome of a ticket command.</summary>
[GenerateSerializer, Immutable, Alias("mc.TicketResult")]
public sealed record TicketResult(
    [property: Id(0)] TicketOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] TicketState? State,
    [property: Id(3)] List<TicketCommandType> AllowedMoves,
    [property: Id(4)] TicketView? Ticket,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == TicketOutcome.Applied;
}
