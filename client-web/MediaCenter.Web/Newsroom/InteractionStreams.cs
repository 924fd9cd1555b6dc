using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MediaCenter.Grains.Newsroom;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// Live results for the public page without an account (Server-Sent Events): one loop per story with listeners on this web instance
/// reads the story through <see cref="InteractionCache"/> once per <see cref="InteractionCache.Fresh"/> and, when the results moved,
/// sends the same serialised event to every listener. A hot story therefore costs one cached read and one payload per interval per
/// instance, however many votes or phones there are; a quiet one costs nothing but a comment line now and then to keep proxies open.
/// </summary>
public sealed partial class InteractionStreams(InteractionCache cache, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider time,
    ILogger<InteractionStreams> logger)
{
    /// <summary>Listeners per web instance; beyond it a new stream is refused (503) and the page falls back to reading on reload.</summary>
    public const int MaxListeners = 20_000;

    private static readonly TimeSpan KeepOpen = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, Story> _stories = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _listeners;

    /// <summary>Streams a story's results to one listener until it goes away: the current results at once, then each change.</summary>
    public async Task StreamAsync(string id, HttpResponse response, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _listeners) > MaxListeners)
        {
            Interlocked.Decrement(ref _listeners);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "30";
            return;
        }

        var inbox = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var story = Join(id, inbox.Writer);
        try
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache, no-store";
            // Tells nginx-style proxies not to buffer the stream.
            response.Headers["X-Accel-Buffering"] = "no";
            if (story.Last is { } current)
            {
                inbox.Writer.TryWrite(current);
            }

            await response.WriteAsync(": open\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepOpen);
                string frame;
                try
                {
                    frame = await inbox.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    frame = ": keep-open\n\n";
                }

                await response.WriteAsync(frame, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The listener went away.
        }
        finally
        {
            Leave(id, story, inbox.Writer);
            Interlocked.Decrement(ref _listeners);
        }
    }

    /// <summary>Listeners on this instance now (for tests and metrics).</summary>
    public int Listeners => Volatile.Read(ref _listeners);

    private Story Join(string id, ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            var story = _stories.GetOrAdd(id, _ => new Story());
            story.Listeners[listener] = true;
            if (story.Loop is null)
            {
                story.Loop = Task.Run(() => LoopAsync(id, story));
            }

            return story;
        }
    }

    private void Leave(string id, Story story, ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            story.Listeners.TryRemove(listener, out _);
            if (story.Listeners.IsEmpty)
            {
                _stories.TryRemove(id, out _);
                story.Stop.Cancel();
            }
        }
    }

    private async Task LoopAsync(string id, Story story)
    {
        long? sent = null;
        var questionsSent = -1;
        while (!story.Stop.IsCancellationRequested)
        {
            try
            {
                var result = await cache.ResultsAsync(id);
                if (result.Ok && result.Results is { } r)
                {
                    var mark = r.Version * 2 + (r.Open ? 1 : 0);
                    if (mark != sent || r.ApprovedQuestions != questionsSent)
                    {
                        var approved = r.Type == InteractionType.QnA ? (await cache.ApprovedAsync(id)).Approved : [];
                        var payload = new
                        {
                            Results = new InteractionsApi.PublicResults(r.ArticleId, r.Title, r.Type, r.Question, r.Options, r.Counts, r.Votes,
                                r.ApprovedQuestions, r.Open, r.Version, r.UpdatedAt),
                            Questions = approved.Select(q => new { q.Id, q.Text, q.SubmittedAt }),
                        };
                        var frame = "event: results\ndata: " + JsonSerializer.Serialize(payload, json.Value.SerializerOptions) + "\n\n";
                        story.Last = frame;
                        foreach (var listener in story.Listeners.Keys)
                        {
                            listener.TryWrite(frame);
                        }

                        (sent, questionsSent) = (mark, r.ApprovedQuestions);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next interval tries again; listeners keep what they have.
                LogReadFailed(logger, id, ex.GetType().Name);
            }

            try
            {
                await Task.Delay(InteractionCache.Fresh, time, story.Stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        story.Stop.Dispose();
    }

    private sealed class Story
    {
        public ConcurrentDictionary<ChannelWriter<string>, bool> Listeners { get; } = new();

        public CancellationTokenSource Stop { get; } = new();

        public Task? Loop { get; set; }

        public string? Last { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction stream {Id}: reading the results failed ({Kind})")]
    private static partial void LogReadFailed(ILogger logger, string id, string kind);
}
