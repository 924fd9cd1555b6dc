using MediaCenter.Grains.Platform;
using Orleans.Concurrency;

namespace MediaCenter.Grains.Indicators;

/// <summary>Where an on-demand report pack is.</summary>
public enum ReportExportState
{
    /// <summary>Being made: sections are read one after another, then the file is written.</summary>
    Running,

    /// <summary>Made and kept for download until it expires.</summary>
    Done,

    /// <summary>Could not be made; the reason is in the status. Asking again starts it over.</summary>
    Failed,
}

/// <summary>What an on-demand pack holds: a party (none: all parties), a range of months, the language of its text, and who asked.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReportExportRequest")]
public sealed record ReportExportRequest(
    [property: Id(0)] Guid RequestedBy,
    [property: Id(1)] string? PartyId,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly To,
    [property: Id(4)] string Language);

/// <summary>
/// An on-demand pack as far as it has come: the steps done of all (each section read, then the file written), the step under
/// way, the rows read so far, and when made its size and hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.ReportExportStatus")]
public sealed record ReportExportStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] ReportExportRequest Request,
    [property: Id(2)] ReportExportState State,
    [property: Id(3)] int StepsDone,
    [property: Id(4)] int StepsTotal,
    [property: Id(5)] string? Step,
    [property: Id(6)] long Rows,
    [property: Id(7)] long? Bytes,
    [property: Id(8)] string? Sha256,
    [property: Id(9)] string? Error,
    [property: Id(10)] DateTimeOffset StartedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt);

/// <summary>A step of making a pack: the section just read (or the file written) and how many rows it had.</summary>
public sealed record ReportPackStep(string Step, int Done, int Total, long Rows);

/// <summary>An on-demand pack moved (a step done, made, or failed): only the person who asked for it sees it.</summary>
[GenerateSerializer, Immutable, Alias("mc.live.ReportExportChanged")]
public sealed record ReportExportChanged([property: Id(0)] ReportExportStatus Export) : LiveEvent;

/// <summary>
/// A report pack made on request for any range of months and party (F8.6), one grain per request, key the request's id: the
/// pack is made in the background, section by section, its progress answered at any time and pushed to the person who asked;
/// the file is kept in PostgreSQL and streamed from there. A silo lost while making it: the next question starts it over.
/// </summary>
[Alias("mc.IReportExportGrain")]
public interface IReportExportGrain : IGrainWithStringKey
{
    /// <summary>Starts making the pack, or answers where the pack of this id already is (a retry of the same request).</summary>
    [Alias("Start")]
    Task<ReportExportStatus> StartAsync(ReportExportRequest request);

    /// <summary>Where the pack is (none: no such request); a pack whose making was lost with its silo is started again.</summary>
    [Alias("Status"), AlwaysInterleave]
    Task<ReportExportStatus?> GetStatusAsync();
}
