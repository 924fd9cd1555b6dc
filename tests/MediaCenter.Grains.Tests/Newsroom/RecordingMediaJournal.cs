using System.Collections.Concurrent;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>An in-memory <c>mc.media</c>: the first write under an id wins, like the table.</summary>
public sealed class RecordingMediaJournal : IMediaJournal
{
    private readonly ConcurrentDictionary<Guid, (MediaInfo Info, byte[] Data, Guid By)> _files = new();
    private int _writes;

    /// <summary>How many times a file was written (repeats included).</summary>
    public int Writes => _writes;

    /// <summary>A stored file, or null.</summary>
    public (MediaInfo Info, byte[] Data, Guid By)? FileOf(Guid id) => _files.TryGetValue(id, out var file) ? file : null;

    public Task StoreAsync(MediaInfo info, byte[] data, Guid uploadedBy, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        _files.TryAdd(info.Id, (info, data, uploadedBy));
        return Task.CompletedTask;
    }

    public Task EraseTicketFilesAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        foreach (var file in _files.Values.Where(f => f.Info.Ticket == ticketId).ToList())
        {
            _files.TryRemove(file.Info.Id, out _);
        }

        return Task.CompletedTask;
    }
}
