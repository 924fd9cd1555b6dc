using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>One request a <see cref="HookReceiver"/> got, and how it answered.</summary>
public sealed record ReceivedHook(int Number, TimeSpan At, string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith)
{
    /// <summary>The body as text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>A header (names are case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"#{Number} at {At.TotalSeconds:0.0} s → {AnsweredWith} ({Header("X-MediaCenter-Delivery")})";
}

/// <summary>
/// A webhook receiver on 127.0.0.1: answers 500 to the first <c>failFirst</c> requests and 200 afterwards, and records every
/// request (raw body, headers, arrival time since it started).
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedHook> _received = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _failFirst;
    private readonly Task _loop;
    private int _count;

    private HookReceiver(int port, int failFirst)
    {
        _failFirst = failFirst;
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The base address.</summary>
    public Uri Url { get; }

    /// <summary>What was received, in order.</summary>
    public IReadOnlyList<ReceivedHook> Received => [.. _received.OrderBy(r => r.Number)];

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static HookReceiver Start(int failFirst) => new(FreePorts.Next(), failFirst);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var number = Interlocked.Increment(ref _count);
                var status = number <= _failFirst ? 500 : 200;
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
                {
                    headers[name] = context.Request.Headers[name] ?? "";
                }

                _received.Enqueue(new ReceivedHook(number, _clock.Elapsed, context.Request.Url?.AbsolutePath ?? "", body.ToArray(), headers, status));
                context.Response.StatusCode = status;
                context.Response.Close();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The loop ends with the listener; nothing of it matters any more.
        }
    }
}
