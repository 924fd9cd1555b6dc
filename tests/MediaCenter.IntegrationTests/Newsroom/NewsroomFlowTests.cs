using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Npgsql;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>The newsroom through its HTTP API on real PostgreSQL: workflow, roles, idempotency, drafts, feeds, suspension.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class NewsroomFlowTests(IntegrationFixture fixture)
{
    private async Task<(SharedDeployment Shared, NewsroomStaff Staff)> StaffAsync(string prefix)
    {
        var shared = await fixture.SharedAsync();
        return (shared, await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, prefix));
    }

    private static async Task<string> ApprovedStoryAsync(NewsroomStaff staff, string title)
    {
        var id = await staff.Editor.FileAsync(staff.Channel, title);
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new { kind = "ImageText", title, summary = "摘要：" + title, bodyHtml = "<p>正文 " + title + "</p>" },
        });
        await staff.Editor.OkAsync(id, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await staff.Reviewer(level).OkAsync(id, "approve", new { comment = "同意" });
        }

        return id;
    }

    [Fact]
    public async Task A_storys_events_say_who_was_assigned_before_and_since_when_each_review_waited_and_its_board_row_and_feed_follow()
    {
        var (shared, staff) = await StaffAsync("nrev");
        await using var _ = staff;
        var id = await staff.Editor.FileAsync(staff.Channel, "社区图书馆夜间开放");
        await staff.Chief.OkAsync(id, "confirm");
        var due = DateTimeOffset.UtcNow.AddDays(1);
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = due });
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor2") }, dueAt = due });
        await staff.Editor2.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new { kind = "ImageText", title = "社区图书馆夜间开放", summary = "摘要", bodyHtml = "<p>正文</p>" },
        });
        await staff.Editor2.OkAsync(id, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await staff.Reviewer(level).OkAsync(id, "approve", new { comment = "同意" });
        }

        await staff.Chief.OkAsync(id, "publish", new { targets = new[] { "Pc" } });

        // The story appends its events after it answers: all ten, in order, each once.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        var events = await Eventually.WaitAsync(async () =>
        {
            var rows = new List<(long Version, string Command, JsonElement Payload)>();
            await using var read = new NpgsqlCommand(
                "SELECT version, event_type, payload::text FROM mc.event_log WHERE entity_type = 'article' AND entity_id = @id ORDER BY version",
                connection);
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
            }

            return rows;
        }, rows => rows.Count == 10, TimeSpan.FromSeconds(15), "the story's ten events in the log");
        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(["File", "Confirm", "Assign", "Assign", "SaveDraft", "Submit", "Approve", "Approve", "Approve", "Publish"], events.Select(e => e.Command));

        static Guid[] People(JsonElement payload, string property) =>
            [.. payload.GetProperty(property).EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

        // The first assignment took it from nobody, the second from the first editor.
        Assert.Empty(People(events[2].Payload, "previousAssignees"));
        Assert.Equal([staff.IdOf("editor")], People(events[3].Payload, "previousAssignees"));
        Assert.Equal([staff.IdOf("editor2")], People(events[3].Payload, "assignees"));

        // Each review waited from the move that brought the story to its level: the submission, then the approval before it.
        for (var i = 6; i <= 8; i++)
        {
            Assert.Equal(events[i - 1].Payload.GetProperty("at").GetDateTimeOffset(), events[i].Payload.GetProperty("reviewRequestedAt").GetDateTimeOffset());
        }

        Assert.False(events[5].Payload.TryGetProperty("reviewRequestedAt", out var notReview) && notReview.ValueKind != JsonValueKind.Null);

        // Written in the same transaction as the last event: the read model at the last version, and the feed's row.
        await using var row = new NpgsqlCommand(
            "SELECT a.version, a.stage, p.version, p.title FROM mc.articles a JOIN mc.publications p ON p.article_id = a.id AND p.target = 'Pc' WHERE a.id = @id",
            connection);
        row.Parameters.AddWithValue("id", id);
        await using (var reader = await row.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(10, reader.GetInt64(0));
            Assert.Equal("Published", reader.GetString(1));
            Assert.Equal(10, reader.GetInt64(2));
            Assert.Equal("社区图书馆夜间开放", reader.GetString(3));
        }
    }

    // A Chinese character written as a \uXXXX escape (characters that matter to HTML are escaped on purpose).
    private const string EscapedChinese = @"\\u[4-9][0-9A-Fa-f]{3}";

    [Fact]
    public async Task A_channels_feeds_are_written_in_the_channels_language_with_chinese_characters_unescaped()
    {
        var (shared, staff) = await StaffAsync("nrfl");
        await using var _ = staff;
        var id = await ApprovedStoryAsync(staff, "城市夜读");
        await staff.Chief.OkAsync(id, "publish", new { targets = new[] { "Pc" } });
        var name = (await staff.Operator.GetFromJsonAsync<JsonElement>($"/api/channels/{staff.Channel}")).GetProperty("name").GetString()!;
        using var anonymous = shared.Anonymous();

        // Chinese until the channel says otherwise.
        var chineseRaw = await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.json");
        var chinese = JsonDocument.Parse(chineseRaw).RootElement;
        Assert.Equal("zh-CN", chinese.GetProperty("language").GetString());
        Assert.Equal($"{name} · PC 网站", chinese.GetProperty("title").GetString());
        Assert.Contains("\"城市夜读\"", chineseRaw, StringComparison.Ordinal);
        Assert.DoesNotMatch(EscapedChinese, chineseRaw);

        // Only the party's managers set it, and only to a language the catalogue holds.
        var french = await staff.Operator.PutAsJsonAsync($"/api/channels/{staff.Channel}/feed-language", new { language = "fr" });
        Assert.Equal(HttpStatusCode.BadRequest, french.StatusCode);
        Assert.Contains("fr", (await french.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Chief.PutAsJsonAsync($"/api/channels/{staff.Channel}/feed-language", new { language = "en" })).StatusCode);
        var set = await staff.Operator.PutAsJsonAsync($"/api/channels/{staff.Channel}/feed-language", new { language = "en" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("en", (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("feedLanguage").GetString());

        // In English: the feed's own words in English, people's text (the channel's name, the story) as written, unescaped.
        var englishRaw = await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.json");
        var english = JsonDocument.Parse(englishRaw).RootElement;
        Assert.Equal("en", english.GetProperty("language").GetString());
        Assert.Equal($"{name} · PC web", english.GetProperty("title").GetString());
        Assert.Contains("\"城市夜读\"", englishRaw, StringComparison.Ordinal);
        Assert.DoesNotMatch(EscapedChinese, englishRaw);
        var rss = XDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.rss")).Root!.Element("channel")!;
        Assert.Equal("en", rss.Element("language")!.Value);
        Assert.Equal($"Published items of {name} (PC web)", rss.Element("description")!.Value);
    }

    [Fact]
    public async Task A_feed_is_written_out_once_per_version_served_from_memory_until_a_story_changes_it_and_gzipped_for_readers_that_take_it()
    {
        var (shared, staff) = await StaffAsync("nrfc");
        await using var _ = staff;
        var first = await ApprovedStoryAsync(staff, "缓存第一篇");
        await staff.Chief.OkAsync(first, "publish", new { targets = new[] { "Pc" } });
        using var anonymous = shared.Anonymous();
        var path = $"/feeds/{staff.Channel}/pc.json";

        var (rendersBefore, hitsBefore) = await FeedCountersAsync(anonymous);
        var plain = await anonymous.GetAsync(path);
        var again = await anonymous.GetAsync(path);
        var bytes = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(plain.Headers.ETag, again.Headers.ETag);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);

        // A reader that takes gzip gets the same bytes compressed, under the version's gzip tag, which answers 304 as well.
        using var zipped = new HttpRequestMessage(HttpMethod.Get, path);
        zipped.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var gzip = await anonymous.SendAsync(zipped);
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        var compressed = await gzip.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < bytes.Length, $"gzip {compressed.Length} bytes, plain {bytes.Length}");
        await using (var unzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress))
        {
            using var unzipped = new MemoryStream();
            await unzip.CopyToAsync(unzipped);
            Assert.Equal(bytes, unzipped.ToArray());
        }

        Assert.NotEqual(plain.Headers.ETag, gzip.Headers.ETag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, path);
        revalidate.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        revalidate.Headers.IfNoneMatch.Add(gzip.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(revalidate)).StatusCode);
        using var refused = new HttpRequestMessage(HttpMethod.Get, path);
        refused.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip", 0));
        Assert.Empty((await anonymous.SendAsync(refused)).Content.Headers.ContentEncoding);

        // Four answers, one writing out.
        var (renders, hits) = await FeedCountersAsync(anonymous);
        Assert.Equal((1d, 3d), (renders - rendersBefore, hits - hitsBefore));

        // A story published since is in the very next answer: the version is asked of the database on every request.
        var second = await ApprovedStoryAsync(staff, "缓存第二篇");
        await staff.Chief.OkAsync(second, "publish", new { targets = new[] { "Pc" } });
        var changed = await anonymous.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal([second, first], changed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(renders + 1, (await FeedCountersAsync(anonymous)).Renders);
    }

    /// <summary>The web instance's feed writings out and answers from memory (JSON feeds), from its /metrics.</summary>
    private static async Task<(double Renders, double Hits)> FeedCountersAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        static double Read(string text, string name)
        {
            var match = System.Text.RegularExpressions.Regex.Match(text, "(?m)^" + name + @"\{format=""json""\} (\S+)$");
            return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }

        return (Read(metrics, "mediacenter_feed_renders_total"), Read(metrics, "mediacenter_feed_cache_hits_total"));
    }

    [Fact]
    public async Task A_story_goes_from_pitch_through_three_reviews_to_the_feeds_and_out_again()
    {
        var (shared, staff) = await StaffAsync("nrf");
        await using var _ = staff;
        var id = await staff.Editor.FileAsync(staff.Channel, "乡村振兴新观察");

        var confirmed = await staff.Chief.OkAsync(id, "confirm");
        Assert.Equal("Confirmed", confirmed.Stage());
        var assigned = await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddHours(6) });
        Assert.Equal("Assigned", assigned.Stage());
        await staff.Editor.OkAsync(id, "report-progress", new { progress = 40, comment = "采访完成" });
        var drafted = await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new { kind = "ImageText", title = "乡村振兴新观察", summary = "一个村的十年", bodyHtml = "<h2>十年</h2><p>正文</p>" },
        });
        Assert.Equal(1, drafted.GetProperty("draftVersion").GetInt32());
        var inReview = await staff.Editor.OkAsync(id, "submit");
        Assert.Equal("InReview", inReview.Stage());
        Assert.Equal(1, inReview.GetProperty("reviewLevel").GetInt32());

        // Only the reviewer of the current level acts.
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Reviewer(2).CommandAsync(id, "approve")).StatusCode);
        Assert.Equal(2, (await staff.Reviewer(1).OkAsync(id, "approve")).GetProperty("reviewLevel").GetInt32());
        Assert.Equal(3, (await staff.Reviewer(2).OkAsync(id, "approve")).GetProperty("reviewLevel").GetInt32());
        Assert.Equal("Approved", (await staff.Reviewer(3).OkAsync(id, "approve", new { comment = "终审通过" })).Stage());

        var published = await staff.Chief.OkAsync(id, "publish", new { targets = new[] { "Pc", "App" } });
        Assert.Equal("Published", published.Stage());
        Assert.Equal(["Pc", "App"], published.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()!).ToArray());

        using var anonymous = shared.Anonymous();
        var json = await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/feed+json", json.Content.Headers.ContentType!.MediaType);
        var raw = await json.Content.ReadAsStringAsync();
        Assert.Contains("\"乡村振兴新观察\"", raw); // written as Chinese, not \uXXXX escapes
        var feed = JsonDocument.Parse(raw).RootElement;
        var item = feed.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        Assert.Equal("乡村振兴新观察", item.GetProperty("title").GetString());
        Assert.Contains("<h2>十年</h2>", item.GetProperty("content_html").GetString());
        var rss = XDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/app.rss"));
        Assert.Contains(rss.Descendants("item"), i => i.Element("guid")!.Value == id);
        var wap = await anonymous.GetFromJsonAsync<JsonElement>($"/feeds/{staff.Channel}/wap.json");
        Assert.DoesNotContain(wap.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);

        // Cache-friendly: the same ETag answers 304 until something changes.
        var etag = json.Headers.ETag!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/feeds/{staff.Channel}/pc.json");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);
        Assert.NotNull(json.Content.Headers.LastModified);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.Chief.CommandAsync(id, "withdraw", new { })).StatusCode);
        Assert.Equal("Withdrawn", (await staff.Chief.OkAsync(id, "withdraw", new { comment = "事实核查发现错误" })).Stage());
        using var after = new HttpRequestMessage(HttpMethod.Get, $"/feeds/{staff.Channel}/pc.json");
        after.Headers.IfNoneMatch.Add(etag);
        var changed = await anonymous.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.DoesNotContain((await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        var rssAfter = XDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/app.rss"));
        Assert.DoesNotContain(rssAfter.Descendants("item"), i => i.Element("guid")!.Value == id);

        // The whole timeline is kept: actor, time, comment, level.
        var story = await staff.Chief.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
        var history = story.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["File", "Confirm", "Assign", "ReportProgress", "SaveDraft", "Submit", "Approve", "Approve", "Approve", "Publish", "Withdraw"],
            history.Select(h => h.GetProperty("command").GetString()!).ToArray());
        Assert.Equal("终审通过", history[8].GetProperty("comment").GetString());
        Assert.Equal($"nrf-rev3", history[8].GetProperty("actor").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_refused_command_answers_in_Chinese_by_default_and_in_English_when_asked_never_in_both()
    {
        var (_, staff) = await StaffAsync("nrlang");
        await using var _ = staff;
        var id = await staff.Editor.FileAsync(staff.Channel, "语言测试");

        async Task<(HttpResponseMessage Response, JsonElement Problem)> SendAsync(HttpMethod method, string path, string? language)
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonContent.Create(new { }) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            var response = await staff.Chief.SendAsync(request);
            return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        static bool HasChinese(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff');
        static bool HasLatin(string text) => text.Any(char.IsAsciiLetter);

        // Returning a pitch needs a reason: the grain's refusal, through the one problem mapping.
        var (zhResponse, zh) = await SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/return-pitch", null);
        var (_, en) = await SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/return-pitch", "en");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zhResponse.StatusCode);
        Assert.Equal("zh-CN", zhResponse.Content.Headers.ContentLanguage.Single());
        Assert.Equal(("Invalid", "newsroom.reasonRequired"), (zh.GetProperty("code").GetString(), zh.GetProperty("detailKey").GetString()));
        Assert.Equal(("Invalid", "newsroom.reasonRequired"), (en.GetProperty("code").GetString(), en.GetProperty("detailKey").GetString()));
        Assert.Equal("需要填写原因", zh.GetProperty("detail").GetString());
        Assert.Equal("A reason is required.", en.GetProperty("detail").GetString());
        Assert.False(HasLatin(zh.GetProperty("title").GetString()!), zh.GetProperty("title").GetString());
        Assert.False(HasChinese(en.GetProperty("title").GetString()!), en.GetProperty("title").GetString());

        // A refusal of the web's own: a story that is not there.
        var (_, zhMissing) = await SendAsync(HttpMethod.Get, "/api/v1/articles/nrlang-home-9999", null);
        var (_, enMissing) = await SendAsync(HttpMethod.Get, "/api/v1/articles/nrlang-home-9999", "en");
        Assert.Equal("稿件 nrlang-home-9999 不存在", zhMissing.GetProperty("title").GetString());
        Assert.Equal("Story nrlang-home-9999 not found.", enMissing.GetProperty("title").GetString());

        // An illegal move names the command and states as codes, in a sentence of one language.
        var (_, zhIllegal) = await SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/publish", null);
        var (_, enIllegal) = await SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/publish", "en");
        Assert.Contains("不允许", zhIllegal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("is not allowed in state Pitched", enIllegal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(HasChinese(enIllegal.GetRawText()), enIllegal.GetRawText());
        Assert.DoesNotContain(" / ", zhIllegal.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_is_written_in_the_channel_language_with_Chinese_unescaped_whoever_asks()
    {
        var (shared, staff) = await StaffAsync("nrfeed");
        await using var _ = staff;
        var id = await ApprovedStoryAsync(staff, "城市书房夜读季");
        await staff.Chief.OkAsync(id, "publish", new { targets = new[] { "Pc" } });

        using var anonymous = shared.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/feeds/{staff.Channel}/pc.json");
        // The requester's language does not matter: a feed is public and machine-read, one text for everybody.
        request.Headers.AcceptLanguage.ParseAdd("en");
        var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Contains("nrfeed 首页 · PC 网站", raw, StringComparison.Ordinal);
        Assert.Contains("城市书房夜读季", raw, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\\u[4-9][0-9a-fA-F]{3}", raw);
        var feed = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(("nrfeed 首页 · PC 网站", "zh-CN"), (feed.GetProperty("title").GetString(), feed.GetProperty("language").GetString()));
        Assert.Equal("城市书房夜读季", Assert.Single(feed.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());

        using var rssRequest = new HttpRequestMessage(HttpMethod.Get, $"/feeds/{staff.Channel}/pc.rss");
        rssRequest.Headers.AcceptLanguage.ParseAdd("en");
        var rss = XDocument.Parse(await (await anonymous.SendAsync(rssRequest)).Content.ReadAsStringAsync()).Root!.Element("channel")!;
        Assert.Equal(("nrfeed 首页 · PC 网站", "nrfeed 首页（PC 网站）发布内容", "zh-cn"),
            (rss.Element("title")!.Value, rss.Element("description")!.Value, rss.Element("language")!.Value));
    }

    [Fact]
    public async Task Illegal_moves_answer_409_with_the_state_and_allowed_moves_and_wrong_roles_403()
    {
        var (_, staff) = await StaffAsync("nri");
        await using var _ = staff;
        var id = await staff.Editor.FileAsync(staff.Channel, "非法操作测试");

        var illegal = await staff.Chief.CommandAsync(id, "publish");
        Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        var problem = await illegal.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pitched", problem.GetProperty("currentState").GetString());
        Assert.Equal(["EditPitch", "ReturnPitch", "Confirm", "Delete"], problem.GetProperty("allowedMoves").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal("IllegalMove", problem.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Editor.CommandAsync(id, "confirm")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Outsider.CommandAsync(id, "confirm")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Outsider.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/pitches",
            new { title = "无权报题" }, "k1")).StatusCode);
        // Another party's story looks absent.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.CommandAsync(id, "confirm")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/articles/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/channels/{staff.Channel}/board")).StatusCode);

        // Every command needs an Idempotency-Key.
        var keyless = await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/confirm", new { }, key: null);
        Assert.Equal(HttpStatusCode.BadRequest, keyless.StatusCode);
        Assert.Contains("Idempotency-Key", await keyless.Content.ReadAsStringAsync());

        // A repeat returns the first result and applies nothing.
        var first = await staff.Chief.CommandAsync(id, "return-pitch", new { comment = "角度不够新" }, key: "same-key");
        var repeat = await staff.Chief.CommandAsync(id, "return-pitch", new { comment = "角度不够新" }, key: "same-key");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64(),
            (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        var story = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
        Assert.Single(story.GetProperty("history").EnumerateArray(), h => h.GetProperty("command").GetString() == "ReturnPitch");

        // The returned pitch goes back to its editor, who revises and refiles it.
        Assert.Equal("PitchReturned", story.GetProperty("card").Stage());
        Assert.Equal("角度不够新", story.GetProperty("card").GetProperty("lastComment").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Editor2.CommandAsync(id, "refile")).StatusCode);
        Assert.Equal("Pitched", (await staff.Editor.OkAsync(id, "refile", new { title = "非法操作测试（修改版）" })).Stage());

        var tasks = await staff.Editor.GetFromJsonAsync<JsonElement>("/api/v1/me/tasks");
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Drafts_are_sanitised_versioned_and_a_stale_save_is_a_conflict()
    {
        var (_, staff) = await StaffAsync("nrd");
        await using var _ = staff;
        var id = await staff.Editor.FileAsync(staff.Channel, "版本测试");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor"), staff.IdOf("editor2") }, dueAt = DateTimeOffset.UtcNow.AddDays(2) });

        var saved = await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new
            {
                kind = "ImageText",
                title = "版本测试",
                summary = "",
                bodyHtml = "<p onclick=\"steal()\">正文<script>alert(1)</script><a href=\"javascript:alert(2)\">链接</a><img src=x onerror=alert(3)></p>",
            },
        });
        Assert.Equal(1, saved.GetProperty("draftVersion").GetInt32());
        var view = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
        var body = view.GetProperty("draft").GetProperty("bodyHtml").GetString()!;
        Assert.Contains("正文", body);
        Assert.DoesNotContain("script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", body, StringComparison.OrdinalIgnoreCase);

        // Both editors start from version 1; the second save is a conflict, not a silent overwrite.
        var draft = new { kind = "ImageText", title = "版本测试", summary = "", bodyHtml = "<p>编辑甲的修改</p>" };
        await staff.Editor.OkAsync(id, "save-draft", new { baseVersion = 1, draft });
        var stale = await staff.Editor2.CommandAsync(id, "save-draft", new { baseVersion = 1, draft = draft with { bodyHtml = "<p>编辑乙的修改</p>" } });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var conflict = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("VersionConflict", conflict.GetProperty("code").GetString());
        Assert.Equal(2, conflict.GetProperty("draftVersion").GetInt32());

        var versions = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}/versions");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToArray());
        var second = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}/versions/2");
        Assert.Equal("<p>编辑甲的修改</p>", second.GetProperty("content").GetProperty("bodyHtml").GetString());
        Assert.Equal("nrd-editor", second.GetProperty("savedByName").GetString());

        // Kinds have their own requirements.
        var video = await staff.Editor.CommandAsync(id, "save-draft", new { baseVersion = 2, draft = new { kind = "Video", title = "视频", summary = "", bodyHtml = "" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, video.StatusCode);
        var poll = await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 2,
            draft = new { kind = "Interactive", title = "你最关心哪项政策？", summary = "", bodyHtml = "", interaction = new { type = "Poll", question = "你最关心哪项政策？", options = new[] { "教育", "医疗", "住房" } } },
        });
        Assert.Equal("Interactive", poll.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Uploads_are_type_checked_and_size_limited_and_private_until_published()
    {
        var (shared, staff) = await StaffAsync("nru");
        await using var _ = staff;

        static MultipartFormDataContent Form(byte[] data, string name)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(data);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", name);
            return form;
        }

        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var uploaded = await staff.Editor.PostAsync($"/api/v1/channels/{staff.Channel}/media", Form(png, "photo.png"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var media = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("image/png", media.GetProperty("contentType").GetString());
        var mediaId = media.GetProperty("id").GetGuid();

        // The type comes from the bytes: an executable named .png is refused.
        var fake = await staff.Editor.PostAsync($"/api/v1/channels/{staff.Channel}/media", Form([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00], "photo.png"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, fake.StatusCode);
        // The limit is enforced from Content-Length before the body is read: a client that waits for 100-continue gets 413 at once.
        using var big = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/media") { Content = Form(new byte[21 * 1024 * 1024], "big.png") };
        big.Headers.ExpectContinue = true;
        var huge = await staff.Editor.SendAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Outsider.PostAsync($"/api/v1/channels/{staff.Channel}/media", Form(png, "p.png"))).StatusCode);

        using var anonymous = shared.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/media/{mediaId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/media/{mediaId}")).StatusCode);
        Assert.Equal(png, await staff.Chief.GetByteArrayAsync($"/api/v1/media/{mediaId}"));

        // A pitch cites it; a published story shows it, and then anyone may fetch it.
        var id = await staff.Editor.FileAsync(staff.Channel, "带图的报题",
            new { title = "带图的报题", materials = new object[] { new { kind = "File", text = "现场照片", mediaId }, new { kind = "Link", text = "来源", url = "https://example.org/a" } } });
        var badLink = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/pitches",
            new { title = "坏链接", materials = new object[] { new { kind = "Link", text = "来源", url = "javascript:alert(1)" } } }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badLink.StatusCode);
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new
            {
                kind = "ImageText",
                title = "带图",
                summary = "",
                bodyHtml = $"<p>图</p><p><img src=\"/api/v1/media/{mediaId}\"></p>",
                mediaIds = new[] { mediaId }
            }
        });
        await staff.Editor.OkAsync(id, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await staff.Reviewer(level).OkAsync(id, "approve");
        }

        await staff.Chief.OkAsync(id, "publish");
        Assert.Equal(png, await anonymous.GetByteArrayAsync($"/api/v1/media/{mediaId}"));

        // A feed reader elsewhere gets the picture's address on this host, not a path of ours it cannot resolve.
        var feed = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/pc.json")).RootElement;
        var html = feed.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("title").GetString() == "带图").GetProperty("content_html").GetString()!;
        Assert.Contains($"src=\"{anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority)}/api/v1/media/{mediaId}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_reads_the_file_a_slice_at_a_time_a_range_only_its_slices_and_anonymous_bursts_are_limited()
    {
        var (shared, staff) = await StaffAsync("nmd");
        await using var _ = staff;
        // 3.5 MB of text whose every line says where it starts, so a range can be checked by its content.
        var text = new System.Text.StringBuilder();
        while (text.Length < 3_500_000)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{text.Length:D9}\n");
        }

        var bytes = System.Text.Encoding.ASCII.GetBytes(text.ToString());
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "notes.txt");
        var uploaded = await staff.Editor.PostAsync($"/api/v1/channels/{staff.Channel}/media", form);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var mediaId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var metrics = shared.Anonymous();
        async Task<double> SlicesAsync() => double.Parse(System.Text.RegularExpressions.Regex.Match(await metrics.GetStringAsync("/metrics"),
            @"(?m)^mediacenter_media_slices_read_total (\S+)$").Groups[1].Value is { Length: > 0 } v ? v : "0", System.Globalization.CultureInfo.InvariantCulture);

        // A range in the middle: 206 with exactly those bytes, read with one slice.
        var before = await SlicesAsync();
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/media/{mediaId}"))
        {
            range.Headers.Range = new RangeHeaderValue(2_500_000, 2_500_099);
            var partial = await staff.Chief.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(bytes.AsSpan(2_500_000, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync());
            Assert.Equal((true, TimeSpan.FromSeconds(60)), (partial.Headers.CacheControl!.Private, partial.Headers.CacheControl.MaxAge!.Value));
        }

        Assert.Equal(1, await SlicesAsync() - before);

        // The whole file: the same bytes, four slices of at most 1 MiB.
        before = await SlicesAsync();
        using var whole = await staff.Chief.GetAsync($"/api/v1/media/{mediaId}");
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal(4, await SlicesAsync() - before);

        // Asking again with the ETag costs no read at all.
        before = await SlicesAsync();
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/media/{mediaId}"))
        {
            again.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await staff.Chief.SendAsync(again)).StatusCode);
        }

        Assert.Equal(0, await SlicesAsync() - before);

        // Anonymous clients share the public endpoints' per-address budget (HotEvents:NormalPermitsPerSecond, 50 by default).
        using var anonymous = shared.Anonymous();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 120).Select(async _ => (await anonymous.GetAsync($"/api/v1/media/{mediaId}")).StatusCode));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.NotFound or HttpStatusCode.TooManyRequests, $"anonymous got {s} for a private file"));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the bucket refills before the next test uses the public endpoints
    }

    [Fact]
    public async Task A_suspended_channel_refuses_publishing_and_its_feeds_answer_503_until_reopened()
    {
        var (shared, staff) = await StaffAsync("nrs");
        await using var _ = staff;
        var id = await ApprovedStoryAsync(staff, "暂停测试");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Chief.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/suspension",
            new { suspended = true, reason = "x" }, "s0")).StatusCode);
        var suspend = await staff.Operator.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/suspension",
            new { suspended = true, reason = "安全事件处置中" }, "s1");
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);

        var refused = await staff.Chief.CommandAsync(id, "publish");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ChannelSuspended", problem.GetProperty("code").GetString());
        Assert.Contains("安全事件处置中", problem.GetProperty("detail").GetString());
        using var anonymous = shared.Anonymous();
        var feed = await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);
        Assert.Contains("安全事件处置中", await feed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await staff.Operator.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/suspension",
            new { suspended = false }, "s2")).StatusCode);
        Assert.Equal("Published", (await staff.Chief.OkAsync(id, "publish")).Stage());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json")).StatusCode);
    }

    [Fact]
    public async Task A_channel_with_one_review_level_needs_one_approval_and_publishes_only_to_its_targets()
    {
        var (_, staff) = await StaffAsync("nrp");
        await using var _ = staff;
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Editor.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/policy",
            new { reviewLevels = 1, targets = new[] { "Pc" } }, "p0")).StatusCode);
        var policy = await staff.Chief.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/policy", new { reviewLevels = 1, targets = new[] { "Pc", "Wap" } }, "p1");
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        var id = await staff.Editor.FileAsync(staff.Channel, "一级审核");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new { baseVersion = 0, draft = new { kind = "ImageText", title = "一级审核", summary = "", bodyHtml = "<p>x</p>" } });
        await staff.Editor.OkAsync(id, "submit");
        Assert.Equal("Approved", (await staff.Reviewer(1).OkAsync(id, "approve")).Stage());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.Chief.CommandAsync(id, "publish", new { targets = new[] { "App" } })).StatusCode);
        var published = await staff.Chief.OkAsync(id, "publish");
        Assert.Equal(["Pc", "Wap"], published.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()!).ToArray());
    }
}
