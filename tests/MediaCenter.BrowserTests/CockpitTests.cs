using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaCenter.Simulator;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The cockpit (运营总览): the operator's home page, live across terminals, incidents and the newsroom, every figure a link.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CockpitTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    [Fact]
    public async Task The_operator_lands_on_the_cockpit_and_sees_it_change_live_when_a_terminal_goes_offline_an_incident_is_raised_and_a_story_is_published()
    {
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var errors = new List<string>();
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Location.Contains("/api/auth/me", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(message.Text + " @ " + message.Location);
                }
            }
        };
        var page = await fixture.SignedInPageAsync(context);
        var cockpit = page.Locator("#cockpit");
        await Assertions.Expect(cockpit).ToBeVisibleAsync();
        await Assertions.Expect(cockpit).ToHaveAttributeAsync("data-loaded", "true", Live);
        await Assertions.Expect(page.Locator($"#ck-newsroom tr[data-channel='{BrowserFixture.NewsChannel}']")).ToBeVisibleAsync();
        await Shot(page, "cockpit-desktop.png");

        // A terminal comes online, then stops: the fleet's figures follow without a reload.
        var party = "ck-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        var online = await CountAsync(page, "#ck-fleet [data-health=Online]");
        var offline = await CountAsync(page, "#ck-fleet [data-health=Offline]");
        var plan = new SimulationPlan(1, TimeSpan.FromSeconds(1), party, party + "-t", "西区", 0, TimeSpan.Zero, 0, 0, 0, null);
        using var run = new CancellationTokenSource();
        var fleet = StartFleet(plan, run.Token);
        await GrowsAsync(page, "#ck-fleet [data-health=Online]", online);
        await run.CancelAsync();
        await fleet;
        await GrowsAsync(page, "#ck-fleet [data-health=Offline]", offline, 45_000);
        await Assertions.Expect(page.Locator("#ck-regions li[data-region='西区']")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // An incident is raised (the stopped terminal's own, and one reported by hand): the open count follows.
        var open = await CountAsync(page, "#ck-open");
        var member = party + "-user";
        await fixture.Deployment.Identity.PartyUserAsync(member, party, "party-member");
        using (var http = await TestIdentity.SignInAsync(fixture.Web.Http, member))
        {
            await PostAsync(http, "/api/v1/incidents", new { title = "总览里的故障", detail = "手工上报", severity = "P1" });
        }

        await GrowsAsync(page, "#ck-open", open);
        await Assertions.Expect(page.Locator("#ck-next-escalation .ck-clock")).ToHaveTextAsync(new Regex(@"^\d+:\d\d(:\d\d)?$"), new() { Timeout = 20_000 });

        // A story is filed in a channel: its row counts it.
        var row = $"#ck-newsroom tr[data-channel='{BrowserFixture.NewsChannel}'] .ck-in-work";
        var inWork = int.Parse((await page.Locator(row).TextContentAsync())!, CultureInfo.InvariantCulture);
        using (var editor = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor"))
        {
            await PostAsync(editor, $"/api/v1/channels/{BrowserFixture.NewsChannel}/pitches",
                new { title = "总览选题 " + Guid.NewGuid().ToString("N")[..6], angle = "", kind = "ImageText", materials = Array.Empty<object>() });
        }

        await TextGrowsAsync(page, row, inWork);

        // A story goes through review and is published: today's count of the channel follows.
        var publishedCell = $"#ck-newsroom tr[data-channel='{BrowserFixture.NewsChannel}'] .ck-published";
        var published = int.Parse((await page.Locator(publishedCell).TextContentAsync())!, CultureInfo.InvariantCulture);
        await PublishAsync("总览发布 " + Guid.NewGuid().ToString("N")[..6]);
        await TextGrowsAsync(page, publishedCell, published);
        await Shot(page, "cockpit-desktop-live.png");

        // Every figure leads to its page: the P1 figure to the incidents, the escalation clock to the incident itself.
        await page.ClickAsync("#ck-incidents [data-severity=P1]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents$"));
        await Assertions.Expect(page.Locator("#incidents")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Assertions.Expect(cockpit).ToBeVisibleAsync();
        await page.ClickAsync("#ck-next-escalation");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents/[^/]+$"));
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await page.ClickAsync(".tab[data-view=cockpit]");
        await page.ClickAsync("#ck-fleet [data-health=Offline]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/terminals$"));
        await Assertions.Expect(page.Locator("#fleet")).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task An_access_party_sees_the_cockpit_scoped_to_itself_and_starts_on_the_system_page()
    {
        var party = "ckp-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        var member = party + "-user";
        await fixture.Deployment.Identity.PartyUserAsync(member, party, "party-member");
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var page = await fixture.SignedInPageAsync(context, member);
        await Assertions.Expect(page.Locator("#system")).ToBeVisibleAsync();

        await page.ClickAsync(".tab[data-view=cockpit]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/cockpit$"));
        await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-loaded", "true", Live);
        // Its own channel only, and no patrol (that is platform staff's).
        await Assertions.Expect(page.Locator("#ck-newsroom tr[data-channel]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#ck-newsroom tr[data-channel='{party}-home']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ck-patrol")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#ck-open")).ToHaveAttributeAsync("data-count", "0");
    }

    [Fact]
    public async Task Management_lands_on_the_whole_cockpit_on_a_phone_and_sees_an_incident_arrive_live()
    {
        var manager = "ck-mgmt-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PlatformUserAsync(manager, "management");
        var party = "ckm-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-user", party, "party-member");
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
        });
        var page = await fixture.SignedInPageAsync(context, manager);
        var cockpit = page.Locator("#cockpit");
        await Assertions.Expect(cockpit).ToBeVisibleAsync();
        await Assertions.Expect(cockpit).ToHaveAttributeAsync("data-loaded", "true", Live);
        // Every party's channels, the patrol included: management oversees the whole platform.
        await Assertions.Expect(page.Locator($"#ck-newsroom tr[data-channel='{BrowserFixture.NewsChannel}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#ck-newsroom tr[data-channel='{party}-home']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ck-patrol")).ToBeVisibleAsync();

        var before = int.Parse((await page.Locator("#ck-open").GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);
        using (var reporter = await TestIdentity.SignInAsync(fixture.Web.Http, party + "-user"))
        {
            await PostAsync<JsonElement>(reporter, "/api/v1/incidents", new { title = "管理方看到的故障", detail = "手机上", severity = "P2" });
        }

        await Assertions.Expect(page.Locator("#ck-open")).ToHaveAttributeAsync("data-count", (before + 1).ToString(CultureInfo.InvariantCulture), Live);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the cockpit is wider than the phone");
        await Shot(page, "cockpit-phone.png");
    }

    [Fact]
    public async Task The_cockpit_shows_how_the_party_stands_on_this_months_indicators()
    {
        var party = "cki-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await fixture.Deployment.Identity.PlatformUserAsync(party + "-mgmt", "management");
        using (var management = await TestIdentity.SignInAsync(fixture.Web.Http, party + "-mgmt"))
        {
            var defined = await PostAsync<JsonElement>(management, "/api/v1/indicators",
                new { name = "发布量-" + party, expression = "storiesPublished", comparison = "AtLeast", target = 5, parties = new[] { party }, unit = "" });
            var id = defined.GetProperty("id").GetString()!;
            await PostAsync<JsonElement>(management, $"/api/v1/indicators/{id}/activate", new { });
            await PostAsync<JsonElement>(management, "/api/v1/indicators/months/current/compute", new { });
        }

        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var page = await fixture.SignedInPageAsync(context, party + "-admin");
        await page.ClickAsync(".tab[data-view=cockpit]");
        await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-loaded", "true", Live);
        // Its indicator, missed (nothing published this month), and the month it is about.
        var line = page.Locator("#ck-indicators li[data-indicator]");
        await Assertions.Expect(line).ToHaveCountAsync(1);
        await Assertions.Expect(line).ToHaveAttributeAsync("data-missed", "1");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-met", "0");
        await Assertions.Expect(page.Locator("#ck-indicators")).ToHaveAttributeAsync("data-month",
            new Regex("^" + TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture)));
        await line.Locator("a").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/indicators$"));
    }

    /// <summary>A story of the newsroom channel from pitch to publication, every step through the API by the person whose step it is.</summary>
    private async Task PublishAsync(string title)
    {
        var channel = BrowserFixture.NewsChannel;
        using var editor = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chief = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var card = await PostAsync<CardBody>(editor, $"/api/v1/channels/{channel}/pitches", new { title, angle = "", kind = "ImageText" });
        var id = card.Id;
        await PostAsync<CardBody>(chief, $"/api/v1/articles/{id}/confirm", new { });
        await PostAsync<CardBody>(chief, $"/api/v1/articles/{id}/assign", new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddHours(2) });
        card = await PostAsync<CardBody>(editor, $"/api/v1/articles/{id}/save-draft",
            new { baseVersion = card.DraftVersion, draft = new { kind = "ImageText", title, summary = "", bodyHtml = "<p>总览里发布的稿件。</p>" } });
        card = await PostAsync<CardBody>(editor, $"/api/v1/articles/{id}/submit", new { });
        while (card.Stage == "InReview")
        {
            using var reviewer = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-reviewer" + card.ReviewLevel.ToString(CultureInfo.InvariantCulture));
            card = await PostAsync<CardBody>(reviewer, $"/api/v1/articles/{id}/approve", new { comment = "同意" });
        }

        Assert.Equal("Approved", card.Stage);
        var board = await chief.GetFromJsonAsync<BoardBody>($"/api/v1/channels/{channel}/board", Web);
        card = await PostAsync<CardBody>(chief, $"/api/v1/articles/{id}/publish", new { targets = board!.Policy.Targets });
        Assert.Equal("Published", card.Stage);
    }

    private static Task TextGrowsAsync(IPage page, string selector, int before) =>
        page.WaitForFunctionAsync("([selector, n]) => Number(document.querySelector(selector)?.textContent) > n", new object[] { selector, before },
            new() { Timeout = 20_000 });

    private static async Task<int> CountAsync(IPage page, string selector) =>
        int.Parse((await page.Locator(selector).GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);

    private static Task GrowsAsync(IPage page, string selector, int before, float timeout = 20_000) =>
        page.WaitForFunctionAsync("([selector, n]) => Number(document.querySelector(selector)?.dataset.count) > n", new object[] { selector, before },
            new() { Timeout = timeout });

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static async Task PostAsync(HttpClient http, string path, object body) => await PostAsync<JsonElement>(http, path, body);

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Web)!;
    }

    private sealed record CardBody(string Id, string Stage, int DraftVersion, int ReviewLevel);

    private sealed record PolicyBody(IReadOnlyList<string> Targets);

    private sealed record BoardBody(PolicyBody Policy);

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name), FullPage = true });

    private Task StartFleet(SimulationPlan plan, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        var simulator = new TerminalSimulator(http, "127.0.0.1", int.Parse(fixture.Gateway["Mqtt__Port"], CultureInfo.InvariantCulture), TextWriter.Null);
        await simulator.SignInAsync("operator1", TestIdentity.Password, CancellationToken.None);
        await simulator.RunAsync(plan, cancellationToken);
    });
}
