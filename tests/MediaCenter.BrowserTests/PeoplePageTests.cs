using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The people tab (人员): a party admin records a person and a certificate, and an open page of the party sees the ratio change live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PeoplePageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_recorded_certificate_changes_the_ratio_on_every_open_page_without_a_reload()
    {
        var party = "pp-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var adminContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var memberContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(adminContext, party + "-admin"));

        await admin.FillAsync("#people-register [name=name]", "张三");
        await admin.SelectOptionAsync("#people-register [name=post]", "Manager");
        await admin.FillAsync("#people-register [name=years]", "2");
        await admin.FillAsync("#people-register [name=nationalId]", "110101199001011234");
        await admin.ClickAsync("#people-register button[type=submit]");
        var ratio = admin.Locator("#people-ratio-value");
        await Assertions.Expect(ratio).ToHaveAttributeAsync("data-total", "1", Live);
        await Assertions.Expect(admin.Locator("#people-ratio-state")).ToHaveAttributeAsync("data-meets", "false");
        await Assertions.Expect(admin.Locator("#people-breaches")).ToContainTextAsync("管理人员需 3 年以上相关经验");
        var row = admin.Locator("#people-list tr[data-person]", new() { HasText = "张三" });
        await Assertions.Expect(row).ToContainTextAsync("110101********1234");

        // A member of the party watches; the admin records the certificate on the row.
        var member = await OpenAsync(await fixture.SignedInPageAsync(memberContext, party + "-member"));
        await Assertions.Expect(member.Locator("#people-ratio-value")).ToHaveAttributeAsync("data-certified", "0", Live);
        await Assertions.Expect(member.Locator("#people-register")).ToHaveCountAsync(0);
        await Assertions.Expect(member.Locator("#people")).Not.ToContainTextAsync("null");
        await row.Locator(".people-add-cert").ClickAsync();
        var form = admin.Locator(".people-cert-form");
        await form.Locator("[name=type]").FillAsync("广播电视播音员主持人资格证");
        await form.Locator("[name=number]").FillAsync("A-0001");
        await form.Locator("[name=issuer]").FillAsync("国家广播电视总局");
        await form.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(member.Locator("#people-ratio-value")).ToHaveAttributeAsync("data-certified", "1", Live);
        await Assertions.Expect(member.Locator("#people-ratio-state")).ToHaveAttributeAsync("data-meets", "true", Live);
        await Assertions.Expect(ratio).ToHaveAttributeAsync("data-certified", "1", Live);
        await Assertions.Expect(member.Locator("#people-list")).ToContainTextAsync("A-0001");
        await member.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "people-zh.png"), FullPage = true });
    }

    [Fact]
    public async Task An_admin_plans_the_staff_reserve_on_a_phone_and_an_open_page_sees_the_gap_close_as_people_are_recorded()
    {
        var party = "pr-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var adminContext = await fixture.Browser.NewContextAsync(Phone);
        await using var memberContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(adminContext, party + "-admin"));
        var member = await OpenAsync(await fixture.SignedInPageAsync(memberContext, party + "-member"));
        await Assertions.Expect(member.Locator("#people-reserve")).ToContainTextAsync("尚未制定人员储备计划");
        await Assertions.Expect(member.Locator("#people-reserve-form")).ToHaveCountAsync(0);

        // Two staff needed, one hire planned next month.
        var staffPost = admin.Locator("#people-reserve-form .people-reserve-post[data-post=Staff]");
        await staffPost.Locator("[name=required]").FillAsync("2");
        await staffPost.Locator(".people-add-hire").ClickAsync();
        await staffPost.Locator(".people-hire [name=by]").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"));
        await staffPost.Locator(".people-hire [name=note]").FillAsync("春季招聘");
        await admin.ClickAsync("#people-reserve-form button[type=submit]");

        var line = member.Locator("#people-reserve tr[data-post=Staff]");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-short", "2", Live);
        await Assertions.Expect(line).ToHaveAttributeAsync("data-gap", "1");
        await Assertions.Expect(line).ToContainTextAsync("工作人员");

        // A person recorded on the post closes the gap on the open page, without a reload.
        await admin.FillAsync("#people-register [name=name]", "李四");
        await admin.SelectOptionAsync("#people-register [name=post]", "Staff");
        await admin.ClickAsync("#people-register button[type=submit]");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-short", "1", Live);
        await Assertions.Expect(line).ToHaveAttributeAsync("data-gap", "0", Live);

        // The form fits the phone: nothing wider than the screen.
        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the people page scrolls sideways at 390 px");
    }

    [Fact]
    public async Task A_trainer_on_a_phone_runs_a_post_basics_session_and_an_open_page_sees_the_owed_training_fulfilled()
    {
        var party = "pt-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var adminContext = await fixture.Browser.NewContextAsync(Phone);
        await using var memberContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(adminContext, party + "-admin"));
        var member = await OpenAsync(await fixture.SignedInPageAsync(memberContext, party + "-member"));
        await Assertions.Expect(member.Locator("#training-plan-form")).ToHaveCountAsync(0);

        await admin.FillAsync("#training-plan-form [name=title]", "工作人员岗位基础");
        await admin.SelectOptionAsync("#training-plan-form [name=kind]", "PostBasics");
        await admin.FillAsync("#training-plan-form [name=skills]", "内容审核流程，智能设备操作");
        await admin.ClickAsync("#training-plan-form button[type=submit]");
        var plan = admin.Locator("#training-plans tr[data-plan]", new() { HasText = "工作人员岗位基础" });
        await Assertions.Expect(plan).ToHaveAttributeAsync("data-state", "Draft", Live);
        await plan.GetByText("生效").ClickAsync();
        await Assertions.Expect(member.Locator("#training-plans tr[data-plan]")).ToHaveAttributeAsync("data-state", "Active", Live);

        // A newcomer to the post owes the plan, on every open page.
        await admin.FillAsync("#people-register [name=name]", "孙学员");
        await admin.SelectOptionAsync("#people-register [name=post]", "Staff");
        await admin.ClickAsync("#people-register button[type=submit]");
        var owed = member.Locator("#training-obligations tr[data-person]", new() { HasText = "孙学员" });
        await Assertions.Expect(owed).ToContainTextAsync("入职本岗位", new() { Timeout = 20_000 });

        await admin.FillAsync("#training-schedule-form [name=startsAt]", DateTime.Now.AddDays(1).ToString("yyyy-MM-dd'T'09:00"));
        await admin.FillAsync("#training-schedule-form [name=location]", "二楼培训室");
        await admin.ClickAsync("#training-schedule-form button[type=submit]");
        var session = admin.Locator(".training-session").First;
        await Assertions.Expect(session).ToHaveAttributeAsync("data-state", "Scheduled", Live);
        await session.Locator("select[name=enrol]").SelectOptionAsync(new SelectOptionValue { Label = "孙学员" });
        await session.GetByText("报名", new() { Exact = true }).ClickAsync();
        var attendee = session.Locator("tr[data-person]", new() { HasText = "孙学员" });
        await Assertions.Expect(attendee).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await attendee.Locator("input[name=attended]").CheckAsync();
        await session.GetByText("保存出勤").ClickAsync();
        await Assertions.Expect(session).ToHaveAttributeAsync("data-state", "Held", Live);
        await attendee.Locator("input[name=score]").FillAsync("80");
        await attendee.Locator("input[name=skill][value=内容审核流程]").CheckAsync();
        await session.GetByText("保存成绩").ClickAsync();
        await Assertions.Expect(attendee.Locator("input[name=score]")).ToHaveValueAsync("80", new() { Timeout = 20_000 });
        await session.GetByText("结束并记入档案").ClickAsync();

        var closed = member.Locator(".training-session").First;
        await Assertions.Expect(closed).ToHaveAttributeAsync("data-state", "Closed", Live);
        await Assertions.Expect(closed).ToContainTextAsync("合格");
        await Assertions.Expect(owed).ToHaveCountAsync(0, new() { Timeout = 20_000 });

        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the training section scrolls sideways at 390 px");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "training-390.png"), FullPage = true });
    }

    [Fact]
    public async Task An_admin_on_a_phone_scores_an_appraisal_and_the_person_acknowledges_it_on_their_open_page()
    {
        var party = "pa-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        var account = await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var adminContext = await fixture.Browser.NewContextAsync(Phone);
        await using var memberContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(adminContext, party + "-admin"));

        // The member's record, linked to their account (the register form has no account field).
        await admin.EvaluateAsync("""
            ([party, user]) => window.mc.api("/api/v1/people", { method: "POST", headers: { "Idempotency-Key": crypto.randomUUID() },
              body: JSON.stringify({ organisation: "party:" + party, name: "周记者", post: "Staff", education: "Bachelor", experienceYears: 2, userId: user }) })
            """, new object[] { party, account.ToString() });
        var member = await OpenAsync(await fixture.SignedInPageAsync(memberContext, party + "-member"));
        await Assertions.Expect(member.Locator("#appraisal-mine")).ToContainTextAsync("暂无您的考核");
        await Assertions.Expect(member.Locator("#appraisal-scheme-form")).ToHaveCountAsync(0);

        // A staff scheme: pitches filed 60 points, attitude 40 by hand.
        await admin.SelectOptionAsync("#appraisal-scheme-form [name=post]", "Staff");
        await admin.Locator("#appraisal-scheme-form [data-measure=pitchesFiled] [name=weight]").FillAsync("60");
        await admin.ClickAsync("#appraisal-scheme-form button[type=submit]");
        await Assertions.Expect(admin.Locator("#appraisal-schemes [data-post=Staff]")).ToContainTextAsync("报题数 60", new() { Timeout = 20_000 });

        await Assertions.Expect(admin.Locator("#appraisal-person option", new() { HasText = "周记者" })).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await admin.SelectOptionAsync("#appraisal-person", new SelectOptionValue { Label = "周记者" });
        await admin.ClickAsync("#appraisal-open-form button[type=submit]");
        var detail = admin.Locator("#appraisal-detail [data-appraisal]");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Draft", Live);
        await detail.Locator("tr[data-item] input[name=score]").FillAsync("100");
        await detail.GetByText("保存评分").ClickAsync();
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Scored", Live);
        await Assertions.Expect(detail).ToContainTextAsync("等级");

        // The person's open page shows it without a reload, and they acknowledge it; the admin's page follows.
        var mine = member.Locator("#appraisal-mine tr[data-appraisal]");
        await Assertions.Expect(mine).ToHaveAttributeAsync("data-state", "Scored", Live);
        await mine.GetByText("查看").ClickAsync();
        await member.Locator("#appraisal-detail").GetByText("确认考核结果").ClickAsync();
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-state", "Acknowledged", Live);
        await Assertions.Expect(admin.Locator("#appraisal-list tr[data-appraisal]")).ToContainTextAsync("已确认", new() { Timeout = 20_000 });

        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the appraisal section scrolls sideways at 390 px");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "appraisal-390.png"), FullPage = true });
    }

    [Fact]
    public async Task A_member_on_a_phone_opens_my_record_and_sees_a_new_training_join_their_growth_record_without_a_reload()
    {
        var party = "pm-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        var account = await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var adminContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var memberContext = await fixture.Browser.NewContextAsync(Phone);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(adminContext, party + "-admin"));
        var personId = await admin.EvaluateAsync<string>("""
            async ([party, user]) => {
              const key = () => ({ "Idempotency-Key": crypto.randomUUID() });
              const person = await window.mc.api("/api/v1/people", { method: "POST", headers: key(),
                body: JSON.stringify({ organisation: "party:" + party, name: "吴记者", post: "Staff", education: "Bachelor", experienceYears: 2,
                  phone: "13900005678", userId: user }) });
              await window.mc.api(`/api/v1/people/${person.id}/certificates`, { method: "POST", headers: key(),
                body: JSON.stringify({ type: "广播电视编辑记者资格证", number: "PM-0001", issuer: "省广电局", validFrom: "2026-01-05" }) });
              return person.id;
            }
            """, new object[] { party, account.ToString() });

        // The member (no admin role) opens 我的档案 on a phone: their record masked, nothing owed, the growth record so far.
        var member = await fixture.SignedInPageAsync(memberContext, party + "-member");
        await member.ClickAsync(".tab[data-view=me]");
        await Assertions.Expect(member).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));
        var record = member.Locator("#me-record");
        await Assertions.Expect(record).ToHaveAttributeAsync("data-person", personId, Live);
        await Assertions.Expect(record).ToContainTextAsync("139****5678");
        await Assertions.Expect(member.Locator("#me")).Not.ToContainTextAsync("13900005678");
        await Assertions.Expect(member.Locator("#me-obligations")).ToContainTextAsync("没有待完成的培训义务");
        await Assertions.Expect(member.Locator("#me-appraisals")).ToContainTextAsync("暂无您的考核");
        var growth = member.Locator("#me-growth tr.growth-entry");
        await Assertions.Expect(growth).ToHaveCountAsync(2);
        await Assertions.Expect(growth.Nth(0)).ToHaveAttributeAsync("data-kind", "Certificate");
        await Assertions.Expect(growth.Nth(1)).ToHaveAttributeAsync("data-kind", "Post");

        // The admin records a failed training: the member's open page shows it without a reload.
        await admin.EvaluateAsync("""
            id => window.mc.api(`/api/v1/people/${id}/trainings`, { method: "POST", headers: { "Idempotency-Key": crypto.randomUUID() },
              body: JSON.stringify({ kind: "OperatingSkills", title: "融媒体采编", completedOn: "2026-11-20", score: 55, passMark: 60 }) })
            """, personId);
        await Assertions.Expect(growth).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        var training = member.Locator("#me-growth tr.growth-entry[data-kind=Training]");
        await Assertions.Expect(training).ToContainTextAsync("55 分（合格线 60）");
        await Assertions.Expect(training).ToContainTextAsync("不合格");

        var overflow = await member.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "my record scrolls sideways at 390 px");
        await member.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "my-record-390.png"), FullPage = true });

        // The admin sees the same growth record on the person's row of the 人员 page.
        await admin.Locator("#people-list tr[data-person]", new() { HasText = "吴记者" }).Locator(".people-growth").ClickAsync();
        await Assertions.Expect(admin.Locator(".people-growth-row tr.growth-entry")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task On_a_phone_an_admin_ticks_a_persons_publish_consent_and_the_public_information_page_lists_them()
    {
        var party = "pc-" + Guid.NewGuid().ToString("N")[..6];
        var name = "公开" + Guid.NewGuid().ToString("N")[..4];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(phoneContext, party + "-admin"));
        await admin.FillAsync("#people-register [name=name]", name);
        await admin.ClickAsync("#people-register button[type=submit]");
        var row = admin.Locator("#people-list tr[data-person]", new() { HasText = name });
        var consent = row.Locator("input[name=publishConsent]");
        await Assertions.Expect(consent).Not.ToBeCheckedAsync(new() { Timeout = 20_000 });

        // Off by default: the public page does not name them; ticked, it does (the page is rebuilt every few seconds).
        var info = await phoneContext.NewPageAsync();
        await info.GotoAsync(new Uri(fixture.Web.Http, "/public/info/").ToString());
        await Assertions.Expect(info.Locator($".pi-org[data-org='party:{party}']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.DoesNotContain(name, await info.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await consent.CheckAsync();
        await Assertions.Expect(consent).ToBeEnabledAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(consent).ToBeCheckedAsync();
        for (var attempt = 0; attempt < 20 && !(await info.Locator("body").InnerTextAsync()).Contains(name, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);
            await info.ReloadAsync();
        }

        await Assertions.Expect(info.Locator($".pi-org[data-org='party:{party}']")).ToContainTextAsync(name);
    }

    [Fact]
    public async Task On_a_phone_an_admin_uploads_a_certificate_scan_and_the_person_sees_the_link_to_it_live()
    {
        var party = "ps-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        var account = await fixture.Deployment.Identity.PartyUserAsync(party + "-member", party, "party-member");
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        await using var memberContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(phoneContext, party + "-admin"));
        await admin.EvaluateAsync("""
            async ([party, user]) => {
              const key = () => ({ "Idempotency-Key": crypto.randomUUID() });
              await window.mc.api("/api/v1/people", { method: "POST", headers: key(),
                body: JSON.stringify({ organisation: "party:" + party, name: "郑持证", post: "Staff", education: "Bachelor", experienceYears: 2, userId: user,
                  certificates: [{ type: "广播电视编辑记者资格证", number: "PS-0001", issuer: "省广电局", validFrom: "2026-01-05" }] }) });
            }
            """, new object[] { party, account.ToString() });
        var member = await OpenAsync(await fixture.SignedInPageAsync(memberContext, party + "-member"));
        var adminCert = admin.Locator("#people-list tr[data-person] .people-cert[data-number='PS-0001']");
        var memberCert = member.Locator("#people-list tr[data-person] .people-cert[data-number='PS-0001']");
        await Assertions.Expect(adminCert.Locator(".people-scan-upload")).ToContainTextAsync("上传扫描件", new() { Timeout = 20_000 });
        await Assertions.Expect(memberCert).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(memberCert.Locator(".people-scan-upload")).ToHaveCountAsync(0);

        // An HTML file named .png is refused with the reason; a PNG is stored, and both pages show the link without a reload.
        var upload = adminCert.Locator(".people-scan-upload input[type=file]");
        await upload.SetInputFilesAsync(new FilePayload { Name = "证书.png", MimeType = "image/png", Buffer = "<html><body>x</body></html>"u8.ToArray() });
        await Assertions.Expect(admin.Locator("#people-message")).ToContainTextAsync("PDF、JPEG 或 PNG", new() { Timeout = 20_000 });
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await upload.SetInputFilesAsync(new FilePayload { Name = "证书.png", MimeType = "image/png", Buffer = png });
        await Assertions.Expect(adminCert.Locator(".people-scan-link")).ToHaveTextAsync("查看扫描件", new() { Timeout = 20_000 });
        await Assertions.Expect(adminCert.Locator(".people-scan-upload")).ToContainTextAsync("更换扫描件");
        var link = memberCert.Locator(".people-scan-link");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var fetched = await member.EvaluateAsync<string>("href => fetch(href).then(r => r.status + ' ' + r.headers.get('content-type'))",
            await link.GetAttributeAsync("href"));
        Assert.Equal("200 image/png", fetched);

        // The person finds it on 我的档案 too.
        await member.ClickAsync(".tab[data-view=me]");
        await Assertions.Expect(member.Locator("#me-certificates .people-cert[data-number='PS-0001'] .people-scan-link")).ToHaveTextAsync("查看扫描件",
            new() { Timeout = 20_000 });

        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the people page scrolls sideways at 390 px");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "people-scan-390.png"), FullPage = true });
    }

    [Fact]
    public async Task On_a_phone_an_admin_sees_a_persons_id_number_in_full_and_erases_it_on_request_and_an_open_page_sees_it_gone()
    {
        var party = "pe-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Deployment.Identity.PartyAsync(party);
        await fixture.Deployment.Identity.PartyUserAsync(party + "-admin", party, "party-admin");
        await using var phoneContext = await fixture.Browser.NewContextAsync(Phone);
        await using var deskContext = await fixture.Browser.NewContextAsync(Desktop);
        var admin = await OpenAsync(await fixture.SignedInPageAsync(phoneContext, party + "-admin"));
        await admin.EvaluateAsync("""
            async party => {
              await window.mc.api("/api/v1/people", { method: "POST", headers: { "Idempotency-Key": crypto.randomUUID() },
                body: JSON.stringify({ organisation: "party:" + party, name: "何删除", post: "Staff", education: "Bachelor", experienceYears: 2,
                  nationalId: "110101199003070022", phone: "13800000022" }) });
            }
            """, party);
        var desk = await OpenAsync(await fixture.SignedInPageAsync(deskContext, party + "-admin"));
        var row = admin.Locator("#people-list tr[data-person]", new() { HasText = "何删除" });
        var deskRow = desk.Locator("#people-list tr[data-person]", new() { HasText = "何删除" });
        await Assertions.Expect(row.Locator(".people-national-id")).Not.ToContainTextAsync("110101199003070022", new() { Timeout = 20_000 });
        await Assertions.Expect(deskRow.Locator(".people-phone")).Not.ToHaveTextAsync("—", new() { Timeout = 20_000 });

        // Shown in full on request (the server writes the view to the operation log).
        await row.Locator(".people-personal-show").ClickAsync();
        await Assertions.Expect(row.Locator(".people-national-id")).ToHaveTextAsync("110101199003070022", new() { Timeout = 20_000 });
        await Assertions.Expect(row.Locator(".people-phone")).ToHaveTextAsync("13800000022");

        // Erased on request after a confirmation: both pages show nothing left, without a reload.
        admin.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await row.Locator(".people-personal-erase").ClickAsync();
        await Assertions.Expect(deskRow.Locator(".people-national-id")).ToHaveTextAsync("—", new() { Timeout = 20_000 });
        await Assertions.Expect(deskRow.Locator(".people-phone")).ToHaveTextAsync("—");
        await Assertions.Expect(row.Locator(".people-personal-erase")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the people page scrolls sideways at 390 px");
    }

    private static async Task<IPage> OpenAsync(IPage page)
    {
        await page.ClickAsync(".tab[data-view=people]");
        await Assertions.Expect(page.Locator("#people-ratio-value")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        return page;
    }
}
