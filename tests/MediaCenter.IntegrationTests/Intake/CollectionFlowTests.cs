using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Newsroom;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Intake;

/// <summary>
/// Directed collection on real processes: a chief adds feed sources, the silo polls the fixture bridges on 127.0.0.1, the inbox keeps
/// one item per story across two bridges and pushes it live, and an editor takes an item through the reprint path or dismisses one.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class CollectionFlowTests(IntegrationFixture fixture)
{
    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Two_bridges_of_one_story_give_one_item_live_conditional_polls_reach_the_site_and_editors_take_or_dismiss_items()
    {
        await using var site = await FixtureSite.StartAsync();
        site.Fail("/feeds/down.xml", 500);
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", ReprintFlowTests.SiteAllowed());
        var web = await deployment.StartWebAsync(settings: ReprintFlowTests.SiteAllowed());
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "co");
        var feeds = site.Named(ArticleIntakeTests.NewsHost);

        var pushed = new List<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(web.Http, "/hubs/live"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(staff.Editor.DefaultRequestHeaders.Authorization!.Parameter);
            })
            .Build();
        hub.On<JsonElement>("collectionChanged", c =>
        {
            lock (pushed)
            {
                pushed.Add(c);
            }
        });
        await hub.StartAsync();
        Assert.True(await hub.InvokeAsync<bool>("WatchBoard", staff.Channel));

        async Task<string> AddAsync(string name, string path)
        {
            var added = await OkAsync(await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/sources",
                new { name, url = new Uri(feeds, path).ToString(), intervalMinutes = 1440 }, Guid.NewGuid().ToString()));
            return added.GetProperty("id").GetString()!;
        }

        // Editors work the inbox; sources are the chief's.
        var byEditor = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/sources",
            new { name = "x", url = new Uri(feeds, "feeds/feed.json").ToString(), intervalMinutes = 60 }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, byEditor.StatusCode);
        var inside = await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/sources",
            new { name = "内网", url = $"http://intranet.jiangcheng.test:{site.Url.Port}/feeds/feed.json", intervalMinutes = 60 }, Guid.NewGuid().ToString());
        // Refused at registration like a webhook: one message, no reason.
        Assert.Equal(HttpStatusCode.BadRequest, inside.StatusCode);
        Assert.Contains("公网地址", await inside.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var rss = await AddAsync("江城发布（公众号）", "feeds/feed-rss.xml");
        var json = await AddAsync("江城发布（另一桥接）", "feeds/feed.json");
        var down = await AddAsync("失效的桥接", "feeds/down.xml");
        foreach (var source in new[] { rss, json, down })
        {
            await OkAsync(await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/sources/{source}/poll", null, null));
        }

        var again = await OkAsync(await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/sources/{rss}/poll", null, null));
        Assert.Equal(3, again.GetProperty("itemsCollected").GetInt32());
        var rssRequests = site.Requests.Where(r => r.Path == "/feeds/feed-rss.xml").ToList();
        Assert.Equal(2, rssRequests.Count);
        Assert.Null(rssRequests[0].IfNoneMatch);
        Assert.NotNull(rssRequests[1].IfNoneMatch);
        Assert.Equal("304", rssRequests[1].Status);

        var desk = await OkAsync(await staff.Editor.GetAsync($"/api/v1/channels/{staff.Channel}/collection"));
        var items = desk.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        var shared = Assert.Single(items, i => i.GetProperty("title").GetString()!.StartsWith("市文化馆", StringComparison.Ordinal));
        Assert.Equal(["江城发布（另一桥接）"], shared.GetProperty("alsoFrom").EnumerateArray().Select(a => a.GetString()));
        var failing = Assert.Single(desk.GetProperty("sources").EnumerateArray(), s => s.GetProperty("id").GetString() == down);
        Assert.Equal(1, failing.GetProperty("consecutiveFailures").GetInt32());
        Assert.Contains("HTTP 500", failing.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var bus = items.Single(i => i.GetProperty("title").GetString() == "冬季新增三十条定制公交线路");
        // The article behind the item loads slowly: the take answers at once and the inbox stays workable meanwhile.
        var slowPage = site.Hold(new Uri(bus.GetProperty("link").GetString()!).AbsolutePath);
        var takeAnswer = await staff.Editor.SendAsync(HttpMethod.Post,
            $"/api/v1/channels/{staff.Channel}/collection/{bus.GetProperty("id").GetString()}/take", new { mode = "Pitch" }, Guid.NewGuid().ToString())
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Accepted, takeAnswer.StatusCode);
        Assert.Equal("Taking", (await OkAsync(takeAnswer)).GetProperty("item").GetProperty("state").GetString());
        var library = items.Single(i => i.GetProperty("title").GetString() == "江城图书馆延长冬季开放时间");
        var dismissed = await OkAsync(await staff.Editor.SendAsync(HttpMethod.Post,
            $"/api/v1/channels/{staff.Channel}/collection/{library.GetProperty("id").GetString()}/dismiss", null, Guid.NewGuid().ToString())
            .WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("Dismissed", dismissed.GetProperty("item").GetProperty("state").GetString());
        var whileLoading = await OkAsync(await staff.Editor.GetAsync($"/api/v1/channels/{staff.Channel}/collection").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("Taking", whileLoading.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == bus.GetProperty("id").GetString())
            .GetProperty("state").GetString());
        slowPage.SetResult();
        // The page is fetched and filed in the background; the item moves on by itself.
        var taken = await Eventually.WaitAsync(async () => (await OkAsync(await staff.Editor.GetAsync($"/api/v1/channels/{staff.Channel}/collection")))
                .GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == bus.GetProperty("id").GetString()),
            item => item.GetProperty("state").GetString() != "Taking", TimeSpan.FromSeconds(20), "the take to end");
        Assert.Equal("Taken", taken.GetProperty("state").GetString());
        var articleId = taken.GetProperty("articleId").GetString()!;
        var story = JsonDocument.Parse(await staff.Editor.GetStringAsync($"/api/v1/articles/{articleId}")).RootElement;
        Assert.Equal("Pitched", story.GetProperty("card").GetProperty("stage").GetString());
        Assert.Contains("来源：江城交通", story.GetProperty("angle").GetString(), StringComparison.Ordinal);

        var twice = await staff.Editor.SendAsync(HttpMethod.Post,
            $"/api/v1/channels/{staff.Channel}/collection/{library.GetProperty("id").GetString()}/dismiss", null, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        // Every new item, the source statuses and both decisions were pushed to the board's watchers.
        await Eventually.WaitAsync(() =>
        {
            lock (pushed)
            {
                var states = pushed.Where(p => p.GetProperty("item").ValueKind == JsonValueKind.Object)
                    .Select(p => p.GetProperty("item").GetProperty("state").GetString()).ToList();
                return Task.FromResult((New: states.Count(s => s == "New"), Taken: states.Contains("Taken"), Dismissed: states.Contains("Dismissed"),
                    Sources: pushed.Count(p => p.GetProperty("source").ValueKind == JsonValueKind.Object)));
            }
        }, seen => seen.New >= 4 && seen.Taken && seen.Dismissed && seen.Sources > 0, TimeSpan.FromSeconds(10),
            "collectionChanged pushes for the new items, the sources and the decisions");
    }
}
