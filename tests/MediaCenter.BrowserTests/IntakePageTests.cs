using MediaCenter.IntegrationTests.Intake;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Content intake in the browser (F7.2, F7.3) against the fixture news site and feed bridge on 127.0.0.1: an editor pastes an article's
/// address into 一键转载 and the story is on the board with its source; the chief adds a feed to the 采集箱, its items appear live on
/// the editor's inbox, and one action turns an item into a pitch on the board while the inbox stays usable.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IntakePageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 30_000 };
    private static readonly BrowserNewContextOptions Desktop = new() { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } };

    private static string Shot(string name) => Path.Combine(BrowserFixture.Screenshots, name);

    [Fact]
    public async Task A_reprinted_article_and_a_collected_item_reach_the_board_with_their_source()
    {
        await using var site = await FixtureSite.StartAsync();
        var news = site.Named(BrowserFixture.NewsHost);
        // This run's own copies of the fixtures, so the URLs are new to the channel whatever ran before.
        var run = Guid.NewGuid().ToString("N")[..6];
        var fixtures = FixtureSite.Fixtures;
        site.Serve($"/news/{run}-jsonld.html", await File.ReadAllBytesAsync(Path.Combine(fixtures, "article-jsonld.html")), "text/html; charset=utf-8");
        var feed = (await File.ReadAllTextAsync(Path.Combine(fixtures, "feed-rss.xml")))
            .Replace("/news/article-lines.html", $"/news/{run}-lines.html", StringComparison.Ordinal)
            .Replace("冬季新增三十条定制公交线路", $"冬季新增三十条定制公交线路（{run}）", StringComparison.Ordinal)
            .Replace("江城图书馆延长冬季开放时间", $"江城图书馆延长冬季开放时间（{run}）", StringComparison.Ordinal)
            .Replace("市文化馆新馆开馆", $"市文化馆新馆开馆（{run}）", StringComparison.Ordinal);
        site.Serve($"/feeds/{run}.xml", System.Text.Encoding.UTF8.GetBytes(feed), "application/rss+xml; charset=utf-8");
        site.Serve($"/news/{run}-lines.html", await File.ReadAllBytesAsync(Path.Combine(fixtures, "article-lines.html")), "text/html; charset=utf-8");

        // One-click reprint: the editor pastes the address; the story opens, a pitch with its source, and is on the board.
        await using var editorContext = await fixture.Browser.NewContextAsync(Desktop);
        var editor = await fixture.SignedInPageAsync(editorContext, "nr-editor");
        await OpenBoardAsync(editor);
        await editor.ClickAsync("#nr-reprint-open");
        await editor.FillAsync("#nr-reprint-url", new Uri(news, $"news/{run}-jsonld.html?utm_source=wechat").ToString());
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-1-reprint-dialog.png") });
        // The page answers slowly: the dialog closes at once saying it is being fetched; the result arrives live and the story opens.
        var slowArticle = site.Hold($"/news/{run}-jsonld.html");
        await editor.ClickAsync("#nr-reprint-form button[type=submit]");
        await Assertions.Expect(editor.Locator("#nr-dialog")).Not.ToBeVisibleAsync();
        var notice = editor.Locator("#nr-reprint-notice");
        await Assertions.Expect(notice).ToContainTextAsync("正在抓取");
        await Assertions.Expect(notice).ToContainTextAsync($"{run}-jsonld.html");
        await Assertions.Expect(editor.Locator("#nr-detail")).Not.ToBeVisibleAsync();
        slowArticle.SetResult();
        var detail = editor.Locator("#nr-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(notice).ToContainTextAsync("已转载");
        await Assertions.Expect(detail).ToContainTextAsync("江城日报", new() { Timeout = 30_000 });
        await Assertions.Expect(editor.Locator("#nr-detail-stage")).ToHaveTextAsync("报题");
        var reprinted = await editor.EvaluateAsync<string>("location.pathname.split('/').pop()");
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-2-reprinted-pitch.png") });
        await editor.ClickAsync("#nr-detail-close");
        await Assertions.Expect(Card(editor, reprinted)).ToHaveAttributeAsync("data-stage", "Pitched", Live);

        // An address the outbound guard refuses: accepted at once, then the failure and its reason arrive live; no story opens.
        await editor.ClickAsync("#nr-reprint-open");
        await editor.FillAsync("#nr-reprint-url", $"http://127.0.0.2:{site.Url.Port}/news/{run}-jsonld.html");
        await editor.ClickAsync("#nr-reprint-form button[type=submit]");
        await Assertions.Expect(editor.Locator("#nr-dialog")).Not.ToBeVisibleAsync();
        await Assertions.Expect(notice).ToContainTextAsync("未能转载", new() { Timeout = 30_000 });
        await Assertions.Expect(notice).ToContainTextAsync("该地址不可用：需要公网地址");
        await Assertions.Expect(editor.Locator("#nr-detail")).Not.ToBeVisibleAsync();

        // The editor watches the 采集箱 while the chief adds the feed in the chief's own browser.
        await editor.ClickAsync(".nr-view[data-nr-view=collection]");
        await Assertions.Expect(editor.Locator("#nr-collection-view")).ToBeVisibleAsync();
        await using var chiefContext = await fixture.Browser.NewContextAsync(Desktop);
        var chief = await fixture.SignedInPageAsync(chiefContext, "nr-chief");
        await OpenBoardAsync(chief);
        await chief.ClickAsync(".nr-view[data-nr-view=collection]");
        await chief.FillAsync("#nr-source-name", "江城发布 " + run);
        await chief.FillAsync("#nr-source-url", new Uri(news, $"feeds/{run}.xml").ToString());
        await chief.FillAsync("#nr-source-interval", "1");
        await chief.ClickAsync("#nr-source-form button[type=submit]");
        var source = chief.Locator("#nr-sources li.nr-source", new() { HasText = "江城发布 " + run });
        await Assertions.Expect(source).ToHaveAttributeAsync("data-state", "On", Live);
        await source.GetByRole(AriaRole.Button, new() { Name = "立即采集" }).ClickAsync();

        // The items arrive on the editor's inbox without a reload.
        var bus = editor.Locator("#nr-collection-view li.nr-collected", new() { HasText = $"冬季新增三十条定制公交线路（{run}）" });
        var library = editor.Locator("#nr-collection-view li.nr-collected", new() { HasText = $"江城图书馆延长冬季开放时间（{run}）" });
        await Assertions.Expect(bus).ToHaveAttributeAsync("data-state", "New", Live);
        await Assertions.Expect(library).ToHaveAttributeAsync("data-state", "New", Live);
        Assert.DoesNotContain("null", await editor.Locator("#nr-collection-view").InnerTextAsync(), StringComparison.Ordinal);
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-3-inbox-live.png"), FullPage = true });

        // One action makes a pitch. The article loads slowly: the item shows it is being taken, and another item is dismissed meanwhile.
        var slow = site.Hold($"/news/{run}-lines.html");
        await bus.GetByRole(AriaRole.Button, new() { Name = "转为报题" }).ClickAsync();
        await Assertions.Expect(bus).ToHaveAttributeAsync("data-state", "Taking", Live);
        await Assertions.Expect(bus.Locator(".nr-taking")).ToBeVisibleAsync();
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-4-inbox-taking.png"), FullPage = true });
        await library.GetByRole(AriaRole.Button, new() { Name = "忽略" }).ClickAsync();
        await editor.SelectOptionAsync("#nr-collection-filter", "");
        await Assertions.Expect(library).ToHaveAttributeAsync("data-state", "Dismissed", Live);
        await Assertions.Expect(bus).ToHaveAttributeAsync("data-state", "Taking");
        slow.SetResult();
        await Assertions.Expect(bus).ToHaveAttributeAsync("data-state", "Taken", Live);
        var went = bus.Locator("a[data-route]");
        await Assertions.Expect(went).ToBeVisibleAsync();
        var collected = (await went.GetAttributeAsync("href"))!.Split('/')[^1];
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-5-inbox-taken.png"), FullPage = true });

        // Both are pitches on the board; the collected one carries its source.
        await editor.ClickAsync(".nr-view[data-nr-view=board]");
        await Assertions.Expect(Card(editor, collected)).ToHaveAttributeAsync("data-stage", "Pitched", Live);
        await Assertions.Expect(Card(editor, reprinted)).ToHaveAttributeAsync("data-stage", "Pitched");
        await Assertions.Expect(Card(chief, collected)).ToHaveAttributeAsync("data-stage", "Pitched", Live);
        await Card(editor, collected).ClickAsync();
        await Assertions.Expect(editor.Locator("#nr-detail")).ToContainTextAsync("江城交通", new() { Timeout = 30_000 });
        await editor.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("intake-6-board.png") });
    }

    private static ILocator Card(IPage page, string id) => page.Locator($"#nr-board .nr-card[data-id='{id}']");

    private static async Task OpenBoardAsync(IPage page)
    {
        await page.ClickAsync(".tab[data-view=newsroom]");
        await Assertions.Expect(page.Locator("#nr-board")).ToHaveAttributeAsync("data-channel", BrowserFixture.NewsChannel, Live);
        await Assertions.Expect(page.Locator("#nr-board")).ToHaveAttributeAsync("data-loaded", "true", Live);
    }
}
