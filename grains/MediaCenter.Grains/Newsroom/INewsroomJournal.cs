namespace MediaCenter.Grains.Newsroom;

/// <summary>
/// Where stories leave the grains: draft versions, the timeline in the event log, the read model behind
/// lists and "my tasks", and the publications the feeds read. Implemented on PostgreSQL by the silo.
/// Every write is idempotent and version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface INewsroomJournal
{
    /// <summary>
    /// Records that the channel's filing <paramref name="operationId"/> gets story <paramref name="articleId"/> (number
    /// <paramref name="number"/> of the channel) and returns the story the operation has: the one given, or the one an earlier
    /// call recorded for it.
    /// </summary>
    Task<string> AllocateArticleIdAsync(string channel, string operationId, long number, string articleId, CancellationToken cancellationToken = default);

    /// <summary>The highest story number the channel allocated (0 when none).</summary>
    Task<long> LastArticleNumberAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>Stores a draft version (before the grain acknowledges it).</summary>
    Task SaveDraftAsync(string articleId, int version, DraftContent draft, Person by, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the timeline entries the event log is owed (oldest first) and, when <paramref name="project"/>, brings the read model
    /// and the publications up to the card: all in one transaction, sent as one batch. Either all of it is written or none.
    /// </summary>
    Task FollowAsync(ArticleCard card, IReadOnlyList<OwedArticleEntry> owed, DraftContent? draft, bool project, CancellationToken cancellationToken = default);

    /// <summary>A story's timeline as the event log holds it, oldest first (entries not yet appended are the grain's to add).</summary>
    Task<IReadOnlyList<ArticleHistoryEntry>> HistoryAsync(string articleId, CancellationToken cancellationToken = default);

    /// <summary>The cards of a channel's board as the read model has them (live stories and the 100 latest finished ones).</summary>
    Task<IReadOnlyList<ArticleCard>> BoardCardsAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>Brings the read model and the publications (what the feeds list) up to the card's version.</summary>
    Task ProjectAsync(ArticleCard card, DraftContent? draft, CancellationToken cancellationToken = default);
}

/// <summary>
/// A timeline entry the event log is owed, with what the story still knew of the moment before it: the entry before it and, for an
/// assignment, who was assigned before. What is not known (null) the journal reads from the log.
/// </summary>
public sealed record OwedArticleEntry(ArticleHistoryEntry Entry, ArticleHistoryEntry? Previous, IReadOnlyList<Person>? AssigneesBefore);
