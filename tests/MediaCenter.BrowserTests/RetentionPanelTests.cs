using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The retention job on the system page (F10.3): its runs listed under the patrol, and "run now" for operators.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RetentionPanelTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_operator_runs_the_retention_job_now_and_sees_the_run_listed_as_theirs()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await fixture.SignedInPageAsync(context);
        await page.GotoAsync(new Uri(fixture.Web.Http, "/system").ToString());
        await Assertions.Expect(page.Locator("#retention-run")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });

        await page.ClickAsync("#retention-run");

        var mine = page.Locator("#retention-runs tr[data-trigger='on-demand:operator1']");
        await Assertions.Expect(mine.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await Assertions.Expect(mine.First).ToContainTextAsync("手动（operator1）");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
