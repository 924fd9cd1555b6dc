using System.Collections.Concurrent;
using MediaCenter.Grains.Intake;

namespace MediaCenter.Grains.Tests.Intake;

/// <summary>
/// Feeds as the grain tests script them, per feed URL: each poll takes the next answer (the last one repeats), and every poll's
/// validators are recorded. Real fetching through the outbound guard is proven in the integration tests.
/// </summary>
public sealed class ScriptedWebIntake : IWebIntake
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FeedFetch>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Url, string? ETag, string? LastModified)> _polls = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _articleFetches = new();
    private readonly ConcurrentDictionary<string, int> _faults = new(StringComparer.Ordinal);

    /// <summary>The next fetches of this article page throw (a fault while the page loads), this many times.</summary>
    public void FaultArticle(string url, int times) => _faults[url] = times;

    /// <summary>Fetches of this article page wait until the returned source is completed (a slow site); then it answers unreachable.</summary>
    public TaskCompletionSource HoldArticle(string url) =>
        _held.GetOrAdd(url, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Article pages asked for, in order.</summary>
    public IReadOnlyList<string> ArticleFetches => [.. _articleFetches];

    /// <summary>Queues answers for a feed URL.</summary>
    public void Script(string url, params FeedFetch[] answers)
    {
        var queue = _answers.GetOrAdd(url, _ => new ConcurrentQueue<FeedFetch>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>Polls of a feed URL with the validators they sent.</summary>
    public IReadOnlyList<(string Url, string? ETag, string? LastModified)> PollsOf(string url) => [.. _polls.Where(p => p.Url == url)];

    public Task<FeedFetch> FetchFeedAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        _polls.Enqueue((url.ToString(), etag, lastModified));
        if (!_answers.TryGetValue(url.ToString(), out var queue) || queue.IsEmpty)
        {
            return Task.FromResult(new FeedFetch([], false, etag, lastModified, FetchFailure.Unreachable, "not scripted"));
        }

        var answer = queue.Count > 1 && queue.TryDequeue(out var next) ? next : queue.TryPeek(out var last) ? last : throw new InvalidOperationException();
        return Task.FromResult(answer);
    }

    public async Task<PageFetch> FetchArticleAsync(Uri url, CancellationToken cancellationToken)
    {
        _articleFetches.Enqueue(url.ToString());
        if (_faults.TryGetValue(url.ToString(), out var faults) && faults > 0 && _faults.TryUpdate(url.ToString(), faults - 1, faults))
        {
            throw new InvalidOperationException("scripted fault");
        }

        if (_held.TryGetValue(url.ToString(), out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return new PageFetch(null, FetchFailure.Unreachable, "not scripted");
    }

    public Task<FileFetch> FetchFileAsync(Uri url, CancellationToken cancellationToken) =>
        Task.FromResult(new FileFetch(null, "file", FetchFailure.Unreachable, "not scripted"));

    public string ReplaceImages(string bodyHtml, IReadOnlyDictionary<string, string?> replacements) => bodyHtml;
}
