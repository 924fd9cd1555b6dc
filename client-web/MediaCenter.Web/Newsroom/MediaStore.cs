using Dapper;
using MediaCenter.Grains.Newsroom;
using Npgsql;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// Uploaded materials and media (素材) as PostgreSQL holds them, read-only: uploads are checked and stored by the media
/// grains (<see cref="IMediaGrain"/>).
/// </summary>
public sealed class MediaStore(NpgsqlDataSource db)
{
    /// <summary>The largest upload accepted unless configured otherwise (Newsroom:MaxUploadBytes).</summary>
    public const long DefaultMaxBytes = 20 * 1024 * 1024;

    /// <summary>True when the file exists and was uploaded to the channel.</summary>
    public async Task<bool> BelongsAsync(Guid id, string channel, CancellationToken cancellationToken) =>
        (await InfoAsync(id, cancellationToken))?.Channel == channel;

    /// <summary>A file's description.</summary>
    public async Task<MediaInfo?> InfoAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StoredMedia>(new CommandDefinition(
            "SELECT id, channel_code, file_name, content_type, size_bytes, sha256, uploaded_at FROM mc.media WHERE id = @id AND channel_code IS NOT NULL",
            new { id }, cancellationToken: cancellationToken));
        return row is null ? null : new MediaInfo(row.Id, row.ChannelCode!, row.FileName, row.ContentType, row.SizeBytes, row.Sha256, row.UploadedAt);
    }

    /// <summary>A file attached to a ticket (never answered by <see cref="InfoAsync"/>: a ticket's files are not a channel's).</summary>
    public async Task<MediaInfo?> TicketFileAsync(string ticketId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StoredMedia>(new CommandDefinition(
            "SELECT id, channel_code, file_name, content_type, size_bytes, sha256, uploaded_at FROM mc.media WHERE id = @id AND ticket_id = @ticketId",
            new { id, ticketId }, cancellationToken: cancellationToken));
        return row is null ? null : new MediaInfo(row.Id, "", row.FileName, row.ContentType, row.SizeBytes, row.Sha256, row.UploadedAt, ticketId);
    }

    /// <summary>A file's bytes as a stream that reads them a slice at a time, when they are asked for.</summary>
    public Stream Open(MediaInfo info) => new MediaSliceStream(db, info.Id, info.SizeBytes);

    /// <summary>True when a live (not withdrawn) publication shows the file: then anyone may fetch it.</summary>
    public async Task<bool> IsPublishedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM mc.publications WHERE @id = ANY (media_ids) AND withdrawn_at IS NULL)", new { id }, cancellationToken: cancellationToken));
    }

    private sealed record StoredMedia
    {
        public required Guid Id { get; init; }

        public string? ChannelCode { get; init; }

        public required string FileName { get; init; }

        public required string ContentType { get; init; }

        public required long SizeBytes { get; init; }

        public required string Sha256 { get; init; }

        public required DateTimeOffset UploadedAt { get; init; }
    }
}
