using Orleans.Concurrency;

namespace MediaCenter.Grains.Indicators;

/// <summary>A monthly report pack kept for download: the month, the party (empty: every party), when it was made, its size and hash.</summary>
[GenerateSerializer, Immutable, Alias("mc.ArchivedPack")]
public sealed record ArchivedPack(
    [property: Id(0)] DateOnly Month,
    [property: Id(1)] string PartyId,
    [property: Id(2)] DateTimeOffset MadeAt,
    [property: Id(3)] long Bytes,
    [property: Id(4)] string Sha256);

/// <summary>How far the archive is: the last month whose packs are all kept, and the month being made with its parties done of all.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReportArchiveProgress")]
public sealed record ReportArchiveProgress(
    [property: Id(0)] DateOnly? LastArchived,
    [property: Id(1)] DateOnly? Making,
    [property: Id(2)] int Done,
    [property: Id(3)] int Total);

/// <summary>
/// The monthly report packs (F8.6), key <see cref="DefaultKey"/>: a durable reminder makes, on the first day of each month
/// (and at the next tick after a silo was down at the turn), the previous month's pack for every party and one for all
/// parties, after closing the month's indicators, and keeps them; a pack once kept is never made again.
/// </summary>
[Alias("mc.IReportArchiveGrain")]
public interface IReportArchiveGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    const string DefaultKey = "monthly";

    /// <summary>Makes sure the reminder exists (every silo calls it at start-up).</summary>
    [Alias("Schedule")]
    Task ScheduleAsync();

    /// <summary>
    /// Makes the packs of an ended month that are not kept yet (closing its indicators first); returns the month's packs. Every
    /// party's pack is made in this one call, so it may take minutes where there are many parties.
    /// </summary>
    [Alias("Archive"), ResponseTimeout("00:10:00")]
    Task<List<ArchivedPack>> ArchiveAsync(DateOnly month);

    /// <summary>Where the archive is, answered even while packs are being made.</summary>
    [Alias("Progress"), ReadOnly, AlwaysInterleave]
    Task<ReportArchiveProgress> GetProgressAsync();
}
