using MediaCenter.Grains.Events;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of an editor grain. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.EditorState")]
public sealed class EditorState
{
    /// <summary>Every event of this person below this position is applied (the log was read up to here).</summary>
    [Id(0)] public LogPosition Checkpoint { get; set; }

    /// <summary>Events applied live at or above the checkpoint: reading the log back skips them.</summary>
    [Id(1)] public List<LogPosition> Ahead { get; set; } = [];

    /// <summary>Open tasks, and closed ones not yet below the checkpoint (so that an older event arriving late cannot reopen them).</summary>
    [Id(2)] public List<TrackedTask> Tasks { get; set; } = [];

    /// <summary>Counters per day, in day order.</summary>
    [Id(3)] public List<EditorDay> Days { get; set; } = [];

    /// <summary>Events applied as the streams delivered them.</summary>
    [Id(4)] public long Live { get; set; }

    /// <summary>Events applied from the log (the streams had not delivered them).</summary>
    [Id(5)] public long FromLog { get; set; }
}

/// <summary>A task as the grain tracks it: the latest version of its entity applied, and whether it is open.</summary>
[GenerateSerializer, Alias("mc.TrackedTask")]
public sealed record TrackedTask(
    [property: Id(0)] EditorTask Task,
    [property: Id(1)] long Version,
    [property: Id(2)] LogPosition Position,
    [property: Id(3)] bool Open);

/// <summary>
/// What an event means for one person: counters of the day it happened on, and their open tasks. Counters add up, so
/// the order events are applied in does not matter for them; tasks follow the entity's versions, so an older event
/// applied after a newer one (a live delivery overtaken by the log) changes nothing.
/// </summary>
internal static class EditorLedger
{
    private static readonly ArticleStage[] AssignmentOpen = [ArticleStage.Assigned, ArticleStage.Drafting, ArticleStage.Rejected];
    private static readonly IncidentStage[] IncidentOpen = [IncidentStage.Acknowledged, IncidentStage.ServiceSuspended, IncidentStage.Mitigated];

    /// <summary>Applies one event for <paramref name="me"/>; <paramref name="live"/> when the streams delivered it ahead of the log.</summary>
    public static void Apply(EditorState state, DomainEvent e, Guid me, TimeZoneInfo zone, bool live)
    {
        switch (e)
        {
            case ArticleChanged a:
                Count(state, Day(a.At, zone), ArticleCounters(a, me));
                Track(state, a, live, EditorTaskKind.Assignment, a.Assignees.Any(p => p.Id == me) && AssignmentOpen.Contains(a.To),
                    a.Assignees.Any(p => p.Id == me) || a.PreviousAssignees.Any(p => p.Id == me), a.Title, a.Channel, a.To.ToString(), a.DueAt);
                Track(state, a, live, EditorTaskKind.ReturnedPitch, a.Author.Id == me && a.To == ArticleStage.PitchReturned,
                    a.Author.Id == me, a.Title, a.Channel, a.To.ToString(), null);
                break;
            case IncidentChanged i:
                Count(state, Day(i.At, zone), IncidentCounters(i, me));
                Track(state, i, live, EditorTaskKind.Incident, i.OwnerId == me && IncidentOpen.Contains(i.To),
                    i.OwnerId == me || i.PreviousOwnerId == me, i.Title, i.Channel, i.To.ToString(), null);
                break;
        }
    }

    /// <summary>Forgets what no longer needs remembering once the checkpoint passed it.</summary>
    public static void Prune(EditorState state)
    {
        state.Ahead.RemoveAll(p => p < state.Checkpoint);
        state.Tasks.RemoveAll(t => !t.Open && t.Position < state.Checkpoint);
    }

    /// <summary>The counters an article event adds for the person.</summary>
    internal static EditorCounters ArticleCounters(ArticleChanged a, Guid me)
    {
        var mine = a.ActorId == me;
        var c = EditorCounters.Zero;
        switch (a.Command)
        {
            case ArticleCommandType.File when mine:
                return c with { PitchesFiled = 1 };
            case ArticleCommandType.Confirm when a.Author.Id == me:
                return c with { PitchesSelected = 1 };
            case ArticleCommandType.SaveDraft when mine:
                return c with { DraftsSaved = 1 };
            case ArticleCommandType.Approve or ArticleCommandType.Reject when mine:
                return a.ReviewRequestedAt is { } requested
                    ? c with { ReviewsDone = 1, ReviewsTimed = 1, ReviewSeconds = (long)Math.Max(0, (a.At - requested).TotalSeconds) }
                    : c with { ReviewsDone = 1 };
            case ArticleCommandType.Submit when a.Assignees.Any(p => p.Id == me):
                // A joint assignment is submitted for every assignee; one without a due time cannot be late.
                return c with { AssignmentsSubmitted = 1, SubmittedOnTime = a.DueAt is not { } due || a.At <= due ? 1 : 0 };
            default:
                return c;
        }
    }

    /// <summary>The counters an incident event adds for the person.</summary>
    internal static EditorCounters IncidentCounters(IncidentChanged i, Guid me) => i.ActorId != me ? EditorCounters.Zero : i.Command switch
    {
        IncidentCommandType.Acknowledge => EditorCounters.Zero with { IncidentsAcknowledged = 1 },
        IncidentCommandType.Resolve => EditorCounters.Zero with { IncidentsResolved = 1 },
        _ => EditorCounters.Zero,
    };

    /// <summary>The calendar day of an instant in the zone.</summary>
    public static DateOnly Day(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private static void Count(EditorState state, DateOnly day, EditorCounters add)
    {
        if (add == EditorCounters.Zero)
        {
            return;
        }

        var index = state.Days.FindIndex(d => d.Day >= day);
        if (index >= 0 && state.Days[index].Day == day)
        {
            state.Days[index] = state.Days[index] with { Counters = state.Days[index].Counters.Plus(add) };
        }
        else
        {
            state.Days.Insert(index < 0 ? state.Days.Count : index, new EditorDay(day, add));
        }
    }

    /// <param name="open">The task is open for the person after this event.</param>
    /// <param name="concerns">The event says something about this task of the person (otherwise it is left alone).</param>
    private static void Track(EditorState state, DomainEvent e, bool live, EditorTaskKind kind, bool open, bool concerns, string title, string? channel,
        string stage, DateTimeOffset? due)
    {
        var index = state.Tasks.FindIndex(t => t.Task.Kind == kind && t.Task.EntityId == e.EntityId);
        var known = index >= 0 ? state.Tasks[index] : null;
        if (!concerns || (known is not null && known.Version >= e.Version))
        {
            return;
        }

        // Read from the log, an entity's events come in version order (each version's transaction ended before the next
        // began), so a closed task with nothing known needs no record; only a live event can be overtaken by an older one.
        if (known is null && !open && !live)
        {
            return;
        }

        var since = open && known is { Open: true } ? known.Task.Since : e.At;
        var tracked = new TrackedTask(new EditorTask(kind, e.EntityId, title, channel, stage, due, since), e.Version, e.Position, open);
        if (known is null)
        {
            state.Tasks.Add(tracked);
        }
        else
        {
            state.Tasks[index] = tracked;
        }
    }
}
