using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Incidents;

/// <summary>The incident lifecycle as data (F9.2). Anything not listed is an illegal move (409); a listed move without the role is 403.</summary>
public static class IncidentWorkflow
{
    private const IncidentRole Operator = IncidentRole.Operator;
    private const IncidentRole System = IncidentRole.System;
    private const IncidentRole Party = IncidentRole.Party;
    private const IncidentRole Management = IncidentRole.Management;

    private static readonly IncidentStage[] Open =
        [IncidentStage.Reported, IncidentStage.Acknowledged, IncidentStage.ServiceSuspended, IncidentStage.Mitigated];

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<IncidentStage, IncidentCommandType, IncidentRole> Transitions { get; } = new(Build());

    private static List<Transition<IncidentStage, IncidentCommandType, IncidentRole>> Build()
    {
        var rows = new List<Transition<IncidentStage, IncidentCommandType, IncidentRole>>
        {
            new(null, IncidentCommandType.Report, Operator | Party | System, IncidentStage.Reported),
            new(IncidentStage.Reported, IncidentCommandType.Acknowledge, Operator, IncidentStage.Acknowledged),
            new(IncidentStage.Reported, IncidentCommandType.Escalate, System, IncidentStage.Reported),
            new(IncidentStage.Acknowledged, IncidentCommandType.SuspendService, Operator, IncidentStage.ServiceSuspended),
            new(IncidentStage.Acknowledged, IncidentCommandType.Mitigate, Operator, IncidentStage.Mitigated),
            new(IncidentStage.Acknowledged, IncidentCommandType.Resolve, Operator, IncidentStage.Resolved),
            new(IncidentStage.ServiceSuspended, IncidentCommandType.Mitigate, Operator, IncidentStage.Mitigated),
            new(IncidentStage.Mitigated, IncidentCommandType.ResumeService, Operator, IncidentStage.Mitigated),
            new(IncidentStage.Mitigated, IncidentCommandType.Resolve, Operator, IncidentStage.Resolved),
            new(IncidentStage.Resolved, IncidentCommandType.RecordRootCause, Operator, IncidentStage.RootCauseRecorded),
            new(IncidentStage.RootCauseRecorded, IncidentCommandType.RecordRootCause, Operator, IncidentStage.RootCauseRecorded),
            new(IncidentStage.RootCauseRecorded, IncidentCommandType.UpdateAction, Operator, IncidentStage.RootCauseRecorded),
            new(IncidentStage.RootCauseRecorded, IncidentCommandType.SendFeedback, Operator, IncidentStage.FeedbackSent),
            new(IncidentStage.FeedbackSent, IncidentCommandType.UpdateAction, Operator, IncidentStage.FeedbackSent),
            new(IncidentStage.FeedbackSent, IncidentCommandType.ReadFeedback, Party | Management, IncidentStage.FeedbackSent),
            new(IncidentStage.FeedbackSent, IncidentCommandType.Close, Operator, IncidentStage.Closed),
            new(IncidentStage.Closed, IncidentCommandType.UpdateAction, Operator, IncidentStage.Closed),
            new(IncidentStage.Closed, IncidentCommandType.ReadFeedback, Party | Management, IncidentStage.Closed),
        };

        // The monitoring that raised it says the fault is gone (Alertmanager "resolved"): resolved as an operator would, unless a
        // channel's service is suspended (that needs a person's verification first).
        foreach (var stage in new[] { IncidentStage.Reported, IncidentStage.Acknowledged, IncidentStage.Mitigated })
        {
            rows.Add(new(stage, IncidentCommandType.Clear, System, IncidentStage.Resolved));
        }

        // The fault is back, or the fix did not hold: anyone affected may reopen, and a repeat of the fault reopens it by itself.
        foreach (var stage in new[] { IncidentStage.Resolved, IncidentStage.RootCauseRecorded, IncidentStage.FeedbackSent, IncidentStage.Closed })
        {
            rows.Add(new(stage, IncidentCommandType.Reopen, Operator | Party | System, IncidentStage.Reported));
        }

        foreach (var stage in Open)
        {
            rows.Add(new(stage, IncidentCommandType.SetSeverity, Operator, stage));

            // Members join a grouped incident only while it is being handled; after resolution a new alert is a new fault.
            rows.Add(new(stage, IncidentCommandType.JoinGroup, System, stage));
        }

        // Recoveries and the counts they change are recorded until the incident is closed.
        foreach (var stage in Enum.GetValues<IncidentStage>().Where(s => s != IncidentStage.Closed))
        {
            rows.Add(new(stage, IncidentCommandType.MemberRecovered, System, stage));
            rows.Add(new(stage, IncidentCommandType.GroupUpdate, System, stage));
        }

        foreach (var stage in Enum.GetValues<IncidentStage>().Where(s => s != IncidentStage.Closed))
        {
            rows.Add(new(stage, IncidentCommandType.CitePlan, Operator, stage));
        }

        foreach (var stage in Enum.GetValues<IncidentStage>())
        {
            rows.Add(new(stage, IncidentCommandType.Comment, Operator | Management | Party | System, stage));
        }

        return rows;
    }

    /// <summary>The move for a command in a stage, or null when it is illegal there.</summary>
    public static Transition<IncidentStage, IncidentCommandType, IncidentRole>? Find(IncidentStage? from, IncidentCommandType command) =>
        Transitions.Find(from, command);

    /// <summary>Commands allowed in a stage (a concrete list: results are kept in grain state).</summary>
    public static IReadOnlyList<IncidentCommandType> AllowedIn(IncidentStage? from) => Transitions.AllowedIn(from);

    /// <summary>True while the incident is open for new occurrences of its fault (not closed).</summary>
    public static bool IsOpen(IncidentStage stage) => stage != IncidentStage.Closed;
}
