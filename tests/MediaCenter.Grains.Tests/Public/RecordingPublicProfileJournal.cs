using System.Collections.Concurrent;
using MediaCenter.Grains.Public;

namespace MediaCenter.Grains.Tests.Public;

/// <summary>An in-memory event log of public profiles: one entry per (organisation, version), like the table.</summary>
public sealed class RecordingPublicProfileJournal : IPublicProfileJournal
{
    private readonly ConcurrentDictionary<(string, long), PublicProfileChange> _changes = new();

    /// <summary>An organisation's history, oldest first.</summary>
    public List<PublicProfileChange> HistoryOf(string organisation) =>
        [.. _changes.Values.Where(c => c.Organisation == organisation).OrderBy(c => c.Version)];

    public Task RecordAsync(PublicProfileChange change, CancellationToken cancellationToken = default)
    {
        _changes.TryAdd((change.Organisation, change.Version), change);
        return Task.CompletedTask;
    }
}
