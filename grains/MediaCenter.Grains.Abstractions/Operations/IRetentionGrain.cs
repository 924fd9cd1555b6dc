namespace MediaCenter.Grains.Operations;

/// <summary>
/// The retention job (F10.3, §10.1.3): once a day it deletes the rows whose time-based retention in the data dictionary has
/// passed and has the ticket grains delete contacts whose consented retention has passed (the anonymous ticket stays).
/// The append-only audit and login logs are never touched.
/// </summary>
[Alias("mc.IRetentionGrain")]
public interface IRetentionGrain : IGrainWithStringKey
{
    /// <summary>The one retention job of a deployment.</summary>
    public const string DefaultKey = "daily";

    /// <summary>Makes sure the daily run is scheduled (a durable reminder); idempotent.</summary>
    [Alias("Schedule")]
    Task ScheduleAsync();

    /// <summary>Runs the job now; running it again removes nothing more.</summary>
    [Alias("Run"), ResponseTimeout("00:02:00")]
    Task<RetentionRun> RunAsync(string trigger);

    /// <summary>
    /// A run asked for by a person (trigger <c>on-demand:{requestedBy}</c>), recorded like the scheduled ones. The operation id
    /// is remembered with the run: a retry of the same request answers that run and starts no second one.
    /// </summary>
    [Alias("RunOnDemand"), ResponseTimeout("00:02:00")]
    Task<RetentionRun> RunOnDemandAsync(string operationId, string requestedBy);
}

/// <summary>What one run removed: rows deleted per table, and <c>tickets.anonymised</c>; kept in mc.retention_runs.</summary>
[GenerateSerializer, Immutable, Alias("mc.RetentionRun")]
public sealed record RetentionRun(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset FinishedAt,
    [property: Id(3)] string Trigger,
    [property: Id(4)] Dictionary<string, long> Counts);
