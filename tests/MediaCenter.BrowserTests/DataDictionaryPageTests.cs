using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The data dictionary (数据字典, F10.3) as a page for auditors and administrators: every table and column, filtered as one types, on a phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DataDictionaryPageTests(BrowserFixture fixture)
{
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task An_auditor_filters_the_dictionary_to_the_personal_columns_of_tickets_on_a_phone()
    {
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "auditor1");
        await page.ClickAsync(".tab[data-view=audit]");
        await page.ClickAsync("#dd-open");

        Assert.EndsWith("/audit/data-dictionary", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#dd-tables section[data-table='mc.media'] tr[data-column=ticket_id]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#audit-filter")).ToBeHiddenAsync();
        var all = await page.Locator("#dd-tables section.dd-table").CountAsync();
        Assert.True(all > 50, $"{all} tables listed");

        await page.FillAsync("#dd-filter", "mc.tickets");
        await page.CheckAsync("#dd-personal");
        await Assertions.Expect(page.Locator("#dd-tables section.dd-table")).ToHaveCountAsync(1);
        var phone = page.Locator("#dd-tables section[data-table='mc.tickets'] tr[data-column=phone_masked]");
        await Assertions.Expect(phone).ToHaveAttributeAsync("data-personal", "masked");
        await Assertions.Expect(phone).ToContainTextAsync("掩码副本");
        await Assertions.Expect(page.Locator("#dd-tables section[data-table='mc.tickets'] tr[data-column=subject]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "data-dictionary-phone.png"), FullPage = false });

        // English on request; back to the log search.
        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(phone).ToContainTextAsync("masked copy");
        await page.ClickAsync("#dd-back");
        await Assertions.Expect(page.Locator("#audit-filter")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#dd")).ToBeHiddenAsync();
    }
}
