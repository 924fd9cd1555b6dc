using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Incidents;

/// <summary>Where an outbound webhook is in its life. See <see cref="WebhookWorkflow"/>.</summary>
public enum WebhookState
{
    /// <summary>Receives the notifications of its audience.</summary>
    Active,

    /// <summary>Stopped: receives nothing more; its delivery history stays readable.</summary>
    Stopped,
}

/// <summary>What can be done to a webhook.</summary>
public enum WebhookCommandType
{
    /// <summary>Attaches the webhook to an audience (its secret is shown once, in the answer).</summary>
    Create,

    /// <summary>Stops it.</summary>
    Stop,
}

/// <summary>Who acts on a webhook.</summary>
[Flags]
public enum WebhookRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>Manages the audience's webhooks (platform staff for the on-call audiences, a party's administrators for the party).</summary>
    Manager = 1,
}

/// <summary>The webhook life as a table: created active, stopped once.</summary>
public static class WebhookWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<WebhookState, WebhookCommandType, WebhookRole> Transitions { get; } = new(
    [
        new(null, WebhookCommandType.Create, WebhookRole.Manager, WebhookState.Active),
        new(WebhookState.Active, WebhookCommandType.Stop, WebhookRole.Manager, WebhookState.Stopped),
    ]);
}

/// <summary>How a webhook or notification command ended.</summary>
public enum AlertCentreOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>No such webhook or notification (for this caller) (404).</summary>
    NotFound,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold the role the move needs (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,
}

/// <summary>A webhook, never with its secret.</summary>
[GenerateSerializer, Immutable, Alias("mc.WebhookView")]
public sealed record WebhookView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Audience,
    [property: Id(2)] string? PartyId,
    [property: Id(3)] string Url,
    [property: Id(4)] List<string> Kinds,
    [property: Id(5)] bool Active,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] Guid CreatedBy,
    [property: Id(8)] string? Language = null)
{
    /// <summary>The language its payloads are rendered in (a webhook stored before webhooks had one: Chinese).</summary>
    public string PayloadLanguage => Language ?? Languages.Chinese;
}

/// <summary>
/// What a webhook is to be: where it posts, for which audience, which kinds (none: every kind), and the language its
/// payloads' texts are rendered in (one of <c>Languages.All</c>; none: Chinese).
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.WebhookDraft")]
public sealed record WebhookDraft([property: Id(0)] string Audience, [property: Id(1)] string Url, [property: Id(2)] List<string> Kinds,
    [property: Id(3)] string? Language = null);

/// <summary>The answer to a webhook command; <see cref="Secret"/> only in the answer to its creation.</summary>
[GenerateSerializer, Immutable, Alias("mc.WebhookResult")]
public sealed record WebhookResult(
    [property: Id(0)] AlertCentreOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] WebhookState? State,
    [property: Id(3)] List<WebhookCommandType> AllowedMoves,
    [property: Id(4)] WebhookView? Hook,
    [property: Id(5)] string? Secret)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == AlertCentreOutcome.Applied;
}

/// <summary>
/// One outbound webhook (key: its id, derived by the web from the caller's operation id, so a retried creation reaches the
/// same grain). Commands run through the command pipeline against <see cref="WebhookWorkflow"/>; the table the delivery
/// worker reads (<c>mc.webhooks</c>) is written before the acknowledgement. A webhook created before the grains owned
/// webhooks starts from its row.
/// </summary>
[Alias("mc.IWebhookGrain")]
public interface IWebhookGrain : IGrainWithGuidKey
{
    /// <summary>Creates the webhook with a new secret (answered once; a repeat of the operation answers the same).</summary>
    [Alias("Create")]
    Task<WebhookResult> CreateAsync(WebhookDraft draft, Guid createdBy, WebhookRole roles, string operationId);

    /// <summary>Stops the webhook. A stopped webhook is gone for commands (404); its history stays.</summary>
    [Alias("Stop")]
    Task<WebhookResult> StopAsync(WebhookRole roles, string operationId);

    /// <summary>The webhook, or null when there is none.</summary>
    [Alias("Get")]
    Task<WebhookView?> GetAsync();
}

/// <summary>The answer to marking notifications read: how many of the caller's notifications matched (read now or before).</summary>
[GenerateSerializer, Immutable, Alias("mc.NotificationReadResult")]
public sealed record NotificationReadResult([property: Id(0)] AlertCentreOutcome Outcome, [property: Id(1)] string? Message, [property: Id(2)] int Marked)
{
    /// <summary>True when the marks were stored.</summary>
    public bool Ok => Outcome == AlertCentreOutcome.Applied;
}

/// <summary>
/// One person's read marks in the alert centre (key: the user id). The web says which audiences the person belongs to;
/// the grain marks only notifications of those audiences, once per operation id.
/// </summary>
[Alias("mc.INotificationInboxGrain")]
public interface INotificationInboxGrain : IGrainWithGuidKey
{
    /// <summary>Marks one notification read (NotFound when none of the audiences has it), or all of them when <paramref name="notificationId"/> is null.</summary>
    [Alias("MarkRead")]
    Task<NotificationReadResult> MarkReadAsync(List<string> audiences, string? notificationId, string operationId);
}
