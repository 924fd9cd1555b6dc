using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Platform;

/// <summary>
/// A live topic: the key of its <see cref="ILiveTopicGrain"/>. Topics are named here and nowhere else, so a publisher
/// and its subscribers cannot drift apart on a spelling.
/// </summary>
[GenerateSerializer, Alias("mc.LiveTopic")]
public readonly record struct LiveTopic([property: Id(0)] string Key)
{
    /// <summary>One channel's newsroom board: versioned deltas (<see cref="BoardChanged"/>).</summary>
    public static LiveTopic Board(string channel) => new("board/" + channel);

    /// <summary>Terminal changes of the whole fleet, in per-silo batches (<see cref="TerminalsChanged"/>).</summary>
    public static readonly LiveTopic Fleet = new("fleet");

    /// <summary>Incident changes (<see cref="IncidentCardChanged"/>).</summary>
    public static readonly LiveTopic Incidents = new("incidents");

    /// <summary>Notifications for the alert centre (<see cref="NotificationRaised"/>).</summary>
    public static readonly LiveTopic Notifications = new("notifications");

    /// <summary>The platform's hot-event mode (<see cref="HotModeChanged"/>; the latest is kept for new subscribers).</summary>
    public static readonly LiveTopic HotMode = new("hot-mode");

    /// <summary>Operations records of the access parties: hot events, plans, drills, campaigns.</summary>
    public static readonly LiveTopic Operations = new("operations");

    /// <summary>Staff rosters of the organisations (<see cref="People.RosterChanged"/>).</summary>
    public static readonly LiveTopic People = new("people");

    /// <summary>What the devices gateways do for terminals: commands (<see cref="TerminalCommandIssued"/>), revocations (<see cref="TerminalCredentialRevoked"/>).</summary>
    public static readonly LiveTopic Commands = new("commands");

    /// <inheritdoc />
    public override string ToString() => Key;
}

/// <summary>
/// Something a live board, a web cache or a gateway reacts to at once. Grains publish what happened, in domain terms;
/// the subscriber decides who sees it and how (SignalR groups and payloads are the web's business).
/// </summary>
[GenerateSerializer, Alias("mc.LiveEvent")]
public abstract record LiveEvent
{
    /// <summary>
    /// True when the topic keeps this event for subscribers who arrive later (it is a whole snapshot, not a change):
    /// a new subscriber starts from it instead of waiting for the next change.
    /// </summary>
    public virtual bool Retained => false;
}

/// <summary>A channel's board changed: one card or the policy, with the board version after the change.</summary>
[GenerateSerializer, Alias("mc.live.BoardChanged")]
public sealed record BoardChanged([property: Id(0)] BoardDelta Delta) : LiveEvent;

/// <summary>Terminals changed (latest per terminal since the last batch).</summary>
[GenerateSerializer, Alias("mc.live.TerminalsChanged")]
public sealed record TerminalsChanged([property: Id(0)] IReadOnlyList<TerminalDelta> Changes) : LiveEvent;

/// <summary>An incident changed (its snapshot without the timeline).</summary>
[GenerateSerializer, Alias("mc.live.IncidentCardChanged")]
public sealed record IncidentCardChanged([property: Id(0)] IncidentSnapshot Incident) : LiveEvent;

/// <summary>A notification was stored for an audience (<c>ops</c>, <c>role:admin</c>, <c>management</c>).</summary>
[GenerateSerializer, Alias("mc.live.NotificationRaised")]
public sealed record NotificationRaised(
    [property: Id(0)] string Id,
    [property: Id(1)] string Audience,
    [property: Id(2)] string Kind,
    [property: Id(3)] string? IncidentId,
    [property: Id(4)] string? PartyId,
    [property: Id(5)] IncidentSeverity? Severity,
    [property: Id(6)] string Title,
    [property: Id(7)] string Body,
    [property: Id(8)] DateTimeOffset At) : LiveEvent
{
    /// <summary>The live event of an incident's notification.</summary>
    public static NotificationRaised Of(IncidentNotification n) =>
        new(n.Id, n.Audience, n.Kind, n.IncidentId, n.PartyId, n.Severity, n.Title, n.Body, n.At);
}

/// <summary>The hot-event mode changed; the whole registry, so a subscriber needs no second call.</summary>
[GenerateSerializer, Alias("mc.live.HotModeChanged")]
public sealed record HotModeChanged([property: Id(0)] HotModeSnapshot Mode) : LiveEvent
{
    /// <inheritdoc />
    public override bool Retained => true;
}

/// <summary>A hot event changed.</summary>
[GenerateSerializer, Alias("mc.live.HotEventCardChanged")]
public sealed record HotEventCardChanged([property: Id(0)] HotEventCard Card) : LiveEvent;

/// <summary>An emergency plan changed.</summary>
[GenerateSerializer, Alias("mc.live.PlanSummaryChanged")]
public sealed record PlanSummaryChanged([property: Id(0)] PlanSummary Plan) : LiveEvent;

/// <summary>A drill changed.</summary>
[GenerateSerializer, Alias("mc.live.DrillViewChanged")]
public sealed record DrillViewChanged([property: Id(0)] DrillView Drill) : LiveEvent;

/// <summary>A campaign changed.</summary>
[GenerateSerializer, Alias("mc.live.CampaignViewChanged")]
public sealed record CampaignViewChanged([property: Id(0)] CampaignView Campaign) : LiveEvent;

/// <summary>A command for a terminal: every gateway hears it, and the one holding the terminal's connection delivers it.</summary>
[GenerateSerializer, Alias("mc.live.TerminalCommandIssued")]
public sealed record TerminalCommandIssued([property: Id(0)] string TerminalId, [property: Id(1)] TerminalCommand Command) : LiveEvent;

/// <summary>A terminal's MQTT credential was revoked: the gateway holding its connection closes it.</summary>
[GenerateSerializer, Alias("mc.live.TerminalCredentialRevoked")]
public sealed record TerminalCredentialRevoked([property: Id(0)] string TerminalId) : LiveEvent;

/// <summary>A subscriber of live topics: a web host or a devices gateway.</summary>
[Alias("mc.ILiveObserver")]
public interface ILiveObserver : IGrainObserver
{
    /// <summary>An event of a topic this observer subscribed to.</summary>
    [Alias("OnEvent")]
    void OnEvent(LiveTopic topic, LiveEvent live);
}

/// <summary>
/// The one live hub, one activation per topic (key: <see cref="LiveTopic.Key"/>). Subscriptions are held in memory and
/// expire after <see cref="Expiry"/> unless renewed: subscribers renew far more often, which also puts them back after
/// the silo holding a topic died and the topic came back empty.
/// </summary>
[Alias("mc.ILiveTopicGrain")]
public interface ILiveTopicGrain : IGrainWithStringKey
{
    /// <summary>How long a subscription lives without a renewal.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    /// <summary>Adds or renews a subscription; returns the retained snapshot of the topic, if it keeps one.</summary>
    [Alias("Subscribe")]
    Task<LiveEvent?> SubscribeAsync(ILiveObserver observer);

    /// <summary>Removes a subscription.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ILiveObserver observer);

    /// <summary>Tells every subscriber (best effort: a subscriber that was away reloads what it shows).</summary>
    [Alias("Publish"), Orleans.Concurrency.OneWay]
    Task PublishAsync(LiveEvent live);

    /// <summary>How many subscriptions are live now.</summary>
    [Alias("CountSubscribers")]
    Task<int> CountSubscribersAsync();
}

/// <summary>Reaching a topic's hub.</summary>
public static class LiveTopicExtensions
{
    /// <summary>The hub of a topic.</summary>
    public static ILiveTopicGrain Topic(this IGrainFactory grains, LiveTopic topic) => grains.GetGrain<ILiveTopicGrain>(topic.Key);

    /// <summary>Publishes an event to a topic (best effort, one-way).</summary>
    public static Task PublishLiveAsync(this IGrainFactory grains, LiveTopic topic, LiveEvent live) => grains.Topic(topic).PublishAsync(live);
}
