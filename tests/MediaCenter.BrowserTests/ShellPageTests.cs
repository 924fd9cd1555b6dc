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
        await Assertions.Expect(page.Locator("#sign-in h1")).ToHaveTextAsync("登录", Soon);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "sign-in-zh.png") });
        await page.FillAsync("#username", "operator1");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("用户名或密码错误", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await page.FillAsync("#password", MediaCenter.Testing.TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");

        // An operator starts on the cockpit; the system status is one tab away (and keeps its address).
        await Assertions.Expect(page.Locator("#cockpit h1")).ToHaveTextAsync("运营总览", Soon);
        await page.ClickAsync(".tab[data-view=system]");
        await Assertions.Expect(page.Locator("#system h1")).ToHaveTextAsync("系统状态", Soon);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时", Soon);
        await Assertions.Expect(page.Locator("#silo-count")).ToHaveTextAsync("1", Soon);
        await Assertions.Expect(page.Locator("#silo-rows tr[data-silo='silo-a']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "shell-zh.png"), FullPage = true });

        // Switching reloads the page at its address, so the server's texts and the live connection follow the choice.
        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(page.Locator("#system h1")).ToHaveTextAsync("System status", Soon);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live", Soon);
        Assert.Equal("en", await page.EvaluateAsync<string>("document.documentElement.lang"));

        // The choice is remembered, and so is the session.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#system h1")).ToHaveTextAsync("System status", Soon);
        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(page.Locator("#system h1")).ToHaveTextAsync("系统状态", Soon);

        // Signing out revokes the session: the sign-in form is back.
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in h1")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#sign-in h1")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
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
        var page = await fixture.SignedInPageAsync(context);
        await page.ClickAsync(".tab[data-view=system]");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时", Soon);
        // The badge turns live a moment before the snapshot arrives: wait for a number.
        await Assertions.Expect(page.Locator("#silo-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"), Soon);
        var before = await page.Locator("#silo-count").TextContentAsync();

        // It stays for the rest of the run and grains may be placed on it: it allows the same loopback fixtures as the first.
        await fixture.Deployment.StartSiloAsync("silo-b-" + Guid.NewGuid().ToString("N")[..4], BrowserFixture.LoopbackAllowed());

        await Assertions.Expect(page.Locator("#silo-count")).ToHaveTextAsync((int.Parse(before!) + 1).ToString(), Soon);
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page is wider than the phone screen");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "shell-phone.png"), FullPage = true });
    }
}
