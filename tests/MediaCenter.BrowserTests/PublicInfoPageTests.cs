using System.Net.Http.Json;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// The public information page (F12.4.1) on a phone, without an account: the profile a party's admin published shows in
/// one column at 390 px, in Chinese by default and in English on the language link, and it links to the complaint page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PublicInfoPageTests(BrowserFixture fixture)
{
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_party_profile_reads_on_a_phone_without_an_account_in_both_languages()
    {
        var hours = "周二至周日 9:00–21:00 " + Guid.NewGuid().ToString("N")[..6];
        using (var admin = await TestIdentity.SignInAsync(fixture.Web.Http, "fleet-admin"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/public-profile")
            {
                Content = JsonContent.Create(new { introduction = "社区融媒体服务。", services = new[] { "活动报名", "政策咨询" }, openingHours = hours, phone = "010-12345678" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await admin.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Web.Http, "/public/info/").ToString());
        var party = page.Locator(".pi-org[data-org='party:ui-party']");
        await Assertions.Expect(party).ToContainTextAsync(hours, new() { Timeout = 20_000 });
        await Assertions.Expect(party.Locator(".pi-services li")).ToHaveCountAsync(2);
        await Assertions.Expect(party).ToContainTextAsync("开放时间");
        await Assertions.Expect(party).ToContainTextAsync("暂无已完成的年度评价");
        await Assertions.Expect(page.Locator("#pi-complaint")).ToHaveAttributeAsync("href", "/public/complaint/");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "public-info-phone.png"), FullPage = true });

        await page.ClickAsync("#lang-en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Public information", new() { Timeout = 20_000 });
        await Assertions.Expect(party).ToContainTextAsync("Opening hours", new() { Timeout = 20_000 });
    }
}
