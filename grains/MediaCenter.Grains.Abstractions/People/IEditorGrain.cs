using MediaCenter.Grains.Events;

namespace MediaCenter.Grains.People;

/// <summary>
/// One staff member's work as the domain events show it (key: the user id): the tasks open now, the workload, and
/// activity counters per calendar day. Fed by the domain streams (implicit subscriptions to the article and incident
/// people streams) and made whole from <c>mc.event_log</c>: events the streams lost are read back from the log before
/// every answer, so the counters always equal what the log holds for the person.
/// </summary>
[Alias("mc.IEditorGrain")]
public interface IEditorGrain : IGrainWithGuidKey
{
    /// <summary>Open tasks, workload, and the counters of each day from <paramref name="from"/> to <paramref name="to"/> (inclusive).</summary>
    [Alias("GetActivity")]
    Task<EditorActivity> GetActivityAsync(DateOnly from, DateOnly to);
}

/// <summary>Settings of the editor grains (section <c>People</c>; the web reads the time zone too, for default date ranges).</summary>
public sealed class EditorOptions
{
    public const string Section = "People";

    /// <summary>The zone whose calendar days the counters use.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>How often an active grain reads the log back for events the streams did not deliver.</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long live deliveries are gathered before the state is written (a crash in between loses nothing: the log has them).</summary>
    public TimeSpan WriteDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>What kind of open task.</summary>
public enum EditorTaskKind
{
    /// <summary>A story assigned to the person, not yet submitted (or rejected back to them).</summary>
    Assignment,

    /// <summary>The person's pitch, returned by the chief to be revised.</summary>
    ReturnedPitch,

    /// <summary>An incident the person acknowledged (owns) and that is not resolved yet.</summary>
    Incident,
}

/// <summary>One open task.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorTask")]
public sealed record EditorTask(
    [property: Id(0)] EditorTaskKind Kind,
    [property: Id(1)] string EntityId,
    [property: Id(2)] string Title,
    [property: Id(3)] string? Channel,
    [property: Id(4)] string Stage,
    [property: Id(5)] DateTimeOffset? DueAt,
    [property: Id(6)] DateTimeOffset Since);

/// <summary>How much is on the person's plate now.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorWorkload")]
public sealed record EditorWorkload(
    [property: Id(0)] int OpenTasks,
    [property: Id(1)] int Assignments,
    [property: Id(2)] int Overdue,
    [property: Id(3)] int DueWithinDay);

/// <summary>Activity counters (of a day, or summed over days).</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorCounters")]
public sealed record EditorCounters(
    [property: Id(0)] int PitchesFiled,
    [property: Id(1)] int PitchesSelected,
    [property: Id(2)] int DraftsSaved,
    [property: Id(3)] int ReviewsDone,
    [property: Id(4)] long ReviewSeconds,
    [property: Id(5)] int ReviewsTimed,
    [property: Id(6)] int AssignmentsSubmitted,
    [property: Id(7)] int SubmittedOnTime,
    [property: Id(8)] int IncidentsAcknowledged,
    [property: Id(9)] int IncidentsResolved)
{
    /// <summary>No activity.</summary>
    public static EditorCounters Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Share of submitted assignments that were in by their due time (null when none was submitted).</summary>
    public double? OnTimeRate => AssignmentsSubmitted == 0 ? null : (double)SubmittedOnTime / AssignmentsSubmitted;

    /// <summary>Mean minutes from a story reaching the reviewer's level to the decision (null when none was timed).</summary>
    public double? AverageReviewMinutes => ReviewsTimed == 0 ? null : ReviewSeconds / 60.0 / ReviewsTimed;

    /// <summary>The sum of two sets of counters.</summary>
    public EditorCounters Plus(EditorCounters o) => new(PitchesFiled + o.PitchesFiled, PitchesSelected + o.PitchesSelected,
        DraftsSaved + o.DraftsSaved, ReviewsDone + o.ReviewsDone, ReviewSeconds + o.ReviewSeconds, ReviewsTimed + o.ReviewsTimed,
        AssignmentsSubmitted + o.AssignmentsSubmitted, SubmittedOnTime + o.SubmittedOnTime, IncidentsAcknowledged + o.IncidentsAcknowledged,
        IncidentsResolved + o.IncidentsResolved);
}

/// <summary>The counters of one calendar day (in the configured time zone).</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorDay")]
public sealed record EditorDay([property: Id(0)] DateOnly Day, [property: Id(1)] EditorCounters Counters);

/// <summary>How the events reached the grain: live from the streams, or read back from the log (what the streams lost).</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorDelivery")]
public sealed record EditorDelivery([property: Id(0)] long Live, [property: Id(1)] long FromLog, [property: Id(2)] LogPosition Checkpoint);

/// <summary>A person's activity over a date range.</summary>
[GenerateSerializer, Immutable, Alias("mc.EditorActivity")]
public sealed record EditorActivity(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] IReadOnlyList<EditorTask> OpenTasks,
    [property: Id(4)] EditorWorkload Workload,
    [property: Id(5)] IReadOnlyList<EditorDay> Days,
    [property: Id(6)] EditorCounters Totals,
    [property: Id(7)] EditorDelivery Delivery);
