using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// A complaint end to end in the browser: filed on a phone by a member of the public (no account, the proof-of-work solved by
/// the page), accepted and assigned by the operator, handled and replied to by the access party, and rated by the submitter
/// on the phone with the follow-up code.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TicketPagesTests(BrowserFixture fixture)
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
    public async Task The_public_files_a_complaint_on_a_phone_the_party_handles_it_and_the_submitter_rates_the_reply()
    {
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        var phone = await phoneContext.NewPageAsync();
        await phone.GotoAsync(new Uri(fixture.Web.Http, "/public/complaint").ToString());
        await phone.SelectOptionAsync("#file-form [name=kind]", "Complaint");
        await phone.FillAsync("#file-form [name=subject]", "广场大屏声音太大");
        await phone.FillAsync("#file-form [name=content]", "晚上九点后广场大屏的音量仍然很大。");
        await phone.FillAsync("#file-form [name=phone]", "13712345678");
        await phone.CheckAsync("#file-form [name=consent]");
        // A photo attached from the phone (a PNG's signature is all the type check needs).
        await phone.SetInputFilesAsync("#files", new FilePayload
        {
            Name = "大屏.png",
            MimeType = "image/png",
            Buffer = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 1, 1],
        });
        await phone.ClickAsync("#file-submit");
        var codeBox = phone.Locator("#filed-code");
        await Assertions.Expect(codeBox).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        var code = (await codeBox.TextContentAsync())!.Trim();
        Assert.Matches("^T[0-9A-Z]{10}$", code);
        // The form fits the phone: nothing scrolls sideways.
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "ticket-public-filed.png"), FullPage = true });

        // The operator acknowledges and assigns it to the party.
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        var op = await OpenAsync(await fixture.SignedInPageAsync(operatorContext), code);
        await Assertions.Expect(op.Locator("#tk-files li a")).ToHaveTextAsync("大屏.png");
        await op.ClickAsync("#tk-open form[data-move=Accept] button");
        await Assertions.Expect(op.Locator("#tk-open")).ToHaveAttributeAsync("data-state", "Accepted", Slow);
        await op.FillAsync("#tk-open form[data-move=Assign] [name=assignee]", "party:ui-party");
        await op.ClickAsync("#tk-open form[data-move=Assign] button");
        await Assertions.Expect(op.Locator("#tk-open")).ToHaveAttributeAsync("data-state", "Assigned", Slow);
        // Its 来源与变更 block (F10.3): filed by the public through the web page, then accepted and assigned by the operator.
        await op.ClickAsync("#tk-open details.lineage summary");
        await Assertions.Expect(op.Locator("#tk-open .lineage-origin")).ToContainTextAsync("公众提交", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await Assertions.Expect(op.Locator("#tk-open .lineage-changes li[data-event=Assign]")).ToBeVisibleAsync();

        // A person on the party's staff (certified, so the party's ratio stays met) whose work the complaint concerns.
        var staffId = await op.EvaluateAsync<string>("""
            async number => (await window.mc.api("/api/v1/people", { method: "POST", headers: { "Idempotency-Key": crypto.randomUUID() },
              body: JSON.stringify({ organisation: "party:ui-party", name: "钱经办", post: "ServicePost", education: "JuniorCollege", experienceYears: 1,
                certificates: [{ type: "服务资格证", number, issuer: "省广电局", validFrom: "2026-01-05" }] }) })).id
            """, "UI-TK-" + code);

        // The party handles, naming that person, and replies.
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        var party = await OpenAsync(await fixture.SignedInPageAsync(partyContext, "fleet-admin"), code);
        await party.FillAsync("#tk-open form[data-move=Handle] [name=note]", "已将夜间音量调低");
        await party.SelectOptionAsync("#tk-open form[data-move=Handle] [name=concernedStaffId]", staffId);
        await party.ClickAsync("#tk-open form[data-move=Handle] button");
        await Assertions.Expect(party.Locator("#tk-open")).ToHaveAttributeAsync("data-state", "Handled", Slow);
        Assert.Equal(staffId, await party.EvaluateAsync<string>("id => window.mc.api('/api/v1/tickets/' + id).then(r => r.ticket.concernedStaffId)", code));
        await party.FillAsync("#tk-open form[data-move=Reply] [name=text]", "已将晚上九点后的音量调至 30%。");
        await party.ClickAsync("#tk-open form[data-move=Reply] button");
        await Assertions.Expect(party.Locator("#tk-open")).ToHaveAttributeAsync("data-state", "Replied", Slow);
        await Assertions.Expect(party.Locator($"#tk-table tr[data-ticket={code}]")).ToHaveAttributeAsync("data-state", "Replied", Slow);

        // Back on the phone: the follow-up form is filled in; the submitter sees the reply and rates it.
        await phone.ClickAsync("#follow-form button[type=submit]");
        await Assertions.Expect(phone.Locator("#t-state")).ToHaveAttributeAsync("data-state", "Replied", Slow);
        await Assertions.Expect(phone.Locator("#t-reply")).ToHaveTextAsync("已将晚上九点后的音量调至 30%。");
        await Assertions.Expect(phone.Locator("#t-files")).ToHaveTextAsync("大屏.png");
        await phone.SelectOptionAsync("#rate-form [name=satisfaction]", "5");
        await phone.ClickAsync("#rate-submit");
        await Assertions.Expect(phone.Locator("#t-state")).ToHaveAttributeAsync("data-state", "ReturnVisited", Slow);
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "ticket-public-rated.png"), FullPage = true });
    }

    private async Task<IPage> OpenAsync(IPage page, string code)
    {
        await page.GotoAsync(new Uri(fixture.Web.Http, "/tickets/" + code).ToString());
        await Assertions.Expect(page.Locator("#tk-open")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        return page;
    }
}
