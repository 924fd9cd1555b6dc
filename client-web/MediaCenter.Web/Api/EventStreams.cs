using System.Collections.Concurrent;
using System.Threading.Channels;

namespace MediaCenter.Web.Api;

/// <summary>
/// Live pushes to public pages without an account (Server-Sent Events). One loop per topic with listeners on this web instance
/// asks <see cref="NextAsync"/> once per <see cref="Interval"/> and, when what listeners last saw moved, sends the same serialised
/// frame to every listener. A hot topic therefore costs one cached read and one payload per interval per instance, however many
/// phones listen; a quiet one costs nothing but a comment line now and then to keep proxies open. A listener that falls behind
/// keeps only the newest frame.
/// </summary>
public abstract partial class EventStreams(TimeProvider time, ILogger logger)
{
    /// <summary>Listeners per web instance and kind of stream; beyond it a new stream is refused (503) and the page falls back to
    /// what it read on load.</summary>
    public const int MaxListeners = 20_000;

    private static readonly TimeSpan KeepOpen = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _listeners;

    /// <summary>Listeners on this instance now (for tests and metrics).</summary>
    public int Listeners => Volatile.Read(ref _listeners);

    /// <summary>How often a topic with listeners is read.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>
    /// The frame to send for <paramref name="topic"/> and the mark of what it shows, when that differs from
    /// <paramref name="sent"/> (the mark of the frame sent last, null before the first); null when nothing moved.
    /// </summary>
    protected abstract Task<(string Frame, object Mark)?> NextAsync(string topic, object? sent);

    /// <summary>A Server-Sent Events frame: <c>event: {name}</c> and one data line (the JSON has no line breaks).</summary>
    protected static string Frame(string name, string json) => "event: " + name + "\ndata: " + json + "\n\n";

    /// <summary>Streams a topic to one listener until it goes away: the current frame at once (once read), then each change.</summary>
    public async Task StreamAsync(string topic, HttpResponse response, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _listeners) > MaxListeners)
        {
            Interlocked.Decrement(ref _listeners);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "30";
            return;
        }

        var inbox = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var joined = Join(topic, inbox.Writer);
        try
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache, no-store";
            // Tells nginx-style proxies not to buffer the stream.
            response.Headers["X-Accel-Buffering"] = "no";
            if (joined.Last is { } current)
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
            Leave(topic, joined, inbox.Writer);
            Interlocked.Decrement(ref _listeners);
        }
    }

    private Topic Join(string key, ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            var topic = _topics.GetOrAdd(key, _ => new Topic());
            topic.Listeners[listener] = true;
            topic.Loop ??= Task.Run(() => LoopAsync(key, topic));
            return topic;
        }
    }

    private void Leave(string key, Topic topic, ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            topic.Listeners.TryRemove(listener, out _);
            if (topic.Listeners.IsEmpty)
            {
                _topics.TryRemove(key, out _);
                topic.Stop.Cancel();
            }
        }
    }

    private async Task LoopAsync(string key, Topic topic)
    {
        object? sent = null;
        while (!topic.Stop.IsCancellationRequested)
        {
            try
            {
                if (await NextAsync(key, sent) is { } next)
                {
                    topic.Last = next.Frame;
                    foreach (var listener in topic.Listeners.Keys)
                    {
                        listener.TryWrite(next.Frame);
                    }

                    sent = next.Mark;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next interval tries again; listeners keep what they have.
                LogReadFailed(logger, GetType().Name, key, ex.GetType().Name);
            }

            try
            {
                await Task.Delay(Interval, time, topic.Stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        topic.Stop.Dispose();
    }

    private sealed class Topic
    {
        public ConcurrentDictionary<ChannelWriter<string>, bool> Listeners { get; } = new();

        public CancellationTokenSource Stop { get; } = new();

        public Task? Loop { get; set; }

        public string? Last { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream} {Topic}: reading what to push failed ({Kind})")]
    private static partial void LogReadFailed(ILogger logger, string stream, string topic, string kind);
}
