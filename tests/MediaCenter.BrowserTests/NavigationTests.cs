using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Addresses for everything: pages and objects have real URLs (history API), the server answers the app for them and
/// nothing else, a link opened signed out lands there after signing in, and back and forward move through them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NavigationTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };
    private static readonly PageAssertionsToHaveURLOptions SoonUrl = new() { Timeout = 15_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    [Fact]
    public async Task An_incident_link_opened_signed_out_opens_the_incident_after_sign_in_and_its_notification_carries_the_link()
    {
        var (member, id) = await PartyIncidentAsync();

        // The notification of the report names the incident's address.
        using (var http = await TestIdentity.SignInAsync(fixture.Web.Http, member))
        {
            var notifications = await http.GetFromJsonAsync<List<NotificationBody>>("/api/v1/notifications?limit=30", Web);
            var notice = Assert.Single(notifications!, n => n.IncidentId == id);
            Assert.Equal("/incidents/" + id, notice.Link);
        }

        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Web.Http, "/incidents/" + id).ToString());
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync(Soon);
        await SignInAsync(page, member);

        await Assertions.Expect(page.Locator("#incidents")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-id", id, Live);
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents/" + Regex.Escape(id) + "$"));

        // From another page, the notification in the alert centre opens the incident by its link.
        await page.ClickAsync(".tab[data-view=system]");
        await Assertions.Expect(page.Locator("#inc-detail")).ToBeHiddenAsync();
        await page.ClickAsync("#bell");
        await page.Locator($"#bell-list li[data-incident='{id}'] .bell-open").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents/" + Regex.Escape(id) + "$"), SoonUrl);
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-id", id, Live);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task A_story_link_opened_signed_out_opens_the_story_over_its_board_after_sign_in()
    {
        using var http = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        var title = "深链接选题 " + Guid.NewGuid().ToString("N")[..6];
        var card = await PostAsync<CardBody>(http, $"/api/v1/channels/{BrowserFixture.NewsChannel}/pitches",
            new { title, angle = "从链接打开", kind = "ImageText", materials = Array.Empty<object>() });

        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Web.Http, $"/newsroom/{BrowserFixture.NewsChannel}/{card.Id}").ToString());
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync(Soon);
        await SignInAsync(page, "nr-editor");

        await Assertions.Expect(page.Locator("#newsroom")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#nr-channel")).ToHaveValueAsync(BrowserFixture.NewsChannel);
        await Assertions.Expect(page.Locator("#nr-detail")).ToHaveAttributeAsync("data-id", card.Id, Live);
        await Assertions.Expect(page.Locator("#nr-detail")).ToContainTextAsync(title, new() { Timeout = 15_000 });

        // Closing the story goes back to the board's address; back opens the story again.
        await page.ClickAsync("#nr-detail-close");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/newsroom/{BrowserFixture.NewsChannel}$"));
        await Assertions.Expect(page.Locator("#nr-detail")).ToBeHiddenAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#nr-detail")).ToHaveAttributeAsync("data-id", card.Id, Live);
    }

    [Fact]
    public async Task Back_and_forward_move_between_pages_and_the_open_incident_and_a_reload_stays_put()
    {
        var (_, id) = await PartyIncidentAsync();
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(context);
        var page = await fixture.SignedInPageAsync(context);
        var incidentUrl = new Regex("/incidents/" + Regex.Escape(id) + "$");

        await page.ClickAsync(".tab[data-view=incidents]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents$"));
        var card = page.Locator($"#inc-list .inc-card[data-id='{id}']");
        await card.ClickAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page).ToHaveURLAsync(incidentUrl);
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await page.ClickAsync(".tab[data-view=ops]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ops$"));
        await page.ClickAsync("#ops .ops-view[data-ops-view=plans]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ops/plans$"));
        await Assertions.Expect(page.Locator("#ops-plans")).ToBeVisibleAsync();

        // Back: the other part of the operations page, then the incident (open again), the list, home (the operator's cockpit).
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#ops-hot")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#ops-plans")).ToBeHiddenAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#incidents")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-id", id, Live);
        await Assertions.Expect(page.Locator("#inc-detail")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#inc-detail")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#incidents")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#cockpit")).ToBeVisibleAsync(Soon);

        // Forward again, to the incident.
        await page.GoForwardAsync();
        await Assertions.Expect(page.Locator("#incidents")).ToBeVisibleAsync(Soon);
        await page.GoForwardAsync();
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-id", id, Live);

        // A reload asks the server for the incident's address: it answers the app, which opens the incident again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#inc-detail")).ToHaveAttributeAsync("data-id", id, Live);
        await Assertions.Expect(page).ToHaveURLAsync(incidentUrl);

        // A terminal's address opens the fleet with its detail.
        await page.GotoAsync(new Uri(fixture.Web.Http, "/terminals/no-such-terminal").ToString());
        await Assertions.Expect(page.Locator("#fleet")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#terminal-detail")).ToBeVisibleAsync(Soon);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task The_server_answers_the_app_only_for_its_pages()
    {
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        foreach (var path in new[] { "/incidents/x-1", "/newsroom/some-channel/some-story", "/terminals", "/ops/plans/p-1", "/audit" })
        {
            using var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        // The API keeps its own answers (401 signed out, 404 for what does not exist), and so do unknown paths and files.
        foreach (var (path, status) in new[]
                 {
                     ("/api/v1/incidents/x-1", HttpStatusCode.Unauthorized), ("/api/no-such-endpoint", HttpStatusCode.Unauthorized),
                     ("/hubs/no-such-hub", HttpStatusCode.Unauthorized), ("/no-such-page", HttpStatusCode.Unauthorized),
                     ("/js/no-such-file.js", HttpStatusCode.Unauthorized),
                 })
        {
            using var answer = await http.GetAsync(path);
            Assert.True(answer.StatusCode == status || answer.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)answer.StatusCode}");
            Assert.NotEqual("text/html", answer.Content.Headers.ContentType?.MediaType);
        }

        using var signedIn = await TestIdentity.SignInAsync(fixture.Web.Http, "operator1");
        using var missing = await signedIn.GetAsync("/api/v1/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var module = await http.GetAsync("/js/lib.js");
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Contains("javascript", module.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>A new access party whose member reports an incident (so the party is told): the member and the incident.</summary>
    private async Task<(string Member, string Id)> PartyIncidentAsync()
    {
        var party = "nav-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        var member = party + "-user";
        await fixture.Deployment.Identity.PartyUserAsync(member, party, "party-member");
        using var http = await TestIdentity.SignInAsync(fixture.Web.Http, member);
        var incident = await PostAsync<IncidentBody>(http, "/api/v1/incidents", new { title = "链接打开的故障", detail = "从通知的链接打开", severity = "P3" });
        return (member, incident.Id);
    }

    private static async Task SignInAsync(IPage page, string username)
    {
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
    }

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Web)!;
    }

    /// <summary>Errors the page logs (script errors, refused modules); the signed-out shell's 401 from /api/auth/me is expected.</summary>
    private static List<string> ConsoleErrors(IBrowserContext context)
    {
        var errors = new List<string>();
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && !(message.Text.Contains("401", StringComparison.Ordinal) && message.Location.Contains("/api/auth/me", StringComparison.Ordinal))
                && !message.Location.Contains("/no-such-terminal", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(message.Text + " @ " + message.Location);
                }
            }
        };
        return errors;
    }

    private sealed record NotificationBody(string Id, string? IncidentId, string? Link);

    private sealed record IncidentBody(string Id);

    private sealed record CardBody(string Id);
}
