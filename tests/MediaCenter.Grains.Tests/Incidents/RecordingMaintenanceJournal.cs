using System.Collections.Concurrent;
using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>An in-memory maintenance journal: every recorded move, in order.</summary>
public sealed class RecordingMaintenanceJournal : IMaintenanceJournal
{
    private readonly ConcurrentQueue<(MaintenanceWindowView Window, MaintenanceCommandType Command)> _moves = new();

    /// <summary>The moves recorded for one window, in order.</summary>
    public IReadOnlyList<(MaintenanceWindowView Window, MaintenanceCommandType Command)> MovesOf(Guid id) =>
        [.. _moves.Where(m => m.Window.Id == id)];

    public Task RecordAsync(MaintenanceWindowView window, MaintenanceCommandType command, string operationId, CancellationToken cancellationToken = default)
    {
        _moves.Enqueue((window, command));
        return Task.CompletedTask;
    }
}
