using System.Text.Json;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.Web.Newsroom;

/// <summary>A saved draft version, without its content.</summary>
public sealed record DraftVersionRow(int Version, string Title, Guid SavedBy, string SavedByName, DateTimeOffset SavedAt);

/// <summary>A saved draft version with its content.</summary>
public sealed record DraftVersionContent(int Version, string Title, Guid SavedBy, string SavedByName, DateTimeOffset SavedAt, DraftContent Content);

/// <summary>A published item as the feeds list it.</summary>
public sealed record PublishedItem(string ArticleId, string Kind, string Title, string Summary, string BodyHtml, string AuthorName,
    IReadOnlyList<Guid> MediaIds, string? VideoUrl, Interaction? Interaction, DateTimeOffset PublishedAt, DateTimeOffset UpdatedAt,
    string? SourceName = null, string? SourceUrl = null, InteractionTally? Tally = null);

/// <summary>What the public answered to an interactive story so far, as the feeds carry it (mc.interactions).</summary>
public sealed record InteractionTally(IReadOnlyList<int> Counts, int Votes, int ApprovedQuestions, bool Open, DateTimeOffset UpdatedAt);

/// <summary>A feed's channel as stored now, and what its feed changes with.</summary>
public sealed record FeedHead(ChannelInfo Channel, DateTimeOffset? LastModified, long Rows);

/// <summary>Queries across stories (the read model article grains keep): versions, my tasks, feeds.</summary>
public sealed class NewsroomReadModel(NpgsqlDataSource db)
{

    /// <summary>Every saved draft version of a story, newest first.</summary>
    public async Task<IReadOnlyList<DraftVersionRow>> VersionsAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DraftVersionRow>(new CommandDefinition("""
            SELECT version, title, saved_by, saved_by_name, saved_at FROM mc.article_versions WHERE article_id = @id ORDER BY version DESC
            """, new { id = articleId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>One saved draft version with its content.</summary>
    public async Task<DraftVersionContent?> VersionAsync(string articleId, int version, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StoredVersion>(new CommandDefinition("""
            SELECT version, title, saved_by, saved_by_name, saved_at, content::text AS content FROM mc.article_versions WHERE article_id = @id AND version = @version
            """, new { id = articleId, version }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new DraftVersionContent(row.Version, row.Title, row.SavedBy, row.SavedByName, row.SavedAt, PersistedJson.Deserialize<DraftContent>(row.Content)!);
    }

    /// <summary>A person's own work: stories assigned to them until approved, and their pitches waiting or returned.</summary>
    public async Task<IReadOnlyList<ArticleCard>> TasksAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var cards = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT card::text FROM mc.articles
             WHERE (assignee_ids @> ARRAY[@me] AND stage IN ('Assigned', 'Drafting', 'Rejected', 'InReview'))
                OR (author_id = @me AND stage IN ('Pitched', 'PitchReturned'))
             ORDER BY due_at NULLS LAST, updated_at DESC
             LIMIT 200
            """, new { me = userId }, cancellationToken: cancellationToken));
        return cards.Select(card => PersistedJson.Deserialize<ArticleCard>(card)!).ToList();
    }

    /// <summary>
    /// A feed's channel as stored now (its feed language may have just changed on any web instance) and what the feed changes with:
    /// the newest change of any item (withdrawals included) or of any of the channel's interactive stories' tallies, and the number
    /// of rows. One query over indexes (no join per item: it is asked on every feed request); null when there is no such channel.
    /// </summary>
    public async Task<FeedHead?> FeedHeadAsync(string channel, PublishTarget target, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var head = await connection.QuerySingleOrDefaultAsync<FeedHeadRow>(new CommandDefinition("""
            SELECT c.code, c.name, c.access_party_id AS party_id, c.created_at, c.application_code, c.feed_language,
                   greatest(p.last_modified, i.last_modified) AS last_modified, p.row_count
              FROM mc.channels c
             CROSS JOIN LATERAL (SELECT max(updated_at) AS last_modified, count(*) AS row_count
                                   FROM mc.publications WHERE channel_code = c.code AND target = @target) p
             CROSS JOIN LATERAL (SELECT max(updated_at) AS last_modified FROM mc.interactions WHERE channel_code = c.code) i
             WHERE c.code = @channel
            """, new { channel, target = target.ToString() }, cancellationToken: cancellationToken));
        return head is null
            ? null
            : new FeedHead(new ChannelInfo(head.Code, head.Name, head.PartyId, head.CreatedAt, head.ApplicationCode, head.FeedLanguage), head.LastModified,
                head.RowCount);
    }

    /// <summary>The live (not withdrawn) items of a feed, newest first.</summary>
    public async Task<IReadOnlyList<PublishedItem>> FeedAsync(string channel, PublishTarget target, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PublicationRow>(new CommandDefinition("""
            SELECT p.article_id, p.kind, p.title, p.summary, p.body_html, p.author_name, p.media_ids, p.video_url, p.interaction::text AS interaction,
                   p.published_at, p.updated_at, p.source_name, p.source_url,
                   i.counts AS tally_counts, i.votes AS tally_votes, i.approved_questions AS tally_approved, i.open AS tally_open, i.updated_at AS tally_at
              FROM mc.publications p LEFT JOIN mc.interactions i ON i.article_id = p.article_id
             WHERE p.channel_code = @channel AND p.target = @target AND p.withdrawn_at IS NULL
             ORDER BY p.published_at DESC, p.article_id
             LIMIT @limit
            """, new { channel, target = target.ToString(), limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new PublishedItem(r.ArticleId, r.Kind, r.Title, r.Summary, r.BodyHtml, r.AuthorName, r.MediaIds, r.VideoUrl,
            r.Interaction is null ? null : PersistedJson.Deserialize<Interaction>(r.Interaction), r.PublishedAt, r.UpdatedAt, r.SourceName, r.SourceUrl,
            r.TallyCounts is null ? null : new InteractionTally(r.TallyCounts, r.TallyVotes ?? 0, r.TallyApproved ?? 0, r.TallyOpen ?? false, r.TallyAt ?? r.UpdatedAt))).ToList();
    }

    private sealed record StoredVersion
    {
        public required int Version { get; init; }

        public required string Title { get; init; }

        public required Guid SavedBy { get; init; }

        public required string SavedByName { get; init; }

        public required DateTimeOffset SavedAt { get; init; }

        public required string Content { get; init; }
    }

    private sealed record FeedHeadRow
    {
        public required string Code { get; init; }

        public required string Name { get; init; }

        public required string PartyId { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required string ApplicationCode { get; init; }

        public required string FeedLanguage { get; init; }

        public DateTimeOffset? LastModified { get; init; }

        public required long RowCount { get; init; }
    }

    private sealed record PublicationRow
    {
        public required string ArticleId { get; init; }

        public required string Kind { get; init; }

        public required string Title { get; init; }

        public required string Summary { get; init; }

        public required string BodyHtml { get; init; }

        public required string AuthorName { get; init; }

        public required Guid[] MediaIds { get; init; }

        public string? VideoUrl { get; init; }

        public string? Interaction { get; init; }

        public required DateTimeOffset PublishedAt { get; init; }

        public required DateTimeOffset UpdatedAt { get; init; }

        public string? SourceName { get; init; }

        public string? SourceUrl { get; init; }

        public int[]? TallyCounts { get; init; }

        public int? TallyVotes { get; init; }

        public int? TallyApproved { get; init; }

        public bool? TallyOpen { get; init; }

        public DateTimeOffset? TallyAt { get; init; }
    }
}
