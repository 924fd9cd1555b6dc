using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// The newsroom board (F6.6) live on several screens at once, and the editor's phone (F7.4): every change one
/// person makes shows on the other people's open boards without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NewsroomBoardTests(BrowserFixture fixture)
{
    private const string Channel = BrowserFixture.NewsChannel;
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToHaveCountOptions SoonCount = new() { Timeout = 15_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } };
    private static readonly BrowserNewContextOptions Phone = new()
    {
        Locale = "zh-CN",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task A_story_goes_from_pitch_to_withdrawal_and_every_open_board_follows_live()
    {
        await using var chiefContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var editorContext = await fixture.Browser.NewContextAsync(Desktop);
        var chief = await OpenBoardAsync(await fixture.SignedInPageAsync(chiefContext, "nr-chief"));
        var editor = await OpenBoardAsync(await fixture.SignedInPageAsync(editorContext, "nr-editor"));

        // The editor files a pitch with a note, a link and an uploaded file.
        var title = "老街区改造回访 " + Guid.NewGuid().ToString("N")[..6];
        await editor.ClickAsync("#nr-file-open");
        await editor.FillAsync("#nr-pitch-title", title);
        await editor.FillAsync("#nr-pitch-angle", "从居民视角看改造前后的变化");
        await editor.FillAsync("#nr-pitch-note", "联系人：社区王主任");
        await editor.ClickAsync("#nr-pitch-add-note");
        await editor.FillAsync("#nr-pitch-link", "https://example.org/renewal-plan");
        await editor.ClickAsync("#nr-pitch-add-link");
        await editor.SetInputFilesAsync("#nr-pitch-file", new FilePayload
        {
            Name = "采访提纲.txt",
            MimeType = "text/plain",
            Buffer = Encoding.UTF8.GetBytes("1. 改造前的生活\n2. 改造后的变化\n"),
        });
        await Assertions.Expect(editor.Locator("#nr-pitch-materials li[data-kind=File]")).ToContainTextAsync("采访提纲.txt", new() { Timeout = 15_000 });
        await Assertions.Expect(editor.Locator("#nr-pitch-materials li")).ToHaveCountAsync(3);
        await editor.ClickAsync("#nr-pitch-submit");
        await DialogClosedAsync(editor);
        var filed = editor.Locator("#nr-board .nr-card", new() { HasText = title });
        await Assertions.Expect(filed).ToHaveAttributeAsync("data-stage", "Pitched", Live);
        var id = (await filed.GetAttributeAsync("data-id"))!;

        // The chief's board shows it without a reload.
        await ExpectOnBoardAsync(chief, id, "Pitched", "pitched");
        await chief.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-1-chief-sees-pitch.png") });

        // The chief confirms it into the topic library…
        await ActAsync(chief, id, "Confirm");
        await ExpectOnBoardAsync(editor, id, "Confirmed", "confirmed");

        // …and assigns it to the editor with a due time.
        await Card(chief, id).Locator("[data-action=Assign]").ClickAsync();
        await chief.CheckAsync($"#nr-assignees input[value='{fixture.NewsPeople["nr-editor"]}']");
        var due = DateTime.Now.AddDays(2);
        await chief.FillAsync("#nr-dialog input[name=dueAt]", due.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await chief.ClickAsync("#nr-action-submit");
        await DialogClosedAsync(chief);
        await ExpectOnBoardAsync(editor, id, "Assigned", "assigned");
        await Assertions.Expect(Card(editor, id).Locator(".nr-due")).ToContainTextAsync(due.ToString("HH:mm", CultureInfo.InvariantCulture));
        await Assertions.Expect(Card(editor, id)).ToHaveAttributeAsync("data-overdue", "false");

        // The editor writes the draft (rich text) and saves it: version 1.
        await Card(editor, id).Locator("[data-action=SaveDraft]").ClickAsync();
        await Assertions.Expect(editor.Locator("#nr-editor")).ToBeVisibleAsync(Soon);
        await editor.FillAsync("#nr-draft-title", "老街区改造：居民怎么说");
        await editor.FillAsync("#nr-draft-summary", "改造半年后，我们回访了十户居民。");
        await editor.ClickAsync("#nr-draft-body");
        await editor.Keyboard.TypeAsync("改造后的老街区");
        await editor.ClickAsync("#nr-tool-heading");
        await editor.Keyboard.PressAsync("Enter");
        await editor.ClickAsync("#nr-tool-bold");
        await editor.Keyboard.TypeAsync("居民普遍认为生活更方便了。");
        await editor.ClickAsync("#nr-draft-save");
        await Assertions.Expect(editor.Locator("#nr-draft-status")).ToHaveAttributeAsync("data-draft-version", "1", Live);
        await ExpectOnBoardAsync(chief, id, "Drafting", "drafting");
        await Assertions.Expect(editor.Locator("#nr-versions li[data-version='1']")).ToBeVisibleAsync(Soon);
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-2-editor-drafting.png") });

        // The editor submits it: first review.
        await editor.ClickAsync("#nr-detail-actions [data-action=Submit]");
        await editor.ClickAsync("#nr-action-submit");
        await DialogClosedAsync(editor);
        await ExpectOnBoardAsync(chief, id, "InReview", "review-1");
        await Assertions.Expect(Card(chief, id)).ToHaveAttributeAsync("data-review-level", "1");
        await Assertions.Expect(Card(chief, id).Locator(".nr-level")).ToContainTextAsync("1/3");
        await Assertions.Expect(editor.Locator("#nr-timeline li[data-command=Submit]")).ToBeVisibleAsync(Soon);
        await editor.ClickAsync("#nr-detail-close");
        await ExpectOnBoardAsync(editor, id, "InReview", "review-1");

        // Three reviewers approve level by level, signing in in turn on a third screen.
        await using var reviewerContext = await fixture.Browser.NewContextAsync(Desktop);
        IPage? reviewer = null;
        for (var level = 1; level <= 3; level++)
        {
            var name = "nr-reviewer" + level;
            reviewer = reviewer is null ? await fixture.SignedInPageAsync(reviewerContext, name) : await SignInAgainAsync(reviewer, name);
            await OpenBoardAsync(reviewer);
            await Assertions.Expect(Card(reviewer, id)).ToHaveAttributeAsync("data-review-level", level.ToString(CultureInfo.InvariantCulture), Live);
            // Reject and Approve are offered to the reviewer of the card's level only.
            await Assertions.Expect(Card(reviewer, id).Locator("[data-action=Reject]")).ToHaveCountAsync(1);
            if (level == 2)
            {
                await reviewer.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-3-reviewer2-board.png") });
            }

            await ActAsync(reviewer, id, "Approve", $"第 {level} 级审核通过");
            if (level < 3)
            {
                var next = (level + 1).ToString(CultureInfo.InvariantCulture);
                await ExpectOnBoardAsync(chief, id, "InReview", "review-" + next);
                await ExpectOnBoardAsync(editor, id, "InReview", "review-" + next);
                await Assertions.Expect(Card(chief, id)).ToHaveAttributeAsync("data-review-level", next, Live);
                await Assertions.Expect(Card(reviewer, id).Locator("[data-action=Approve]")).ToHaveCountAsync(0, SoonCount);
            }
        }

        await ExpectOnBoardAsync(chief, id, "Approved", "pending");
        await ExpectOnBoardAsync(editor, id, "Approved", "pending");

        // The chief publishes to PC and APP (not the mobile site).
        await Card(chief, id).Locator("[data-action=Publish]").ClickAsync();
        await chief.UncheckAsync("#nr-targets input[value=Wap]");
        await Assertions.Expect(chief.Locator("#nr-targets input[value=Pc]")).ToBeCheckedAsync();
        await Assertions.Expect(chief.Locator("#nr-targets input[value=App]")).ToBeCheckedAsync();
        await chief.ClickAsync("#nr-action-submit");
        await DialogClosedAsync(chief);
        await ExpectOnBoardAsync(editor, id, "Published", "published");
        await Assertions.Expect(Card(editor, id).Locator(".chip[data-target=Pc]")).ToBeVisibleAsync();
        await Assertions.Expect(Card(editor, id).Locator(".chip[data-target=App]")).ToBeVisibleAsync();
        await Assertions.Expect(Card(editor, id).Locator(".chip[data-target=Wap]")).ToHaveCountAsync(0);
        await chief.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-4-chief-published.png") });

        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        Assert.Contains(id, await http.GetStringAsync($"/feeds/{Channel}/pc.json"));
        Assert.Contains(id, await http.GetStringAsync($"/feeds/{Channel}/app.rss"));
        Assert.DoesNotContain(id, await http.GetStringAsync($"/feeds/{Channel}/wap.json"));

        // The chief withdraws it with a reason: both feeds drop it, and the editor's board shows why.
        await ActAsync(chief, id, "Withdraw", "数据有误，撤稿核实");
        await ExpectOnBoardAsync(editor, id, "Withdrawn", "withdrawn");
        await Assertions.Expect(Card(editor, id).Locator(".nr-comment")).ToContainTextAsync("数据有误，撤稿核实");
        Assert.DoesNotContain(id, await http.GetStringAsync($"/feeds/{Channel}/pc.json"));
        Assert.DoesNotContain(id, await http.GetStringAsync($"/feeds/{Channel}/app.rss"));
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-5-editor-withdrawn.png") });

        // The timeline tells the whole story: who, when, what, with the review levels.
        await Card(editor, id).ClickAsync();
        var timeline = editor.Locator("#nr-timeline");
        await Assertions.Expect(timeline.Locator("li")).ToHaveCountAsync(10, SoonCount);
        await Assertions.Expect(timeline.Locator("li[data-command=Approve][data-review-level='3']")).ToContainTextAsync("nr-reviewer3");
        await Assertions.Expect(timeline.Locator("li[data-command=Withdraw]")).ToContainTextAsync("数据有误，撤稿核实");
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-6-timeline.png") });
    }

    [Fact]
    public async Task On_a_phone_the_editor_finds_the_task_writes_the_draft_and_submits_it()
    {
        // Arranged over the API: a pitch, confirmed and assigned to the editor, due in a few seconds.
        using var editorApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chiefApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var title = "手机写稿 " + Guid.NewGuid().ToString("N")[..6];
        var pitch = await PostAsync<CardBody>(editorApi, $"/api/v1/channels/{Channel}/pitches", new { title, angle = "在路上写稿", kind = "ImageText" });
        var id = pitch.Id;
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/confirm", new { });
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/assign",
            new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddSeconds(8) });

        await using var context = await fixture.Browser.NewContextAsync(Phone);
        var page = await fixture.SignedInPageAsync(context, "nr-editor");
        await page.ClickAsync(".tab[data-view=newsroom]");

        // My tasks is the phone's first view; the task turns overdue by itself when its due time passes.
        var task = page.Locator($"#nr-tasks .nr-task[data-id='{id}']");
        await Assertions.Expect(task).ToBeVisibleAsync(Soon);
        await Assertions.Expect(task).ToHaveAttributeAsync("data-stage", "Assigned");
        await Assertions.Expect(task).ToHaveAttributeAsync("data-overdue", "true", new() { Timeout = 20_000 });
        await Assertions.Expect(task.Locator(".nr-overdue")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-phone-1-tasks.png"), FullPage = true });

        // Open it, write, save: version 1.
        await task.ClickAsync();
        await Assertions.Expect(page.Locator("#nr-editor")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#nr-versions")).ToContainTextAsync("还没有保存过的版本", new() { Timeout = 15_000 });
        await page.FillAsync("#nr-draft-title", title + "（初稿）");
        await page.FillAsync("#nr-draft-body", "现场记录：街口早市人来人往。");

        // The versions list follows the save at once, without reopening the panel, even while the stored list is slow to come.
        var versionsHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/v1/articles/*/versions", async route =>
        {
            await versionsHeld.Task;
            await route.ContinueAsync();
        });
        await page.ClickAsync("#nr-draft-save");
        await Assertions.Expect(page.Locator("#nr-draft-status")).ToHaveAttributeAsync("data-draft-version", "1", Live);
        await Assertions.Expect(page.Locator("#nr-versions li[data-version='1']")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#nr-versions")).Not.ToContainTextAsync("还没有保存过的版本");
        versionsHeld.SetResult();
        await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.Wait });
        await Assertions.Expect(page.Locator("#nr-versions li[data-version='1']")).ToContainTextAsync("nr-editor", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#nr-versions li")).ToHaveCountAsync(1);
        await AssertFitsAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-phone-2-draft.png") });

        // Meanwhile the same story is saved elsewhere (version 2): saving on the phone is a conflict to resolve.
        await page.FillAsync("#nr-draft-body", "现场记录：街口早市人来人往，摊主说生意好了。");
        await PostAsync<CardBody>(editorApi, $"/api/v1/articles/{id}/save-draft", new
        {
            baseVersion = 1,
            draft = new { kind = "ImageText", title = title + "（电脑版）", summary = "", bodyHtml = "<p>在电脑上改过的稿子。</p>" },
        });
        await page.ClickAsync("#nr-draft-save");
        var conflict = page.Locator("#nr-draft-conflict");
        await Assertions.Expect(conflict).ToBeVisibleAsync(Soon);
        await Assertions.Expect(conflict).ToContainTextAsync("第 2 版");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-phone-3-conflict.png") });
        await page.ClickAsync("#nr-draft-reload");
        await Assertions.Expect(page.Locator("#nr-draft-title")).ToHaveValueAsync(title + "（电脑版）", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#nr-draft-status")).ToHaveAttributeAsync("data-draft-version", "2");

        // On top of the latest version: save (3) and submit from the small screen.
        await page.FillAsync("#nr-draft-body", "在电脑上改过的稿子，手机上补充了现场细节。");
        await page.ClickAsync("#nr-draft-submit");
        await page.ClickAsync("#nr-action-submit");
        await DialogClosedAsync(page);
        await Assertions.Expect(page.Locator("#nr-detail")).ToHaveAttributeAsync("data-stage", "InReview", Live);
        await Assertions.Expect(page.Locator("#nr-detail")).ToHaveAttributeAsync("data-draft-version", "3");
        await Assertions.Expect(page.Locator("#nr-detail-stage")).ToContainTextAsync("初审");
        await AssertFitsAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-phone-4-submitted.png") });
        await page.ClickAsync("#nr-detail-close");
        await Assertions.Expect(task).ToHaveAttributeAsync("data-stage", "InReview", Live);
        await Assertions.Expect(task).ToHaveAttributeAsync("data-overdue", "false");

        var versions = await editorApi.GetFromJsonAsync<List<VersionBody>>($"/api/v1/articles/{id}/versions");
        Assert.Equal(new[] { 3, 2, 1 }, versions!.Select(v => v.Version));
    }

    [Fact]
    public async Task A_body_with_a_table_keeps_the_table_when_it_is_edited_and_saved()
    {
        // A reprinted article arrives with a table; the editor adds a line and saves.
        using var editorApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chiefApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var title = "表格稿件 " + Guid.NewGuid().ToString("N")[..6];
        var id = (await PostAsync<CardBody>(editorApi, $"/api/v1/channels/{Channel}/pitches", new { title, angle = "", kind = "ImageText" })).Id;
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/confirm", new { });
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/assign",
            new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddHours(2) });
        await PostAsync<CardBody>(editorApi, $"/api/v1/articles/{id}/save-draft", new
        {
            baseVersion = 0,
            draft = new
            {
                kind = "ImageText",
                title,
                summary = "",
                bodyHtml = "<p>各区名额如下：</p><table><tbody><tr><td>区县</td><td>名额</td></tr><tr><td>江北</td><td>120</td></tr></tbody></table><p>完。</p>",
            },
        });

        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var page = await fixture.SignedInPageAsync(context, "nr-editor");
        await page.GotoAsync(new Uri(fixture.Web.Http, $"/newsroom/{Channel}/{id}").ToString());
        var body = page.Locator("#nr-draft-body");
        await Assertions.Expect(body.Locator("td")).ToHaveCountAsync(4, new() { Timeout = 15_000 });
        await body.Locator("p", new() { HasText = "完。" }).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync("（据区教育局）");
        await page.ClickAsync("#nr-draft-save");
        await Assertions.Expect(page.Locator("#nr-draft-status")).ToHaveAttributeAsync("data-draft-version", "2", Live);

        var stored = (await editorApi.GetFromJsonAsync<ArticleBody>($"/api/v1/articles/{id}", Json))!.Draft!.BodyHtml;
        Assert.Contains("（据区教育局）", stored, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(stored, "<tr[ >]").Count);
        Assert.Matches("<td[^>]*>江北</td>\\s*<td[^>]*>120</td>", stored);
    }

    [Fact]
    public async Task A_formatted_story_keeps_its_heading_bold_list_and_link_through_save_reload_and_publish()
    {
        // Arranged over the API: a pitch, confirmed and assigned to the editor.
        using var editorApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chiefApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var title = "格式稿件 " + Guid.NewGuid().ToString("N")[..6];
        var id = (await PostAsync<CardBody>(editorApi, $"/api/v1/channels/{Channel}/pitches", new { title, angle = "", kind = "ImageText" })).Id;
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/confirm", new { });
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/assign",
            new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddHours(2) });

        // The page's own policy holds (no inline styles or scripts), and every call of execCommand is counted.
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        await context.AddInitScriptAsync(ExecCommandSpy);
        var errors = ConsoleErrors(context);
        var page = await fixture.SignedInPageAsync(context, "nr-editor");
        var address = new Uri(fixture.Web.Http, $"/newsroom/{Channel}/{id}").ToString();
        await page.GotoAsync(address);
        await Assertions.Expect(page.Locator("#nr-editor")).ToBeVisibleAsync(Soon);

        // Typed and formatted with the toolbar and the keyboard: a heading, bold words, a list, a link.
        var body = page.Locator("#nr-draft-body");
        await body.ClickAsync();
        await page.Keyboard.TypeAsync("居民怎么说");
        await page.ClickAsync("#nr-tool-heading");
        await Assertions.Expect(page.Locator("#nr-tool-heading")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("改造以后，");
        await page.ClickAsync("#nr-tool-bold");
        await page.Keyboard.TypeAsync("生活更方便了");
        await page.Keyboard.PressAsync("Control+b");
        await page.Keyboard.TypeAsync("。");
        await page.Keyboard.PressAsync("Enter");
        await page.ClickAsync("#nr-tool-list");
        await page.Keyboard.TypeAsync("买菜近了");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("路灯亮了");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("详见改造方案");
        for (var i = 0; i < 4; i++)
        {
            await page.Keyboard.PressAsync("Shift+ArrowLeft");
        }

        await page.ClickAsync("#nr-draft-link-url");
        await page.FillAsync("#nr-draft-link-url", "https://example.org/plan");
        await page.ClickAsync("#nr-tool-link");
        await Assertions.Expect(body.Locator("a[href='https://example.org/plan']")).ToHaveTextAsync("改造方案");

        // A picture uploaded to the story goes into the body where the cursor is.
        await page.Keyboard.PressAsync("Control+End");
        await page.SetInputFilesAsync("#nr-draft-media-file", new FilePayload { Name = "街景.png", MimeType = "image/png", Buffer = OnePixelPng });
        await page.ClickAsync("#nr-draft-media .nr-insert-image");
        await Assertions.Expect(body.Locator("img[src^='/api/v1/media/']")).ToHaveCountAsync(1);

        // Tab leaves the body for the next control instead of typing a tab.
        await body.FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.NotEqual("nr-draft-body", await page.EvaluateAsync<string>("document.activeElement.id"));
        Assert.DoesNotContain("\t", await body.InnerTextAsync(), StringComparison.Ordinal);

        await page.ClickAsync("#nr-draft-save");
        await Assertions.Expect(page.Locator("#nr-draft-status")).ToHaveAttributeAsync("data-draft-version", "1", Live);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-editor-formatted.png") });

        // Stored as plain semantic HTML that the sanitiser keeps: no editor classes, real lists.
        var stored = (await editorApi.GetFromJsonAsync<ArticleBody>($"/api/v1/articles/{id}", Json))!.Draft!.BodyHtml;
        AssertFormatted(stored);
        Assert.DoesNotContain("ql-", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("&nbsp;", stored, StringComparison.Ordinal);
        Assert.Matches("<img src=\"/api/v1/media/[0-9a-f-]{36}\"", stored);

        // Opened again after a reload, the editor shows the same formatting.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#nr-editor")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(body.Locator("h3")).ToHaveTextAsync("居民怎么说");
        await Assertions.Expect(body.Locator("strong")).ToHaveTextAsync("生活更方便了");
        await Assertions.Expect(body.Locator("li")).ToHaveTextAsync(["买菜近了", "路灯亮了"]);
        await Assertions.Expect(body.Locator("a[href='https://example.org/plan']")).ToHaveTextAsync("改造方案");
        Assert.Equal(0, await page.EvaluateAsync<int>("window.mcExecCommands.length"));

        // The editor (toolbar, body, link field) passes the accessibility check.
        await using (var checking = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", ViewportSize = Desktop.ViewportSize, BypassCSP = true }))
        {
            var check = await fixture.SignedInPageAsync(checking, "nr-editor");
            await check.GotoAsync(address);
            await Assertions.Expect(check.Locator("#nr-draft-body h3")).ToBeVisibleAsync(Soon);
            var violations = await AccessibilityCheck.SeriousViolationsAsync(check);
            Assert.True(violations.Length == 0, "Serious accessibility violations in the editor:\n" + string.Join("\n", violations));
        }

        // Reviewed and published: the feed carries the same formatting.
        var card = await PostAsync<CardBody>(editorApi, $"/api/v1/articles/{id}/submit", new { });
        while (card.Stage == "InReview")
        {
            using var reviewer = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-reviewer" + card.ReviewLevel.ToString(CultureInfo.InvariantCulture));
            card = await PostAsync<CardBody>(reviewer, $"/api/v1/articles/{id}/approve", new { comment = "同意" });
        }

        var board = (await chiefApi.GetFromJsonAsync<BoardBody>($"/api/v1/channels/{Channel}/board", Json))!;
        card = await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{id}/publish", new { targets = board.Policy.Targets });
        Assert.Equal("Published", card.Stage);
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        var feed = await http.GetFromJsonAsync<FeedBody>($"/feeds/{Channel}/{board.Policy.Targets[0].ToLowerInvariant()}.json", Json);
        AssertFormatted(Assert.Single(feed!.Items, i => i.Id == id).ContentHtml);

        Assert.Empty(errors);
        // No page script of ours calls the deprecated command either.
        var scripts = Directory.GetFiles(Path.Combine(Repo.Root, "client-web", "MediaCenter.Web", "wwwroot", "js"), "*.js");
        Assert.NotEmpty(scripts);
        Assert.All(scripts, file => Assert.DoesNotContain("execCommand", File.ReadAllText(file), StringComparison.Ordinal));
    }

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static void AssertFormatted(string html)
    {
        Assert.Contains("<h3>居民怎么说</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>生活更方便了</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<ul><li>买菜近了</li><li>路灯亮了</li></ul>", html, StringComparison.Ordinal);
        Assert.Matches("<a href=\"https://example.org/plan\"[^>]*>改造方案</a>", html);
    }

    // Counts calls of document.execCommand in the page's own world (and still runs them, so nothing else changes).
    private const string ExecCommandSpy = """
        (() => {
          const original = Document.prototype.execCommand;
          window.mcExecCommands = [];
          Document.prototype.execCommand = function (...args) { window.mcExecCommands.push(args[0]); return original.apply(this, args); };
        })();
        """;

    /// <summary>Errors the page logs (script errors, Content-Security-Policy refusals); the signed-out shell's 401 from /api/auth/me is expected.</summary>
    private static List<string> ConsoleErrors(IBrowserContext context)
    {
        var errors = new List<string>();
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && !(message.Text.Contains("401", StringComparison.Ordinal) && message.Location.Contains("/api/auth/me", StringComparison.Ordinal)))
            {
                lock (errors)
                {
                    errors.Add(message.Text + " @ " + message.Location);
                }
            }
        };
        return errors;
    }

    [Fact]
    public async Task The_chief_sets_review_levels_and_targets_and_the_editors_board_follows()
    {
        // A channel of its own, so the policy change touches no other test.
        var identity = fixture.Deployment.Identity;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var code = "nr-desk-" + suffix;
        await identity.Directory.CreateChannelAsync(code, "融媒体中心·要闻", "nr-party");
        var chiefId = await identity.PartyUserAsync("desk-chief-" + suffix, "nr-party", "party-member");
        var editorId = await identity.PartyUserAsync("desk-editor-" + suffix, "nr-party", "party-member");
        await identity.Users.AddChannelRoleAsync(code, chiefId, "chief", null);
        await identity.Users.AddChannelRoleAsync(code, editorId, "editor", null);

        await using var chiefContext = await fixture.Browser.NewContextAsync(Desktop);
        await using var editorContext = await fixture.Browser.NewContextAsync(Desktop);
        var chief = await OpenBoardAsync(await fixture.SignedInPageAsync(chiefContext, "desk-chief-" + suffix), code);
        var editor = await OpenBoardAsync(await fixture.SignedInPageAsync(editorContext, "desk-editor-" + suffix), code);
        await Assertions.Expect(editor.Locator("#nr-settings-open")).ToBeHiddenAsync();
        await Assertions.Expect(editor.Locator("#nr-board [data-column='review-3']")).ToHaveCountAsync(1);

        // Two review levels, PC and app only.
        await chief.ClickAsync("#nr-settings-open");
        await chief.SelectOptionAsync("#nr-policy-levels", "2");
        await chief.UncheckAsync("#nr-policy-targets input[value=Wap]");
        await chief.ClickAsync("#nr-policy-submit");
        await DialogClosedAsync(chief);

        // The editor's open board follows: no final-review column, the new targets.
        await Assertions.Expect(editor.Locator("#nr-policy")).ToContainTextAsync("审核级数 2", new() { Timeout = 15_000 });
        await Assertions.Expect(editor.Locator("#nr-board [data-column='review-3']")).ToHaveCountAsync(0);
        await Assertions.Expect(editor.Locator("#nr-board [data-column='review-2']")).ToHaveCountAsync(1);
        await editor.ClickAsync("#lang-switch");
        await Assertions.Expect(editor.Locator("#nr-policy")).ToHaveTextAsync("Review levels 2 · targets PC web, App", new() { Timeout = 15_000 });
        await Assertions.Expect(editor.Locator("#nr-board [data-column='review-2'] h2")).ToContainTextAsync("Second review");
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("newsroom-settings-editor-en.png") });

        // Filing goes on under the new policy, live on the chief's board; the chief's settings show what was saved.
        await editor.ClickAsync("#nr-file-open");
        await editor.FillAsync("#nr-pitch-title", "Two levels " + suffix);
        await editor.ClickAsync("#nr-pitch-submit");
        await DialogClosedAsync(editor);
        var filed = editor.Locator("#nr-board .nr-card", new() { HasText = "Two levels " + suffix });
        await Assertions.Expect(filed).ToHaveAttributeAsync("data-stage", "Pitched", Live);
        var id = (await filed.GetAttributeAsync("data-id"))!;
        await ExpectOnBoardAsync(chief, id, "Pitched", "pitched");
        await chief.ClickAsync("#nr-settings-open");
        await Assertions.Expect(chief.Locator("#nr-policy-levels")).ToHaveValueAsync("2");
        await Assertions.Expect(chief.Locator("#nr-policy-targets input[value=Wap]")).Not.ToBeCheckedAsync();
        await chief.ClickAsync("#nr-dialog button:not([type=submit])");
        await DialogClosedAsync(chief);
    }

    [Fact]
    public async Task The_board_reloads_its_snapshot_after_a_lost_delta_and_after_a_reconnect()
    {
        using var editorApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-editor");
        using var chiefApi = await TestIdentity.SignInAsync(fixture.Web.Http, "nr-chief");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var a = (await PostAsync<CardBody>(editorApi, $"/api/v1/channels/{Channel}/pitches", new { title = "丢失的推送 A " + suffix })).Id;
        var b = (await PostAsync<CardBody>(editorApi, $"/api/v1/channels/{Channel}/pitches", new { title = "丢失的推送 B " + suffix })).Id;

        // Between the page and the live hub: drop one boardChanged push on demand, refuse reconnecting while blocked.
        await using var context = await fixture.Browser.NewContextAsync(Desktop);
        var dropNext = 0;
        var blocked = 0;
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IWebSocketRoute? live = null;
        await context.RouteAsync("**/hubs/live/negotiate**", route => Volatile.Read(ref blocked) == 1 ? route.AbortAsync() : route.ContinueAsync());
        await context.RouteWebSocketAsync("**/hubs/live**", ws =>
        {
            live = ws;
            var server = ws.ConnectToServer();
            server.OnMessage(frame =>
            {
                if (frame.Text is not { } text)
                {
                    ws.Send(frame.Binary!);
                    return;
                }

                // SignalR's JSON protocol ends every message with 0x1E; a frame may carry several.
                if (text.Contains("\"target\":\"boardChanged\"", StringComparison.Ordinal) && Interlocked.Exchange(ref dropNext, 0) == 1)
                {
                    var messages = text.Split('\u001e', StringSplitOptions.RemoveEmptyEntries).ToList();
                    messages.RemoveAt(messages.FindIndex(m => m.Contains("\"target\":\"boardChanged\"", StringComparison.Ordinal)));
                    dropped.TrySetResult();
                    if (messages.Count == 0)
                    {
                        return;
                    }

                    text = string.Concat(messages.Select(m => m + "\u001e"));
                }

                ws.Send(text);
            });
        });
        var page = await OpenBoardAsync(await fixture.SignedInPageAsync(context, "nr-editor"));
        await ExpectOnBoardAsync(page, a, "Pitched", "pitched");
        await ExpectOnBoardAsync(page, b, "Pitched", "pitched");

        // A push gets lost: the board does not show A confirmed…
        Interlocked.Exchange(ref dropNext, 1);
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{a}/confirm", new { });
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("Pitched", await Card(page, a).GetAttributeAsync("data-stage"));

        // …until the next push reveals the gap in versions and the board reloads its snapshot.
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{b}/confirm", new { });
        await ExpectOnBoardAsync(page, b, "Confirmed", "confirmed");
        await ExpectOnBoardAsync(page, a, "Confirmed", "confirmed");

        // The connection drops and cannot come back for a while; a change happens meanwhile.
        Interlocked.Exchange(ref blocked, 1);
        await live!.CloseAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "reconnecting", Live);
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{a}/assign",
            new { assignees = new[] { fixture.NewsPeople["nr-editor"] }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Equal("Confirmed", await Card(page, a).GetAttributeAsync("data-stage"));

        // Reconnected: the board watches again and reloads, so it shows what it missed, and follows live again.
        Interlocked.Exchange(ref blocked, 0);
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        await ExpectOnBoardAsync(page, a, "Assigned", "assigned");
        await PostAsync<CardBody>(chiefApi, $"/api/v1/articles/{b}/delete", new { comment = "重复选题" });
        await Assertions.Expect(Card(page, b)).ToHaveCountAsync(0, SoonCount);
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.Screenshots, name);

    private static ILocator Card(IPage page, string id) => page.Locator($"#nr-board .nr-card[data-id='{id}']");

    /// <summary>
    /// A channel with no story yet: its board is wider than the screen (a column per stage) and holds nothing focusable, so the
    /// board itself takes the keyboard's focus to scroll (axe: scrollable-region-focusable).
    /// </summary>
    [Fact]
    public async Task An_empty_board_wider_than_the_screen_can_be_scrolled_from_the_keyboard()
    {
        var party = "nb-" + Guid.NewGuid().ToString("N")[..6];
        var identity = fixture.Deployment.Identity;
        await identity.PartyAsync(party);
        var editor = party + "-editor";
        var id = await identity.PartyUserAsync(editor, party, "party-member");
        await identity.Users.AddChannelRoleAsync(party + "-home", id, "editor", null);
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = Desktop.ViewportSize,
            BypassCSP = true,
        });
        var page = await OpenBoardAsync(await fixture.SignedInPageAsync(context, editor), party + "-home");
        var board = page.Locator("#nr-board");
        await Assertions.Expect(board.Locator(".nr-card")).ToHaveCountAsync(0);
        Assert.True(await board.EvaluateAsync<bool>("b => b.scrollWidth > b.clientWidth"), "the empty board fits the screen: nothing to scroll");

        var violations = await AccessibilityCheck.SeriousViolationsAsync(page);
        Assert.True(violations.Length == 0, "Serious accessibility violations on the empty board:\n" + string.Join("\n", violations));
        // Named after its view, and the arrow keys scroll it.
        await Assertions.Expect(board).ToHaveAccessibleNameAsync("看板");
        await board.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync("() => document.getElementById('nr-board').scrollLeft > 0", null, new PageWaitForFunctionOptions { Timeout = 5_000 });
    }

    private static async Task<IPage> OpenBoardAsync(IPage page, string channel = Channel)
    {
        await page.ClickAsync(".tab[data-view=newsroom]");
        await Assertions.Expect(page.Locator("#nr-board")).ToHaveAttributeAsync("data-channel", channel, Live);
        await Assertions.Expect(page.Locator("#nr-board")).ToHaveAttributeAsync("data-loaded", "true", Live);
        return page;
    }

    /// <summary>The card is in the stage and shown in the column (waits for the live update).</summary>
    private static async Task ExpectOnBoardAsync(IPage page, string id, string stage, string column)
    {
        await Assertions.Expect(Card(page, id)).ToHaveAttributeAsync("data-stage", stage, Live);
        await Assertions.Expect(page.Locator($"#nr-board [data-column='{column}'] .nr-card[data-id='{id}']")).ToHaveCountAsync(1, SoonCount);
    }

    /// <summary>Clicks a card's action, fills the comment or reason, and confirms the dialog.</summary>
    private static async Task ActAsync(IPage page, string id, string action, string? comment = null)
    {
        await Card(page, id).Locator($"[data-action={action}]").ClickAsync();
        await Assertions.Expect(page.Locator("#nr-dialog")).ToBeVisibleAsync();
        if (comment is not null)
        {
            await page.FillAsync("#nr-dialog textarea[name=comment]", comment);
        }

        await page.ClickAsync("#nr-action-submit");
        await DialogClosedAsync(page);
    }

    private static Task DialogClosedAsync(IPage page) =>
        Assertions.Expect(page.Locator("#nr-dialog")).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 15_000 });

    private static async Task<IPage> SignInAgainAsync(IPage page, string username)
    {
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in h1")).ToBeVisibleAsync(Soon);
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#system")).ToBeVisibleAsync(Soon);
        return page;
    }

    /// <summary>Nothing needs horizontal scrolling on the phone.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<bool>(
            "document.documentElement.scrollWidth > window.innerWidth || [...document.querySelectorAll('#nr-detail:not([hidden]), #nr-tasks')].some(e => e.scrollWidth > e.clientWidth + 1)");
        Assert.False(overflow, "the newsroom is wider than the phone screen");
    }

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record CardBody(string Id, string Stage, int DraftVersion, int ReviewLevel);

    private sealed record ArticleBody(DraftBody? Draft);

    private sealed record DraftBody(string BodyHtml);

    private sealed record BoardBody(PolicyBody Policy);

    private sealed record PolicyBody(string[] Targets);

    private sealed record FeedBody(FeedItem[] Items);

    private sealed record FeedItem(string Id, [property: System.Text.Json.Serialization.JsonPropertyName("content_html")] string ContentHtml);

    private sealed record VersionBody(int Version, string Title);
}
