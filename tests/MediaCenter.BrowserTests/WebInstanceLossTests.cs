using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Two client-web instances behind one front door (as behind a load balancer): the board a person has open is served by
/// the first; that instance is killed; the board reconnects through the door to the other one, catches up with what
/// happened meanwhile (snapshot) and follows live again (deltas) — without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebInstanceLossTests(BrowserFixture fixture)
{
    private const string Channel = BrowserFixture.NewsChannel;
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 30_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } };

    [Fact]
    public async Task A_board_on_a_web_instance_that_dies_reconnects_to_the_other_one_and_catches_up()
    {
        var settings = new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "1000" };
        var webA = await fixture.Deployment.StartWebAsync("web-a", settings);
        var webB = await fixture.Deployment.StartWebAsync("web-b", settings);
        try
        {
            await using var door = new FrontDoor([webA.Http, webB.Http]);
            using var editorApi = await TestIdentity.SignInAsync(webB.Http, "nr-editor");
            using var chiefApi = await TestIdentity.SignInAsync(webB.Http, "nr-chief");
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var a = await FileAsync(editorApi, "实例宕机 A " + suffix);

            await using var context = await fixture.Browser.NewContextAsync(Desktop);
            var page = await context.NewPageAsync();
            await page.GotoAsync(door.Address.ToString());
            await page.FillAsync("#username", "nr-editor");
            await page.FillAsync("#password", TestIdentity.Password);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await page.ClickAsync(".tab[data-view=newsroom]");
            await Assertions.Expect(page.Locator("#nr-board")).ToHaveAttributeAsync("data-loaded", "true", Live);
            await Assertions.Expect(Card(page, a)).ToHaveAttributeAsync("data-stage", "Pitched", Live);
            Assert.Equal(0, door.Served(1));

            // Live through instance A while the change is made through instance B.
            var b = await FileAsync(editorApi, "实例宕机 B " + suffix);
            await Assertions.Expect(Card(page, b)).ToHaveAttributeAsync("data-stage", "Pitched", Live);

            // Instance A dies; meanwhile the chief confirms A (through B).
            var clock = Stopwatch.StartNew();
            webA.Kill();
            await PostAsync(chiefApi, $"/api/v1/articles/{a}/confirm", new { });
            await Assertions.Expect(Card(page, a)).ToHaveAttributeAsync("data-stage", "Confirmed", Live);
            var caughtUp = clock.Elapsed;
            await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected", Live);
            Assert.True(door.Served(1) > 0, "nothing went to the surviving instance");

            // And it follows live on instance B.
            clock.Restart();
            await PostAsync(chiefApi, $"/api/v1/articles/{b}/delete", new { comment = "重复选题" });
            await Assertions.Expect(Card(page, b)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            var live = clock.Elapsed;
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "web-instance-loss-board.png"), FullPage = true });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"web instance loss: the board caught up on the other instance {caughtUp.TotalSeconds:0.0} s after the kill, then a live change showed in {live.TotalMilliseconds:0} ms"));
        }
        finally
        {
            await webA.Process.StopAsync(TimeSpan.FromSeconds(5));
            await webB.Process.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    private static ILocator Card(IPage page, string id) => page.Locator($"#nr-board .nr-card[data-id='{id}']");

    private static async Task<string> FileAsync(HttpClient editor, string title)
    {
        var body = await PostAsync(editor, $"/api/v1/channels/{Channel}/pitches", new { title });
        return body.GetProperty("id").GetString()!;
    }

    private static async Task<System.Text.Json.JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }
}
