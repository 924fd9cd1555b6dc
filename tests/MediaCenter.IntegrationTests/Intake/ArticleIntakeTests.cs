using System.Net;
using MediaCenter.Grains.Intake;
using MediaCenter.Hosting.Intake;
using MediaCenter.Hosting.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.IntegrationTests.Intake;

/// <summary>
/// Fetching and extracting reprinted pages in process, through the outbound guard, against the committed fixtures served on
/// 127.0.0.1. Names are answered by a substituted resolver; nothing is sent anywhere but to the loopback site.
/// </summary>
public sealed class ArticleIntakeTests
{
    internal const string NewsHost = "news.jiangcheng.test";
    internal const string InsideHost = "inside.jiangcheng.test";

    /// <summary>A resolver that knows the test's two names, both loopback; any other name does not exist.</summary>
    private sealed class TestResolver : IOutboundResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => host switch
        {
            NewsHost or InsideHost => Task.FromResult(new[] { IPAddress.Loopback }),
            _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound),
        };
    }

    /// <summary>The intake as the silo builds it; the loopback site is allowed like an intranet receiver unless <paramref name="allowLoopback"/> is false.</summary>
    internal static ServiceProvider Intake(bool allowLoopback = true, long maxBytes = 1_048_576)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowHttp"] = "true",
            ["Outbound:MaxResponseBytes"] = maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Outbound:Timeout"] = "00:00:05",
        };
        if (allowLoopback)
        {
            settings["Outbound:AllowedNetworks:0"] = "127.0.0.1/32";
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOutboundResolver>(new TestResolver());
        services.AddOutboundGuard(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddWebIntake();
        return services.BuildServiceProvider();
    }

    private static async Task<ExtractedArticle> ArticleAsync(FixtureSite site, string page)
    {
        await using var services = Intake();
        var fetched = await services.GetRequiredService<IWebIntake>().FetchArticleAsync(new Uri(site.Named(NewsHost), "news/" + page), CancellationToken.None);
        Assert.True(fetched.Article is not null, $"{page}: {fetched.Failure} {fetched.Detail}");
        return fetched.Article!;
    }

    [Fact]
    public async Task A_news_page_with_json_ld_gives_its_headline_source_authors_and_time_and_a_clean_body_with_absolute_images()
    {
        await using var site = await FixtureSite.StartAsync();
        var article = await ArticleAsync(site, "article-jsonld.html");

        Assert.Equal("市文化馆新馆开馆 首日接待市民八千人次", article.Title);
        Assert.Equal("江城日报", article.Source.Source);
        Assert.Equal("陈晓明、刘芳", article.Source.Author);
        Assert.Equal("赵磊", article.Source.Editor);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(8)), article.Source.PublishedAt);
        Assert.Equal("江城新闻网", article.Source.SiteName);
        Assert.EndsWith("/news/article-jsonld.html", article.Source.Url, StringComparison.Ordinal);

        Assert.Contains("总分馆制度", article.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", article.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", article.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", article.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("首页", article.BodyHtml, StringComparison.Ordinal);
        // Every image is absolute on the page's own host; the lazy-loaded one by its real address, not the placeholder.
        var host = $"http://{NewsHost}:{site.Url.Port}/";
        Assert.Equal([host + "img/photo-river.png", host + "img/missing.jpg", host + "news/img/photo-bridge.png", host + "img/not-really.jpg"], article.Images);
        Assert.DoesNotContain("data:image", article.BodyHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_with_only_chinese_attribution_lines_gives_source_author_editor_and_time_from_them()
    {
        await using var site = await FixtureSite.StartAsync();
        var article = await ArticleAsync(site, "article-lines.html");

        Assert.Equal("冬季新增三十条定制公交线路", article.Title);
        Assert.Equal("江城交通", article.Source.Source);
        Assert.Equal("孙立", article.Source.Author);
        Assert.Equal("周静", article.Source.Editor);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 16, 5, 0, TimeSpan.FromHours(8)), article.Source.PublishedAt);
        Assert.Contains("一人一座", article.BodyHtml, StringComparison.Ordinal);
        Assert.Empty(article.Images);
    }

    [Fact]
    public async Task A_gbk_page_whose_server_names_no_charset_is_decoded_from_its_meta_charset()
    {
        await using var site = await FixtureSite.StartAsync();
        var article = await ArticleAsync(site, "article-gbk.html");

        Assert.Equal("全市中小学冬季体育联赛开幕", article.Title);
        Assert.Equal("江城晚报", article.Source.Source);
        Assert.Equal("何伟", article.Source.Author);
        Assert.Equal("吴丹", article.Source.Editor);
        Assert.Contains("融合运动项目", article.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', article.BodyHtml);
    }

    [Fact]
    public async Task Each_failure_has_its_own_kind_not_an_article_too_large_unreachable_and_refused()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var services = Intake(maxBytes: 512 * 1024);
        var intake = services.GetRequiredService<IWebIntake>();
        var news = site.Named(NewsHost);

        Assert.Equal(FetchFailure.WrongContent, (await intake.FetchArticleAsync(new Uri(news, "news/not-an-article.html"), CancellationToken.None)).Failure);
        Assert.Equal(FetchFailure.WrongContent, (await intake.FetchArticleAsync(new Uri(news, "feeds/feed.json"), CancellationToken.None)).Failure);
        Assert.Equal(FetchFailure.TooLarge, (await intake.FetchArticleAsync(new Uri(news, "big.html"), CancellationToken.None)).Failure);
        var missing = await intake.FetchArticleAsync(new Uri(news, "news/gone.html"), CancellationToken.None);
        Assert.Equal((FetchFailure.Unreachable, "HTTP 404"), (missing.Failure!.Value, missing.Detail));
        Assert.Equal(FetchFailure.Unreachable, (await intake.FetchArticleAsync(new Uri("http://nowhere.jiangcheng.test/a.html"), CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task An_address_inside_is_refused_by_the_guard_before_any_request_reaches_it()
    {
        await using var site = await FixtureSite.StartAsync();
        // The same loopback site, but without the allow-list: loopback is inside, whatever name leads there.
        await using var services = Intake(allowLoopback: false);
        var intake = services.GetRequiredService<IWebIntake>();

        foreach (var url in new[] { new Uri(site.Named(InsideHost), "news/article-jsonld.html"), new Uri(site.Url, "news/article-jsonld.html") })
        {
            Assert.Equal(FetchFailure.Refused, (await intake.FetchArticleAsync(url, CancellationToken.None)).Failure);
            Assert.Equal(FetchFailure.Refused, (await intake.FetchFileAsync(new Uri(url, "/img/photo-river.png"), CancellationToken.None)).Failure);
            Assert.Equal(FetchFailure.Refused, (await intake.FetchFeedAsync(new Uri(url, "/feeds/feed-rss.xml"), null, null, CancellationToken.None)).Failure);
        }

        Assert.Empty(site.Requests);
    }

    [Fact]
    public async Task Images_are_pointed_at_our_copies_and_failed_ones_are_removed_from_the_body()
    {
        await using var site = await FixtureSite.StartAsync();
        var article = await ArticleAsync(site, "article-jsonld.html");
        await using var services = Intake();
        var intake = services.GetRequiredService<IWebIntake>();

        var ours = intake.ReplaceImages(article.BodyHtml, new Dictionary<string, string?>
        {
            [article.Images[0]] = "/api/v1/media/11111111-1111-1111-1111-111111111111",
            [article.Images[1]] = null,
        });

        Assert.Contains("src=\"/api/v1/media/11111111-1111-1111-1111-111111111111\"", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("missing.jpg", ours, StringComparison.Ordinal);
        Assert.Contains("photo-bridge.png", ours, StringComparison.Ordinal);
    }
}
