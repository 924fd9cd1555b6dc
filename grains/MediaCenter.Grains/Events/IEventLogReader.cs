namespace MediaCenter.Grains.Events;

/// <summary>
/// Reads <c>mc.event_log</c> back for consumers that make themselves whole from it (implemented on PostgreSQL by the
/// silo). Only the settled part of the log is read: rows whose writing transaction ended before every transaction still
/// running, so nothing can appear later below a position the reader has passed.
/// </summary>
public interface IEventLogReader
{
    /// <summary>
    /// The events of the given domains that concern <paramref name="person"/>, from <paramref name="from"/> on in log order,
    /// at most <paramref name="max"/>.
    /// </summary>
    Task<EventLogPage> ReadAsync(Guid person, IReadOnlyList<string> domains, LogPosition from, int max, CancellationToken cancellationToken = default);
}

/// <summary>A page of the log and where the next read starts: after the last event, or at the settled end when the page is not full.</summary>
public sealed record EventLogPage(IReadOnlyList<DomainEvent> Events, LogPosition Next);
