namespace MediaCenter.Grains.Terminals;

/// <summary>What folding a message into a running aggregate gave: the aggregate now, and the one it finished (to be stored), if any.</summary>
public readonly record struct Folded<T>(T Current, T? Finished)
    where T : class;

/// <summary>
/// A terminal's usage counters per calendar day (使用活跃度): heartbeats, sessions, interactions and screen-on time.
/// A message of a new day finishes the old day's counters.
/// </summary>
public static class TerminalActivityCounter
{
    /// <summary>Counts a message.</summary>
    /// <param name="current">Today's counters so far (null: none yet).</param>
    /// <param name="message">The message.</param>
    /// <param name="terminalId">The terminal.</param>
    /// <param name="partyId">Its access party.</param>
    /// <param name="zone">The time zone whose calendar days are counted.</param>
    /// <param name="heartbeatInterval">The terminal's heartbeat interval (screen-on time between two samples counts at most three of them).</param>
    /// <param name="lastScreenSampleAt">When the last sample with a screen state arrived; updated for a sample that has one.</param>
    public static Folded<TerminalActivity> Count(TerminalActivity? current, TerminalMessage message, string terminalId, string partyId,
        TimeZoneInfo zone, TimeSpan heartbeatInterval, ref DateTimeOffset? lastScreenSampleAt)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(message.ReceivedAt, zone).DateTime);
        TerminalActivity? finished = null;
        var activity = current;
        if (activity is null || activity.Day != day)
        {
            finished = activity;
            activity = new TerminalActivity(terminalId, partyId, day, 0, 0, 0, 0);
        }

        activity = message.Kind switch
        {
            TerminalMessageKind.Heartbeat => activity with { Heartbeats = activity.Heartbeats + 1 },
            TerminalMessageKind.Usage when message.EventType == "session" => activity with { Sessions = activity.Sessions + message.EventCount },
            TerminalMessageKind.Usage => activity with { Interactions = activity.Interactions + message.EventCount },
            _ => activity,
        };

        if (message.Kind == TerminalMessageKind.Telemetry && message.Telemetry?.ScreenOn is { } screenOn)
        {
            // Screen-on time between two samples counts when the later one says "on", at most three heartbeats' worth.
            if (screenOn && lastScreenSampleAt is { } previous && message.ReceivedAt > previous)
            {
                var span = message.ReceivedAt - previous;
                var cap = heartbeatInterval * 3;
                activity = activity with { ScreenOnSeconds = activity.ScreenOnSeconds + (int)(span < cap ? span : cap).TotalSeconds };
            }

            lastScreenSampleAt = message.ReceivedAt;
        }

        return new Folded<TerminalActivity>(activity, finished);
    }
}

/// <summary>Telemetry kept as averages and peaks per bucket of time; a sample of a later bucket finishes the current one.</summary>
public static class TelemetryBuckets
{
    /// <summary>Folds a sample received at <paramref name="at"/> into the bucket it belongs to.</summary>
    public static Folded<TelemetryBucket> Fold(TelemetryBucket? current, TelemetrySample sample, DateTimeOffset at, TimeSpan size, string terminalId)
    {
        var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % size.Ticks), TimeSpan.Zero);
        TelemetryBucket? finished = null;
        var bucket = current;
        if (bucket is null || bucket.Start != start)
        {
            finished = bucket;
            bucket = new TelemetryBucket(terminalId, start, 0, null, null, null, null, null);
        }

        return new Folded<TelemetryBucket>(bucket.Add(sample), finished);
    }
}

/// <summary>A terminal's inspections (巡检): the latest kept, in time order, and when the next full one is due.</summary>
public static class TerminalInspections
{
    /// <summary>How many inspections a terminal keeps (the latest).</summary>
    public const int Remembered = 20;

    /// <summary>Refuses an inspection that names no inspector.</summary>
    /// <exception cref="ArgumentException">No inspector named.</exception>
    public static void Validate(InspectionRecord inspection)
    {
        if (string.IsNullOrWhiteSpace(inspection.Inspector))
        {
            throw new ArgumentException("The inspector is required.", nameof(inspection));
        }
    }

    /// <summary>Adds an inspection in time order, forgetting the oldest beyond <see cref="Remembered"/>.</summary>
    public static void Record(List<InspectionRecord> inspections, InspectionRecord inspection)
    {
        inspections.Add(inspection);
        inspections.Sort((a, b) => a.At.CompareTo(b.At));
        if (inspections.Count > Remembered)
        {
            inspections.RemoveRange(0, inspections.Count - Remembered);
        }
    }

    /// <summary>The latest inspection's time, and when the next is due (a period after it, or after registration when none was made).</summary>
    public static (DateTimeOffset? Last, DateTimeOffset? Due) Schedule(IReadOnlyList<InspectionRecord> inspections, DateTimeOffset? registeredAt, TimeSpan period)
    {
        var last = inspections.Count > 0 ? inspections[^1].At : (DateTimeOffset?)null;
        return (last, (last ?? registeredAt) + period);
    }
}
