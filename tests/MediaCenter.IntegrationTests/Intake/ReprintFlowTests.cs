using System.Net;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Intake;

/// <summary>
/// One-click reprint on real processes: the web takes the URL, the silo fetches it through the outbound guard from the fixture site on
/// 127.0.0.1 (allowed like an intranet receiver, its name pinned in <c>Outbound:Hosts</c>), stores the images, and files the story.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ReprintFlowTests(IntegrationFixture fixture)
{
    /// <summary>The silo may reach the loopback site by name; "intranet" is pinned to a private address that is not allowed.</summary>
    internal static Dictionary<string, string> SiteAllowed() => new()
    {
        ["Outbound__AllowHttp"] = "true",
        ["Outbound__AllowedNetworks__0"] = "127.0.0.1/32",
        [$"Outbound__Hosts__{ArticleIntakeTests.NewsHost}"] = "127.0.0.1",
        ["Outbound__Hosts__intranet.jiangcheng.test"] = "10.20.30.40",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReprintAsync(HttpClient client, string channel, string url, string mode = "Pitch",
        string? key = null)
    {
        var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel}/reprints", new { url, mode }, key ?? Guid.NewGuid().ToString());
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public async Task A_pasted_article_becomes_a_pitch_with_its_images_stored_here_and_failures_listed_and_a_second_paste_says_where_it_went()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", SiteAllowed());
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "rp");
        var news = site.Named(ArticleIntakeTests.NewsHost);

        var (status, record) = await ReprintAsync(staff.Editor, staff.Channel, new Uri(news, "news/article-jsonld.html?utm_source=wechat#top").ToString());
        Assert.True(status == HttpStatusCode.Created, $"{status}: {record}");
        var id = record.GetProperty("articleId").GetString()!;
        var source = record.GetProperty("source");
        Assert.Equal("江城日报", source.GetProperty("source").GetString());
        Assert.Equal("陈晓明、刘芳", source.GetProperty("author").GetString());
        Assert.Equal("赵磊", source.GetProperty("editor").GetString());
        var failures = source.GetProperty("imageFailures").EnumerateArray().Select(f => (f.GetProperty("url").GetString()!, f.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.Item1.EndsWith("/img/missing.jpg", StringComparison.Ordinal) && f.Item2.Contains("HTTP 404", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Item1.EndsWith("/img/not-really.jpg", StringComparison.Ordinal) && f.Item2.Contains("不是图片", StringComparison.Ordinal));
        var mediaIds = record.GetProperty("mediaIds").EnumerateArray().Select(m => m.GetGuid()).ToList();
        Assert.Equal(2, mediaIds.Count);

        // The pitch carries the source link, our copies of the images and the list of those that failed.
        var story = JsonDocument.Parse(await staff.Editor.GetStringAsync($"/api/v1/articles/{id}")).RootElement;
        Assert.Equal("Pitched", story.GetProperty("card").GetProperty("stage").GetString());
        Assert.Equal("市文化馆新馆开馆 首日接待市民八千人次", story.GetProperty("card").GetProperty("title").GetString());
        Assert.Contains("来源：江城日报", story.GetProperty("angle").GetString(), StringComparison.Ordinal);
        var materials = story.GetProperty("materials").EnumerateArray().ToList();
        Assert.Contains(materials, m => m.GetProperty("kind").GetString() == "Link" && m.GetProperty("url").GetString()!.Contains("article-jsonld.html", StringComparison.Ordinal));
        Assert.Equal(mediaIds, materials.Where(m => m.GetProperty("kind").GetString() == "File").Select(m => m.GetProperty("mediaId").GetGuid()));
        Assert.Contains(materials, m => m.GetProperty("kind").GetString() == "Note" && m.GetProperty("text").GetString()!.Contains("missing.jpg", StringComparison.Ordinal));

        // Our copy is the very image the site served, typed from its bytes.
        using var image = await staff.Editor.GetAsync($"/api/v1/media/{mediaIds[0]}");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(FixtureSite.Fixtures, "photo-river.png")), await image.Content.ReadAsByteArrayAsync());

        // The same page again (normalised: no tracking parameter, no fragment), by another editor: it says where it went.
        var (again, taken) = await ReprintAsync(staff.Editor2, staff.Channel, new Uri(news, "news/article-jsonld.html").ToString());
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("AlreadyTaken", taken.GetProperty("code").GetString());
        Assert.Equal(id, taken.GetProperty("articleId").GetString());
        Assert.Contains(id, taken.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A repeat of the first request (same Idempotency-Key) answers the first result, not a conflict.
        var key = Guid.NewGuid().ToString();
        var lines = new Uri(news, "news/article-lines.html").ToString();
        var first = await ReprintAsync(staff.Editor, staff.Channel, lines, key: key);
        var repeat = await ReprintAsync(staff.Editor, staff.Channel, lines, key: key);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, repeat.Status));
        Assert.Equal(first.Body.GetProperty("articleId").GetString(), repeat.Body.GetProperty("articleId").GetString());
        Assert.Equal(1, site.Requests.Count(r => r.Path == "/news/article-lines.html"));
    }

    [Fact]
    public async Task A_page_taken_in_one_channel_is_named_as_a_repeat_in_another_channel_of_the_party_by_address_by_content_and_from_the_inbox()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", SiteAllowed());
        var web = await deployment.StartWebAsync(settings: SiteAllowed());
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "rx");
        var news = site.Named(ArticleIntakeTests.NewsHost);
        // A second channel of the same party, where editor2 is editor and chief.
        var sports = "rx-sports";
        await deployment.Identity.Directory.CreateChannelAsync(sports, "体育", "rx");
        await deployment.Identity.Users.AddChannelRoleAsync(sports, staff.IdOf("editor2"), ChannelRoles.Editor, null);
        await deployment.Identity.Users.AddChannelRoleAsync(sports, staff.IdOf("editor2"), ChannelRoles.Chief, null);
        using var sportsEditor = await TestIdentity.SignInAsync(web.Http, "rx-editor2");

        var article = new Uri(news, "news/article-jsonld.html").ToString();
        var (status, record) = await ReprintAsync(staff.Editor, staff.Channel, article);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {record}");
        var story = record.GetProperty("articleId").GetString()!;
        var fetched = site.Requests.Count(r => r.Path == "/news/article-jsonld.html");

        // The same address (tracking parameters aside) in the other channel: named, not fetched again, nothing filed.
        var (again, repeat) = await ReprintAsync(sportsEditor, sports, article + "?utm_source=weibo#top");
        Assert.Equal((HttpStatusCode.Conflict, "TakenElsewhere"), (again, repeat.GetProperty("code").GetString()));
        Assert.Equal((staff.Channel, story), (repeat.GetProperty("channel").GetString(), repeat.GetProperty("articleId").GetString()));
        Assert.Contains(story, repeat.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(fetched, site.Requests.Count(r => r.Path == "/news/article-jsonld.html"));

        // The same article at another address (a syndicated copy): named by its content.
        site.Serve("/mirror/copy.html", await File.ReadAllBytesAsync(Path.Combine(FixtureSite.Fixtures, "article-jsonld.html")), "text/html; charset=utf-8");
        var (copy, copyRepeat) = await ReprintAsync(sportsEditor, sports, new Uri(news, "mirror/copy.html").ToString());
        Assert.Equal((HttpStatusCode.Conflict, "TakenElsewhere"), (copy, copyRepeat.GetProperty("code").GetString()));
        Assert.Equal(story, copyRepeat.GetProperty("articleId").GetString());

        // From the other channel's inbox: the take ends with the item new again, saying where the story went.
        site.Serve("/feeds/sports.xml", System.Text.Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>体育桥接</title><link>http://bridge.test/</link><description>d</description>" +
            "<item><guid>s-1</guid><title>同一篇文章</title><link>/news/article-jsonld.html?from=timeline</link><description>转发。</description></item>" +
            "</channel></rss>"), "application/rss+xml; charset=utf-8");
        var added = await sportsEditor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{sports}/sources",
            new { name = "体育桥接", url = new Uri(news, "feeds/sports.xml").ToString(), intervalMinutes = 1440 }, Guid.NewGuid().ToString());
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var sourceId = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.True((await sportsEditor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{sports}/sources/{sourceId}/poll", null, null)).IsSuccessStatusCode);
        var inbox = JsonDocument.Parse(await sportsEditor.GetStringAsync($"/api/v1/channels/{sports}/collection")).RootElement;
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        var itemId = item.GetProperty("id").GetString()!;
        var take = await sportsEditor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{sports}/collection/{itemId}/take", new { mode = "Pitch" }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Accepted, take.StatusCode);
        var ended = await Eventually.WaitAsync(async () => JsonDocument.Parse(await sportsEditor.GetStringAsync($"/api/v1/channels/{sports}/collection")).RootElement
                .GetProperty("items").EnumerateArray().Single(),
            i => i.GetProperty("state").GetString() != "Taking", TimeSpan.FromSeconds(20), "the take to end");
        Assert.Equal("New", ended.GetProperty("state").GetString());
        Assert.Contains(story, ended.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        // Nothing was filed in the other channel.
        var board = JsonDocument.Parse(await sportsEditor.GetStringAsync($"/api/v1/channels/{sports}/board")).RootElement;
        Assert.DoesNotContain(story, board.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, board.GetProperty("cards").GetArrayLength());
    }

    [Fact]
    public async Task A_chief_who_edits_takes_a_page_straight_to_a_draft_and_every_failure_has_its_own_answer()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", SiteAllowed());
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "rd");
        var news = site.Named(ArticleIntakeTests.NewsHost);
        var gbk = new Uri(news, "news/article-gbk.html").ToString();

        // An editor who is not the chief cannot skip the pitch; the chief without the editor role cannot file at all.
        var (editorDraft, refusal) = await ReprintAsync(staff.Editor, staff.Channel, gbk, "Draft");
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden"), (editorDraft, refusal.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await ReprintAsync(staff.Chief, staff.Channel, gbk, "Draft")).Status);

        await deployment.Identity.Users.AddChannelRoleAsync(staff.Channel, staff.IdOf("chief"), ChannelRoles.Editor, null);
        // A role change ends the person's sessions: the chief signs in again.
        using var chief = await TestIdentity.SignInAsync(web.Http, "rd-chief");
        var (status, record) = await ReprintAsync(chief, staff.Channel, gbk, "Draft");
        Assert.True(status == HttpStatusCode.Created, $"{status}: {record}");
        var story = JsonDocument.Parse(await chief.GetStringAsync($"/api/v1/articles/{record.GetProperty("articleId").GetString()}")).RootElement;
        Assert.Equal("Drafting", story.GetProperty("card").GetProperty("stage").GetString());
        var draft = story.GetProperty("draft");
        Assert.Equal("全市中小学冬季体育联赛开幕", draft.GetProperty("title").GetString());
        Assert.Contains("融合运动项目", draft.GetProperty("bodyHtml").GetString(), StringComparison.Ordinal);
        Assert.Equal("江城晚报", draft.GetProperty("source").GetProperty("source").GetString());
        Assert.Equal("吴丹", draft.GetProperty("source").GetProperty("editor").GetString());

        // Published, the story names its origin in the feeds.
        var storyId = record.GetProperty("articleId").GetString()!;
        Assert.True((await chief.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/policy", new { reviewLevels = 1, targets = new[] { "Pc" } },
            Guid.NewGuid().ToString())).IsSuccessStatusCode);
        await chief.OkAsync(storyId, "submit");
        await staff.Reviewer(1).OkAsync(storyId, "approve");
        await chief.OkAsync(storyId, "publish");
        using var anonymous = new HttpClient { BaseAddress = web.Http };
        var feed = JsonDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.json")).RootElement;
        var item = Assert.Single(feed.GetProperty("items").EnumerateArray());
        Assert.Equal(gbk, item.GetProperty("external_url").GetString());
        Assert.Equal("江城晚报", item.GetProperty("_source").GetProperty("name").GetString());
        var rss = await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.rss");
        Assert.Contains($"<source url=\"{gbk}\">江城晚报</source>", rss, StringComparison.Ordinal);

        async Task FailsAsync(string url, HttpStatusCode expected, string code)
        {
            var (failed, problem) = await ReprintAsync(staff.Editor, staff.Channel, url);
            Assert.True(failed == expected, $"{url}: {failed} {problem}");
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }

        await FailsAsync(new Uri(news, "news/not-an-article.html").ToString(), HttpStatusCode.UnprocessableEntity, "NotAnArticle");
        await FailsAsync(new Uri(news, "news/gone.html").ToString(), HttpStatusCode.BadGateway, "Unreachable");
        await FailsAsync(new Uri(news, "big.html").ToString(), HttpStatusCode.RequestEntityTooLarge, "TooLarge");
        var before = site.Requests.Count;
        await FailsAsync($"http://intranet.jiangcheng.test:{site.Url.Port}/news/article-jsonld.html", HttpStatusCode.UnprocessableEntity, "Refused");
        await FailsAsync($"http://127.0.0.2:{site.Url.Port}/news/article-jsonld.html", HttpStatusCode.UnprocessableEntity, "Refused");
        Assert.Equal(before, site.Requests.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await ReprintAsync(staff.Editor, staff.Channel, "ftp://news.example/a")).Status);
    }
}
