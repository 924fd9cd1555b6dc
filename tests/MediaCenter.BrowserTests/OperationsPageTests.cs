using System.Net;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// The operations tab (运营) and the hot-event banner: an access party registers a hot event, an operator acknowledges
/// it, and both screens show the banner when the window opens and lose it when it closes, without a reload; a plan is
/// drafted, submitted, approved and comes into force; a campaign is registered and supported.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OperationsPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_hot_event_the_operator_acknowledged_shows_its_banner_live_while_its_window_is_open()
    {
        var (_, member) = await NewPartyAsync();
        await using var partyContext = await fixture.Browser.NewContextAsync(Phone);
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(partyContext, operatorContext);
        var party = await OpenOpsAsync(await fixture.SignedInPageAsync(partyContext, member));
        var op = await OpenOpsAsync(await fixture.SignedInPageAsync(operatorContext));

        // The party registers the event through the form: the window opens in 20 s and lasts 10 s.
        var title = "新政发布 " + Guid.NewGuid().ToString("N")[..6];
        await party.ClickAsync("#ops-hot-register");
        await party.FillAsync("#hot-title", title);
        await party.FillAsync("#hot-policy", "关于文化惠民消费季的若干措施");
        await party.FillAsync("#hot-multiple", "5");
        await party.FillAsync("#hot-qa-rows .ops-row >> nth=0 >> [data-field=question]", "活动什么时候开始？");
        await party.FillAsync("#hot-qa-rows .ops-row >> nth=0 >> [data-field=answer]", "以官方公告为准。");
        await party.ClickAsync("#hot-qa-add");
        await party.FillAsync("#hot-qa-rows .ops-row >> nth=1 >> [data-field=question]", "在哪里参加？");
        await party.FillAsync("#hot-qa-rows .ops-row >> nth=1 >> [data-field=answer]", "各区文化馆。");
        await party.EvaluateAsync("""
            s => {
              const p = n => String(n).padStart(2, "0");
              const local = d => `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
              document.getElementById("hot-starts").value = local(new Date(Date.now() + s * 1000));
              document.getElementById("hot-ends").value = local(new Date(Date.now() + (s + 10) * 1000));
            }
            """, 20);
        await party.ClickAsync("#hot-submit");
        await Assertions.Expect(party.Locator("#ops-dialog")).ToBeHiddenAsync(new() { Timeout = 15_000 });
        var partyCard = party.Locator($"#ops-hot-list .hot-card[data-title='{title}']");
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-status", "Registered", Live);
        var id = (await partyCard.GetAttributeAsync("data-id"))!;
        await Assertions.Expect(partyCard.Locator("[data-action=Cancel]")).ToBeVisibleAsync();
        await Shot(party, "ops-hot-1-party-registered.png");

        // The operator sees it arrive and acknowledges it; not in force yet, so no banner.
        var card = op.Locator($"#ops-hot-list .hot-card[data-id='{id}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "Registered", Live);
        await card.Locator("[data-action=Acknowledge]").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "Acknowledged", Live);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-status", "Acknowledged", Live);
        await Assertions.Expect(op.Locator("#hot-banner")).ToBeHiddenAsync();
        await card.Locator("[data-action=View]").ClickAsync();
        await Assertions.Expect(op.Locator("#ops-qa li")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Shot(op, "ops-hot-2-operator-acknowledged.png");
        await op.ClickAsync("#ops-detail-close");

        // The window opens: both banners appear by themselves, with the title, the end and the live traffic.
        var window = new LocatorAssertionsToBeVisibleOptions { Timeout = 40_000 };
        foreach (var page in new[] { op, party })
        {
            var item = page.Locator($"#hot-banner .hot-banner-item[data-id='{id}']");
            await Assertions.Expect(item).ToBeVisibleAsync(window);
            await Assertions.Expect(item.Locator(".hot-banner-title")).ToHaveTextAsync(title);
            await Assertions.Expect(item.Locator(".hot-banner-end time")).Not.ToBeEmptyAsync();
            await Assertions.Expect(item.Locator(".hot-banner-traffic")).ToBeVisibleAsync();
        }

        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "Active", Live);
        using (var http = new HttpClient { BaseAddress = fixture.Web.Http })
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/public/hot-events/{id}/qa")).StatusCode);
            }
        }

        // The public asked for the script: the traffic the banner polls counts it.
        await Assertions.Expect(op.Locator($"#hot-banner .hot-banner-item[data-id='{id}'] .hot-banner-traffic"))
            .ToHaveAttributeAsync("data-last-minute", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 8_000 });
        await Shot(op, "ops-hot-3-operator-banner.png");
        await Shot(party, "ops-hot-4-party-banner-phone.png");
        await AssertFitsAsync(party);

        // The window closes: the banners go away by themselves and the event has ended.
        var gone = new LocatorAssertionsToBeHiddenOptions { Timeout = 30_000 };
        await Assertions.Expect(op.Locator("#hot-banner")).ToBeHiddenAsync(gone);
        await Assertions.Expect(party.Locator("#hot-banner")).ToBeHiddenAsync(gone);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "Ended", Live);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-status", "Ended", Live);
        await Shot(op, "ops-hot-5-ended.png");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task A_plan_the_party_drafts_and_submits_is_in_force_once_management_approves_it()
    {
        var (_, member) = await NewPartyAsync();
        var manager = "mgmt-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PlatformUserAsync(manager, "management");
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var managementContext = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(partyContext, managementContext);
        var party = await OpenOpsAsync(await fixture.SignedInPageAsync(partyContext, member), "plans");

        // The structured form: one row per section, a second response step.
        var title = "发布系统故障应急预案 " + Guid.NewGuid().ToString("N")[..6];
        await party.ClickAsync("#plan-create");
        await party.FillAsync("#plan-title", title);
        await party.FillAsync("#plan-scenario", "发布系统故障");
        await party.FillAsync("#plan-drill-every", "90");
        await Row(party, "organisation", 0, ("role", "总指挥"), ("person", "王主任"), ("duties", "决定启动与终止响应"), ("contact", "13800000000"));
        await Row(party, "resources", 0, ("name", "备用服务器"), ("kind", "设备"), ("quantity", "2"), ("location", "机房"), ("custodian", "技术组"));
        await Row(party, "risks", 0, ("name", "发布系统宕机"), ("description", "主服务器故障"), ("mitigation", "主备切换"));
        var risk = party.Locator("#plan-form .ops-section[data-section=risks] .ops-row").Nth(0);
        await risk.Locator("[data-field=likelihood]").SelectOptionAsync("2");
        await risk.Locator("[data-field=impact]").SelectOptionAsync("5");
        await Row(party, "prevention", 0, ("measure", "每日巡视"), ("owner", "运维"), ("frequency", "每日"));
        await Row(party, "responseSteps", 0, ("action", "确认故障范围"), ("owner", "值班员"), ("timeLimitMinutes", "5"));
        await party.ClickAsync("#plan-form .ops-section[data-section=responseSteps] .ops-add");
        await Row(party, "responseSteps", 1, ("action", "切换到备用服务器"), ("owner", "技术组"), ("timeLimitMinutes", "15"));
        await Row(party, "fallback", 0, ("arrangement", "暂停对外服务并发布公告"), ("trigger", "30 分钟内无法恢复"), ("owner", "总指挥"));
        await Shot(party, "ops-plan-1-editor.png", fullPage: true);
        await party.ClickAsync("#plan-save");

        var detail = party.Locator("#ops-detail");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Draft", Live);
        await Assertions.Expect(detail.Locator("#plan-content [data-section=risks] td").Nth(5)).ToHaveTextAsync("10");
        await Assertions.Expect(detail.Locator("#plan-effective")).ToHaveTextAsync("未生效");
        await detail.Locator("#plan-actions [data-action=Submit]").ClickAsync();
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Submitted", Live);
        var partyCard = party.Locator($"#ops-plan-list .plan-card[data-title='{title}']");
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-effective", "", Live);

        // Management finds it and approves it.
        var mgmt = await OpenOpsAsync(await fixture.SignedInPageAsync(managementContext, manager), "plans");
        var card = mgmt.Locator($"#ops-plan-list .plan-card[data-title='{title}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "Submitted", Live);
        await card.ClickAsync();
        var approve = mgmt.Locator("#ops-detail #plan-actions [data-action=Approve]");
        await Assertions.Expect(approve).ToBeVisibleAsync(Soon);
        await Assertions.Expect(mgmt.Locator("#ops-detail #plan-actions [data-action=Submit]")).ToHaveCountAsync(0);
        await Shot(mgmt, "ops-plan-2-management.png");
        await approve.ClickAsync();
        await Assertions.Expect(mgmt.Locator("#ops-detail")).ToHaveAttributeAsync("data-effective", "1", Live);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "Approved", Live);

        // The party's page follows without a reload: the list and the open plan say it is in force.
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-effective", "1", Live);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Approved", Live);
        await Assertions.Expect(detail.Locator("#plan-effective")).ToContainTextAsync("v1");
        await Assertions.Expect(detail.Locator("#plan-versions li[data-version='1']")).ToHaveAttributeAsync("data-state", "Approved");
        await Assertions.Expect(detail.Locator("#plan-drill-status")).ToContainTextAsync("90");
        await Assertions.Expect(detail.Locator("#plan-drill-status")).ToHaveAttributeAsync("data-overdue", "false");
        await Shot(party, "ops-plan-3-party-effective.png");

        // A drill of the plan: scheduled, then recorded.
        await detail.Locator("#drill-schedule").ClickAsync();
        await party.ClickAsync("#drill-submit");
        var drill = detail.Locator("#plan-drills li[data-state=Scheduled]");
        await Assertions.Expect(drill).ToBeVisibleAsync(Soon);
        await drill.Locator("[data-action=Record]").ClickAsync();
        await party.FillAsync("#drill-participants .ops-row >> nth=0 >> [data-field=name]", "王主任");
        await party.FillAsync("#drill-participants .ops-row >> nth=0 >> [data-field=role]", "总指挥");
        await party.FillAsync("#drill-findings .ops-row >> nth=0 >> [data-field=text]", "备用服务器切换用时超出预期");
        await party.FillAsync("#drill-summary", "演练总体顺利。");
        await party.ClickAsync("#drill-record-submit");
        await Assertions.Expect(party.Locator("#ops-dialog")).ToBeHiddenAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(detail.Locator("#plan-drills li[data-state=Completed]")).ToContainTextAsync("备用服务器切换用时超出预期", new() { Timeout = 15_000 });
        await Shot(party, "ops-plan-4-drill.png", fullPage: true);

        // Where the plan and the drill came from, and every change with who made it (来源与变更, F10.3).
        await detail.Locator("details.lineage[data-lineage=plan] summary").ClickAsync();
        var planLineage = detail.Locator("details.lineage[data-lineage=plan]");
        await Assertions.Expect(planLineage.Locator(".lineage-origin")).ToContainTextAsync("创建", new() { Timeout = 15_000 });
        await Assertions.Expect(planLineage.Locator(".lineage-changes li[data-event=Approve]")).ToContainTextAsync("批准");
        var drillLineage = detail.Locator("#plan-drills li[data-state=Completed] details.lineage[data-lineage=drill]");
        await drillLineage.Locator("summary").ClickAsync();
        await Assertions.Expect(drillLineage.Locator(".lineage-changes li[data-event=Record]")).ToContainTextAsync("记录演练结果", new() { Timeout = 15_000 });
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task A_campaign_the_party_registers_is_supported_by_the_operator()
    {
        var (_, member) = await NewPartyAsync();
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var operatorContext = await fixture.Browser.NewContextAsync(Phone);
        var errors = ConsoleErrors(partyContext, operatorContext);
        var party = await OpenOpsAsync(await fixture.SignedInPageAsync(partyContext, member), "campaigns");

        var title = "春节文化惠民 " + Guid.NewGuid().ToString("N")[..6];
        await party.ClickAsync("#camp-register");
        await party.FillAsync("#camp-title", title);
        await party.SelectOptionAsync("#camp-kind", "Holiday");
        await party.FillAsync("#camp-description", "春节期间线上线下联动推广。");
        await party.ClickAsync("#camp-submit");
        var partyCard = party.Locator($"#ops-camp-list .camp-card[data-title='{title}']");
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-support", "Pending", Live);
        await Assertions.Expect(partyCard.Locator("[data-action=Support]")).ToHaveCountAsync(0);

        // The operator (on a phone) supports it.
        var op = await OpenOpsAsync(await fixture.SignedInPageAsync(operatorContext), "campaigns");
        var card = op.Locator($"#ops-camp-list .camp-card[data-title='{title}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-support", "Pending", Live);
        await card.Locator("[data-action=Support]").ClickAsync();
        await op.FillAsync("#camp-note", "首页焦点图支持");
        await op.ClickAsync("#camp-support-submit");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-support", "Supported", Live);
        await AssertFitsAsync(op);
        await Shot(op, "ops-campaign-1-operator-phone.png", fullPage: true);

        // The party's list follows.
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-support", "Supported", Live);
        await Assertions.Expect(partyCard).ToContainTextAsync("首页焦点图支持");
        await Shot(party, "ops-campaign-2-party.png");

        // The party edits it: the operator's card goes back to pending without a reload; then the party withdraws it.
        Assert.Equal(0, await card.Locator("[data-action=Edit]").CountAsync());
        var id = await partyCard.GetAttributeAsync("data-id");
        await partyCard.Locator("[data-action=Edit]").ClickAsync();
        await party.FillAsync("#camp-title", title + " 延长");
        await party.ClickAsync("#camp-submit");
        await Assertions.Expect(party.Locator("#ops-dialog")).ToBeHiddenAsync(new() { Timeout = 15_000 });
        var renamed = op.Locator($"#ops-camp-list .camp-card[data-id='{id}']");
        await Assertions.Expect(renamed).ToHaveAttributeAsync("data-support", "Pending", Live);
        await Assertions.Expect(renamed).ToHaveAttributeAsync("data-title", title + " 延长", Live);
        await party.Locator($"#ops-camp-list .camp-card[data-title='{title} 延长'] [data-action=Withdraw]").ClickAsync();
        await party.FillAsync("#ops-reason", "活动取消");
        await party.ClickAsync("#ops-reason-submit");
        await Assertions.Expect(renamed).ToHaveAttributeAsync("data-state", "Withdrawn", Live);
        await Assertions.Expect(renamed.Locator("[data-action=Support]")).ToHaveCountAsync(0);
        await Shot(op, "ops-campaign-3-withdrawn-phone.png", fullPage: true);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task A_plan_the_operator_writes_for_a_party_appears_on_the_partys_page_without_a_reload()
    {
        var (partyId, member) = await NewPartyAsync();
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(partyContext, operatorContext);
        var party = await OpenOpsAsync(await fixture.SignedInPageAsync(partyContext, member), "plans");
        var op = await OpenOpsAsync(await fixture.SignedInPageAsync(operatorContext), "plans");

        var title = "机房断电应急预案 " + Guid.NewGuid().ToString("N")[..6];
        await op.ClickAsync("#plan-create");
        await op.SelectOptionAsync("#plan-party", partyId);
        await op.FillAsync("#plan-title", title);
        await op.FillAsync("#plan-scenario", "机房断电");
        await Row(op, "organisation", 0, ("role", "总指挥"), ("duties", "决定启动与终止响应"));
        await op.ClickAsync("#plan-save");
        await Assertions.Expect(op.Locator("#ops-detail")).ToHaveAttributeAsync("data-state", "Draft", Live);
        await Assertions.Expect(op.Locator("#ops-detail #plan-actions [data-action=Submit]")).ToBeVisibleAsync(Soon);

        // The party's list shows the plan written for it, pushed, not polled.
        var partyCard = party.Locator($"#ops-plan-list .plan-card[data-title='{title}']");
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-party", partyId, Live);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-state", "Draft", Live);
        await Shot(party, "ops-plan-5-written-by-operator.png");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private async Task<(string Party, string Member)> NewPartyAsync()
    {
        var party = "op-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        var member = party + "-user";
        await fixture.Deployment.Identity.PartyUserAsync(member, party, "party-member");
        return (party, member);
    }

    private static async Task<IPage> OpenOpsAsync(IPage page, string view = "hot")
    {
        await page.ClickAsync(".tab[data-view=ops]");
        await Assertions.Expect(page.Locator("#ops")).ToBeVisibleAsync(Soon);
        await page.ClickAsync($"#ops .ops-view[data-ops-view={view}]");
        var list = view switch { "hot" => "#ops-hot-list", "campaigns" => "#ops-camp-list", _ => "#ops-plan-list" };
        await Assertions.Expect(page.Locator(list)).ToHaveAttributeAsync("data-loaded", "true", Live);
        return page;
    }

    private static async Task Row(IPage page, string section, int index, params (string Field, string Value)[] values)
    {
        var row = page.Locator($"#plan-form .ops-section[data-section={section}] .ops-row").Nth(index);
        foreach (var (field, value) in values)
        {
            await row.Locator($"[data-field={field}]").FillAsync(value);
        }
    }

    /// <summary>Errors the pages log (script errors, Content-Security-Policy refusals).</summary>
    private static List<string> ConsoleErrors(params IBrowserContext[] contexts)
    {
        var errors = new List<string>();
        foreach (var context in contexts)
        {
            context.Console += (_, message) =>
            {
                // Before signing in, the shell asks who is signed in and is told: nobody (401).
                if (message.Type == "error" && !(message.Text.Contains("401", StringComparison.Ordinal) && message.Location.Contains("/api/auth/me", StringComparison.Ordinal)))
                {
                    lock (errors)
                    {
                        errors.Add(message.Text + " @ " + message.Location);
                    }
                }
            };
        }

        return errors;
    }

    private static Task Shot(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name), FullPage = fullPage });

    /// <summary>Nothing needs horizontal scrolling on the phone.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<bool>(
            "document.documentElement.scrollWidth > window.innerWidth || [...document.querySelectorAll('#hot-banner:not([hidden]), #ops-hot-list, #ops-camp-list, #ops-plan-list')].some(e => e.scrollWidth > e.clientWidth + 1)");
        Assert.False(overflow, "the operations page is wider than the phone screen");
    }
}
