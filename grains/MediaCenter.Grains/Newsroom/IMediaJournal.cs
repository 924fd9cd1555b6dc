namespace MediaCenter.Grains.Newsroom;

/// <summary>Where uploaded files are kept (PostgreSQL on real silos). Writing a file again under its id changes nothing.</summary>
public interface IMediaJournal
{
    /// <summary>Stores a checked file with its description.</summary>
    Task StoreAsync(MediaInfo info, byte[] data, Guid uploadedBy, CancellationToken cancellationToken = default);

    /// <summary>Deletes every file attached to the ticket (deletion of its personal data on request or after retention); nothing left is fine.</summary>
    Task EraseTicketFilesAsync(string ticketId, CancellationToken cancellationToken = default);
}
