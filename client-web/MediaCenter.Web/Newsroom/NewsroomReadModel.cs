using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Newsroom;
using Npgsql;

namespace MediaCenter.Web.Newsroom;

/// <summary>A saved draft version, without its content.</summary>
public sealed record DraftVersionRow(int Version, string Title, Guid SavedBy, string SavedByName, DateTimeOffset SavedAt);

/// <summary>A saved draft version with its content.</summary>
public sealed record DraftVersionContent(int Version, string Title, Guid SavedBy, string SavedByName, DateTimeOffset SavedAt, DraftContent Content);

/// <summary>A published item as the feeds list it.</summary>
public sealed record PublishedItem(string ArticleId, string Kind, string Title, string Summary, string BodyHtml, string AuthorName,
    IReadOnlyList<Guid> MediaIds, string? VideoUrl, Interaction? Interaction, DateTimeOffset PublishedAt, DateTimeOffset UpdatedAt);

/// <summary>Queries across stories (the read model article grains keep): versions, my tasks, feeds.</summary>
public sealed class NewsroomReadModel(NpgsqlDataSource db)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Every saved draft version of a story, newest first.</summary>
    public async Task<IReadOnlyList<DraftVersionRow>> VersionsAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT version, title, saved_by, saved_by_name, saved_at FROM mc.article_versions WHERE article_id = @id ORDER BY version DESC
            """);
        command.Parameters.AddWithValue("id", articleId);
        var list = new List<DraftVersionRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DraftVersionRow(reader.GetInt32(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return list;
    }

    /// <summary>One saved draft version with its content.</summary>
    public async Task<DraftVersionContent?> VersionAsync(string articleId, int version, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT version, title, saved_by, saved_by_name, saved_at, content::text FROM mc.article_versions WHERE article_id = @id AND version = @version
            """);
        command.Parameters.AddWithValue("id", articleId);
        command.Parameters.AddWithValue("version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new DraftVersionContent(reader.GetInt32(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
            JsonSerializer.Deserialize<DraftContent>(reader.GetString(5), Json)!);
    }

    /// <summary>A person's own work: stories assigned to them until approved, and their pitches waiting or returned.</summary>
    public async Task<IReadOnlyList<ArticleCard>> TasksAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT card::text FROM mc.articles
             WHERE (assignee_ids @> ARRAY[@me] AND stage IN ('Assigned', 'Drafting', 'Rejected', 'InReview'))
                OR (author_id = @me AND stage IN ('Pitched', 'PitchReturned'))
             ORDER BY due_at NULLS LAST, updated_at DESC
             LIMIT 200
            """);
        command.Parameters.AddWithValue("me", userId);
        var list = new List<ArticleCard>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(JsonSerializer.Deserialize<ArticleCard>(reader.GetString(0), Json)!);
        }

        return list;
    }

    /// <summary>What a feed changes with: the newest change of any item (withdrawals included) and the number of rows.</summary>
    public async Task<(DateTimeOffset? LastModified, long Rows)> FeedStampAsync(string channel, PublishTarget target, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT max(updated_at), count(*) FROM mc.publications WHERE channel_code = @channel AND target = @target
            """);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("target", target.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1));
    }

    /// <summary>The live (not withdrawn) items of a feed, newest first.</summary>
    public async Task<IReadOnlyList<PublishedItem>> FeedAsync(string channel, PublishTarget target, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT article_id, kind, title, summary, body_html, author_name, media_ids, video_url, interaction::text, published_at, updated_at
              FROM mc.publications
             WHERE channel_code = @channel AND target = @target AND withdrawn_at IS NULL
             ORDER BY published_at DESC, article_id
             LIMIT @limit
            """);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("target", target.ToString());
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<PublishedItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new PublishedItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<Guid[]>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<Interaction>(reader.GetString(8), Json),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return list;
    }
}
