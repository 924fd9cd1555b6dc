using MediaCenter.Grains.Intake;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.IntegrationTests.Intake;

/// <summary>Polling the committed RSS, Atom and JSON feeds in process through the outbound guard, with conditional GET.</summary>
public sealed class FeedIntakeTests
{
    [Fact]
    public async Task Rss_atom_and_json_feeds_give_their_entries_with_ids_titles_links_and_plain_summaries()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var services = ArticleIntakeTests.Intake();
        var intake = services.GetRequiredService<IWebIntake>();
        var feeds = site.Named(ArticleIntakeTests.NewsHost);

        var rss = await intake.FetchFeedAsync(new Uri(feeds, "feeds/feed-rss.xml"), null, null, CancellationToken.None);
        var atom = await intake.FetchFeedAsync(new Uri(feeds, "feeds/feed-atom.xml"), null, null, CancellationToken.None);
        var json = await intake.FetchFeedAsync(new Uri(feeds, "feeds/feed.json"), null, null, CancellationToken.None);

        Assert.Equal(["wx-20261201-001", "wx-20261128-004", "wx-20261127-002"], rss.Entries.Select(e => e.Id));
        Assert.Equal("市文化馆新馆开馆 首日接待市民八千人次", rss.Entries[0].Title);
        Assert.Equal("十二月一日上午，市文化馆新馆在滨江大道正式开馆。", rss.Entries[0].Summary);
        Assert.Equal("/news/article-jsonld.html", rss.Entries[0].Link);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero), rss.Entries[0].PublishedAt);
        Assert.Equal(["urn:weibo:4961000000000001", "urn:weibo:4961000000000002"], atom.Entries.Select(e => e.Id));
        Assert.Equal("/news/article-gbk.html", atom.Entries[0].Link);
        Assert.Equal(["https://other-bridge.example/p/88121", "https://other-bridge.example/p/88122"], json.Entries.Select(e => e.Id));
        Assert.Equal("江城发布", json.Entries[0].Author);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero), json.Entries[0].PublishedAt);
        Assert.All([rss, atom, json], f => Assert.Equal((null, false), (f.Failure, f.NotModified)));
        Assert.NotNull(rss.ETag);
        Assert.Equal(FetchFailure.WrongContent, (await intake.FetchFeedAsync(new Uri(feeds, "news/article-lines.html"), null, null, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_second_poll_sends_the_validators_of_the_first_and_an_unchanged_feed_answers_not_modified()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var services = ArticleIntakeTests.Intake();
        var intake = services.GetRequiredService<IWebIntake>();
        var url = new Uri(site.Named(ArticleIntakeTests.NewsHost), "feeds/feed-rss.xml");

        var first = await intake.FetchFeedAsync(url, null, null, CancellationToken.None);
        var second = await intake.FetchFeedAsync(url, first.ETag, first.LastModified, CancellationToken.None);

        Assert.Equal((true, 0), (second.NotModified, second.Entries.Count));
        Assert.Equal(first.ETag, second.ETag);
        var requests = site.Requests.ToList();
        Assert.Equal([("200", null), ("304", first.ETag)], requests.Select(r => (r.Status, r.IfNoneMatch)));
        Assert.Equal(first.LastModified, requests[1].IfModifiedSince);
    }
}
