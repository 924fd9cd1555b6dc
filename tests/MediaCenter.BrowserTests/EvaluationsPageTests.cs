using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// The 年度评价 page: an operator plans a center's evaluation, sets weighted criteria and scores for the authority and the
/// public on a desktop; the center's administrator scores its self-assessment on a phone (390 px, nothing wider than the
/// screen); the operator's open page follows live, completes the scoring and concludes, and the year shows in the
/// year-over-year comparison with its ECharts charts.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EvaluationsPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    [Fact]
    public async Task An_operator_and_the_centers_administrator_on_a_phone_score_a_year_and_the_result_shows_in_the_comparison()
    {
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        var op = await fixture.SignedInPageAsync(operatorContext);
        await op.GotoAsync(new Uri(fixture.Web.Http, "/evaluations").ToString());
        await Assertions.Expect(op.Locator("#ev-plan")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });

        await op.FillAsync("#ev-plan [name=partyId]", "ui-party");
        await op.FillAsync("#ev-plan [name=year]", "2026");
        await op.ClickAsync("#ev-plan button[type=submit]");
        var open = op.Locator("#ev-open");
        await Assertions.Expect(open).ToHaveAttributeAsync("data-state", "Planned", Slow);
        var id = (await open.GetAttributeAsync("data-evaluation"))!;

        await op.FillAsync("#ev-criteria [name=criteria]", "service, 服务质量, 60\ncontent, 内容建设, 30");
        await Assertions.Expect(op.Locator("#ev-weight-sum")).ToContainTextAsync("90");
        await op.ClickAsync("#ev-criteria button[type=submit]");
        await Assertions.Expect(op.Locator("#ev-message")).ToContainTextAsync("100");
        await op.FillAsync("#ev-criteria [name=criteria]", "service, 服务质量, 60\ncontent, 内容建设, 40");
        await op.ClickAsync("#ev-criteria button[type=submit]");
        await Assertions.Expect(op.Locator("#ev-scores tr[data-criterion='content']")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await op.ClickAsync("#ev-start");
        await Assertions.Expect(open).ToHaveAttributeAsync("data-state", "InProgress", Slow);

        foreach (var (party, criterion, score) in new[] { ("Authority", "service", "90"), ("Public", "service", "90"), ("Authority", "content", "80"), ("Public", "content", "80") })
        {
            var version = int.Parse((await open.GetAttributeAsync("data-version"))!, System.Globalization.CultureInfo.InvariantCulture);
            await op.SelectOptionAsync("#ev-score [name=party]", party);
            await op.SelectOptionAsync("#ev-score [name=criterion]", criterion);
            await op.FillAsync("#ev-score [name=score]", score);
            await op.ClickAsync("#ev-score button[type=submit]");
            await Assertions.Expect(open).ToHaveAttributeAsync("data-version", (version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Slow);
        }

        // The center's administrator, on a phone: the center's own scores.
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        var phone = await fixture.SignedInPageAsync(phoneContext, "fleet-admin");
        await phone.GotoAsync(new Uri(fixture.Web.Http, "/evaluations/" + id).ToString());
        var phoneOpen = phone.Locator("#ev-open");
        await Assertions.Expect(phoneOpen).ToHaveAttributeAsync("data-state", "InProgress", Slow);
        Assert.Equal(0, await phone.Locator("#ev-plan").CountAsync());
        foreach (var (criterion, score) in new[] { ("service", "90"), ("content", "80") })
        {
            var version = int.Parse((await phoneOpen.GetAttributeAsync("data-version"))!, System.Globalization.CultureInfo.InvariantCulture);
            await phone.SelectOptionAsync("#ev-score [name=party]", "Center");
            await phone.SelectOptionAsync("#ev-score [name=criterion]", criterion);
            await phone.FillAsync("#ev-score [name=score]", score);
            await phone.ClickAsync("#ev-score button[type=submit]");
            await Assertions.Expect(phoneOpen).ToHaveAttributeAsync("data-version", (version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Slow);
        }

        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        Assert.DoesNotContain("null", await phone.Locator("#evaluations").InnerTextAsync(), StringComparison.Ordinal);
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "evaluations-phone.png"), FullPage = true });

        // The operator's page heard it without a reload: 0.6 × 90 + 0.4 × 80 = 86.
        await Assertions.Expect(open).ToHaveAttributeAsync("data-version", "9", Slow);
        await Assertions.Expect(op.Locator("#ev-scores tr[data-criterion='service'] td").Nth(4)).ToHaveTextAsync("90", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await op.ClickAsync("#ev-complete");
        await Assertions.Expect(open).ToHaveAttributeAsync("data-state", "Scored", Slow);
        await op.FillAsync("#ev-conclude [name=summary]", "服务规范，内容丰富");
        await op.ClickAsync("#ev-conclude button[type=submit]");
        await Assertions.Expect(open).ToHaveAttributeAsync("data-state", "Concluded", Slow);

        var year = op.Locator("#ev-compare-table tr[data-year='2026']");
        await Assertions.Expect(year).ToContainTextAsync("86", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Assertions.Expect(year).ToContainTextAsync("良好");
        await Assertions.Expect(op.Locator("#ev-chart-totals canvas")).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await Assertions.Expect(op.Locator("#ev-chart-criteria canvas")).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        // Drawn with a height (the page re-draws the comparison after each change, so this waits for a settled one).
        await op.WaitForFunctionAsync("() => (document.querySelector('#ev-chart-totals canvas')?.getBoundingClientRect().height ?? 0) > 100", null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        await op.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "evaluations-desktop.png"), FullPage = true });
    }
}
