using Dapper;
using MediaCenter.Grains.Newsroom;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Uploaded files in PostgreSQL (<c>mc.media</c>), written only by their media grains.</summary>
internal sealed class PostgresMediaJournal(NpgsqlDataSource db) : IMediaJournal
{
    public async Task StoreAsync(MediaInfo info, byte[] data, Guid uploadedBy, CancellationToken cancellationToken = default)
    {
        // The same id always carries the same checked bytes: a repeat after a lost acknowledgement changes nothing.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.media (id, channel_code, ticket_id, file_name, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at, source_url)
            VALUES (@Id, @Channel, @Ticket, @FileName, @ContentType, @SizeBytes, @Sha256, @Data, @UploadedBy, @UploadedAt, @SourceUrl)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                info.Id,
                Channel = info.Ticket is null ? info.Channel : null,
                info.Ticket,
                info.FileName,
                info.ContentType,
                info.SizeBytes,
                info.Sha256,
                Data = data,
                UploadedBy = uploadedBy,
                UploadedAt = info.UploadedAt.ToUniversalTime(),
                info.SourceUrl,
            }, cancellationToken: cancellationToken));
    }

    public async Task EraseTicketFilesAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM mc.media WHERE ticket_id = @ticketId", new { ticketId },
            cancellationToken: cancellationToken));
    }
}
