using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Supervision in the browser: an operator records a manager's visit with a finding and opens a rectification from it on the
/// 监督 page, writes and publishes a survey, and a member of the public answers it on a phone without an account; the answer
/// shows in the survey's per-question results.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupervisionPageTests(BrowserFixture fixture)
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
    public async Task An_operator_records_a_managers_visit_opens_a_rectification_from_its_finding_and_the_public_answers_a_survey_on_a_phone()
    {
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        var op = await fixture.SignedInPageAsync(operatorContext);
        await op.GotoAsync(new Uri(fixture.Web.Http, "/supervision").ToString());
        await Assertions.Expect(op.Locator("#sv-plan")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });

        await op.SelectOptionAsync("#sv-plan [name=kind]", "ManagerVisit");
        await op.FillAsync("#sv-plan [name=title]", "走访东区文化站");
        await op.FillAsync("#sv-plan [name=partyId]", "ui-party");
        await op.ClickAsync("#sv-plan button[type=submit]");
        var record = op.Locator("#sv-open");
        await Assertions.Expect(record).ToHaveAttributeAsync("data-state", "Planned", Slow);

        await op.FillAsync("#sv-record [name=summary]", "站点整洁，开放时间公示不全");
        await op.FillAsync("#sv-record [name=findings]", "开放时间未公示");
        await op.ClickAsync("#sv-record button[type=submit]");
        await Assertions.Expect(record).ToHaveAttributeAsync("data-state", "Done", Slow);
        await op.ClickAsync("#sv-findings li[data-finding='1'] .sv-open-rect");
        await Assertions.Expect(op.Locator("#sv-findings li[data-finding='1'] [data-rect-state]")).ToHaveAttributeAsync("data-rect-state", "Open", Slow);
        // Its 来源与变更 block (F10.3): made by the operator, then recorded.
        await op.ClickAsync("#sv-open details.lineage summary");
        await Assertions.Expect(op.Locator("#sv-open .lineage-origin")).ToContainTextAsync("创建", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await Assertions.Expect(op.Locator("#sv-open .lineage-changes li[data-event=Record]")).ToBeVisibleAsync();

        // The rectification page links back to the record.
        await op.ClickAsync("#sv-findings li[data-finding='1'] a[data-route]");
        await Assertions.Expect(op.Locator("#ind-rect-source a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/supervision/sup-"), Slow);

        // A survey: one required single-choice question and a rating, published.
        await op.GotoAsync(new Uri(fixture.Web.Http, "/supervision").ToString());
        await Assertions.Expect(op.Locator("#sv-survey-form")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await op.FillAsync("#sv-survey-form [name=title]", "文化站服务满意度");
        var first = op.Locator("#sv-questions .sv-question").Nth(0);
        await first.Locator("[name=qkind]").SelectOptionAsync("Single");
        await first.Locator("[name=qtext]").FillAsync("您多久来一次？");
        await first.Locator("[name=qoptions]").FillAsync("每周，每月，很少");
        await first.Locator("[name=qrequired]").CheckAsync();
        await op.ClickAsync("#sv-add-question");
        var second = op.Locator("#sv-questions .sv-question").Nth(1);
        await second.Locator("[name=qkind]").SelectOptionAsync("Rating");
        await second.Locator("[name=qtext]").FillAsync("总体满意度");
        await op.ClickAsync("#sv-survey-form button[type=submit]");
        var survey = op.Locator("#sv-survey");
        await Assertions.Expect(survey).ToHaveAttributeAsync("data-state", "Draft", Slow);
        await op.ClickAsync("#sv-publish");
        await Assertions.Expect(survey).ToHaveAttributeAsync("data-state", "Published", Slow);
        var link = (await op.Locator("#sv-public-link").GetAttributeAsync("href"))!;

        // On a phone, without an account.
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        var phone = await phoneContext.NewPageAsync();
        await phone.GotoAsync(link);
        await Assertions.Expect(phone.Locator("#survey-form")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await phone.CheckAsync("fieldset[data-question='1'] input[value='2']");
        await phone.CheckAsync("fieldset[data-question='2'] input[value='5']");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await phone.ClickAsync("#survey-submit");
        await Assertions.Expect(phone.Locator("#survey-done")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "survey-public-answered.png"), FullPage = true });

        await op.ReloadAsync();
        await Assertions.Expect(op.Locator("#sv-survey .sv-chart[data-question='1']")).ToHaveAttributeAsync("data-counts", "0,1,0", Slow);
        await Assertions.Expect(op.Locator("#sv-survey .sv-chart[data-question='2']")).ToHaveAttributeAsync("data-counts", "0,0,0,0,1", Slow);
        // The charts are drawn with a height (the page's CSP refuses inline styles: the stylesheet sizes them).
        await op.WaitForFunctionAsync("() => (document.querySelector(\"#sv-survey .sv-chart[data-question='1'] canvas\")?.getBoundingClientRect().height ?? 0) > 100",
            null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        await op.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "supervision-survey-results.png"), FullPage = true });
    }
}
