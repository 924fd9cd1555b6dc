using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// F11.2 on a 390 px phone: an operator plans a visit whose day has already passed; the record's reminder flags it overdue and
/// the 监督 page shows 已逾期 without a reload (pushed live); a new day set on the record clears it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupervisionSchedulePageTests(BrowserFixture fixture)
{
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_visit_whose_day_passed_shows_overdue_live_on_a_phone_and_a_new_day_clears_it()
    {
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var op = await fixture.SignedInPageAsync(context);
        await op.GotoAsync(new Uri(fixture.Web.Http, "/supervision").ToString());
        await Assertions.Expect(op.Locator("#sv-plan")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });

        var shanghai = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await op.SelectOptionAsync("#sv-plan [name=kind]", "TelephoneVisit");
        await op.FillAsync("#sv-plan [name=title]", "回访逾期测试");
        await op.FillAsync("#sv-plan [name=plannedFor]", shanghai.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await op.ClickAsync("#sv-plan button[type=submit]");
        var record = op.Locator("#sv-open");
        await Assertions.Expect(record).ToHaveAttributeAsync("data-state", "Planned", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
        var id = (await record.GetAttributeAsync("data-record"))!;

        // No reload: the reminder's change reaches the page over SignalR.
        var row = op.Locator($"#sv-list tr[data-record='{id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-overdue", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 90_000 });
        await Assertions.Expect(record.Locator(".sv-overdue")).ToHaveTextAsync("已逾期", new LocatorAssertionsToHaveTextOptions { Timeout = 10_000 });
        Assert.True(await op.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        await op.FillAsync("#sv-schedule [name=plannedFor]", shanghai.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await op.ClickAsync("#sv-schedule button[type=submit]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-overdue", "false", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
        await Assertions.Expect(record.Locator(".sv-overdue")).ToHaveCountAsync(0);
    }
}
