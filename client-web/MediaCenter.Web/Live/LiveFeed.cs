using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Live;

/// <summary>
/// This web host's live events for the browsers (boards, incidents, notifications, operations, hot-event mode): each
/// event becomes the SignalR groups that may see it and the client method and payload the pages read. Board topics are
/// subscribed when a connection first watches the channel. Best effort: a board reloads its snapshot when it sees a
/// gap in versions or its connection comes back.
/// </summary>
public sealed class LiveFeed(IClusterClient cluster, LiveSender sender, LivePushMetrics metrics, TimeProvider time, ILogger<LiveFeed> logger)
    : LiveSubscriber("web", cluster, time, logger, LiveTopic.Incidents, LiveTopic.Notifications, LiveTopic.Operations, LiveTopic.HotMode, LiveTopic.People)
{
    /// <inheritdoc />
    protected override async Task HandleAsync(LiveTopic topic, LiveEvent live, CancellationToken cancellationToken)
    {
        switch (live)
        {
            case BoardChanged { Delta: var delta }:
                await sender.SendAsync("boardChanged", delta, cancellationToken, LiveHub.BoardGroupOf(delta.Channel));
                metrics.BoardSent(delta.At);
                break;

            case Grains.Intake.CollectionChanged changed:
                await sender.SendAsync("collectionChanged", changed, cancellationToken, LiveHub.BoardGroupOf(changed.Channel));
                break;

            case Grains.Intake.ReprintRequestChanged { Request: var request }:
                await sender.SendAsync("reprintChanged", request, cancellationToken, LiveHub.BoardGroupOf(request.Channel));
                break;

            case Grains.Interactive.InteractionChanged { Results: var results }:
                await sender.SendAsync("interactionChanged", results, cancellationToken, LiveHub.BoardGroupOf(results.Channel));
                break;

            case IncidentCardChanged { Incident: var incident }:
                await PartyAsync(incident.PartyId, "incidentChanged", incident, cancellationToken);
                break;

            case NotificationRaised n:
                await sender.SendAsync("notification",
                    new { n.Id, n.Audience, n.Kind, n.IncidentId, n.PartyId, n.Severity, n.Title, n.Body, n.At, Link = AppPages.Incident(n.IncidentId) }, cancellationToken,
                    AudienceGroup(n.Audience));
                break;

            case HotModeChanged { Mode: var mode }:
                await sender.SendAsync("hotEventMode", new
                {
                    mode.Version,
                    mode.Hot,
                    Events = mode.Events.Where(e => e.Status == HotEventStatus.Active)
                        .Select(e => new { e.Id, e.PartyId, e.Title, e.StartsAt, e.EndsAt, e.TrafficMultiple, e.Channels }),
                    mode.ServerTime,
                }, cancellationToken, LiveHub.AllGroup);
                break;

            case HotEventCardChanged { Card: var card }:
                var payload = new { card.Id, card.PartyId, card.Title, card.Status, card.StartsAt, card.EndsAt, card.Version };
                await sender.SendAsync("hotEventChanged", payload, cancellationToken, LiveHub.OpsGroup, LiveHub.PartyGroupOf(card.PartyId));
                break;

            case PlanSummaryChanged { Plan: var plan }:
                await PartyAsync(plan.PartyId, "planChanged", plan, cancellationToken);
                break;

            case DrillViewChanged { Drill: var drill }:
                await PartyAsync(drill.PartyId, "drillChanged",
                    new { drill.Id, drill.PlanId, drill.PartyId, drill.State, drill.Version, drill.ScheduledAt }, cancellationToken);
                break;

            case CampaignViewChanged { Campaign: var campaign }:
                await PartyAsync(campaign.PartyId, "campaignChanged", campaign, cancellationToken);
                break;

            case Grains.People.RosterChanged { Summary: var roster }:
                // The operator's own staff is for platform staff and management; a party's roster for the party too.
                await PartyAsync(Grains.People.Organisation.Parse(roster.Organisation)?.PartyId, "rosterChanged", roster, cancellationToken);
                break;

            case Grains.People.TrainingChanged { Overview: var training }:
                await PartyAsync(Grains.People.Organisation.Parse(training.Organisation)?.PartyId, "trainingChanged", training, cancellationToken);
                break;

            case Grains.Evaluation.EvaluationViewChanged { Evaluation: var evaluation }:
                // A small card: the page reloads the evaluation it shows and the comparison.
                await PartyAsync(evaluation.PartyId, "evaluationChanged",
                    new { evaluation.Id, evaluation.PartyId, evaluation.Year, evaluation.State, evaluation.Total, evaluation.Result, evaluation.Version }, cancellationToken);
                break;
            case Grains.Supervision.SupervisionViewChanged { Record: var record }:
                // A small card; an open mystery visit only reaches platform staff and management, never the party visited.
                await PartyAsync(record.VisibleToParty ? record.PartyId : null, "supervisionChanged",
                    new { record.Id, PartyId = record.VisibleToParty ? record.PartyId : null, record.State, record.Overdue, record.PlannedFor, record.Version },
                    cancellationToken);
                break;

            case Grains.Indicators.ReportExportChanged { Export: var export }:
                // Only the person who asked follows a pack made on request.
                await sender.SendAsync("reportExportChanged", Indicators.IndicatorsApi.ExportView.Of(export), cancellationToken,
                    LiveHub.UserGroupOf(export.Request.RequestedBy));
                break;

            case Grains.People.AppraisalViewChanged appraisal:
                // Only which appraisal moved: its figures and scores are for its appraisers and the person, who fetch it.
                await PartyAsync(Grains.People.Organisation.Parse(appraisal.Organisation)?.PartyId, "appraisalChanged",
                    new { appraisal.Id, appraisal.Organisation, appraisal.PersonId, appraisal.UserId, appraisal.State, appraisal.Version }, cancellationToken);
                break;
        }
    }

    /// <summary>Something of an access party: platform staff, management and the party's own users see it.</summary>
    private Task PartyAsync(string? partyId, string method, object payload, CancellationToken cancellationToken) =>
        sender.SendAsync(method, payload, cancellationToken, partyId is null
            ? [LiveHub.OpsGroup, LiveHub.ManagementGroup]
            : [LiveHub.OpsGroup, LiveHub.ManagementGroup, LiveHub.PartyGroupOf(partyId)]);

    /// <summary>The connections of a notification's audience (the on-call levels of incidents, and management).</summary>
    private static string AudienceGroup(string audience) => audience switch
    {
        "ops" => LiveHub.OpsGroup,
        "role:admin" => LiveHub.AdminGroup,
        "management" => LiveHub.ManagementGroup,
        _ => audience,
    };
}
