namespace MediaCenter.Grains.Operations;

/// <summary>
/// The daily patrol (每日巡视): once a day, and on demand, every subsystem and data flow is checked; the
/// report is stored and anomalies raise alerts.
/// </summary>
[Alias("mc.IPatrolGrain")]
public interface IPatrolGrain : IGrainWithStringKey
{
    /// <summary>The one patrol of a deployment.</summary>
    public const string DefaultKey = "daily";

    /// <summary>Schedules the daily run at a local time of day (a durable reminder); idempotent.</summary>
    [Alias("Schedule")]
    Task ScheduleAsync(TimeSpan localTimeOfDay, string timeZone);

    /// <summary>Runs a patrol now.</summary>
    [Alias("Run"), ResponseTimeout("00:01:00")]
    Task<PatrolReport> RunAsync(string trigger);
}

/// <summary>The verdict of one check.</summary>
public enum PatrolStatus
{
    /// <summary>Nothing wrong.</summary>
    Ok,

    /// <summary>Something needs a look.</summary>
    Warning,

    /// <summary>The subsystem is not working.</summary>
    Failed,
}

/// <summary>One check of a patrol.</summary>
/// <param name="Detail">The finding in English, for logs and incidents.</param>
/// <param name="Code">
/// The finding's message key (e.g. <c>patrol.publishing.late</c>), so a browser can word it in its own language from
/// <paramref name="Figures"/>; null for checks that only have <paramref name="Detail"/>.
/// </param>
/// <param name="Figures">The numbers behind the verdict, by name.</param>
[GenerateSerializer, Immutable, Alias("mc.PatrolCheck")]
public sealed record PatrolCheck(
    [property: Id(0)] string Name,
    [property: Id(1)] PatrolStatus Status,
    [property: Id(2)] string Detail,
    [property: Id(3)] string? Code = null,
    [property: Id(4)] Dictionary<string, long>? Figures = null);

/// <summary>A patrol report.</summary>
[GenerateSerializer, Immutable, Alias("mc.PatrolReport")]
public sealed record PatrolReport(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset FinishedAt,
    [property: Id(3)] string Trigger,
    [property: Id(4)] PatrolStatus Status,
    [property: Id(5)] IReadOnlyList<PatrolCheck> Checks);
