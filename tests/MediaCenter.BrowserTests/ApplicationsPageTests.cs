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

    [Fact]
    public async Task A_party_admin_on_a_phone_registers_an_alert_push_in_english_keeps_its_secret_once_and_stops_it()
    {
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "fleet-admin");
        await page.GotoAsync(new Uri(fixture.Web.Http, "/applications").ToString());
        await Assertions.Expect(page.Locator("#wh-create")).ToHaveCountAsync(1, Slow);
        // A party's administrator pushes their own party's notifications only: no audience to choose.
        await Assertions.Expect(page.Locator("#wh-create [name=audience]")).ToHaveCountAsync(0);

        // Loopback's discard port: nothing listens, and nothing here may reach another address.
        var url = $"http://127.0.0.1:9/hooks/{Guid.NewGuid():N}";
        await page.FillAsync("#wh-create [name=url]", url);
        await page.SelectOptionAsync("#wh-create [name=language]", "en");
        await page.ClickAsync("#wh-create button[type=submit]");

        // The secret is shown once; the list has the push, for the party, in English, active.
        await Assertions.Expect(page.Locator("#wh-secret-value")).ToHaveCountAsync(1, Slow);
        var secret = await page.Locator("#wh-secret-value").InnerTextAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var row = page.Locator("#wh-list tr[data-webhook]", new() { HasText = url });
        await Assertions.Expect(row).ToHaveCountAsync(1, Slow);
        await Assertions.Expect(row).ToContainTextAsync("接入方 ui-party");
        await Assertions.Expect(row).ToContainTextAsync("英文");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-active", "true");
        await page.ClickAsync("#wh-secret button:has-text('我已保存')");
        await Assertions.Expect(page.Locator("#wh-secret-value")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await row.Locator("[data-action=deliveries]").ClickAsync();
        await Assertions.Expect(page.Locator("#wh-deliveries-none")).ToHaveCountAsync(1, Slow);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.Locator("[data-action=stop]").ClickAsync();
        await Assertions.Expect(page.Locator("#wh-list tr[data-webhook][data-active=false]", new() { HasText = url })).ToHaveCountAsync(1, Slow);
        await Assertions.Expect(page.Locator("#wh-list tr[data-webhook]", new() { HasText = url }).Locator("[data-action=stop]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.Locator("#webhooks").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "webhooks-phone-zh.png") });
    }
}
