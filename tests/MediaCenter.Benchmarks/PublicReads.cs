using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B5, serve the spike: during a hot event, the public reads a policy release brings (the event's Q&amp;A and a
/// channel's published feed) come from many readers — 1,000 distinct client addresses (loopback source addresses
/// 127.1.x.y) — stepping from 1,000 to 10,000 requests/s while the newsroom works at its pace (by default 50 staff, one
/// transition every 5 s each: #21's realistic newsroom rate, whose p99 target is 50 ms). Baseline in the same run:
/// Kestrel answering the same bytes from memory with no middleware, under the same steps from the same addresses.
/// Per step: answered (200/304), refused (429), 5xx, failed connections, latency of the answered; the knee is the
/// last step where ≥ 99 % were answered with p99 ≤ 100 ms and no 5xx.
/// </summary>
internal static class PublicReads
{
    private static readonly int[] Steps = [1_000, 2_000, 4_000, 6_000, 8_000, 10_000];

    public static async Task<string[]> RunAsync(Deployment deployment, int staffUsers, TimeSpan staffPace, int addresses = 1_000, int stepSeconds = 10)
    {
        var paced = $"{staffUsers} staff moving stories at one transition every {staffPace.TotalSeconds:0.#} s each";
        Console.WriteLine($"B5: public reads from {addresses} addresses stepping {Steps[0]:N0} → {Steps[^1]:N0}/s ({stepSeconds} s a step) during a hot event, {paced} …");
        await deployment.StartSiloAsync("bench-silo");
        var web = await deployment.StartWebAsync("bench-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "100000" });
        using var staff = await ArticleTransitions.StaffAsync(deployment, web, staffUsers);
        await ArticleTransitions.LoadAsync(staff, TimeSpan.Zero, null, CancellationToken.None);
        var qaPath = await HotEventAsync(deployment, web, staff.Channel);
        var feedPath = $"/feeds/{staff.Channel}/pc.json";

        using var readers = new Readers(addresses);
        var qa = await readers.Client(0).GetAsync(new Uri(web.Http, qaPath));
        var feed = await readers.Client(1).GetAsync(new Uri(web.Http, feedPath));
        var etag = qa.Headers.ETag;
        var qaBytes = await qa.Content.ReadAsByteArrayAsync();
        var feedBytes = await feed.Content.ReadAsByteArrayAsync();

        // The baseline: the same bytes from memory, no middleware, on the same machine, measured first.
        Console.WriteLine("B5 baseline: Kestrel with the same bytes from memory …");
        await using var bare = await BareServerAsync(qaPath, qaBytes, feedPath, feedBytes);
        var baseline = await StepAsync(readers, bare.Urls.Select(u => new Uri(u)).First(), qaPath, feedPath, null, stepSeconds);
        var baselineKnee = Knee(baseline);

        var alone = new ConcurrentBag<double>();
        await ArticleTransitions.LoadAsync(staff, TimeSpan.FromSeconds(15), alone, CancellationToken.None, staffPace);
        var aloneP99 = ArticleTransitions.Pct([.. alone.OrderBy(x => x)], 0.99);
        Console.WriteLine($"B5: staff alone p99 {aloneP99:0} ms ({alone.Count} transitions in 15 s)");

        var underLoad = new ConcurrentBag<double>();
        var staffRun = ArticleTransitions.LoadAsync(staff, TimeSpan.FromSeconds(Steps.Length * stepSeconds), underLoad, CancellationToken.None, staffPace);
        var measured = await StepAsync(readers, web.Http, qaPath, feedPath, etag, stepSeconds);
        await staffRun;
        var staffSorted = underLoad.OrderBy(x => x).ToList();
        var staffP99 = ArticleTransitions.Pct(staffSorted, 0.99);
        var knee = Knee(measured);

        var upToKnee = measured.Where(s => s.Rate <= Math.Max(knee, Steps[0])).ToList();
        var met = knee >= Steps[0] && upToKnee.All(s => s.Errors == 0) && knee >= 0.5 * baselineKnee && staffP99 <= 250;
        string Describe(IEnumerable<StepResult> steps) => string.Join("; ", steps.Select(s => s.ToString()));
        var result = $"knee {Kneed(knee)} (baseline's {Kneed(baselineKnee)}, ratio {(baselineKnee > 0 ? knee / (double)baselineKnee : 0):0.00}); " +
            $"staff under load ({paced}): p50 {ArticleTransitions.Pct(staffSorted, 0.5):0} ms, p99 {staffP99:0} ms ({underLoad.Count} transitions, " +
            $"{(staffSorted.Count == 0 ? 0 : 100.0 * staffSorted.Count(x => x <= 50) / staffSorted.Count):0.0} % within 50 ms); steps: {Describe(measured)}";
        Console.WriteLine("B5: " + result);
        Console.WriteLine("B5 baseline steps: " + Describe(baseline));
        return ["B5", $"public reads (hot-event Q&A, a channel's JSON feed) from {addresses} client addresses stepping {Steps[0]:N0} → {Steps[^1]:N0}/s during a hot event, " +
                $"while {paced}",
            $"Kestrel with the same bytes from memory: knee {Kneed(baselineKnee)}; staff alone p99 {aloneP99:0} ms", result,
            "up to the knee ≥ 99 % answered (200/304) with p99 ≤ 100 ms and no 5xx; knee ≥ 0.5 × baseline's; staff p99 ≤ 250 ms", met ? "met" : "not met"];
    }

    private static string Kneed(int knee) => knee == 0 ? "below the first step" : knee.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    /// <summary>The last step (in order) where the readers were served; 0 when the first already was not.</summary>
    private static int Knee(IReadOnlyList<StepResult> steps)
    {
        var knee = 0;
        foreach (var step in steps)
        {
            if (!step.Served)
            {
                break;
            }

            knee = step.Rate;
        }

        return knee;
    }

    private static async Task<List<StepResult>> StepAsync(Readers readers, Uri server, string qaPath, string feedPath, EntityTagHeaderValue? etag, int stepSeconds)
    {
        var results = new List<StepResult>();
        // Every reader connects first (a browser that reads the feed keeps its connection), so the first step measures
        // serving, not 1,000 TCP handshakes at once.
        await Task.WhenAll(Enumerable.Range(0, readers.Count).Select(async i =>
        {
            using var response = await readers.Client(i).GetAsync(new Uri(server, feedPath));
        }));
        foreach (var rate in Steps)
        {
            var step = await OneStepAsync(readers, server, qaPath, feedPath, etag, rate, TimeSpan.FromSeconds(stepSeconds));
            Console.WriteLine($"  {server.Port}: {step}");
            results.Add(step);
        }

        return results;
    }

    /// <summary>Open loop: what fell due by the clock is sent every 10 ms, round-robin over the addresses, whatever came back.</summary>
    private static async Task<StepResult> OneStepAsync(Readers readers, Uri server, string qaPath, string feedPath,
        EntityTagHeaderValue? etag, int rate, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, long>();
        using var inFlight = new SemaphoreSlim(4_000);
        var pending = new List<Task>();
        long sent = 0;
        var clock = Stopwatch.StartNew();
        long offered = 0;
        while (clock.Elapsed < duration)
        {
            var tick = Stopwatch.StartNew();
            // Paced by the clock, not by the ticks: a late tick sends what fell due meanwhile.
            var due = (long)(rate * clock.Elapsed.TotalSeconds) - offered;
            for (; due > 0; due--, offered++)
            {
                if (!await inFlight.WaitAsync(0))
                {
                    statuses.AddOrUpdate(-1, 1, (_, n) => n + 1);
                    continue;
                }

                var n = Interlocked.Increment(ref sent);
                var client = readers.Client((int)(n % readers.Count));
                pending.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, n % 2 == 0 ? qaPath : feedPath));
                        if (n % 4 == 0 && etag is not null)
                        {
                            request.Headers.IfNoneMatch.Add(etag);
                        }

                        using var response = await client.SendAsync(request);
                        await response.Content.CopyToAsync(Stream.Null);
                        var code = (int)response.StatusCode;
                        statuses.AddOrUpdate(code, 1, (_, c) => c + 1);
                        if (code is 200 or 304)
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        statuses.AddOrUpdate(0, 1, (_, c) => c + 1);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }));
            }

            pending.RemoveAll(t => t.IsCompleted);
            var left = TimeSpan.FromMilliseconds(10) - tick.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        }

        await Task.WhenAll(pending);
        long Count(Func<int, bool> which) => statuses.Where(s => which(s.Key)).Sum(s => s.Value);
        var sorted = latencies.OrderBy(x => x).ToList();
        return new StepResult(rate, sent, Count(s => s is 200 or 304), Count(s => s == 429), Count(s => s >= 500), Count(s => s == 0),
            Count(s => s == -1), ArticleTransitions.Pct(sorted, 0.5), ArticleTransitions.Pct(sorted, 0.99));
    }

    private sealed record StepResult(int Rate, long Sent, long Answered, long Limited, long Errors, long Failed, long NotSent, double P50, double P99)
    {
        public long Attempted => Sent + NotSent;

        public bool Served => Attempted > 0 && Answered >= 0.99 * Attempted && P99 <= 100 && Errors == 0;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Rate:N0}/s: {Answered * 100.0 / Math.Max(1, Attempted):0.0} % answered of {Attempted:N0}, 429 {Limited}, 5xx {Errors}, failed {Failed}, not sent {NotSent}, p50 {P50:0.0} ms, p99 {P99:0.0} ms");
    }

    /// <summary>The readers: one HTTP client per loopback source address (127.1.x.y), so the server sees that many clients.</summary>
    private sealed class Readers : IDisposable
    {
        private readonly HttpClient[] _clients;

        public Readers(int addresses)
        {
            _clients = Enumerable.Range(0, addresses).Select(i =>
            {
                var local = new IPAddress([127, 1, (byte)(i / 250), (byte)(i % 250 + 1)]);
                var handler = new SocketsHttpHandler
                {
                    MaxConnectionsPerServer = 8,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                    ConnectCallback = async (context, cancellationToken) =>
                    {
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            socket.Bind(new IPEndPoint(local, 0));
                            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
                return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            }).ToArray();
        }

        public int Count => _clients.Length;

        public HttpClient Client(int i) => _clients[i];

        public void Dispose()
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<WebApplication> BareServerAsync(string qaPath, byte[] qa, string feedPath, byte[] feed)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePorts.Next()}");
        var app = builder.Build();
        app.MapGet(qaPath, () => Results.Bytes(qa, "application/json"));
        app.MapGet(feedPath, () => Results.Bytes(feed, "application/json"));
        await app.StartAsync();
        return app;
    }

    private static async Task<string> HotEventAsync(Deployment deployment, TestProcess web, string channel)
    {
        await deployment.Identity.PartyUserAsync("b5-party", "b4", PartyRoles.Member);
        await deployment.Identity.PlatformUserAsync("b5-op", PlatformRoles.Operator);
        using var party = await TestIdentity.SignInAsync(web.Http, "b5-party");
        using var op = await TestIdentity.SignInAsync(web.Http, "b5-op");
        var registered = await SendAsync(party, "/api/v1/hot-events", new
        {
            title = "重大政策发布",
            policy = "关于文化惠民的若干措施",
            startsAt = DateTimeOffset.UtcNow.AddSeconds(3),
            endsAt = DateTimeOffset.UtcNow.AddMinutes(30),
            trafficMultiple = 10,
            channels = new[] { channel },
            qa = Enumerable.Range(1, 20).Select(i => new { question = $"问题 {i}：政策何时实施？", answer = $"答复 {i}：自发布之日起施行。" }).ToArray(),
        });
        var id = registered.GetProperty("id").GetString()!;
        await SendAsync(op, $"/api/v1/hot-events/{id}/acknowledge", new { comment = "已确认保障" });
        var path = $"/public/hot-events/{id}/qa";
        using var probe = new HttpClient { BaseAddress = web.Http };
        var clock = Stopwatch.StartNew();
        while ((await probe.GetAsync(path)).StatusCode != HttpStatusCode.OK)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("the hot event did not become active");
            }

            await Task.Delay(200);
        }

        return path;
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement;
    }
}
