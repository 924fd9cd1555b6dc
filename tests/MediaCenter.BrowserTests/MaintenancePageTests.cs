using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Maintenance windows on the incident board (故障处理), on a phone: the operator marks a region under maintenance, sees the
/// window with its held counts, and calls it off; nothing is wider than the screen.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenancePageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task An_operator_marks_a_region_under_maintenance_from_a_phone_sees_it_active_and_calls_it_off()
    {
        var party = "mwp-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context);
        await page.ClickAsync(".tab[data-view=incidents]");
        await Assertions.Expect(page.Locator("#mw-list")).ToHaveAttributeAsync("data-loaded", "true", Live);
        await Assertions.Expect(page.Locator("#mw-title")).ToHaveTextAsync("维护窗口与抑制");

        await page.ClickAsync("#mw-new");
        await Assertions.Expect(page.Locator("#inc-dialog")).ToBeVisibleAsync();
        await page.SelectOptionAsync("#mw-party", party);
        await page.FillAsync("#mw-region", "维护区");
        await page.FillAsync("#mw-reason", "机房电力改造");
        await AssertFitsAsync(page);
        await page.ClickAsync("#mw-submit");

        var card = page.Locator("#mw-list .mw-card", new() { HasText = party });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", "Active", Live);
        await Assertions.Expect(card.Locator(".mw-counts")).ToHaveTextAsync("抑制中 0 · 已恢复 0 · 已释放 0");
        await AssertFitsAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "maintenance-phone.png") });

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await card.Locator("button").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0, new() { Timeout = 20_000 });
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<bool>(
            "document.documentElement.scrollWidth > window.innerWidth || [...document.querySelectorAll('#mw-section, #inc-dialog[open]')].some(e => e.scrollWidth > e.clientWidth + 1)");
        Assert.False(overflow, "the maintenance section is wider than the phone screen");
    }
}
