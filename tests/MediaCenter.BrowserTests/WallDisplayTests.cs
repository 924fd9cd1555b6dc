using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// 大屏: the cockpit on the duty room's wall. At 3840×2160 (and 1920×1080) it fills the screen with every panel, large
/// and dark, with no controls; it follows live, and when the web instance it is connected to dies it goes on through
/// the other one behind the same address, by itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WallDisplayTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 30_000 };

    [Fact]
    public async Task The_wall_fills_a_4K_screen_follows_live_and_outlives_the_web_instance_it_was_on()
    {
        var settings = new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "1000" };
        var webA = await fixture.Deployment.StartWebAsync("wall-a", settings);
        var webB = await fixture.Deployment.StartWebAsync("wall-b", settings);
        try
        {
            await using var door = new FrontDoor([webA.Http, webB.Http]);
            var party = "wall-" + Guid.NewGuid().ToString("N")[..6];
            await fixture.Deployment.Identity.PartyAsync(party);
            await fixture.Deployment.Identity.PartyUserAsync(party + "-user", party, "party-member");
            using var reporter = await TestIdentity.SignInAsync(webB.Http, party + "-user");

            await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                Locale = "zh-CN",
                ViewportSize = new ViewportSize { Width = 3840, Height = 2160 },
            });
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(door.Address, "/cockpit/wall").ToString());
            await page.FillAsync("#username", "operator1");
            await page.FillAsync("#password", TestIdentity.Password);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-loaded", "true", Live);
            await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-wall", "true", Live);

            // Dark, large, nothing to click, every panel on the screen.
            await Assertions.Expect(page.Locator("#tabs")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#sign-out")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#lang-switch")).ToBeHiddenAsync();
            var layout = await page.EvaluateAsync<JsonElement>("""
                () => {
                  const panels = [...document.querySelectorAll('#cockpit .ck-panel')].filter(p => !p.hidden);
                  const figure = document.querySelector('#ck-open .stat-value').getBoundingClientRect();
                  return {
                    background: getComputedStyle(document.body).backgroundColor,
                    panels: panels.length,
                    offScreen: panels.filter(p => { const r = p.getBoundingClientRect(); return r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.width === 0; }).map(p => p.dataset.panel),
                    figureHeight: figure.height,
                    scrolls: document.documentElement.scrollWidth > innerWidth,
                  };
                }
                """);
            Assert.Equal("rgb(11, 18, 32)", layout.GetProperty("background").GetString());
            Assert.True(layout.GetProperty("panels").GetInt32() >= 4, layout.ToString());
            Assert.Equal(0, layout.GetProperty("offScreen").GetArrayLength());
            Assert.False(layout.GetProperty("scrolls").GetBoolean());
            // A figure is readable across the room: over 60 px tall on the 4K screen (about 28 px on a desktop).
            Assert.True(layout.GetProperty("figureHeight").GetDouble() > 60, layout.ToString());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "cockpit-wall-3840.png") });

            // Live: an incident raised elsewhere shows on the wall.
            var before = await OpenCountAsync(page);
            await ReportAsync(reporter, "大屏故障一");
            await Assertions.Expect(page.Locator("#ck-open")).ToHaveAttributeAsync("data-count", (before + 1).ToString(CultureInfo.InvariantCulture), Live);
            Assert.Equal(0, door.Served(1));

            // The web instance the wall is on dies; the next incident still reaches the wall, through the other one.
            webA.Kill();
            await ReportAsync(reporter, "大屏故障二");
            await Assertions.Expect(page.Locator("#ck-open")).ToHaveAttributeAsync("data-count", (before + 2).ToString(CultureInfo.InvariantCulture), Live);
            await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected", Live);
            await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-stale", "false", Live);
            Assert.True(door.Served(1) > 0, "nothing went to the surviving instance");
            await ReportAsync(reporter, "大屏故障三");
            await Assertions.Expect(page.Locator("#ck-open")).ToHaveAttributeAsync("data-count", (before + 3).ToString(CultureInfo.InvariantCulture), Live);

            // The same picture on a 1920×1080 screen.
            await page.SetViewportSizeAsync(1920, 1080);
            // The wall scales itself on the window's resize event, which arrives after the viewport changed: wait for its zoom.
            await page.WaitForFunctionAsync("() => document.body.style.zoom === String(Math.max(0.5, Math.min(innerWidth / 1600, innerHeight / 900)))");
            var small = await page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('#cockpit .ck-panel')].filter(p => !p.hidden).filter(p => { const r = p.getBoundingClientRect(); return r.bottom > innerHeight + 1 || r.right > innerWidth + 1; }).length");
            Assert.Equal(0, small);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "cockpit-wall-1920.png") });
        }
        finally
        {
            await webA.Process.StopAsync(TimeSpan.FromSeconds(5));
            await webB.Process.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task A_wall_can_cycle_its_panels_or_hold_one()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
        });
        var page = await fixture.SignedInPageAsync(context);
        await page.GotoAsync(new Uri(fixture.Web.Http, "/cockpit/wall?panel=fleet").ToString());
        await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-wall", "true", Live);
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=fleet]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=incidents]")).ToBeHiddenAsync();

        await page.GotoAsync(new Uri(fixture.Web.Http, "/cockpit/wall?cycle=5").ToString());
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=incidents]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=fleet]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=fleet]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=incidents]")).ToBeHiddenAsync();

        // Escape leaves the wall for the ordinary cockpit.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#cockpit")).ToHaveAttributeAsync("data-wall", "false", Live);
        await Assertions.Expect(page.Locator("#tabs")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ck-panel[data-panel=incidents]")).ToBeVisibleAsync();
    }

    private static async Task<int> OpenCountAsync(IPage page) =>
        int.Parse((await page.Locator("#ck-open").GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);

    private static async Task ReportAsync(HttpClient http, string title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new { title, detail = "大屏测试", severity = "P3" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
