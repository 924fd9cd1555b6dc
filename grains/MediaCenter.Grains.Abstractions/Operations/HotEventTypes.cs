namespace MediaCenter.Grains.Operations;

/// <summary>Where a hot event (热点事件) is in its life. See <see cref="HotEventWorkflow"/>.</summary>
public enum HotEventStatus
{
    /// <summary>已登记: registered by its access party, waiting for the operator's acknowledgement.</summary>
    Registered,

    /// <summary>已确认: acknowledged by an operator; becomes Active by itself when its window opens.</summary>
    Acknowledged,

    /// <summary>进行中: inside its window; the platform is in hot-event mode.</summary>
    Active,

    /// <summary>已结束: its window closed (or an operator stopped it early).</summary>
    Ended,

    /// <summary>已取消: cancelled by its party before the window opened.</summary>
    Cancelled,

    /// <summary>已过期: the window closed without an acknowledgement; it never became active.</summary>
    Expired,
}

/// <summary>What can be done to a hot event. Each is a set of rows of <see cref="HotEventWorkflow.Transitions"/>.</summary>
public enum HotEventCommandType
{
    /// <summary>The access party registers the event.</summary>
    Register,

    /// <summary>The access party changes the event before its window; the acknowledgement must be given again.</summary>
    Edit,

    /// <summary>The access party replaces the Q&amp;A script (应答口径), also during the window.</summary>
    UpdateScript,

    /// <summary>An operator acknowledges the event.</summary>
    Acknowledge,

    /// <summary>The access party cancels the event before its window opens.</summary>
    Cancel,

    /// <summary>An operator ends an active event before its window closes.</summary>
    Stop,

    /// <summary>The platform: the window of an acknowledged event opened.</summary>
    Start,

    /// <summary>The platform: the window of an acknowledged or active event closed.</summary>
    End,

    /// <summary>The platform: the window of an unacknowledged event closed.</summary>
    Expire,
}

/// <summary>Who may give a hot-event command (flags: a caller may hold several).</summary>
[Flags]
public enum HotEventRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>A user of the event's access party (party admin or member).</summary>
    Party = 1,

    /// <summary>A platform operator or administrator.</summary>
    Operator = 2,

    /// <summary>The platform itself (the window's timers).</summary>
    System = 4,
}

/// <summary>How a command ended.</summary>
public enum HotEventOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold a role the move needs (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such hot event (404).</summary>
    NotFound,
}

/// <summary>A person acting on hot events.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventPerson")]
public sealed record HotEventPerson([property: Id(0)] Guid Id, [property: Id(1)] string Name);

/// <summary>Who gives a command, with the roles the web layer established from the identity store.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventActor")]
public sealed record HotEventActor([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] HotEventRole Roles)
{
    /// <summary>The platform itself (the window opening and closing).</summary>
    public static HotEventActor System { get; } = new(Guid.Empty, Msg.Of("ops.systemActor"), HotEventRole.System);

    /// <summary>The person behind the actor.</summary>
    public HotEventPerson Person => new(UserId, Name);
}

/// <summary>One question and its prepared answer (应答口径).</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventQa")]
public sealed record HotEventQa([property: Id(0)] string Question, [property: Id(1)] string Answer);

/// <summary>
/// A command to a hot event: one record per kind of move, carrying only its own arguments (nullable where the caller
/// may omit them, so the grain answers with its own 422 message). <see cref="Comment"/> is the note any command may
/// carry into the timeline (the reason of a cancellation or a stop, an acknowledgement's note).
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventCommand")]
public abstract record HotEventCommand
{
    /// <summary>The row set of <see cref="HotEventWorkflow.Transitions"/> this command is checked against.</summary>
    public abstract HotEventCommandType Type { get; }

    /// <summary>Cancel / Stop: the reason; Acknowledge: an optional note.</summary>
    [Id(0)] public string? Comment { get; init; }

    /// <summary>The details registering and editing share; null keeps a detail when editing.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Details")]
    public abstract record DetailsCommand : HotEventCommand
    {
        /// <summary>Title of the release.</summary>
        [Id(0)] public string? Title { get; init; }

        /// <summary>The policy released (政策).</summary>
        [Id(1)] public string? Policy { get; init; }

        /// <summary>The window opens.</summary>
        [Id(2)] public DateTimeOffset? StartsAt { get; init; }

        /// <summary>The window closes.</summary>
        [Id(3)] public DateTimeOffset? EndsAt { get; init; }

        /// <summary>Expected traffic as a multiple of normal (1–1000).</summary>
        [Id(4)] public double? TrafficMultiple { get; init; }

        /// <summary>The affected channels (codes of the party's channels).</summary>
        [Id(5)] public IReadOnlyList<string>? Channels { get; init; }

        /// <summary>The Q&amp;A script.</summary>
        [Id(6)] public IReadOnlyList<HotEventQa>? Qa { get; init; }
    }

    /// <summary>The access party registers the event.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Register")]
    public sealed record Register : DetailsCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Register;

        /// <summary>The access party the event belongs to.</summary>
        [Id(0)] public string? PartyId { get; init; }
    }

    /// <summary>The access party changes the event before its window; the acknowledgement must be given again.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Edit")]
    public sealed record Edit : DetailsCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Edit;
    }

    /// <summary>The access party replaces the Q&amp;A script (应答口径), also during the window.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.UpdateScript")]
    public sealed record UpdateScript : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.UpdateScript;

        /// <summary>The new script (required).</summary>
        [Id(0)] public IReadOnlyList<HotEventQa>? Qa { get; init; }
    }

    /// <summary>An operator acknowledges the event.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Acknowledge")]
    public sealed record Acknowledge : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Acknowledge;
    }

    /// <summary>The access party cancels the event before its window opens; <see cref="Comment"/> is the reason (required).</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Cancel")]
    public sealed record Cancel : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Cancel;
    }

    /// <summary>An operator ends an active event early; <see cref="Comment"/> is the reason (required).</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Stop")]
    public sealed record Stop : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Stop;
    }

    /// <summary>The platform: the window of an acknowledged event opened.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Start")]
    public sealed record Start : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Start;
    }

    /// <summary>The platform: the window of an acknowledged or active event closed.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.End")]
    public sealed record End : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.End;
    }

    /// <summary>The platform: the window of an unacknowledged event closed.</summary>
    [GenerateSerializer, Immutable, Alias("mc.HotEventCommand.Expire")]
    public sealed record Expire : HotEventCommand
    {
        /// <inheritdoc/>
        public override HotEventCommandType Type => HotEventCommandType.Expire;
    }
}

/// <summary>A hot event as lists and boards show it (no Q&amp;A).</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventCard")]
public sealed record HotEventCard(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Title,
    [property: Id(3)] HotEventStatus Status,
    [property: Id(4)] DateTimeOffset StartsAt,
    [property: Id(5)] DateTimeOffset EndsAt,
    [property: Id(6)] double TrafficMultiple,
    [property: Id(7)] IReadOnlyList<string> Channels,
    [property: Id(8)] int QaCount,
    [property: Id(9)] HotEventPerson RegisteredBy,
    [property: Id(10)] HotEventPerson? AcknowledgedBy,
    [property: Id(11)] string? LastComment,
    [property: Id(12)] long Version,
    [property: Id(13)] DateTimeOffset UpdatedAt);

/// <summary>One entry of an event's timeline.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventHistoryEntry")]
public sealed record HotEventHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] HotEventPerson Actor,
    [property: Id(3)] HotEventCommandType Command,
    [property: Id(4)] HotEventStatus? From,
    [property: Id(5)] HotEventStatus To,
    [property: Id(6)] string? Comment);

/// <summary>A hot event in full.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventView")]
public sealed record HotEventView(
    [property: Id(0)] HotEventCard Card,
    [property: Id(1)] string Policy,
    [property: Id(2)] IReadOnlyList<HotEventQa> Qa,
    [property: Id(3)] IReadOnlyList<HotEventHistoryEntry> History);

/// <summary>The outcome of a command: on success the card after it, otherwise the reason, the state and the moves allowed there.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventResult")]
public sealed record HotEventResult(
    [property: Id(0)] HotEventOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] HotEventStatus? Status,
    [property: Id(3)] IReadOnlyList<HotEventCommandType> AllowedMoves,
    [property: Id(4)] HotEventCard? Card)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == HotEventOutcome.Applied;
}

/// <summary>What the public Q&amp;A endpoint serves while the event is acknowledged or active.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotEventScript")]
public sealed record HotEventScript(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Policy,
    [property: Id(3)] HotEventStatus Status,
    [property: Id(4)] DateTimeOffset StartsAt,
    [property: Id(5)] DateTimeOffset EndsAt,
    [property: Id(6)] IReadOnlyList<HotEventQa> Qa,
    [property: Id(7)] long Version);

/// <summary>An event the public may see (acknowledged or active), as the hot-mode registry holds it.</summary>
[GenerateSerializer, Immutable, Alias("mc.HotModeEntry")]
public sealed record HotModeEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Title,
    [property: Id(3)] HotEventStatus Status,
    [property: Id(4)] DateTimeOffset StartsAt,
    [property: Id(5)] DateTimeOffset EndsAt,
    [property: Id(6)] double TrafficMultiple,
    [property: Id(7)] IReadOnlyList<string> Channels,
    [property: Id(8)] long Version);

/// <summary>
/// The platform's hot-event mode: every acknowledged or active event; the mode is on while any is active.
/// <see cref="Version"/> grows with every change.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.HotModeSnapshot")]
public sealed record HotModeSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<HotModeEntry> Events,
    [property: Id(2)] DateTimeOffset ServerTime)
{
    /// <summary>True while at least one event is active: public rate limits use the hot profile, boards show the banner.</summary>
    public bool Hot => Events.Any(e => e.Status == HotEventStatus.Active);
}
