namespace MediaCenter.Grains.Incidents;

/// <summary>One incident: lifecycle, escalation, notifications, suspension, root cause, feedback, timeline.</summary>
[Alias("mc.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<IncidentResult> ExecuteAsync(IncidentCommand command, IncidentActor actor, string operationId);

    /// <summary>
    /// Another occurrence of the same fault: counted on the incident (and a resolved one reopens). False when the
    /// incident is closed: the fault then opens a new incident.
    /// </summary>
    [Alias("Recur")]
    Task<bool> RecurAsync(IncidentReport report);

    /// <summary>The incident, or null when it was never reported.</summary>
    [Alias("Get")]
    Task<IncidentSnapshot?> GetAsync();
}

/// <summary>
/// One per dedup key: keeps the open incident of a fault, so a thousand repeats append to one incident.
/// Reports from every source go through here.
/// </summary>
[Alias("mc.IIncidentDeskGrain")]
public interface IIncidentDeskGrain : IGrainWithStringKey
{
    /// <summary>Opens an incident for the fault, or counts the report on the open one; returns the incident id.</summary>
    [Alias("Report")]
    Task<string> ReportAsync(IncidentReport report, IncidentActor actor, string operationId);

    /// <summary>The incident of this fault is closed: the next report opens a new one.</summary>
    [Alias("Release"), Orleans.Concurrency.OneWay]
    Task ReleaseAsync(string incidentId);

    /// <summary>An incident of this fault was reopened: it takes the fault's reports again, unless another is open.</summary>
    [Alias("Claim"), Orleans.Concurrency.OneWay]
    Task ClaimAsync(string incidentId);

    /// <summary>The open incident of this fault, if any.</summary>
    [Alias("Open"), Orleans.Concurrency.ReadOnly]
    Task<string?> OpenIncidentAsync();
}
