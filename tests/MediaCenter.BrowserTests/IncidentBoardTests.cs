using System.Globalization;
using System.Net;
using MediaCenter.Simulator;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// The incident board (故障处理) and the alert centre (F9.2) live on two screens: a simulated terminal stops, the
/// operator is alerted and handles the incident to the feedback, and the access party reads it, all without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IncidentBoardTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions SoonText = new() { Timeout = 15_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_stopped_terminal_raises_an_incident_the_operator_handles_live_to_the_feedback_the_party_reads()
    {
        var (party, channel, member) = await NewPartyAsync();
        await using var operatorContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var partyContext = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(operatorContext, partyContext);

        // The access party's user watches the terminal come online on the fleet board, then opens the incidents.
        var plan = new SimulationPlan(1, TimeSpan.FromSeconds(1), party, party + "-t", "东区", 0, TimeSpan.Zero, 0, 0, 0, null);
        var terminal = plan.Prefix + "-0001";
        using var run = new CancellationTokenSource();
        var fleet = StartFleet(plan, run.Token);
        var partyPage = await fixture.SignedInPageAsync(partyContext, member);
        await partyPage.ClickAsync(".tab[data-view=fleet]");
        await Assertions.Expect(partyPage.Locator($"#fleet-rows tr[data-terminal='{terminal}']")).ToHaveAttributeAsync("data-health", "Online", Live);
        await OpenIncidentsAsync(partyPage);
        await Assertions.Expect(partyPage.Locator("#bell")).ToHaveAttributeAsync("data-count", "0", Live);

        // The operator has the incidents open; the bell knows how many notifications are unread so far.
        var op = await OpenIncidentsAsync(await fixture.SignedInPageAsync(operatorContext));
        var bell = op.Locator("#bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-loaded", "true", Live);
        var before = Count(await bell.GetAttributeAsync("data-count"));

        // The terminal stops: it goes offline, and an incident opens by itself.
        await run.CancelAsync();
        await fleet;

        // The operator's page: the alert (the unread count goes up) and the incident, live.
        await op.WaitForFunctionAsync("n => Number(document.getElementById('bell').dataset.count) > n", before, new() { Timeout = 30_000 });
        await Assertions.Expect(op.Locator("#bell-count")).ToBeVisibleAsync();
        var card = op.Locator($"#inc-list .inc-card[data-subject='terminal:{terminal}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-severity", "P3");
        await Assertions.Expect(card.Locator(".inc-countdown .inc-clock")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+:\d\d(:\d\d)?$"));
        var id = (await card.GetAttributeAsync("data-id"))!;
        await Shot(op, "incidents-1-operator-alerted.png");

        // The party's page shows it too, and its bell counts the notification.
        var partyCard = partyPage.Locator($"#inc-list .inc-card[data-id='{id}']");
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(partyPage.Locator("#bell")).ToHaveAttributeAsync("data-count", "1", Live);
        await partyCard.ClickAsync();
        await Assertions.Expect(partyPage.Locator("#inc-detail")).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(partyPage.Locator("#inc-detail-actions [data-action=Acknowledge]")).ToHaveCountAsync(0);

        // The operator opens the alert centre and follows the notification to the incident; it is read now.
        var afterAlert = Count(await bell.GetAttributeAsync("data-count"));
        await bell.ClickAsync();
        var notice = op.Locator($"#bell-list li[data-incident='{id}']").First;
        await Assertions.Expect(notice).ToHaveAttributeAsync("data-read", "false", Live);
        await Shot(op, "incidents-2-alert-centre.png");
        await notice.Locator(".bell-open").ClickAsync();
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-count", (afterAlert - 1).ToString(CultureInfo.InvariantCulture), Live);
        var detail = op.Locator("#inc-detail");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-id", id, Live);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(detail.Locator(".inc-countdown .inc-clock")).Not.ToBeEmptyAsync();

        // Acknowledge: the party's screen follows.
        await detail.Locator("#inc-detail-actions [data-action=Acknowledge]").ClickAsync();
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Acknowledged", Live);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-stage", "Acknowledged", Live);

        // Suspend the party's channel (the only one offered): its feed answers 503.
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/feeds/{channel}/pc.json")).StatusCode);
        await detail.Locator("#inc-detail-actions [data-action=SuspendService]").ClickAsync();
        await Assertions.Expect(op.Locator("#inc-suspend-channel option")).ToHaveCountAsync(1);
        await Assertions.Expect(op.Locator("#inc-suspend-channel")).ToHaveValueAsync(channel);
        await ActAsync(op, "终端离线，首页数据可能停更，暂停对外服务");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "ServiceSuspended", Live);
        await Assertions.Expect(detail.Locator(".inc-suspended-channel")).ToHaveTextAsync(channel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"/feeds/{channel}/pc.json")).StatusCode);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-stage", "ServiceSuspended", Live);
        await Shot(op, "incidents-3-suspended.png");

        // Contained; it cannot be resolved while the channel is suspended: resume after verification first.
        await detail.Locator("#inc-detail-actions [data-action=Mitigate]").ClickAsync();
        await ActAsync(op, "已切换备用数据源");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Mitigated", Live);
        await Assertions.Expect(partyCard.Locator(".inc-suspended")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(detail.Locator("#inc-detail-actions [data-action=Resolve]")).ToHaveCountAsync(0);
        await Assertions.Expect(detail.Locator(".inc-hint")).ToContainTextAsync(channel);
        await detail.Locator("#inc-detail-actions [data-action=ResumeService]").ClickAsync();
        await ActAsync(op, "已验证：首页数据与接口恢复正确");
        await Assertions.Expect(detail.Locator("#inc-detail-actions [data-action=Resolve]")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(detail.Locator(".inc-suspended-channel")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/feeds/{channel}/pc.json")).StatusCode);
        await Assertions.Expect(partyCard.Locator(".inc-suspended")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        await detail.Locator("#inc-detail-actions [data-action=Resolve]").ClickAsync();
        await ActAsync(op, "终端已更换电源并恢复在线");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Resolved", Live);

        // The root cause with a corrective action, which is then done.
        await detail.Locator("#inc-detail-actions [data-action=RecordRootCause]").ClickAsync();
        await op.FillAsync("#inc-technical", "终端电源适配器老化");
        await op.FillAsync("#inc-management", "巡检清单未覆盖电源");
        await op.SelectOptionAsync("#inc-category", "Power");
        await op.FillAsync("#inc-action-description", "巡检清单加入电源检查");
        await op.FillAsync("#inc-action-owner", "运维组");
        await ActAsync(op, null);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "RootCauseRecorded", Live);
        await Assertions.Expect(detail.Locator(".inc-technical")).ToHaveTextAsync("终端电源适配器老化");
        await Assertions.Expect(detail.Locator(".inc-category")).ToHaveTextAsync("供电");
        var action = detail.Locator("#inc-action-list li[data-number='1']");
        await Assertions.Expect(action).ToHaveAttributeAsync("data-done", "false");
        await action.Locator(".inc-action-done").ClickAsync();
        await Assertions.Expect(action).ToHaveAttributeAsync("data-done", "true", Live);

        // Feedback to the party: it shows on the party's open detail, live, with the button to confirm reading it.
        const string feedback = "故障原因为终端电源老化，已更换并完成全面巡检，首页服务已恢复。";
        await detail.Locator("#inc-detail-actions [data-action=SendFeedback]").ClickAsync();
        await ActAsync(op, feedback);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "FeedbackSent", Live);
        await Assertions.Expect(detail.Locator("#inc-receipts li.empty")).ToBeVisibleAsync();

        var partyDetail = partyPage.Locator("#inc-detail");
        await Assertions.Expect(partyDetail).ToHaveAttributeAsync("data-stage", "FeedbackSent", Live);
        await Assertions.Expect(partyPage.Locator("#inc-feedback-text")).ToHaveTextAsync(feedback);
        await Assertions.Expect(partyPage.Locator("#inc-read-feedback")).ToHaveTextAsync("已阅");
        await Shot(partyPage, "incidents-4-party-feedback.png");
        await partyPage.ClickAsync("#inc-read-feedback");
        await Assertions.Expect(partyPage.Locator("#inc-receipts")).ToContainTextAsync(member, SoonText);
        await Assertions.Expect(partyPage.Locator("#inc-read-feedback")).ToHaveCountAsync(0);

        // The operator sees the read receipt, live.
        await Assertions.Expect(op.Locator("#inc-receipts")).ToContainTextAsync(member, SoonText);
        await Assertions.Expect(card.Locator(".inc-feedback-line")).ToContainTextAsync("1 人已阅", SoonText);
        await Shot(op, "incidents-5-operator-receipt.png");

        // Closed (every corrective action is done); the timeline holds the whole story, who and what.
        await detail.Locator("#inc-detail-actions [data-action=Close]").ClickAsync();
        await ActAsync(op, null);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Closed", Live);
        var timeline = detail.Locator("#inc-timeline li");
        await Assertions.Expect(timeline).ToHaveCountAsync(11, new() { Timeout = 15_000 });
        await Assertions.Expect(detail.Locator("#inc-timeline li[data-command=SuspendService]")).ToContainTextAsync("暂停对外服务");
        await Assertions.Expect(detail.Locator("#inc-timeline li[data-command=ResumeService]")).ToContainTextAsync("已验证");
        await Assertions.Expect(detail.Locator("#inc-timeline li[data-command=Acknowledge]")).ToContainTextAsync("operator1");
        await Assertions.Expect(detail.Locator("#inc-timeline li[data-command=ReadFeedback]")).ToContainTextAsync(member);
        await Assertions.Expect(partyCard).ToHaveAttributeAsync("data-stage", "Closed", Live);

        // This month's figures count it, with a mean time to resolve.
        var month = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var row = op.Locator($"#inc-stats tr[data-month='{month}']");
        await Assertions.Expect(row).ToBeVisibleAsync(Soon);
        await Assertions.Expect(row.Locator(".inc-mttr")).Not.ToHaveTextAsync("—", new() { Timeout = 15_000 });
        await Assertions.Expect(op.Locator("#inc-stats-chart canvas")).ToBeVisibleAsync(Soon);
        await op.ClickAsync("#inc-detail-close");
        await Shot(op, "incidents-6-operator-closed.png", fullPage: true);

        // The stage filter.
        await op.SelectOptionAsync("#inc-stage", "open");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await op.SelectOptionAsync("#inc-stage", "Closed");
        await Assertions.Expect(card).ToBeVisibleAsync();

        // The party was told at each step that concerns it: reported, suspended, resumed, resolved, feedback.
        var partyBell = partyPage.Locator("#bell");
        await Assertions.Expect(partyBell).ToHaveAttributeAsync("data-count", "5", Live);
        await partyBell.ClickAsync();
        await Assertions.Expect(partyPage.Locator($"#bell-list li.unread[data-incident='{id}']")).ToHaveCountAsync(5, new() { Timeout = 15_000 });
        await partyPage.ClickAsync("#bell-read-all");
        await Assertions.Expect(partyBell).ToHaveAttributeAsync("data-count", "0", Live);
        await Assertions.Expect(partyPage.Locator("#bell-list li.unread")).ToHaveCountAsync(0);

        // Nothing went wrong in either page (a script error or a refused style would show here).
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task On_a_phone_the_party_user_reports_an_incident_and_follows_it()
    {
        var (_, channel, member) = await NewPartyAsync();
        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var errors = ConsoleErrors(context);
        var page = await OpenIncidentsAsync(await fixture.SignedInPageAsync(context, member));
        await Assertions.Expect(page.Locator("#inc-list .inc-card")).ToHaveCountAsync(0);

        // Reported from the phone: severity and the party's own channel.
        var title = "首页图片无法显示 " + Guid.NewGuid().ToString("N")[..6];
        await page.ClickAsync("#inc-report-open");
        await page.FillAsync("#inc-report-title", title);
        await page.FillAsync("#inc-report-detail", "手机端首页焦点图全部显示为空白。");
        await page.SelectOptionAsync("#inc-report-severity", "P2");
        await page.SelectOptionAsync("#inc-report-channel", channel);
        await AssertFitsAsync(page);
        await Shot(page, "incidents-phone-1-report.png");
        await page.ClickAsync("#inc-report-submit");
        await Assertions.Expect(page.Locator("#inc-dialog")).ToBeHiddenAsync(new() { Timeout = 15_000 });

        // The detail opens over the whole screen; the list holds the new incident.
        var detail = page.Locator("#inc-detail");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-severity", "P2");
        await Assertions.Expect(page.Locator("#inc-detail-title")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator("#inc-timeline li[data-command=Report]")).ToContainTextAsync(member);
        await AssertFitsAsync(page);
        await Shot(page, "incidents-phone-2-detail.png");
        await page.ClickAsync("#inc-detail-close");
        var card = page.Locator("#inc-list .inc-card", new() { HasText = title });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", "Reported", Live);
        await Assertions.Expect(card.Locator(".inc-countdown")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await Shot(page, "incidents-phone-3-list.png", fullPage: true);

        // The party's own report is in its alert centre, a sheet at the bottom of the screen.
        await Assertions.Expect(page.Locator("#bell")).ToHaveAttributeAsync("data-count", "1", Live);
        await page.ClickAsync("#bell");
        await Assertions.Expect(page.Locator("#bell-list li.unread")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await AssertFitsAsync(page);
        await Shot(page, "incidents-phone-4-alert-centre.png");

        // In English.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#bell-panel")).ToBeHiddenAsync();
        await page.ClickAsync("#lang-switch");
        await Assertions.Expect(page.Locator(".tab[data-view=incidents]")).ToHaveTextAsync("Incidents", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator(".inc-stage")).ToHaveTextAsync("Reported");
        await Assertions.Expect(page.Locator("#inc-report-open")).ToHaveTextAsync("Report an incident");
        await AssertFitsAsync(page);
        await Shot(page, "incidents-phone-5-en.png", fullPage: true);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>A new access party with its channel ({party}-home) and a member, so no other test's incidents or notifications mix in.</summary>
    [Fact]
    public async Task A_region_going_dark_is_one_incident_whose_member_list_follows_the_terminals_live()
    {
        const int Fleet = 6;
        var (party, _, _) = await NewPartyAsync();
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var errors = ConsoleErrors(context);
        var plan = new SimulationPlan(Fleet, TimeSpan.FromSeconds(1), party, party + "-s", "南区", 0, TimeSpan.Zero, 0, 0, 0, null);
        var terminals = Enumerable.Range(1, Fleet).Select(n => $"{plan.Prefix}-{n:D4}").ToList();

        using var run = new CancellationTokenSource();
        var fleet = StartFleet(plan, run.Token);
        var op = await fixture.SignedInPageAsync(context);
        await op.ClickAsync(".tab[data-view=fleet]");
        foreach (var terminal in terminals)
        {
            await Assertions.Expect(op.Locator($"#fleet-rows tr[data-terminal='{terminal}']")).ToHaveAttributeAsync("data-health", "Online", Live);
        }

        await OpenIncidentsAsync(op);

        // The region's terminals all stop: one card, titled with the region and the count, not six.
        await run.CancelAsync();
        await fleet;
        var card = op.Locator("#inc-list .inc-card").Filter(new() { HasText = $"南区：{Fleet} 台终端离线" });
        await Assertions.Expect(card).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(card.Locator(".inc-group-count")).ToContainTextAsync($"{Fleet}", SoonText);
        await card.ClickAsync();
        var group = op.Locator("#inc-group");
        await Assertions.Expect(group).ToHaveAttributeAsync("data-active", $"{Fleet}", Live);
        await Assertions.Expect(op.Locator("#inc-members li.inc-member")).ToHaveCountAsync(Fleet);
        foreach (var terminal in terminals)
        {
            await Assertions.Expect(op.Locator($"#inc-members li[data-member='{terminal}']")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("back"));
        }

        await Shot(op, "incidents-storm-members-out.png", fullPage: true);

        // They come back: the open incident marks each member back and proposes resolution, without a reload.
        using var again = new CancellationTokenSource();
        var back = StartFleet(plan, again.Token);
        await Assertions.Expect(group).ToHaveAttributeAsync("data-recovered", $"{Fleet}", new() { Timeout = 30_000 });
        await Assertions.Expect(op.Locator("#inc-members li.inc-member.back")).ToHaveCountAsync(Fleet);
        await Assertions.Expect(op.Locator("#inc-group-proposed")).ToBeVisibleAsync(Soon);
        await Shot(op, "incidents-storm-members-back.png", fullPage: true);
        await again.CancelAsync();
        await back;
        Assert.Empty(errors);
    }

    private async Task<(string Party, string Channel, string Member)> NewPartyAsync()
    {
        var party = "ib-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        var member = party + "-user";
        await fixture.Deployment.Identity.PartyUserAsync(member, party, "party-member");
        return (party, party + "-home", member);
    }

    private static async Task<IPage> OpenIncidentsAsync(IPage page)
    {
        await page.ClickAsync(".tab[data-view=incidents]");
        await Assertions.Expect(page.Locator("#inc-list")).ToHaveAttributeAsync("data-loaded", "true", Live);
        return page;
    }

    /// <summary>Fills the open dialog's text (when given) and confirms it.</summary>
    private static async Task ActAsync(IPage page, string? text)
    {
        await Assertions.Expect(page.Locator("#inc-dialog")).ToBeVisibleAsync();
        if (text is not null)
        {
            await page.FillAsync("#inc-dialog textarea[name=text]", text);
        }

        await page.ClickAsync("#inc-action-submit");
        await Assertions.Expect(page.Locator("#inc-dialog")).ToBeHiddenAsync(new() { Timeout = 15_000 });
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

    private static int Count(string? value) => int.Parse(value ?? "0", CultureInfo.InvariantCulture);

    private static Task Shot(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name), FullPage = fullPage });

    /// <summary>Nothing needs horizontal scrolling on the phone.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<bool>(
            "document.documentElement.scrollWidth > window.innerWidth || [...document.querySelectorAll('#inc-detail:not([hidden]), #inc-list, #bell-panel:not([hidden]), #inc-dialog[open]')].some(e => e.scrollWidth > e.clientWidth + 1)");
        Assert.False(overflow, "the incident board is wider than the phone screen");
    }

    private Task StartFleet(SimulationPlan plan, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        var simulator = new TerminalSimulator(http, "127.0.0.1", int.Parse(fixture.Gateway["Mqtt__Port"], CultureInfo.InvariantCulture), TextWriter.Null);
        await simulator.SignInAsync("operator1", TestIdentity.Password, CancellationToken.None);
        await simulator.RunAsync(plan, cancellationToken);
    });
}
