using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The auditors' page: search the logs, see alerts, export CSV; hidden from other roles.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_auditor_searches_the_logs_and_exports_them()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", AcceptDownloads = true });
        var page = await fixture.SignedInPageAsync(context, "auditor1");

        await Assertions.Expect(page.Locator("#system")).ToBeVisibleAsync();
        await page.ClickAsync(".tab[data-view=audit]");
        await Assertions.Expect(page.Locator("#audit h1")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#audit-kind", "logins");
        await page.FillAsync("#audit-actor", "auditor1");
        await page.ClickAsync("#audit-filter button[type=submit]");
        await Assertions.Expect(page.Locator("#audit-rows tr").First).ToContainTextAsync("auditor1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "audit-zh.png"), FullPage = true });

        await page.SelectOptionAsync("#audit-kind", "operations");
        await page.FillAsync("#audit-actor", "");
        await page.ClickAsync("#audit-filter button[type=submit]");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#audit-export"));
        Assert.Equal("operation-log.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("id,occurred_at,actor,action,target,result", csv.TrimStart('\uFEFF'));
    }

    [Fact]
    public async Task Roles_without_log_access_do_not_see_the_audit_tab()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await fixture.SignedInPageAsync(context, "operator1");

        await Assertions.Expect(page.Locator(".tab[data-view=system]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".tab[data-view=audit]")).ToBeHiddenAsync();
    }
}
