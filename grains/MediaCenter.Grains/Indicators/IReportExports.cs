namespace MediaCenter.Grains.Indicators;

/// <summary>Where on-demand report packs are made and kept (PostgreSQL in the silo).</summary>
public interface IReportExports
{
    /// <summary>The kept status of a request, if any.</summary>
    Task<ReportExportStatus?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Keeps a status (its file, once made, stays with it); a new request also drops packs that have expired.</summary>
    Task SaveAsync(ReportExportStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the pack and keeps its file with the request, reporting each step as it is done; answers the file's size and
    /// SHA-256.
    /// </summary>
    Task<(long Bytes, string Sha256)> MakeAsync(string id, ReportExportRequest request, IProgress<ReportPackStep> progress,
        CancellationToken cancellationToken = default);
}
