namespace MediaCenter.Grains.Applications;

/// <summary>
/// The applications' read table (mc.applications) and what the grain asks of the registry: which channels and terminals belong to
/// an application. Implemented on PostgreSQL by the silo.
/// </summary>
public interface IApplicationJournal
{
    /// <summary>
    /// Upserts the application (an older version changes nothing) and, with <paramref name="entry"/>, appends that history entry to
    /// the event log as <see cref="Events.ApplicationChanged"/> (idempotent per version).
    /// </summary>
    Task RecordAsync(ApplicationView application, ApplicationHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The application as the read table holds it, or null. Every party's default application is written there by the migration
    /// and by party registration, never by a command: its grain takes it from here on first activation.
    /// </summary>
    Task<ApplicationView?> FindAsync(string partyId, string code, CancellationToken cancellationToken = default);

    /// <summary>The codes of the channels that belong to the application.</summary>
    Task<IReadOnlyList<string>> ChannelsAsync(string partyId, string code, CancellationToken cancellationToken = default);

    /// <summary>How many terminals belong to the application.</summary>
    Task<int> TerminalCountAsync(string partyId, string code, CancellationToken cancellationToken = default);
}
