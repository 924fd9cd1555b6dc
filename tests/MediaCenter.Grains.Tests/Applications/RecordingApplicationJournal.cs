using System.Collections.Concurrent;
using MediaCenter.Grains.Applications;

namespace MediaCenter.Grains.Tests.Applications;

/// <summary>The applications' read table in memory, with the registry's channels and terminals of each application set by the tests.</summary>
public sealed class RecordingApplicationJournal : IApplicationJournal
{
    /// <summary>The read table: the latest version of each application.</summary>
    public ConcurrentDictionary<string, ApplicationView> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>The history entries appended to the event log, per application, once each.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<long, ApplicationHistoryEntry>> Events { get; } = new(StringComparer.Ordinal);

    /// <summary>The channels of each application (key: application id), as the registry would answer.</summary>
    public ConcurrentDictionary<string, List<string>> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>How many terminals belong to each application (key: application id).</summary>
    public ConcurrentDictionary<string, int> Terminals { get; } = new(StringComparer.Ordinal);

    public Task RecordAsync(ApplicationView application, ApplicationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        Rows.AddOrUpdate(application.Id, application, (_, known) => known.Version < application.Version ? application : known);
        if (entry is not null)
        {
            Events.GetOrAdd(application.Id, _ => new()).TryAdd(entry.Version, entry);
        }

        return Task.CompletedTask;
    }

    public Task<ApplicationView?> FindAsync(string partyId, string code, CancellationToken cancellationToken = default) =>
        Task.FromResult(Rows.TryGetValue(ApplicationIds.Of(partyId, code), out var row) ? row : null);

    public Task<IReadOnlyList<string>> ChannelsAsync(string partyId, string code, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(Channels.TryGetValue(ApplicationIds.Of(partyId, code), out var list) ? [.. list] : []);

    public Task<int> TerminalCountAsync(string partyId, string code, CancellationToken cancellationToken = default) =>
        Task.FromResult(Terminals.TryGetValue(ApplicationIds.Of(partyId, code), out var count) ? count : 0);
}
