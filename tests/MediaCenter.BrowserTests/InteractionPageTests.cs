using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Interactive stories in the browser (F7.1): a member of the public votes on a phone without an account, and the vote
/// appears on the chief's open story in the newsroom without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InteractionPageTests(BrowserFixture fixture)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_vote_on_a_phone_appears_live_on_the_newsroom_story_page()
    {
        var title = "周末活动投票 " + Guid.NewGuid().ToString("N")[..6];
        var id = await PublishPollAsync(title);

        await using var chiefContext = await fixture.Browser.NewContextAsync(Desktop);
        var chief = await fixture.SignedInPageAsync(chiefContext, "nr-chief");
        await chief.ClickAsync(".tab[data-view=newsroom]");
        await Assertions.Expect(chief.Locator("#nr-board")).ToHaveAttributeAsync("data-loaded", "true", Live);
        await chief.ClickAsync($"#nr-board .nr-card[data-id='{id}']");
        var panel = chief.Locator("#ia-panel");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-votes", "0", Live);
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-open", "true");

        // On a phone, without an account: the poll, one vote, the results.
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        var phone = await phoneContext.NewPageAsync();
        await phone.GotoAsync(new Uri(fixture.Web.Http, "/public/interact/?id=" + Uri.EscapeDataString(id)).ToString());
        await Assertions.Expect(phone.Locator("#ia-title")).ToHaveTextAsync(title, new() { Timeout = 20_000 });
        await Assertions.Expect(phone.Locator("#ia-options input[type=radio]")).ToHaveCountAsync(3);
        await phone.CheckAsync("#ia-options input[value='1']");
        await phone.ClickAsync("#ia-vote");
        await Assertions.Expect(phone.Locator("#ia-voted")).ToContainTextAsync("音乐会", new() { Timeout = 20_000 });
        await Assertions.Expect(phone.Locator("#ia-results li[data-option='1']")).ToHaveAttributeAsync("data-count", "1", Live);
        await Assertions.Expect(phone.Locator("#ia-vote-form")).ToBeHiddenAsync();
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "interaction-public-voted.png"), FullPage = true });

        // The chief's open story follows without a reload.
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-votes", "1", Live);
        await Assertions.Expect(panel.Locator("li[data-option='1']")).ToHaveAttributeAsync("data-count", "1");
        Assert.DoesNotContain("null", await panel.InnerTextAsync(), StringComparison.Ordinal);
        await chief.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "interaction-newsroom-live.png") });

        // The same phone cannot vote again: the page says so and the count stays.
        await phone.ReloadAsync();
        await Assertions.Expect(phone.Locator("#ia-voted")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(phone.Locator("#ia-vote-form")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_vote_on_one_public_page_is_pushed_to_another_public_page_without_a_reload_or_a_timer()
    {
        var title = "公共页推送 " + Guid.NewGuid().ToString("N")[..6];
        var id = await PublishPollAsync(title);
        var address = new Uri(fixture.Web.Http, "/public/interact/?id=" + Uri.EscapeDataString(id)).ToString();
        var resultsPath = "/api/public/interactions/" + Uri.EscapeDataString(id);

        // Two phones, no account. The watcher counts its reads of the results: one on load, then only the pushed stream.
        await using var watcherContext = await fixture.Browser.NewContextAsync(Phone);
        var watcher = await watcherContext.NewPageAsync();
        var reads = 0;
        watcher.Request += (_, request) =>
        {
            if (request.Method == "GET" && new Uri(request.Url).AbsolutePath == resultsPath)
            {
                Interlocked.Increment(ref reads);
            }
        };
        await watcher.GotoAsync(address);
        await Assertions.Expect(watcher.Locator("#ia-title")).ToHaveTextAsync(title, new() { Timeout = 20_000 });
        await Assertions.Expect(watcher.Locator("body")).ToHaveAttributeAsync("data-live", "true", Live);
        await Assertions.Expect(watcher.Locator("#ia-results li[data-option='2']")).ToHaveAttributeAsync("data-count", "0");

        await using var voterContext = await fixture.Browser.NewContextAsync(Phone);
        var voter = await voterContext.NewPageAsync();
        await voter.GotoAsync(address);
        await Assertions.Expect(voter.Locator("#ia-options input[type=radio]")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await voter.CheckAsync("#ia-options input[value='2']");
        await voter.ClickAsync("#ia-vote");
        await Assertions.Expect(voter.Locator("#ia-voted")).ToContainTextAsync("非遗手作", new() { Timeout = 20_000 });

        // The watcher's page follows by itself.
        await Assertions.Expect(watcher.Locator("#ia-results li[data-option='2']")).ToHaveAttributeAsync("data-count", "1", Live);
        await Assertions.Expect(watcher.Locator("#ia-total")).ToContainTextAsync("1");
        await watcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "interaction-public-pushed.png"), FullPage = true });

        // Longer than the old 5-second timer: still the one read on load.
        await watcher.WaitForTimeoutAsync(6_000);
        Assert.Equal(1, Volatile.Read(ref reads));
    }

    /// <summary>A poll published through the newsroom API by the channel's people (three review levels).</summary>
    private async Task<string> PublishPollAsync(string title)
    {
        var channel = BrowserFixture.NewsChannel;
        using var editor = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chief = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var card = await PostAsync(editor, $"/api/v1/channels/{channel}/pitches", new { title, angle = "", kind = "Interactive" });
        var id = card.GetProperty("id").GetString()!;
        await PostAsync(chief, $"/api/v1/articles/{id}/confirm", new { });
        await PostAsync(chief, $"/api/v1/articles/{id}/assign", new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddHours(2) });
        await PostAsync(editor, $"/api/v1/articles/{id}/save-draft", new
        {
            baseVersion = 0,
            draft = new
            {
                kind = "Interactive",
                title,
                summary = "投票",
                bodyHtml = "<p>说明</p>",
                interaction = new { type = "Poll", question = "周末最想参加哪项活动？", options = new[] { "读书会", "音乐会", "非遗手作" } },
            },
        });
        card = await PostAsync(editor, $"/api/v1/articles/{id}/submit", new { });
        while (card.GetProperty("stage").GetString() == "InReview")
        {
            var level = card.GetProperty("reviewLevel").GetInt32().ToString(CultureInfo.InvariantCulture);
            using var reviewer = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-reviewer" + level);
            card = await PostAsync(reviewer, $"/api/v1/articles/{id}/approve", new { comment = "同意" });
        }

        card = await PostAsync(chief, $"/api/v1/articles/{id}/publish", new { });
        Assert.Equal("Published", card.GetProperty("stage").GetString());
        return id;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text, Web);
    }
}
