using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>An access party's admin, on a phone, creates an application (接入应用) and moves one of the party's channels into it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApplicationsPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveCountOptions Slow = new() { Timeout = 30_000 };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_party_admin_creates_an_application_and_moves_a_channel_into_it()
    {
        const string Channel = "ui-party-apps";
        await fixture.Deployment.Identity.Directory.CreateChannelAsync(Channel, "演示频道", "ui-party");
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "fleet-admin");
        await page.GotoAsync(new Uri(fixture.Web.Http, "/applications").ToString());
        await Assertions.Expect(page.Locator("#ap-table tr[data-application='ui-party.default']")).ToHaveCountAsync(1, Slow);

        await page.FillAsync("#ap-create [name=code]", "kiosk");
        await page.FillAsync("#ap-create [name=name]", "自助服务");
        await page.SelectOptionAsync("#ap-create [name=kind]", "Terminal");
        await page.ClickAsync("#ap-create button[type=submit]");
        await Assertions.Expect(page.Locator("#ap-open[data-application='ui-party.kiosk']")).ToHaveCountAsync(1, Slow);
        await Assertions.Expect(page.Locator("#ap-channels tr")).ToHaveCountAsync(0, Slow);

        // The default application holds the channel; its select moves it to the new application.
        await page.ClickAsync("#ap-table tr[data-application='ui-party.default'] a");
        var row = page.Locator($"#ap-channels tr[data-channel={Channel}]");
        await Assertions.Expect(row).ToHaveCountAsync(1, Slow);
        await row.Locator("select[data-move=application]").SelectOptionAsync("kiosk");
        await Assertions.Expect(page.Locator($"#ap-channels tr[data-channel={Channel}]")).ToHaveCountAsync(0, Slow);

        await page.ClickAsync("#ap-table tr[data-application='ui-party.kiosk'] a");
        await Assertions.Expect(page.Locator($"#ap-open[data-application='ui-party.kiosk'] #ap-channels tr[data-channel={Channel}]")).ToHaveCountAsync(1, Slow);

        // Its feeds are written in Chinese until the admin chooses English for them.
        var language = page.Locator($"#ap-channels tr[data-channel={Channel}] select[data-feed-language]");
        await Assertions.Expect(language).ToHaveValueAsync("zh-CN");
        await language.SelectOptionAsync("en");
        await Assertions.Expect(page.Locator($"#ap-channels tr[data-channel={Channel}] select[data-feed-language='en']")).ToHaveCountAsync(1, Slow);
        Assert.Equal("en", (await fixture.Deployment.Identity.Directory.ChannelFreshAsync(Channel))!.FeedLanguage);
        // The page fits the phone: nothing scrolls sideways.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "applications-phone.png"), FullPage = true });
    }
}
