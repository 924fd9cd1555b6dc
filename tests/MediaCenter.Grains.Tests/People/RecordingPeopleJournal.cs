using System.Collections.Concurrent;
using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tests.People;

/// <summary>An in-memory people journal: the latest row per person (version-guarded like the table) and every history entry.</summary>
public sealed class RecordingPeopleJournal : IPeopleJournal
{
    private readonly ConcurrentDictionary<string, StaffView> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Person, long Version), StaffHistoryEntry> _history = new();

    /// <summary>The row of a person, as the read table would hold it.</summary>
    public StaffView? RowOf(string personId) => _rows.GetValueOrDefault(personId);

    /// <summary>The history of a person, in version order.</summary>
    public IReadOnlyList<StaffHistoryEntry> HistoryOf(string personId) =>
        [.. _history.Where(h => h.Key.Person == personId).Select(h => h.Value).OrderBy(h => h.Version)];

    private readonly ConcurrentDictionary<string, TrainingObligation> _obligations = new(StringComparer.Ordinal);

    /// <summary>The obligation rows of a person, as the read table would hold them.</summary>
    public IReadOnlyList<TrainingObligation> ObligationRowsOf(string personId) => [.. _obligations.Values.Where(o => o.PersonId == personId)];

    private readonly ConcurrentDictionary<Guid, (string Person, string Number, CertificateScan Scan, byte[] Data)> _scans = new();

    /// <summary>The stored scans of a person.</summary>
    public IReadOnlyList<(string Number, CertificateScan Scan, byte[] Data)> ScansOf(string personId) =>
        [.. _scans.Values.Where(s => s.Person == personId).Select(s => (s.Number, s.Scan, s.Data))];

    public Task DeleteCertificateScansAsync(string personId, IReadOnlyCollection<Guid>? keep = null, CancellationToken cancellationToken = default)
    {
        foreach (var id in _scans.Where(s => s.Value.Person == personId && !(keep ?? []).Contains(s.Key)).Select(s => s.Key).ToList())
        {
            _scans.TryRemove(id, out _);
        }

        return Task.CompletedTask;
    }

    public Task StoreCertificateScanAsync(string personId, string organisation, string certificateNumber, CertificateScan scan, byte[] protectedData,
        Guid uploadedBy, CancellationToken cancellationToken = default)
    {
        _scans.TryAdd(scan.Id, (personId, certificateNumber, scan, protectedData));
        return Task.CompletedTask;
    }

    public Task RecordTrainingAsync(IReadOnlyList<TrainingPlan> plans, IReadOnlyList<TrainingSession> sessions, IReadOnlyList<TrainingObligation> obligations,
        CancellationToken cancellationToken = default)
    {
        foreach (var o in obligations)
        {
            _obligations.AddOrUpdate(o.Organisation + "/" + o.Id, o, (_, held) => held.Version >= o.Version ? held : o);
        }

        return Task.CompletedTask;
    }

    public Task RecordStaffAsync(StaffView staff, StaffHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        if (entry is not null)
        {
            _history.TryAdd((staff.Id, entry.Version), entry);
        }

        _rows.AddOrUpdate(staff.Id, staff, (_, held) => held.Version >= staff.Version ? held : staff);
        return Task.CompletedTask;
    }
}
