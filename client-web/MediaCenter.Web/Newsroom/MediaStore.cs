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
        await using var command = db.CreateCommand("SELECT id, channel_code, file_name, content_type, size_bytes, sha256, uploaded_at FROM mc.media WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MediaInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6))
            : null;
    }

    /// <summary>A file's bytes as a stream that reads them a slice at a time, when they are asked for.</summary>
    public Stream Open(MediaInfo info) => new MediaSliceStream(db, info.Id, info.SizeBytes);

    /// <summary>True when a live (not withdrawn) publication shows the file: then anyone may fetch it.</summary>
    public async Task<bool> IsPublishedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM mc.publications WHERE @id = ANY (media_ids) AND withdrawn_at IS NULL)");
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
