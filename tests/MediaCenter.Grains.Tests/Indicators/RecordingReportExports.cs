using System.Collections.Concurrent;
using MediaCenter.Grains.Indicators;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>
/// In-memory on-demand packs: every status saved, in order, and a maker that reports three steps; each request id may be given
/// a gate the maker waits at after its first step, or made to fail.
/// </summary>
public sealed class RecordingReportExports : IReportExports
{
    private readonly ConcurrentDictionary<string, ReportExportStatus> _kept = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReportExportStatus>> _saved = new();
    private readonly ConcurrentDictionary<string, int> _makes = new();

    /// <summary>Requests whose maker waits, after its first step, for the gate to open.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new();

    /// <summary>Requests whose maker has reached its gate.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> AtGate { get; } = new();

    /// <summary>Requests whose maker throws.</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new();

    /// <summary>Every status saved for a request, in order.</summary>
    public IReadOnlyList<ReportExportStatus> Saved(string id) => _saved.TryGetValue(id, out var q) ? [.. q] : [];

    /// <summary>How many times a request's pack was started.</summary>
    public int Makes(string id) => _makes.GetValueOrDefault(id);

    /// <summary>Puts a status in place as if a silo had kept it before it was lost.</summary>
    public void Keep(ReportExportStatus status) => _kept[status.Id] = status;

    public Task<ReportExportStatus?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_kept.TryGetValue(id, out var s) ? s : null);

    public Task SaveAsync(ReportExportStatus status, CancellationToken cancellationToken = default)
    {
        _kept[status.Id] = status;
        _saved.GetOrAdd(status.Id, _ => new()).Enqueue(status);
        return Task.CompletedTask;
    }

    public async Task<(long Bytes, string Sha256)> MakeAsync(string id, ReportExportRequest request, IProgress<ReportPackStep> progress,
        CancellationToken cancellationToken = default)
    {
        _makes.AddOrUpdate(id, 1, (_, n) => n + 1);
        progress.Report(new ReportPackStep("Measures", 1, 3, 12));
        if (Gates.TryGetValue(id, out var gate))
        {
            AtGate.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Failing.ContainsKey(id))
        {
            throw new InvalidOperationException("the database went away");
        }

        progress.Report(new ReportPackStep("Channels", 2, 3, 5));
        progress.Report(new ReportPackStep("File", 3, 3, 0));
        return (4096, "hash-" + id);
    }
}
