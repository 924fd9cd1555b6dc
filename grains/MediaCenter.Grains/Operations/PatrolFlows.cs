using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Operations;

/// <summary>What the patrol reads of the data flows outside the grains (PostgreSQL on real silos).</summary>
public interface IPatrolFlowProbes
{
    /// <summary>Scheduled publications and publishing failures.</summary>
    Task<PublishingCensus> PublishingAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>What the feeds serve compared with what the newsroom published.</summary>
    Task<FeedCensus> FeedsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The webhook delivery queue.</summary>
    Task<WebhookBacklog> WebhookBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Publishing figures: schedules past their time by more than the grace, open publishing incidents, publications in the last day.</summary>
public sealed record PublishingCensus(int ScheduledLate, int OpenFailures, int PublishedLastDay);

/// <summary>Feed figures: live publications, published stories the feeds do not serve, and the newest publication's age (null: none).</summary>
public sealed record FeedCensus(int LivePublications, int PublishedNotServed, long? MinutesSinceLastPublication);

/// <summary>Webhook figures: pending deliveries, those overdue by more than the grace, the oldest pending one's age, deliveries given up in the last day.</summary>
public sealed record WebhookBacklog(int Pending, int Overdue, long OldestPendingMinutes, int FailedLastDay);

/// <summary>
/// The patrol's verdicts on the data flows (F8.4): pure functions of the figures, so the thresholds are tested without a
/// cluster. Every check carries a message key and its figures (the browser words them); the English detail is for logs.
/// </summary>
public static class PatrolFlows
{
    /// <summary>How late a scheduled publication or a webhook delivery may be before it is worth a look.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>Pending deliveries beyond this many are a backlog even when none is overdue yet.</summary>
    public const int BacklogWarning = 500;

    /// <summary>Web instances: connected cluster clients that are not devices gateways.</summary>
    public static PatrolCheck Web(long clients, int gateways)
    {
        var web = Math.Max(0, clients - gateways);
        return new PatrolCheck("web", web > 0 ? PatrolStatus.Ok : PatrolStatus.Failed,
            web > 0 ? Msg.Of("ops.patrol.detail.web", ("count", web)) : Msg.Of("ops.patrol.detail.noWeb"),
            web > 0 ? "patrol.web.ok" : "patrol.web.none", new() { ["instances"] = web, ["clients"] = clients });
    }

    /// <summary>The devices gateways, as their beats show them.</summary>
    public static PatrolCheck Gateways(IngestPresence presence, DateTimeOffset now)
    {
        if (!presence.Known)
        {
            return new PatrolCheck("gateways", PatrolStatus.Warning, Msg.Of("ops.patrol.detail.gatewaysUnknown"),
                "patrol.gateways.unknown", new() { ["up"] = 0 });
        }

        if (presence.GatewaysUp == 0)
        {
            var minutes = presence.DownSince is { } since ? (long)(now - since).TotalMinutes : 0;
            return new PatrolCheck("gateways", PatrolStatus.Failed, Msg.Of("ops.patrol.detail.gatewaysDown", ("minutes", minutes)),
                "patrol.gateways.down", new() { ["up"] = 0, ["downMinutes"] = minutes });
        }

        var backlog = (long)presence.Backlog.TotalSeconds;
        return new PatrolCheck("gateways", backlog > 10 ? PatrolStatus.Warning : PatrolStatus.Ok,
            Msg.Of("ops.patrol.detail.gateways", ("up", presence.GatewaysUp), ("backlog", backlog)),
            backlog > 10 ? "patrol.gateways.backlog" : "patrol.gateways.ok", new() { ["up"] = presence.GatewaysUp, ["backlogSeconds"] = backlog });
    }

    /// <summary>Publishing: late schedules fail the check (stories are not going out); open publishing incidents want a look.</summary>
    public static PatrolCheck Publishing(PublishingCensus c)
    {
        var status = c.ScheduledLate > 0 ? PatrolStatus.Failed : c.OpenFailures > 0 ? PatrolStatus.Warning : PatrolStatus.Ok;
        return new PatrolCheck("publishing", status,
            Msg.Of("ops.patrol.detail.publishing", ("late", c.ScheduledLate), ("grace", (long)Grace.TotalMinutes), ("failures", c.OpenFailures), ("published", c.PublishedLastDay)),
            status switch { PatrolStatus.Failed => "patrol.publishing.late", PatrolStatus.Warning => "patrol.publishing.failures", _ => "patrol.publishing.ok" },
            new() { ["scheduledLate"] = c.ScheduledLate, ["openFailures"] = c.OpenFailures, ["publishedLastDay"] = c.PublishedLastDay });
    }

    /// <summary>Feeds: a published story the feeds do not serve is a broken flow.</summary>
    public static PatrolCheck Feeds(FeedCensus c)
    {
        var figures = new Dictionary<string, long> { ["live"] = c.LivePublications, ["notServed"] = c.PublishedNotServed };
        if (c.MinutesSinceLastPublication is { } minutes)
        {
            figures["minutesSinceLast"] = minutes;
        }

        return new PatrolCheck("feeds", c.PublishedNotServed > 0 ? PatrolStatus.Failed : PatrolStatus.Ok,
            Msg.Of("ops.patrol.detail.feeds", ("live", c.LivePublications), ("missing", c.PublishedNotServed),
                ("newest", c.MinutesSinceLastPublication is { } m ? Msg.Of("ops.patrol.detail.feedsNewest", ("minutes", m)) : Msg.Of("ops.patrol.detail.feedsNothing"))),
            c.PublishedNotServed > 0 ? "patrol.feeds.missing" : "patrol.feeds.ok", figures);
    }

    /// <summary>Webhooks: deliveries overdue, or a queue this long, mean receivers are not being served.</summary>
    public static PatrolCheck Webhooks(WebhookBacklog b)
    {
        var backlog = b.Overdue > 0 || b.Pending > BacklogWarning;
        var status = backlog ? PatrolStatus.Warning : PatrolStatus.Ok;
        return new PatrolCheck("webhooks", status,
            Msg.Of("ops.patrol.detail.webhooks", ("pending", b.Pending), ("overdue", b.Overdue), ("grace", (long)Grace.TotalMinutes), ("oldest", b.OldestPendingMinutes),
                ("failed", b.FailedLastDay)),
            backlog ? "patrol.webhooks.backlog" : "patrol.webhooks.ok",
            new() { ["pending"] = b.Pending, ["overdue"] = b.Overdue, ["oldestMinutes"] = b.OldestPendingMinutes, ["failedLastDay"] = b.FailedLastDay });
    }
}
