using System.Collections.Concurrent;
using MediaCenter.Grains.Indicators;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>An in-memory report archive: the parties it is given, the packs it made, and an optional gate that holds each make.</summary>
public sealed class RecordingReportArchive : IReportArchive
{
    private readonly ConcurrentDictionary<(DateOnly, string), ArchivedPack> _kept = new();
    private readonly ConcurrentQueue<(DateOnly, string)> _made = new();

    /// <summary>The parties the archive answers with.</summary>
    public List<string> Parties { get; } = [];

    /// <summary>When set, each make waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Set when a make starts waiting at the gate.</summary>
    public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every make, in order.</summary>
    public IReadOnlyList<(DateOnly Month, string Party)> Made => [.. _made];

    public Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([.. Parties]);

    public Task<IReadOnlyList<ArchivedPack>> ListAsync(DateOnly month, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ArchivedPack>>([.. _kept.Values.Where(p => p.Month == month).OrderBy(p => p.PartyId, StringComparer.Ordinal)]);

    public async Task<ArchivedPack> MakeAsync(DateOnly month, string partyId, CancellationToken cancellationToken = default)
    {
        if (Gate is { } gate)
        {
            Waiting.TrySetResult();
            await gate.Task;
        }

        _made.Enqueue((month, partyId));
        return _kept.GetOrAdd((month, partyId), _ => new ArchivedPack(month, partyId, DateTimeOffset.UtcNow, 100, "hash-" + partyId));
    }
}
