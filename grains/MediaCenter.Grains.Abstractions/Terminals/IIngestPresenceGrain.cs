using Orleans.Concurrency;

namespace MediaCenter.Grains.Terminals;

/// <summary>
/// Whether terminal traffic is reaching the cluster at all (one per cluster, key <see cref="Key"/>). Every devices gateway
/// beats here each second; when none does, a terminal's missed deadline says nothing about the terminal, so terminal grains
/// hold their offline verdict for a grace period instead of raising an alert storm for the whole fleet.
/// </summary>
[Alias("mc.IIngestPresenceGrain")]
public interface IIngestPresenceGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    public const string Key = "mqtt";

    /// <summary>A gateway is up and delivering; <paramref name="backlog"/> is the age of the oldest message it has not yet handed over.</summary>
    [Alias("Beat")]
    Task BeatAsync(string gateway, TimeSpan backlog);

    /// <summary>A gateway is shutting down on purpose (its clients will be cut off without it being their fault).</summary>
    [Alias("Stopping")]
    Task StoppingAsync(string gateway);

    /// <summary>Where the ingest path stands now.</summary>
    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<IngestPresence> GetAsync();
}

/// <summary>
/// The ingest path: <see cref="Known"/> once any gateway has beaten since this grain activated; <see cref="DownSince"/> while
/// no gateway is up; <see cref="OutageStart"/>–<see cref="OutageEnd"/> the most recent outage that has ended;
/// <see cref="LastBeat"/> the newest beat of a gateway that is up; <see cref="Backlog"/> the largest ingest backlog they reported.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.IngestPresence")]
public sealed record IngestPresence(
    [property: Id(0)] bool Known,
    [property: Id(1)] DateTimeOffset? DownSince,
    [property: Id(2)] DateTimeOffset? OutageStart,
    [property: Id(3)] DateTimeOffset? OutageEnd,
    [property: Id(4)] int GatewaysUp,
    [property: Id(5)] DateTimeOffset? LastBeat = null,
    [property: Id(6)] TimeSpan Backlog = default)
{
    /// <summary>Nothing known (no gateway has beaten yet).</summary>
    public static readonly IngestPresence Unknown = new(false, null, null, null, 0);

    /// <summary>
    /// Gateways beat every second; with no beat for this long a gateway may have just died without being declared gone
    /// yet, so a verdict waits a moment for the next beat (or for the gateway to be declared gone).
    /// </summary>
    public static readonly TimeSpan Suspect = TimeSpan.FromSeconds(1.5);

    /// <summary>How soon a verdict held back by a late beat is looked at again.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// When a terminal whose deadline (last heard + timeout) has passed should really be judged offline: now (null) when the
    /// ingest path was up all along; later when its silence overlaps a gateway outage — a full timeout after the gateway came
    /// back, or while it is still down, again in a second — but never later than <paramref name="grace"/> after the outage
    /// began, so a long outage still shows.
    /// </summary>
    public DateTimeOffset? Defer(DateTimeOffset lastSeen, TimeSpan timeout, DateTimeOffset now, TimeSpan grace)
    {
        if (!Known)
        {
            return null;
        }

        if (DownSince is { } down)
        {
            var giveUp = down + grace;
            return now < giveUp ? Min(now + TimeSpan.FromSeconds(1), giveUp) : null;
        }

        if (OutageStart is { } start && OutageEnd is { } end && lastSeen < end && lastSeen + timeout > start)
        {
            var judged = Min(end + timeout, start + grace);
            return now < judged ? judged : null;
        }

        if (LastBeat is { } beat && now - beat > Suspect && now - beat < grace)
        {
            return now + Recheck;
        }

        // Messages wait in a gateway's queue: a heartbeat the terminal sent in time may not be applied yet. Its deadline
        // moves by the backlog (bounded by the grace: a gateway that stays that far behind is an outage of its own).
        if (Backlog > Recheck && Backlog < grace && lastSeen + timeout + Backlog is var later && now < later)
        {
            return later;
        }

        return null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
