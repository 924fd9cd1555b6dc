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

    /// <summary>
    /// Pastes a URL: a refusal answered at once comes back as it is (status and problem); an accepted request (202) is followed at its
    /// Location until it is no longer Fetching, and comes back as the request (Filed with its record, or Failed with outcome and reason).
    /// </summary>
    internal static async Task<(HttpStatusCode Status, JsonElement Body)> ReprintAsync(HttpClient client, string channel, string url, string mode = "Pitch",
        string? key = null)
    {
        var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel}/reprints", new { url, mode }, key ?? Guid.NewGuid().ToString());
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return (response.StatusCode, body);
        }

        var location = response.Headers.Location!.ToString();
        Assert.Equal($"/api/v1/channels/{channel}/reprints/{body.GetProperty("key").GetString()}", location);
        var ended = await Eventually.WaitAsync(async () => JsonDocument.Parse(await client.GetStringAsync(location)).RootElement,
            r => r.GetProperty("state").GetString() != "Fetching", TimeSpan.FromSeconds(120), "the reprint request to end");
        return (response.StatusCode, ended);
    }

    /// <summary>The record of a request that was accepted and filed.</summary>
    internal static JsonElement Filed((HttpStatusCode Status, JsonElement Body) answer)
    {
        Assert.True(answer.Status == HttpStatusCode.Accepted && answer.Body.GetProperty("state").GetString() == "Filed", $"{answer.Status}: {answer.Body}");
        Assert.Equal(answer.Body.GetProperty("articleId").GetString(), answer.Body.GetProperty("record").GetProperty("articleId").GetString());
        return answer.Body.GetProperty("record");
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

        var record = Filed(await ReprintAsync(staff.Editor, staff.Channel, new Uri(news, "news/article-jsonld.html?utm_source=wechat#top").ToString()));
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

        // A repeat of the first request (same Idempotency-Key) answers the same request, not a conflict.
        var key = Guid.NewGuid().ToString();
        var lines = new Uri(news, "news/article-lines.html").ToString();
        var first = await ReprintAsync(staff.Editor, staff.Channel, lines, key: key);
        var repeat = await ReprintAsync(staff.Editor, staff.Channel, lines, key: key);
        Assert.Equal(Filed(first).GetProperty("articleId").GetString(), Filed(repeat).GetProperty("articleId").GetString());
        Assert.Equal(first.Body.GetProperty("key").GetString(), repeat.Body.GetProperty("key").GetString());
        Assert.Equal(1, site.Requests.Count(r => r.Path == "/news/article-lines.html"));
    }

    [Fact]
    public async Task A_pasted_address_is_answered_at_once_and_its_request_ends_filed_or_failed_with_its_reason_and_a_retry_is_the_same_request()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", SiteAllowed());
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "ra");
        var news = site.Named(ArticleIntakeTests.NewsHost);

        // The site holds the page: the answer does not wait for it.
        var held = site.Hold("/news/article-lines.html");
        var key = Guid.NewGuid().ToString();
        var url = new Uri(news, "news/article-lines.html").ToString();
        using var accepted = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/reprints", new { url, mode = "Pitch" }, key);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var request = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Fetching", url), (request.GetProperty("state").GetString(), request.GetProperty("url").GetString()));
        var location = accepted.Headers.Location!.ToString();
        Assert.Equal("Fetching", JsonDocument.Parse(await staff.Editor2.GetStringAsync(location)).RootElement.GetProperty("state").GetString());

        // A retry with the same key while it is fetching is the same request, and fetches nothing more.
        using var retried = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/reprints", new { url, mode = "Pitch" }, key);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(location, retried.Headers.Location!.ToString());

        held.SetResult();
        var filed = await Eventually.WaitAsync(async () => JsonDocument.Parse(await staff.Editor.GetStringAsync(location)).RootElement,
            r => r.GetProperty("state").GetString() != "Fetching", TimeSpan.FromSeconds(60), "the request to end");
        Assert.Equal(("Filed", "Applied"), (filed.GetProperty("state").GetString(), filed.GetProperty("outcome").GetString()));
        var story = filed.GetProperty("articleId").GetString()!;
        var card = JsonDocument.Parse(await staff.Editor.GetStringAsync($"/api/v1/articles/{story}")).RootElement.GetProperty("card");
        Assert.Equal("Pitched", card.GetProperty("stage").GetString());
        Assert.Equal(1, site.Requests.Count(r => r.Path == "/news/article-lines.html"));

        // After the end, the same key still answers the same request (filed), not a conflict; another key is told it was taken.
        var again = await ReprintAsync(staff.Editor, staff.Channel, url, key: key);
        Assert.Equal(story, Filed(again).GetProperty("articleId").GetString());
        var (conflict, problem) = await ReprintAsync(staff.Editor, staff.Channel, url);
        Assert.Equal((HttpStatusCode.Conflict, "AlreadyTaken", story), (conflict, problem.GetProperty("code").GetString(), problem.GetProperty("articleId").GetString()));

        // An address the outbound guard refuses: accepted, then failed with the reason, in the reader's language.
        var refused = await ReprintAsync(staff.Editor, staff.Channel, $"http://intranet.jiangcheng.test:{site.Url.Port}/news/article-jsonld.html");
        Assert.Equal((HttpStatusCode.Accepted, "Failed", "Refused"),
            (refused.Status, refused.Body.GetProperty("state").GetString(), refused.Body.GetProperty("outcome").GetString()));
        var refusedAt = $"/api/v1/channels/{staff.Channel}/reprints/{refused.Body.GetProperty("key").GetString()}";
        Assert.Equal("该地址不可用：需要公网地址", refused.Body.GetProperty("reason").GetString());
        Assert.Equal("This address cannot be used: it must reach a public address.",
            JsonDocument.Parse(await staff.Editor.GetStringAsync(refusedAt + "?lang=en")).RootElement.GetProperty("reason").GetString());

        // Another key is not a request; nor is a key in another channel.
        using var unknown = await staff.Editor.GetAsync($"/api/v1/channels/{staff.Channel}/reprints/{new string('0', 32)}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_paste_whose_only_silo_dies_during_the_fetch_is_filed_by_the_next_silo_from_its_reminder()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("rk-1", SiteAllowed());
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "rk");
        var url = new Uri(site.Named(ArticleIntakeTests.NewsHost), "news/article-lines.html").ToString();

        var held = site.Hold("/news/article-lines.html");
        using var accepted = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/reprints", new { url, mode = "Pitch" },
            Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.ToString();
        await Eventually.WaitAsync(() => Task.FromResult(site.Arrivals.Count(p => p == "/news/article-lines.html")), n => n >= 1,
            TimeSpan.FromSeconds(30), "the fetch to reach the site");
        Assert.Equal(1L, await ScalarAsync<long>(deployment, "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'resume'"));

        // The silo dies mid-fetch; the next one is started and nobody asks for the request: its reminder brings it back.
        silo.Kill();
        held.SetResult();
        await deployment.StartSiloAsync("rk-2", SiteAllowed());
        var board = await Eventually.WaitAsync(
            async () => JsonDocument.Parse(await staff.Editor.GetStringAsync($"/api/v1/channels/{staff.Channel}/board")).RootElement.GetProperty("cards"),
            cards => cards.GetArrayLength() > 0, TimeSpan.FromSeconds(120), "the story filed from the resumed request");

        var request = JsonDocument.Parse(await staff.Editor.GetStringAsync(location)).RootElement;
        Assert.Equal("Filed", request.GetProperty("state").GetString());
        Assert.Equal(request.GetProperty("articleId").GetString(), Assert.Single(board.EnumerateArray()).GetProperty("id").GetString());
        await Eventually.WaitAsync(() => ScalarAsync<long>(deployment, "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'resume'"), n => n == 0,
            TimeSpan.FromSeconds(30), "the resume reminder to go");
    }

    private static async Task<T> ScalarAsync<T>(MediaCenter.Testing.Deployment deployment, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
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
        var story = Filed(await ReprintAsync(staff.Editor, staff.Channel, article)).GetProperty("articleId").GetString()!;
        var fetched = site.Requests.Count(r => r.Path == "/news/article-jsonld.html");

        // The same address (tracking parameters aside) in the other channel: named, not fetched again, nothing filed.
        var (again, repeat) = await ReprintAsync(sportsEditor, sports, article + "?utm_source=weibo#top");
        Assert.Equal((HttpStatusCode.Conflict, "TakenElsewhere"), (again, repeat.GetProperty("code").GetString()));
        Assert.Equal((staff.Channel, story), (repeat.GetProperty("channel").GetString(), repeat.GetProperty("articleId").GetString()));
        Assert.Contains(story, repeat.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(fetched, site.Requests.Count(r => r.Path == "/news/article-jsonld.html"));

        // The same article at another address (a syndicated copy): named by its content once fetched, so the request fails saying where.
        site.Serve("/mirror/copy.html", await File.ReadAllBytesAsync(Path.Combine(FixtureSite.Fixtures, "article-jsonld.html")), "text/html; charset=utf-8");
        var (copy, copyRepeat) = await ReprintAsync(sportsEditor, sports, new Uri(news, "mirror/copy.html").ToString());
        Assert.Equal((HttpStatusCode.Accepted, "Failed", "TakenElsewhere"),
            (copy, copyRepeat.GetProperty("state").GetString(), copyRepeat.GetProperty("outcome").GetString()));
        Assert.Equal(story, copyRepeat.GetProperty("elsewhere").GetProperty("articleId").GetString());
        Assert.Contains(story, copyRepeat.GetProperty("reason").GetString(), StringComparison.Ordinal);

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
        var record = Filed(await ReprintAsync(chief, staff.Channel, gbk, "Draft"));
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

        // Each failure after the answer ends the request Failed with its own outcome and a reason.
        async Task FailsAsync(string url, string code)
        {
            var (accepted, request) = await ReprintAsync(staff.Editor, staff.Channel, url);
            Assert.True(accepted == HttpStatusCode.Accepted && request.GetProperty("state").GetString() == "Failed", $"{url}: {accepted} {request}");
            Assert.Equal(code, request.GetProperty("outcome").GetString());
            Assert.False(string.IsNullOrWhiteSpace(request.GetProperty("reason").GetString()));
            Assert.Equal(JsonValueKind.Null, request.GetProperty("articleId").ValueKind);
        }

        await FailsAsync(new Uri(news, "news/not-an-article.html").ToString(), "NotAnArticle");
        await FailsAsync(new Uri(news, "news/gone.html").ToString(), "Unreachable");
        await FailsAsync(new Uri(news, "big.html").ToString(), "TooLarge");
        var before = site.Requests.Count;
        await FailsAsync($"http://intranet.jiangcheng.test:{site.Url.Port}/news/article-jsonld.html", "Refused");
        await FailsAsync($"http://127.0.0.2:{site.Url.Port}/news/article-jsonld.html", "Refused");
        Assert.Equal(before, site.Requests.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await ReprintAsync(staff.Editor, staff.Channel, "ftp://news.example/a")).Status);
    }
}
