using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The dashboard shell in headless Chromium, on a desktop and on a phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShellPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task The_shell_opens_in_chinese_goes_live_and_switches_to_english()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Web.Http.ToString());

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("系统状态");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时", Soon);
        await Assertions.Expect(page.Locator("#silo-count")).ToHaveTextAsync("1", Soon);
        await Assertions.Expect(page.Locator("#silo-rows tr[data-silo='silo-a']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "shell-zh.png"), FullPage = true });

        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("System status");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        Assert.Equal("en", await page.EvaluateAsync<string>("document.documentElement.lang"));

        // The choice is remembered.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("System status");
        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("系统状态");
    }

    [Fact]
    public async Task On_a_phone_the_status_fits_the_screen_and_updates_live_when_a_silo_joins()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Web.Http.ToString());
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时", Soon);
        var before = await page.Locator("#silo-count").TextContentAsync();

        await fixture.Deployment.StartSiloAsync("silo-b-" + Guid.NewGuid().ToString("N")[..4]);

        await Assertions.Expect(page.Locator("#silo-count")).ToHaveTextAsync((int.Parse(before!) + 1).ToString(), Soon);
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page is wider than the phone screen");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "shell-phone.png"), FullPage = true });
    }
}
