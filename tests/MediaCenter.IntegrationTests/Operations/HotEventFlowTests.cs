using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>
/// A hot event on real processes: registered, acknowledged, its window opening and closing by itself a few seconds
/// later; the public Q&amp;A served only in between (cached, ETag, 304), the public rate limit switching to the hot
/// profile, the banner pushed live, traffic counted.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class HotEventFlowTests(IntegrationFixture fixture)
{
    private static Task<JsonElement> EventAsync(HttpClient client, string id) => client.GetFromJsonAsync<JsonElement>($"/api/v1/hot-events/{id}");

    private static async Task<HttpStatusCode> QaStatusAsync(HttpClient anonymous, string id)
    {
        using var response = await anonymous.GetAsync($"/public/hot-events/{id}/qa");
        return response.StatusCode;
    }

    [Fact]
    public async Task An_acknowledged_event_serves_its_qa_during_its_window_only_and_the_mode_ends_by_itself()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ohe");
        // A web instance of its own, with a hot profile small enough to see it refuse.
        var web = await shared.Deployment.StartWebAsync("hot-web", new Dictionary<string, string>
        {
            ["Identity__SignInRatePerMinute"] = "100000",
            ["HotEvents__NormalPermitsPerSecond"] = "1000",
            ["HotEvents__HotPermitsPerSecond"] = "5",
            ["HotEvents__RefreshInterval"] = "00:00:00.500",
            ["HotEvents__TrafficFlushEvery"] = "00:00:01",
        });
        try
        {
            using var member = await TestIdentity.SignInAsync(web.Http, "ohe-member");
            using var operatorClient = await TestIdentity.SignInAsync(web.Http, "ohe-op");
            using var anonymous = new HttpClient { BaseAddress = web.Http };
            var banners = new List<JsonElement>();
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(web.Http, "/hubs/live"), HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(member.DefaultRequestHeaders.Authorization!.Parameter);
                })
                .Build();
            hub.On<JsonElement>("hotEventMode", m =>
            {
                lock (banners)
                {
                    banners.Add(m);
                }
            });
            await hub.StartAsync();

            var starts = DateTimeOffset.UtcNow.AddSeconds(7);
            var ends = starts.AddSeconds(7);
            object Registration(string title) => new
            {
                title,
                policy = "自即日起，全市公共文化场馆延长开放时间。",
                startsAt = starts,
                endsAt = ends,
                trafficMultiple = 10,
                channels = new[] { people.PartyA + "-home" },
                qa = new[] { new { question = "延长到几点？", answer = "每晚 21 点。" }, new { question = "需要预约吗？", answer = "无需预约。" } },
            };

            var registered = await member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", Registration("公共文化场馆延时开放政策发布"), HttpStatusCode.Created);
            var id = registered.Str("id");
            Assert.Equal(("Registered", people.PartyA), (registered.Str("status"), registered.Str("partyId")));
            var ignored = (await member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", Registration("未获确认的发布"), HttpStatusCode.Created)).Str("id");

            // Not acknowledged: nothing public.
            Assert.Equal(HttpStatusCode.NotFound, await QaStatusAsync(anonymous, id));
            Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/acknowledge", new { }));
            Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/hot-events/{id}"));

            var acknowledged = await operatorClient.MustAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/acknowledge", new { comment = "已扩容" }, HttpStatusCode.OK);
            Assert.Equal("Acknowledged", acknowledged.Str("status"));
            await Eventually.WaitAsync(() => QaStatusAsync(anonymous, id), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "the acknowledged script");

            // Before the window: the normal profile, and the event is not yet listed as active.
            var normal = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => anonymous.GetAsync("/public/hot-events")));
            Assert.All(normal, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Equal("off", normal[0].Headers.GetValues("X-Hot-Mode").Single());
            Assert.DoesNotContain((await normal[0].Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), e => e.Str("id") == id);
            Assert.True(DateTimeOffset.UtcNow < starts, "the checks before the window took too long");

            // The window opens by itself.
            await Eventually.WaitAsync(() => EventAsync(member, id), e => e.GetProperty("card").Str("status") == "Active", TimeSpan.FromSeconds(15),
                "the window to open");
            var qa = await Eventually.WaitAsync(() => anonymous.GetAsync($"/public/hot-events/{id}/qa"), r => r.Headers.Contains("X-Hot-Mode")
                && r.Headers.GetValues("X-Hot-Mode").Single() == "on" && r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(3), "hot mode on this web");
            var script = await qa.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("Active", 2), (script.Str("status"), script.GetProperty("qa").GetArrayLength()));
            Assert.Equal("每晚 21 点。", script.GetProperty("qa")[0].Str("answer"));
            Assert.True(qa.Headers.CacheControl!.Public);
            Assert.InRange(qa.Headers.CacheControl.MaxAge!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"/public/hot-events/{id}/qa"))
            {
                conditional.Headers.IfNoneMatch.Add(qa.Headers.ETag!);
                Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);
            }

            var listed = await anonymous.GetFromJsonAsync<JsonElement>("/public/hot-events");
            Assert.Contains(listed.EnumerateArray(), e => e.Str("id") == id);
            Assert.Equal(HttpStatusCode.NotFound, await QaStatusAsync(anonymous, ignored));
            var banner = await member.GetFromJsonAsync<JsonElement>("/api/v1/hot-mode");
            Assert.True(banner.GetProperty("hot").GetBoolean());
            Assert.Contains(banner.GetProperty("events").EnumerateArray(), e => e.Str("id") == id && e.Str("status") == "Active");

            // The hot profile: 5 requests a second per client.
            var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => anonymous.GetAsync("/public/hot-events")));
            Assert.Contains(burst, r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.NotNull(burst.First(r => r.StatusCode == HttpStatusCode.TooManyRequests).Headers.RetryAfter);

            // Live traffic of the event: its Q&A requests were counted, refused ones too. Counted for certain are the two above
            // (the first with the mode on, and the conditional one) and this one; the requests before the mode reached this web
            // are counted only if its cache already held the event (a CI run saw 2).
            await QaStatusAsync(anonymous, id);
            var traffic = await member.GetFromJsonAsync<JsonElement>($"/api/v1/hot-events/{id}/traffic");
            Assert.True(traffic.GetProperty("total").GetInt64() >= 3, traffic.ToString());
            Assert.True(DateTimeOffset.UtcNow < ends, "the checks inside the window took too long");

            // The window closes by itself: the script is gone, the mode is off, the unacknowledged event expired.
            await Eventually.WaitAsync(() => QaStatusAsync(anonymous, id), s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15),
                "the script to stop at the window's end");
            Assert.True(DateTimeOffset.UtcNow >= ends.AddMilliseconds(-100), "the script stopped before the window closed");
            await Eventually.WaitAsync(() => EventAsync(member, id), e => e.GetProperty("card").Str("status") == "Ended", TimeSpan.FromSeconds(10),
                "the event to end");
            await Eventually.WaitAsync(() => EventAsync(member, ignored), e => e.GetProperty("card").Str("status") == "Expired", TimeSpan.FromSeconds(10),
                "the unacknowledged event to expire");
            Assert.DoesNotContain((await anonymous.GetFromJsonAsync<JsonElement>("/public/hot-events")).EnumerateArray(), e => e.Str("id") == id);
            Assert.False((await member.GetFromJsonAsync<JsonElement>("/api/v1/hot-mode")).GetProperty("hot").GetBoolean());
            var history = (await EventAsync(member, id)).GetProperty("history").EnumerateArray().Select(h => h.Str("command")).ToArray();
            Assert.Equal(["Register", "Acknowledge", "Start", "End"], history);

            // The banner was pushed live: on when the window opened, off when it closed.
            await Eventually.WaitAsync(() => Task.FromResult(Snapshot(banners)), b => b.Any(m => !m.GetProperty("hot").GetBoolean()
                && m.GetProperty("version").GetInt64() > b.Where(x => x.GetProperty("hot").GetBoolean()).Select(x => x.GetProperty("version").GetInt64()).DefaultIfEmpty(long.MaxValue).Max()),
                TimeSpan.FromSeconds(5), "hotEventMode on, then off");

            // The read model lists both, with their final states.
            var list = await people.Operator.GetFromJsonAsync<JsonElement>($"/api/v1/hot-events?partyId={people.PartyA}");
            Assert.Equal(["Ended", "Expired"], list.EnumerateArray().OrderBy(e => e.Str("status")).Select(e => e.Str("status")).ToArray());
            Assert.DoesNotContain((await people.OtherParty.GetFromJsonAsync<JsonElement>("/api/v1/hot-events")).EnumerateArray(),
                e => e.Str("partyId") == people.PartyA);

            // The traffic is kept: the party's report pack has the event with the Q&A this web counted (it counts no more once the
            // window closed), the answered ones among them, and the month's measure of answers served agrees.
            var counted = (await member.GetFromJsonAsync<JsonElement>($"/api/v1/hot-events/{id}/traffic")).GetProperty("total").GetInt64();
            var month = TimeZoneInfo.ConvertTime(starts, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            var row = await Eventually.WaitAsync(async () =>
            {
                using var response = await people.PartyAdmin.GetAsync($"/api/v1/reports/pack.xlsx?from={month}&to={month}");
                using var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
                return MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "HotEvents").Cast<IDictionary<string, object?>>()
                    .SingleOrDefault(r => r["Id"] as string == id);
            }, r => r is not null && Convert.ToInt64(r["QaRequests"], System.Globalization.CultureInfo.InvariantCulture) == counted,
                TimeSpan.FromSeconds(20), "the pack's hot-event row with the counted traffic");
            long Cell(string name) => Convert.ToInt64(row![name], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(Cell("QaAnswered"), 2, counted);
            Assert.Equal(("Ended", 10L, people.PartyA + "-home"), ((string)row!["Status"]!, Cell("DeclaredMultiple"), (string)row["Channels"]!));
            Assert.True(Cell("PeakPerMinute") >= 1);
            var measures = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/applications/{people.PartyA}.default/measures?month={month}", null,
                HttpStatusCode.OK);
            Assert.Equal(Cell("QaAnswered"), (long)measures.GetProperty("measures").GetProperty("hotEventAnswers").GetDouble());
        }
        finally
        {
            await web.Process.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task The_party_cancels_before_the_window_and_edits_need_a_new_acknowledgement()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ohc");
        using var anonymous = shared.Anonymous();
        var starts = DateTimeOffset.UtcNow.AddHours(1);
        var body = new
        {
            title = "年度文化惠民政策发布",
            policy = "惠民政策全文",
            startsAt = starts,
            endsAt = starts.AddHours(2),
            trafficMultiple = 3,
            channels = new[] { people.PartyA + "-home" },
            qa = new[] { new { question = "问", answer = "答" } },
        };

        // Another party's channel cannot be named; operators do not register.
        await people.Member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", body with { }, HttpStatusCode.Created, "dup-check");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await people.Member.StatusAsync(HttpMethod.Post, "/api/v1/hot-events",
            new { body.title, body.policy, body.startsAt, body.endsAt, channels = new[] { people.PartyB + "-home" }, body.qa }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Post, "/api/v1/hot-events", body));

        // The same Idempotency-Key registers once: same id, same answer.
        var again = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", body, HttpStatusCode.Created, "dup-check");
        var id = again.Str("id");
        Assert.Single((await EventAsync(people.Member, id)).GetProperty("history").EnumerateArray());

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/acknowledge", new { }, HttpStatusCode.OK);
        await Eventually.WaitAsync(() => QaStatusAsync(anonymous, id), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "the acknowledged script");

        var edited = await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/hot-events/{id}", new { trafficMultiple = 30 }, HttpStatusCode.OK);
        Assert.Equal(("Registered", 30d), (edited.Str("status"), edited.GetProperty("trafficMultiple").GetDouble()));
        await Eventually.WaitAsync(() => QaStatusAsync(anonymous, id), s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(5), "the script withdrawn");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await people.Member.StatusAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/cancel", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/cancel", new { reason = "x" }));
        var cancelled = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/cancel", new { reason = "发布推迟" }, HttpStatusCode.OK);
        Assert.Equal(("Cancelled", "发布推迟"), (cancelled.Str("status"), cancelled.Str("lastComment")));
        var illegal = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/hot-events/{id}/acknowledge", new { }, HttpStatusCode.Conflict);
        Assert.Equal(("IllegalMove", "Cancelled"), (illegal.Str("code"), illegal.Str("currentState")));
    }

    private static List<JsonElement> Snapshot(List<JsonElement> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
