using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The indicators tab (指标): management defines an indicator and closes the month; the party's open page hears the reminder live and answers with a rectification.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IndicatorsPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveCountOptions Live = new() { Timeout = 20_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    [Fact]
    public async Task A_closed_month_reminds_the_party_live_and_its_admin_files_a_rectification()
    {
        var party = "ip-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await fixture.Deployment.Identity.PlatformUserAsync(party + "-mgmt", "management");
        await using var managementContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        var management = await OpenAsync(await fixture.SignedInPageAsync(managementContext, party + "-mgmt"));
        var admin = await OpenAsync(await fixture.SignedInPageAsync(partyContext, party + "-admin"));
        await Assertions.Expect(admin.Locator("#ind-define")).ToHaveCountAsync(0);

        var name = "发布量-" + party;
        await management.FillAsync("#ind-define [name=name]", name);
        await management.FillAsync("#ind-define [name=expression]", "storiesPublished");
        await management.FillAsync("#ind-define [name=target]", "5");
        await management.FillAsync("#ind-define [name=parties]", party);
        await management.ClickAsync("#ind-define button[type=submit]");
        await Assertions.Expect(management.Locator("#ind-list tr[data-indicator]", new() { HasText = name })).ToHaveCountAsync(1, Live);
        await management.ClickAsync("#ind-close");

        // The party's page was open all along: the reminder's push makes it read again.
        var row = admin.Locator("#ind-rects tr[data-rect]", new() { HasText = name });
        await Assertions.Expect(row).ToHaveCountAsync(1, Live);
        await Assertions.Expect(admin.Locator("#ind-figures tr[data-met=false]", new() { HasText = name })).ToHaveCountAsync(1);
        await row.Locator("a").ClickAsync();
        await Assertions.Expect(admin.Locator("#ind-rect-state")).ToHaveAttributeAsync("data-state", "Open");
        await admin.FillAsync("#ind-plan [name=what]", "每日发稿不少于一篇");
        await admin.FillAsync("#ind-plan [name=owner]", "值班主编");
        await admin.FillAsync("#ind-plan [name=due]", DateTime.UtcNow.AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await admin.ClickAsync("#ind-plan button[type=submit]");

        await Assertions.Expect(admin.Locator("#ind-rect-state")).ToHaveAttributeAsync("data-state", "Planned", new() { Timeout = 20_000 });
        Assert.Contains("/indicators/rectifications/rect-", admin.Url, StringComparison.Ordinal);
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "indicators-zh.png"), FullPage = true });

        // Management keeps the month's packs; the list then offers the party's own and the one of all parties for download.
        var month = await management.InputValueAsync("#ind-month");
        await management.ClickAsync("#ind-archive");
        await Assertions.Expect(management.Locator($"#ind-packs tr[data-pack='{month}/{party}'] a[download]")).ToHaveCountAsync(1, Live);
        await Assertions.Expect(management.Locator($"#ind-packs tr[data-pack='{month}/all']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_party_admin_on_a_phone_makes_a_report_pack_sees_it_progress_live_and_downloads_it()
    {
        var party = "ix-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            AcceptDownloads = true,
        });
        var admin = await OpenAsync(await fixture.SignedInPageAsync(context, party + "-admin"));

        var previous = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var earlier = DateTime.UtcNow.AddMonths(-3).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await admin.FillAsync("#ind-export-from", earlier);
        await admin.FillAsync("#ind-export-to", previous);
        await admin.ClickAsync("#ind-export");

        // The steps arrive live; the bar ends full and the link to the pack appears without a reload.
        var link = admin.Locator("#ind-export-download");
        await Assertions.Expect(link).ToHaveCountAsync(1, Live);
        Assert.Equal(await admin.Locator("#ind-export-progress").GetAttributeAsync("max"), await admin.Locator("#ind-export-progress").GetAttributeAsync("value"));
        Assert.Equal("12", await admin.Locator("#ind-export-progress").GetAttributeAsync("max"));
        Assert.Contains("下载报表包", await link.InnerTextAsync(), StringComparison.Ordinal);
        var box = await admin.Locator("#ind-export-box").BoundingBoxAsync();
        Assert.True(box is { Width: <= 390 }, "the export form fits a phone");

        // The same months as a page: every measure per month, a chart of the chosen figure, headers in Chinese.
        await admin.SelectOptionAsync("#rep-section", "Measures");
        await admin.ClickAsync("#rep-show");
        await Assertions.Expect(admin.Locator("#rep-rows tbody tr")).ToHaveCountAsync(3, Live);
        await Assertions.Expect(admin.Locator("#rep-rows thead th").First).ToHaveTextAsync("月份");
        await Assertions.Expect(admin.Locator("#rep-chart canvas")).ToHaveCountAsync(1, Live);
        await admin.Locator("#ind-export-box").ScrollIntoViewIfNeededAsync();
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "indicators-report-phone-zh.png") });

        var download = await admin.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = await download.PathAsync();
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        Assert.Contains(zip.Entries, e => e.FullName == "xl/workbook.xml");
        Assert.Equal(12 - 1, zip.Entries.Count(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal)));
    }

    private static async Task<IPage> OpenAsync(IPage page)
    {
        await page.ClickAsync(".tab[data-view=indicators]");
        await Assertions.Expect(page.Locator("#ind-list")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        return page;
    }
}
