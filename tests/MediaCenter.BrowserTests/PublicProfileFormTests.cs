using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The public profile form (公开信息, F12.4.1) on the people page: a party's administrator edits it on a phone and the open public page shows it live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PublicProfileFormTests(BrowserFixture fixture)
{
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_party_admin_sets_the_opening_hours_and_an_open_public_information_page_shows_them_without_a_reload()
    {
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "fleet-admin");

        // A member of the public has the public page open already (no account), live: the server pushes it when it changes.
        await using var publicContext = await fixture.Browser.NewContextAsync(Phone);
        var visitor = await publicContext.NewPageAsync();
        await visitor.GotoAsync(new Uri(fixture.Web.Http, "/public/info/").ToString());
        await Assertions.Expect(visitor.Locator("body[data-live=true]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await visitor.EvaluateAsync("window.__notReloaded = true");

        await page.GotoAsync(new Uri(fixture.Web.Http, "/people").ToString());
        var form = page.Locator("#pp-form");
        await Assertions.Expect(form.Locator("button[type=submit]")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });

        // Filled in once the current profile has been read (it would overwrite what is typed before).
        await Assertions.Expect(page.Locator("#pp-form[data-loaded=true]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var version = int.Parse((await form.GetAttributeAsync("data-version"))!, System.Globalization.CultureInfo.InvariantCulture);
        var hours = "周二至周日 9:30–17:30 · " + Guid.NewGuid().ToString("N")[..6];
        await form.Locator("[name=introduction]").FillAsync("东区融媒体服务中心");
        await form.Locator("[name=services]").FillAsync("新闻发布\n政策咨询");
        await form.Locator("[name=openingHours]").FillAsync(hours);
        await form.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(form).ToHaveAttributeAsync("data-version", (version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#pp-error")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("[name=openingHours]")).ToHaveValueAsync(hours);
        await Assertions.Expect(page.Locator("#pp-status")).ToContainTextAsync("fleet-admin", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "public-profile-form.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        // The open public page shows it without a reload, within the short cache's interval (3 s; the page's own fallback read is
        // once a minute and only while not live).
        await Assertions.Expect(visitor.Locator(".pi-org[data-org='party:ui-party']")).ToContainTextAsync(hours, new() { Timeout = 20_000 });
        Assert.True(await visitor.EvaluateAsync<bool>("window.__notReloaded === true"));
    }

    [Fact]
    public async Task The_centers_admin_publishes_the_complaint_channels_and_dispute_rules_and_the_complaint_page_shows_them_on_a_phone()
    {
        await fixture.Deployment.Identity.PlatformUserAsync("pp-admin", "admin");
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "pp-admin");
        await page.GotoAsync(new Uri(fixture.Web.Http, "/people").ToString());
        var form = page.Locator("#pp-form");
        await Assertions.Expect(page.Locator("#pp-form[data-loaded=true]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var version = int.Parse((await form.GetAttributeAsync("data-version"))!, System.Globalization.CultureInfo.InvariantCulture);
        var rules = "对处理结果有异议的，可在收到答复后 15 日内申请复核 · " + Guid.NewGuid().ToString("N")[..6];
        await form.Locator("[name=complaintChannels]").FillAsync("网页：本页在线提交\n电话：010-12345678（工作日 9:00–17:00）");
        await form.Locator("[name=disputeRules]").FillAsync(rules);
        await form.Locator("[name=supervisionPhone]").FillAsync("010-87654321");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(form).ToHaveAttributeAsync("data-version", (version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#pp-error")).ToBeHiddenAsync();

        // The public complaint page (no account) shows the center's channels and rules once the public information's short cache turned over.
        await using var publicContext = await fixture.Browser.NewContextAsync(Phone);
        var visitor = await publicContext.NewPageAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await visitor.GotoAsync(new Uri(fixture.Web.Http, "/public/complaint/").ToString());
            await visitor.WaitForTimeoutAsync(500);
        }
        while (await visitor.Locator("#rules-disputes").TextContentAsync() != rules && DateTime.UtcNow < deadline);

        await Assertions.Expect(visitor.Locator("#rules")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("#rules-disputes")).ToHaveTextAsync(rules);
        await Assertions.Expect(visitor.Locator("#rules-channels")).ToContainTextAsync("010-12345678");
        await Assertions.Expect(visitor.Locator("#rules-supervision-phone")).ToHaveAttributeAsync("href", "tel:010-87654321");
        Assert.True(await visitor.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
