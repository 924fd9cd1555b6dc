using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Interactive;

/// <summary>Interactive stories through HTTP on the real web, silo and PostgreSQL: votes in parallel, results, feeds, Q&amp;A moderation, withdrawal.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class InteractionFlowTests(IntegrationFixture fixture)
{
    private const string Public = "/api/public/interactions/";

    /// <summary>An interactive story published by a channel with one review level.</summary>
    private static async Task<string> PublishedAsync(NewsroomStaff staff, string type, string title)
    {
        var configured = await staff.Chief.SendAsync(HttpMethod.Put, $"/api/v1/channels/{staff.Channel}/policy",
            new { reviewLevels = 1, targets = new[] { "Pc", "Wap", "App" } }, Guid.NewGuid().ToString());
        Assert.True(configured.IsSuccessStatusCode, await configured.Content.ReadAsStringAsync());
        var id = await staff.Editor.FileAsync(staff.Channel, title);
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new
            {
                kind = "Interactive",
                title,
                summary = "投票",
                bodyHtml = "<p>说明</p>",
                interaction = new { type, question = "周末最想参加哪项活动？", options = new[] { "读书会", "音乐会", "非遗手作" } },
            },
        });
        await staff.Editor.OkAsync(id, "submit");
        await staff.Reviewer(1).OkAsync(id, "approve");
        Assert.Equal("Published", (await staff.Chief.OkAsync(id, "publish")).Stage());
        return id;
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync(Public + "device", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> VoteAsync(HttpClient client, string id, string? token, int option)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Public + id + "/votes") { Content = JsonContent.Create(new { option }) };
        if (token is not null)
        {
            request.Headers.Add("X-Device-Token", token);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    [Fact]
    public async Task Votes_sent_in_parallel_over_http_count_once_per_device_and_reach_the_results_and_the_feeds()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "iaf");
        var id = await PublishedAsync(staff, "Poll", "周末活动投票");
        using var anonymous = shared.Anonymous();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => TokenAsync(anonymous)));
        Assert.Equal(60, tokens.Distinct().Count());
        // Every device votes twice at the same moment: 60 votes count, 60 repeats are refused.
        var responses = await Task.WhenAll(tokens.SelectMany((token, n) => new[] { (token, n), (token, n) })
            .Select(v => VoteAsync(anonymous, id, v.token, v.n % 3)));
        Assert.Equal(60, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(60, refused.Count);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.All(await Task.WhenAll(refused.Select(CodeAsync)), code => Assert.Equal("AlreadyVoted", code));

        var noToken = await VoteAsync(anonymous, id, null, 0);
        var forged = await VoteAsync(anonymous, id, tokens[0] + "x", 0);
        var unknown = await VoteAsync(anonymous, id, await TokenAsync(anonymous), 7);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Invalid"), (noToken.StatusCode, await CodeAsync(noToken)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.StatusCode);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "UnknownOption"), (unknown.StatusCode, await CodeAsync(unknown)));

        // Served from the web's short cache: the second read within seconds costs the grain nothing and says the same.
        var results = await Eventually.WaitAsync(async () => await anonymous.GetFromJsonAsync<JsonElement>(Public + id),
            r => r.GetProperty("votes").GetInt32() == 60, TimeSpan.FromSeconds(10), "60 votes in the results");
        Assert.Equal([20, 20, 20], results.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        using var response = await anonymous.GetAsync(Public + id);
        Assert.Equal("public, max-age=3", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, Public + id);
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);

        // The feeds carry the counts (the read table follows the grain within moments).
        var item = await Eventually.WaitAsync(async () =>
            {
                var feed = await anonymous.GetFromJsonAsync<JsonElement>($"/feeds/{staff.Channel}/pc.json");
                return feed.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
            },
            i => i.GetProperty("_mediacenter").GetProperty("results") is { ValueKind: JsonValueKind.Object } r && r.GetProperty("votes").GetInt32() == 60,
            TimeSpan.FromSeconds(15), "60 votes in the JSON feed");
        Assert.Equal([20, 20, 20], item.GetProperty("_mediacenter").GetProperty("results").GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        var rss = XDocument.Parse(await anonymous.GetStringAsync($"/feeds/{staff.Channel}/app.rss"));
        XNamespace mc = "urn:mediacenter:interaction";
        var poll = rss.Descendants("item").Single(i => i.Element("guid")?.Value == id).Element(mc + "interaction")!;
        Assert.Equal("60", poll.Attribute("votes")!.Value);
        Assert.Equal(["20", "20", "20"], poll.Elements(mc + "option").Select(o => o.Attribute("count")!.Value));

        // Withdrawn: no vote is taken any more.
        await staff.Chief.OkAsync(id, "withdraw", new { comment = "活动取消" });
        var late = await VoteAsync(anonymous, id, await TokenAsync(anonymous), 0);
        Assert.Equal((HttpStatusCode.Conflict, "NotPublished"), (late.StatusCode, await CodeAsync(late)));
    }

    [Fact]
    public async Task The_public_stream_pushes_one_shared_payload_per_interval_not_one_per_vote_and_refuses_an_unknown_story()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "ias");
        var id = await PublishedAsync(staff, "Poll", "直播投票");
        using var anonymous = shared.Anonymous();
        using var streaming = new HttpClient { BaseAddress = shared.Web.Http, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(Public + "no-such-story/events")).StatusCode);

        // Two phones listen; each keeps the data lines of the "results" events it receives.
        Task<EventStreamListener> ListenAsync() => EventStreamListener.OpenAsync(streaming, Public + id + "/events", "results", stop.Token);

        static int Votes(string data) => JsonDocument.Parse(data).RootElement.GetProperty("results").GetProperty("votes").GetInt32();

        using var a = await ListenAsync();
        using var b = await ListenAsync();
        await Eventually.WaitAsync(() => Task.FromResult(a.Seen().Count + b.Seen().Count), n => a.Seen().Count > 0 && b.Seen().Count > 0,
            TimeSpan.FromSeconds(10), "the current results on both streams");
        Assert.Equal(0, Votes(a.Seen()[0]));

        var tokens = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => TokenAsync(anonymous)));
        var votes = await Task.WhenAll(tokens.Select((token, n) => VoteAsync(anonymous, id, token, n % 3)));
        Assert.All(votes, v => Assert.Equal(HttpStatusCode.OK, v.StatusCode));
        await Eventually.WaitAsync(() => Task.FromResult((A: a.Seen(), B: b.Seen())),
            seen => Votes(seen.A[^1]) == 30 && Votes(seen.B[^1]) == 30, TimeSpan.FromSeconds(15), "30 votes pushed to both streams");
        await stop.CancelAsync();
        await Task.WhenAll(a.StoppedAsync(), b.StoppedAsync());

        // 30 votes, a handful of pushes: one per interval in which the results moved, the same payload to both listeners.
        var (pushedA, pushedB) = (a.Seen(), b.Seen());
        Assert.InRange(pushedA.Count, 2, 6);
        Assert.Equal(pushedA.Where(e => Votes(e) == 30), pushedB.Where(e => Votes(e) == 30));
        Assert.Equal(pushedA.Select(Votes).Order(), pushedA.Select(Votes));
    }

    [Fact]
    public async Task Questions_from_the_public_show_only_once_an_editor_of_the_channel_approves_them()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "iaq");
        var id = await PublishedAsync(staff, "QnA", "馆长在线答疑");
        using var anonymous = shared.Anonymous();
        var token = await TokenAsync(anonymous);

        async Task<HttpResponseMessage> AskAsync(string text, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Public + id + "/questions") { Content = JsonContent.Create(new { text }) };
            request.Headers.Add("X-Device-Token", token);
            request.Headers.Add("Idempotency-Key", key);
            return await anonymous.SendAsync(request);
        }

        var asked = await AskAsync("夜间开放到几点？", "question-key-000000001");
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var questionId = (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var tooLong = await AskAsync(new string('问', 301), "question-key-000000002");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "TooLong"), (tooLong.StatusCode, await CodeAsync(tooLong)));
        Assert.Empty((await anonymous.GetFromJsonAsync<JsonElement>(Public + id + "/questions")).EnumerateArray());

        // Someone of the party without a channel role may not decide; the channel's editor may.
        var outsider = await staff.Outsider.SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/interaction/questions/{questionId}/approve", new { }, "approve-outsider-1");
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        var approved = await staff.Editor2.SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/interaction/questions/{questionId}/approve", new { }, "approve-editor-1");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var again = await staff.Chief.SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/interaction/questions/{questionId}/reject", new { }, "reject-chief-1");
        Assert.Equal((HttpStatusCode.Conflict, "IllegalMove"), (again.StatusCode, await CodeAsync(again)));

        var shown = await Eventually.WaitAsync(async () => await anonymous.GetFromJsonAsync<JsonElement>(Public + id + "/questions"),
            q => q.GetArrayLength() == 1, TimeSpan.FromSeconds(10), "the approved question in public");
        Assert.Equal("夜间开放到几点？", shown[0].GetProperty("text").GetString());
        var view = await staff.Chief.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}/interaction");
        Assert.Equal("Approved", view.GetProperty("questions")[0].GetProperty("state").GetString());
    }
}
