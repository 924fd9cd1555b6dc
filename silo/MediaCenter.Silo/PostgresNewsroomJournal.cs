using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Newsroom;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>Writes draft versions, the story timeline, the read model and the publications the feeds read.</summary>
internal sealed class PostgresNewsroomJournal(NpgsqlDataSource db, PostgresEventLog events) : INewsroomJournal
{
    public async Task<string> AllocateArticleIdAsync(string channel, string operationId, long number, string articleId,
        CancellationToken cancellationToken = default)
    {
        // A retried operation finds its row: the no-op update makes RETURNING give the story recorded first.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition("""
            INSERT INTO mc.article_allocations (channel_code, operation_id, article_id, number) VALUES (@channel, @operationId, @articleId, @number)
            ON CONFLICT (channel_code, operation_id) DO UPDATE SET operation_id = EXCLUDED.operation_id
            RETURNING article_id
            """, new { channel, operationId, articleId, number }, cancellationToken: cancellationToken)) ?? articleId;
    }

    public async Task<long> LastArticleNumberAsync(string channel, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT coalesce(max(number), 0) FROM mc.article_allocations WHERE channel_code = @channel", new { channel },
            cancellationToken: cancellationToken));
    }

    public async Task SaveDraftAsync(string articleId, int version, DraftContent draft, Person by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        // A version number the grain never acknowledged (its state write failed) is reused: the newer content wins.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.article_versions (article_id, version, title, content, saved_by, saved_by_name, saved_at)
            VALUES (@id, @version, @title, @content, @by, @byName, @at)
            ON CONFLICT (article_id, version) DO UPDATE SET
                title = EXCLUDED.title, content = EXCLUDED.content, saved_by = EXCLUDED.saved_by,
                saved_by_name = EXCLUDED.saved_by_name, saved_at = EXCLUDED.saved_at
            """, new { id = articleId, version, title = draft.Title, content = SqlValue.Jsonb(draft), by = by.Id, byName = by.Name, at },
            cancellationToken: cancellationToken));
    }

    public async Task FollowAsync(ArticleCard card, IReadOnlyList<OwedArticleEntry> owed, DraftContent? draft, bool project,
        CancellationToken cancellationToken = default)
    {
        var changes = new List<ArticleChanged>(owed.Count);
        foreach (var entry in owed)
        {
            changes.Add(await ChangeOfAsync(card, entry, cancellationToken));
        }

        if (changes.Count == 0 && !project)
        {
            return;
        }

        // One batch is one round trip and, without a transaction of its own, one implicit transaction: the events, the read
        // model and the publications are written together or not at all.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = connection.CreateBatch();
        foreach (var change in changes)
        {
            batch.BatchCommands.Add(PostgresEventLog.AppendCommand(change));
        }

        if (project)
        {
            AddProjection(batch, card, draft);
        }

        var appended = new List<DomainEvent>(changes.Count);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var change in changes)
            {
                if (await PostgresEventLog.AppendedAsync(change, reader, cancellationToken) is { } written)
                {
                    appended.Add(written);
                }
            }

            // The projection's results (and any error of theirs) are read before anything is published.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        foreach (var e in appended)
        {
            await events.PublishAsync(e);
        }
    }

    /// <summary>
    /// The event of a timeline entry. What happened the entry says; who lost an assignment and since when a decision was waiting,
    /// the entry before it says (reviews wait from the entry that brought the story to the level decided at): the story's own
    /// memory of it when it has one, else the log.
    /// </summary>
    private async Task<ArticleChanged> ChangeOfAsync(ArticleCard card, OwedArticleEntry owed, CancellationToken cancellationToken)
    {
        var entry = owed.Entry;
        var review = entry.Command is ArticleCommandType.Approve or ArticleCommandType.Reject;
        var assign = entry.Command == ArticleCommandType.Assign;
        IReadOnlyList<Person> previousAssignees = [];
        DateTimeOffset? reviewRequestedAt = null;
        if ((assign && owed.AssigneesBefore is null) || (review && owed.Previous?.Version != entry.Version - 1))
        {
            var previous = await events.PreviousAsync<ArticleChanged>(DomainNames.Article, card.Id, entry.Version, cancellationToken);
            previousAssignees = assign && previous is not null ? previous.Assignees : [];
            reviewRequestedAt = review && previous?.Version == entry.Version - 1 ? previous.At : null;
        }
        else
        {
            previousAssignees = assign ? owed.AssigneesBefore! : [];
            reviewRequestedAt = review ? owed.Previous!.At : null;
        }

        return new ArticleChanged
        {
            EntityId = card.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.Actor.Id == Guid.Empty ? null : entry.Actor.Id,
            ActorName = entry.Actor.Name,
            Command = entry.Command,
            From = entry.From,
            To = entry.To,
            Channel = card.Channel,
            Title = card.Title,
            Author = card.Author,
            Assignees = card.Assignees,
            PreviousAssignees = previousAssignees,
            DueAt = card.DueAt,
            ReviewLevel = entry.ReviewLevel,
            Comment = entry.Comment,
            ReviewRequestedAt = reviewRequestedAt,
        };
    }

    public async Task<IReadOnlyList<ArticleHistoryEntry>> HistoryAsync(string articleId, CancellationToken cancellationToken = default) =>
        (await events.HistoryAsync<ArticleChanged>(DomainNames.Article, articleId, cancellationToken))
        .Select(e => new ArticleHistoryEntry(e.Version, e.At, new Person(e.ActorId ?? Guid.Empty, e.ActorName ?? ""), e.Command, e.From, e.To, e.Comment,
            e.ReviewLevel))
        .ToList();

    public async Task<IReadOnlyList<ArticleCard>> BoardCardsAsync(string channel, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QueryAsync<string>(new CommandDefinition("""
            (SELECT card::text FROM mc.articles WHERE channel_code = @channel AND stage NOT IN ('Published', 'Withdrawn', 'Deleted'))
            UNION ALL
            (SELECT card::text FROM mc.articles WHERE channel_code = @channel AND stage IN ('Published', 'Withdrawn') ORDER BY updated_at DESC LIMIT 100)
            """, new { channel }, cancellationToken: cancellationToken));
        var cards = new List<ArticleCard>();
        foreach (var json in stored)
        {
            var card = PersistedJson.Deserialize<ArticleCard>(json)!;
            // Stored cards become grain state again: concrete lists only (stored state JSON names runtime types).
            cards.Add(card with { Assignees = card.Assignees.ToList(), Targets = card.Targets.ToList() });
        }

        return cards;
    }

    public async Task ProjectAsync(ArticleCard card, DraftContent? draft, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = connection.CreateBatch();
        AddProjection(batch, card, draft);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The read model's row and one row per publishing target, each written only over an older version.</summary>
    private static void AddProjection(NpgsqlBatch batch, ArticleCard card, DraftContent? draft)
    {
        var row = new NpgsqlBatchCommand("""
            INSERT INTO mc.articles (id, channel_code, stage, kind, title, author_id, assignee_ids, due_at, scheduled_at, card, version, updated_at)
            VALUES (@id, @channel, @stage, @kind, @title, @author, @assignees, @due, @scheduled, @card, @version, @updated)
            ON CONFLICT (id) DO UPDATE SET
                stage = EXCLUDED.stage, kind = EXCLUDED.kind, title = EXCLUDED.title, assignee_ids = EXCLUDED.assignee_ids,
                due_at = EXCLUDED.due_at, scheduled_at = EXCLUDED.scheduled_at, card = EXCLUDED.card,
                version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.articles.version <= EXCLUDED.version
            """);
        row.Parameters.Add(new NpgsqlParameter("id", card.Id));
        row.Parameters.Add(new NpgsqlParameter("channel", card.Channel));
        row.Parameters.Add(new NpgsqlParameter("stage", card.Stage.ToString()));
        row.Parameters.Add(new NpgsqlParameter("kind", card.Kind.ToString()));
        row.Parameters.Add(new NpgsqlParameter("title", card.Title));
        row.Parameters.Add(new NpgsqlParameter("author", card.Author.Id));
        row.Parameters.Add(new NpgsqlParameter("assignees", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = card.Assignees.Select(a => a.Id).ToArray() });
        row.Parameters.Add(Nullable("due", card.DueAt, NpgsqlDbType.TimestampTz));
        row.Parameters.Add(Nullable("scheduled", card.ScheduledAt, NpgsqlDbType.TimestampTz));
        row.Parameters.Add(new NpgsqlParameter("card", NpgsqlDbType.Jsonb) { Value = PersistedJson.Serialize(card) });
        row.Parameters.Add(new NpgsqlParameter("version", card.Version));
        row.Parameters.Add(new NpgsqlParameter("updated", card.UpdatedAt));
        batch.BatchCommands.Add(row);

        foreach (var target in card.Targets)
        {
            var publication = new NpgsqlBatchCommand("""
                INSERT INTO mc.publications (article_id, target, channel_code, kind, title, summary, body_html, author_name, media_ids,
                    video_url, interaction, published_at, withdrawn_at, version, updated_at, source_name, source_url)
                VALUES (@id, @target, @channel, @kind, @title, @summary, @body, @author, @media, @video, @interaction, @published, @withdrawn,
                    @version, clock_timestamp(), @sourceName, @sourceUrl)
                ON CONFLICT (article_id, target) DO UPDATE SET
                    kind = EXCLUDED.kind, title = EXCLUDED.title, summary = EXCLUDED.summary, body_html = EXCLUDED.body_html,
                    author_name = EXCLUDED.author_name, media_ids = EXCLUDED.media_ids, video_url = EXCLUDED.video_url,
                    interaction = EXCLUDED.interaction, published_at = EXCLUDED.published_at, withdrawn_at = EXCLUDED.withdrawn_at,
                    version = EXCLUDED.version, updated_at = clock_timestamp(), source_name = EXCLUDED.source_name, source_url = EXCLUDED.source_url
                WHERE mc.publications.version < EXCLUDED.version
                """);
            publication.Parameters.Add(new NpgsqlParameter("id", card.Id));
            publication.Parameters.Add(new NpgsqlParameter("target", target.Target.ToString()));
            publication.Parameters.Add(new NpgsqlParameter("channel", card.Channel));
            publication.Parameters.Add(new NpgsqlParameter("kind", card.Kind.ToString()));
            publication.Parameters.Add(new NpgsqlParameter("title", draft?.Title ?? card.Title));
            publication.Parameters.Add(new NpgsqlParameter("summary", draft?.Summary ?? ""));
            publication.Parameters.Add(new NpgsqlParameter("body", draft?.BodyHtml ?? ""));
            publication.Parameters.Add(new NpgsqlParameter("author", string.Join("、", card.Assignees.Select(a => a.Name).DefaultIfEmpty(card.Author.Name))));
            publication.Parameters.Add(new NpgsqlParameter("media", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (draft?.MediaIds ?? []).ToArray() });
            publication.Parameters.Add(Nullable("video", draft?.VideoUrl, NpgsqlDbType.Text));
            publication.Parameters.Add(Nullable("interaction", draft?.Interaction is { } interaction ? PersistedJson.Serialize(interaction) : null, NpgsqlDbType.Jsonb));
            publication.Parameters.Add(Nullable("published", target.PublishedAt, NpgsqlDbType.TimestampTz));
            publication.Parameters.Add(Nullable("withdrawn", target.WithdrawnAt, NpgsqlDbType.TimestampTz));
            publication.Parameters.Add(new NpgsqlParameter("version", card.Version));
            publication.Parameters.Add(Nullable("sourceName", draft?.Source is { } reprinted ? reprinted.Source ?? reprinted.SiteName ?? reprinted.Url : null, NpgsqlDbType.Text));
            publication.Parameters.Add(Nullable("sourceUrl", draft?.Source?.Url, NpgsqlDbType.Text));
            batch.BatchCommands.Add(publication);
        }
    }

    /// <summary>A parameter of a stated type whose value may be SQL NULL.</summary>
    private static NpgsqlParameter Nullable(string name, object? value, NpgsqlDbType type) => new(name, type) { Value = value ?? DBNull.Value };
}
