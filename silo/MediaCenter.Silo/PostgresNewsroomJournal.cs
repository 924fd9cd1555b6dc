using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Newsroom;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Writes draft versions, the story timeline, the read model and the publications the feeds read.</summary>
internal sealed class PostgresNewsroomJournal(NpgsqlDataSource db, PostgresEventLog events) : INewsroomJournal
{
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

    public async Task RecordEventAsync(ArticleCard card, ArticleHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        // The timeline entry says what happened; who lost an assignment and since when a decision was waiting, the entry
        // before it says (reviews wait from the entry that brought the story to the level decided at).
        var review = entry.Command is ArticleCommandType.Approve or ArticleCommandType.Reject;
        var previous = entry.Command == ArticleCommandType.Assign || review
            ? await events.PreviousAsync<ArticleChanged>(DomainNames.Article, card.Id, entry.Version, cancellationToken)
            : null;
        await events.AppendAsync(new ArticleChanged
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
            PreviousAssignees = entry.Command == ArticleCommandType.Assign && previous is not null ? previous.Assignees : [],
            DueAt = card.DueAt,
            ReviewLevel = entry.ReviewLevel,
            Comment = entry.Comment,
            ReviewRequestedAt = review && previous?.Version == entry.Version - 1 ? previous.At : null,
        }, cancellationToken);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.articles (id, channel_code, stage, kind, title, author_id, assignee_ids, due_at, scheduled_at, card, version, updated_at)
            VALUES (@id, @channel, @stage, @kind, @title, @author, @assignees, @due, @scheduled, @card, @version, @updated)
            ON CONFLICT (id) DO UPDATE SET
                stage = EXCLUDED.stage, kind = EXCLUDED.kind, title = EXCLUDED.title, assignee_ids = EXCLUDED.assignee_ids,
                due_at = EXCLUDED.due_at, scheduled_at = EXCLUDED.scheduled_at, card = EXCLUDED.card,
                version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.articles.version <= EXCLUDED.version
            """, new
        {
            id = card.Id,
            channel = card.Channel,
            stage = card.Stage.ToString(),
            kind = card.Kind.ToString(),
            title = card.Title,
            author = card.Author.Id,
            assignees = card.Assignees.Select(a => a.Id).ToArray(),
            due = card.DueAt,
            scheduled = card.ScheduledAt,
            card = SqlValue.Jsonb(card),
            version = card.Version,
            updated = card.UpdatedAt,
        }, transaction, cancellationToken: cancellationToken));

        foreach (var target in card.Targets)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
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
                """, new
            {
                id = card.Id,
                target = target.Target.ToString(),
                channel = card.Channel,
                kind = card.Kind.ToString(),
                title = draft?.Title ?? card.Title,
                summary = draft?.Summary ?? "",
                body = draft?.BodyHtml ?? "",
                author = string.Join("、", card.Assignees.Select(a => a.Name).DefaultIfEmpty(card.Author.Name)),
                media = (draft?.MediaIds ?? []).ToArray(),
                video = draft?.VideoUrl,
                interaction = SqlValue.Jsonb(draft?.Interaction),
                published = target.PublishedAt,
                withdrawn = target.WithdrawnAt,
                version = card.Version,
                sourceName = draft?.Source is { } reprinted ? reprinted.Source ?? reprinted.SiteName ?? reprinted.Url : null,
                sourceUrl = draft?.Source?.Url,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
