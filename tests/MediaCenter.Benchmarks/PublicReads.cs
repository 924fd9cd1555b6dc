using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.Testing;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B5: during a hot event, public reads (the event's Q&amp;A and a channel's published feed) step from 500 to 5,000 requests/s
/// for 60 s while staff keep moving stories through the newsroom. Baseline in the same run: the same staff load alone.
/// All the public load comes from one loopback address, i.e. one client: the per-client public rate limit answers most of it 429.
/// </summary>
internal static class PublicReads
{
    public static async Task<string[]> RunAsync(Deployment deployment, int staffUsers)
    {
        Console.WriteLine($"B5: public reads stepping 500 → 5,000/s for 60 s during a hot event, {staffUsers} staff moving stories …");
        await deployment.StartSiloAsync("bench-silo");
        var web = await deployment.StartWebAsync("bench-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "100000" });
        using var staff = await ArticleTransitions.StaffAsync(deployment, web, staffUsers);
        await ArticleTransitions.LoadAsync(staff, TimeSpan.Zero, null, CancellationToken.None);

        await deployment.Identity.PartyUserAsync("b5-party", "b4", PartyRoles.Member);
        await deployment.Identity.PlatformUserAsync("b5-op", PlatformRoles.Operator);
        using var party = await TestIdentity.SignInAsync(web.Http, "b5-party");
        using var op = await TestIdentity.SignInAsync(web.Http, "b5-op");
        var registered = await SendAsync(party, "/api/v1/hot-events", new
        {
            title = "重大政策发布",
            policy = "关于文化惠民的若干措施",
            startsAt = DateTimeOffset.UtcNow.AddSeconds(3),
            endsAt = DateTimeOffset.UtcNow.AddMinutes(10),
            trafficMultiple = 10,
            channels = new[] { staff.Channel },
            qa = Enumerable.Range(1, 20).Select(i => new { question = $"问题 {i}：政策何时实施？", answer = $"答复 {i}：自发布之日起施行。" }).ToArray(),
        });
        var id = registered.GetProperty("id").GetString()!;
        await SendAsync(op, $"/api/v1/hot-events/{id}/acknowledge", new { comment = "已确认保障" });
        using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = web.Http,
        };
        var qaPath = $"/public/hot-events/{id}/qa";
        var clock = Stopwatch.StartNew();
        while ((await anonymous.GetAsync(qaPath)).StatusCode != HttpStatusCode.OK)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("the hot event did not become active");
            }

            await Task.Delay(200);
        }

        var etag = (await anonymous.GetAsync(qaPath)).Headers.ETag;
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // let the probing requests' rate-limit tokens come back

        var alone = new ConcurrentBag<double>();
        await ArticleTransitions.LoadAsync(staff, TimeSpan.FromSeconds(15), alone, CancellationToken.None);
        var aloneP99 = ArticleTransitions.Pct([.. alone.OrderBy(x => x)], 0.99);
        Console.WriteLine($"B5 baseline: staff alone p99 {aloneP99:0} ms ({alone.Count} transitions in 15 s)");

        var underLoad = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, long>();
        long missingRetryAfter = 0;
        long sent = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var staffRun = ArticleTransitions.LoadAsync(staff, TimeSpan.FromSeconds(60), underLoad, CancellationToken.None);
        var publicRun = Task.Run(async () =>
        {
            using var inFlight = new SemaphoreSlim(2_000);
            var step = Stopwatch.StartNew();
            var pending = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                var rate = Math.Min(5_000, 500 * (1 + (int)(step.Elapsed.TotalSeconds / 6)));
                var tick = Stopwatch.StartNew();
                for (var i = 0; i < rate / 100; i++)
                {
                    if (!await inFlight.WaitAsync(0))
                    {
                        statuses.AddOrUpdate(-1, 1, (_, n) => n + 1); // the generator could not keep up
                        continue;
                    }

                    var n = Interlocked.Increment(ref sent);
                    pending.Add(Task.Run(async () =>
                    {
                        try
                        {
                            using var request = new HttpRequestMessage(HttpMethod.Get, n % 2 == 0 ? qaPath : $"/feeds/{staff.Channel}/pc.json");
                            if (n % 4 == 0 && etag is not null)
                            {
                                request.Headers.IfNoneMatch.Add(etag);
                            }

                            using var response = await anonymous.SendAsync(request);
                            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                            if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is null)
                            {
                                Interlocked.Increment(ref missingRetryAfter);
                            }
                        }
                        catch (HttpRequestException)
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
        });
        await Task.WhenAll(staffRun, publicRun);

        var sorted = underLoad.OrderBy(x => x).ToList();
        var p99 = ArticleTransitions.Pct(sorted, 0.99);
        long Count(Func<int, bool> which) => statuses.Where(s => which(s.Key)).Sum(s => s.Value);
        var served = Count(s => s is 200 or 304);
        var limited = Count(s => s == 429);
        var errors = Count(s => s >= 500);
        var dropped = Count(s => s == 0);
        var skipped = Count(s => s == -1);
        var other = Count(s => s is > 0 and not (200 or 304 or 429) and < 500);
        var verdict = p99 <= 250 && errors == 0 && dropped == 0 && missingRetryAfter == 0 && other == 0 ? "met" : "not met";
        var summary = $"public: {sent} sent ({sent / 60.0:0}/s on average over the ramp; the generator shares the 2 cores), served {served} (200/304), 429 {limited} (Retry-After missing on {missingRetryAfter}), " +
            $"5xx {errors}, failed connections {dropped}, other {other}, generator could not send {skipped}; staff under load p99 {p99:0} ms ({sorted.Count} transitions)";
        Console.WriteLine("B5: " + summary);
        return ["B5", "public reads (hot-event Q&A, a channel's JSON feed) stepping 500 → 5,000/s for 60 s from one client address, during a hot event, while " +
                $"{staffUsers} staff move stories", $"staff alone: p99 {aloneP99:0} ms", summary,
            "staff p99 ≤ 250 ms, zero 5xx, excess answered from cache or 429 with Retry-After", verdict];
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
