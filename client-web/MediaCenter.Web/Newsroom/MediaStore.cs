using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace MediaCenter.Web.Newsroom;

/// <summary>An uploaded file's description.</summary>
public sealed record MediaInfo(Guid Id, string Channel, string FileName, string ContentType, long SizeBytes, string Sha256, DateTimeOffset UploadedAt);

/// <summary>
/// Uploaded materials and media (素材), in PostgreSQL. The type is decided from the file's first bytes, never
/// from what the client claims; anything not on the list is refused.
/// </summary>
public sealed class MediaStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The largest upload accepted unless configured otherwise (Newsroom:MaxUploadBytes).</summary>
    public const long DefaultMaxBytes = 20 * 1024 * 1024;

    /// <summary>The type of a file from its first bytes and name, or null when it is not accepted.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        static bool At(ReadOnlySpan<byte> data, int offset, string ascii) =>
            data.Length >= offset + ascii.Length && data.Slice(offset, ascii.Length).SequenceEqual(Encoding.ASCII.GetBytes(ascii));

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "image/jpeg";
        }

        if (head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "image/png";
        }

        if (At(head, 0, "GIF87a") || At(head, 0, "GIF89a"))
        {
            return "image/gif";
        }

        if (At(head, 0, "RIFF") && At(head, 8, "WEBP"))
        {
            return "image/webp";
        }

        if (At(head, 0, "%PDF-"))
        {
            return "application/pdf";
        }

        if (At(head, 4, "ftyp"))
        {
            return extension == ".mov" ? "video/quicktime" : "video/mp4";
        }

        if (At(head, 0, "ID3") || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && extension == ".mp3"))
        {
            return "audio/mpeg";
        }

        if (At(head, 0, "PK\u0003\u0004"))
        {
            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                _ => null,
            };
        }

        if (extension is ".txt" or ".md" && !head.Contains((byte)0) && IsUtf8(head))
        {
            return "text/plain; charset=utf-8";
        }

        return null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> head)
    {
        // The sample may end inside a multi-byte character: ignore an incomplete tail.
        var length = head.Length;
        for (var back = 1; back <= 3 && length - back >= 0; back++)
        {
            if ((head[length - back] & 0xC0) == 0xC0)
            {
                length -= back;
                break;
            }

            if ((head[length - back] & 0x80) == 0)
            {
                break;
            }
        }

        return System.Text.Unicode.Utf8.IsValid(head[..length]);
    }

    /// <summary>Stores a file that has already passed the checks.</summary>
    public async Task<MediaInfo> SaveAsync(string channel, string fileName, string contentType, byte[] data, Guid uploadedBy, CancellationToken cancellationToken)
    {
        var info = new MediaInfo(Guid.NewGuid(), channel, fileName, contentType, data.LongLength, Convert.ToHexStringLower(SHA256.HashData(data)), time.GetUtcNow());
        await using var command = db.CreateCommand("""
            INSERT INTO mc.media (id, channel_code, file_name, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at)
            VALUES (@id, @channel, @name, @type, @size, @sha, @data, @by, @at)
            """);
        command.Parameters.AddWithValue("id", info.Id);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("name", fileName);
        command.Parameters.AddWithValue("type", contentType);
        command.Parameters.AddWithValue("size", info.SizeBytes);
        command.Parameters.AddWithValue("sha", info.Sha256);
        command.Parameters.AddWithValue("data", data);
        command.Parameters.AddWithValue("by", uploadedBy);
        command.Parameters.AddWithValue("at", info.UploadedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return info;
    }

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
