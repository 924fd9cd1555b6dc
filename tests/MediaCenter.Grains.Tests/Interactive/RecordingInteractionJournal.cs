using System.Collections.Concurrent;
using MediaCenter.Grains.Interactive;

namespace MediaCenter.Grains.Tests.Interactive;

/// <summary>An in-memory interaction journal: the latest results row per story and question row per question, version-guarded like the tables.</summary>
public sealed class RecordingInteractionJournal : IInteractionJournal
{
    private readonly ConcurrentDictionary<string, InteractionResults> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Article, string Question), InteractionQuestion> _questions = new();

    /// <summary>The results row of a story.</summary>
    public InteractionResults? ResultsOf(string articleId) => _results.GetValueOrDefault(articleId);

    /// <summary>The question rows of a story.</summary>
    public IReadOnlyList<InteractionQuestion> QuestionsOf(string articleId) =>
        [.. _questions.Where(q => q.Key.Article == articleId).Select(q => q.Value).OrderBy(q => q.Id.Length).ThenBy(q => q.Id, StringComparer.Ordinal)];

    public Task RecordAsync(InteractionResults results, IReadOnlyList<InteractionQuestion> questions, CancellationToken cancellationToken = default)
    {
        _results.AddOrUpdate(results.ArticleId, results, (_, held) => held.Version >= results.Version ? held : results);
        foreach (var q in questions)
        {
            _questions.AddOrUpdate((results.ArticleId, q.Id), q, (_, held) => held.Version >= q.Version ? held : q);
        }

        return Task.CompletedTask;
    }
}
