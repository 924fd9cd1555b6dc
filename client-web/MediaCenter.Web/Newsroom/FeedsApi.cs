using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using MediaCenter.Web.Api;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// The outputs sites and apps read (F7.5): per channel and target, a JSON Feed 1.1 and RSS 2.0 of published
/// items, newest first. Anonymous and cache-friendly: ETag and Last-Modified change whenever an item is
/// published or withdrawn, and conditional requests answer 304. A suspended channel answers 503.
/// </summary>
internal static partial class FeedsApi
{
    // A feed is public and read by machines, not by one reader: it is written in the channel's language (set on the channel),
    // never the requester's. It is read by people debugging it and by readers in that language: Chinese stays as it is (a
    // third of the size of \uXXXX escapes); characters that matter to HTML are still escaped. Messages in it are rendered in
    // the channel's language.
    private static readonly Dictionary<string, JsonSerializerOptions> FeedJson = Languages.All.ToDictionary(l => l,
        l => ReaderLanguage.OptionsFor(l, o => o.Converters.Add(new JsonStringEnumConverter())), StringComparer.Ordinal);

    /// <summary>The namespace of the RSS extension elements (an interactive story's poll and its counts).</summary>
    public const string InteractionNamespace = "urn:mediacenter:interaction";

    /// <summary>Items in a feed.</summary>
    public const int Items = 50;

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder endpoints)
    {
        // Public: under the public rate limit, which switches to the hot profile during a hot event.
        var feeds = endpoints.MapGroup("/feeds").WithTags("feeds").AllowAnonymous().RequireRateLimiting(Operations.OperationsPlansHosting.PublicRateLimit);
        feeds.MapGet("/{code}/{target}.json", (string code, string target, HttpContext http, FeedHeads heads,
                NewsroomReadModel read, FeedCache cache) => ServeAsync(code, target, json: true, http, heads, read, cache))
            .WithName("JsonFeed")
            .WithSummary("JSON Feed 1.1 of a channel's live items on a target (pc, wap, app).");
        feeds.MapGet("/{code}/{target}.rss", (string code, string target, HttpContext http, FeedHeads heads,
                NewsroomReadModel read, FeedCache cache) => ServeAsync(code, target, json: false, http, heads, read, cache))
            .WithName("RssFeed")
            .WithSummary("RSS 2.0 of a channel's live items on a target (pc, wap, app).");
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(string code, string targetName, bool json, HttpContext http, FeedHeads heads,
        NewsroomReadModel read, FeedCache cache)
    {
        if (!Enum.TryParse<PublishTarget>(targetName, ignoreCase: true, out var target) || !Enum.IsDefined(target))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.noSuchFeed"));
        }

        // The channel as stored (its feed language may have changed on any web instance), the feed's stamp and the channel's
        // policy, read at most a second ago (at once after a change made through this instance).
        var (head, held) = await heads.GetAsync(code, target, http.RequestAborted);
        if (head is null || held is not { } policy)
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.noSuchFeed"));
        }

        if (policy.IsOutOfService())
        {
            http.Response.Headers.RetryAfter = "300";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: Msg.Of("newsroom.feedSuspended"),
                detail: policy.OutOfServiceReason());
        }

        if (!policy.Targets.Contains(target))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.feedTargetOff"));
        }

        var channel = head.Channel;
        var etag = $"\"{(json ? "j" : "r")}{head.Rows}-{head.LastModified?.UtcTicks ?? 0}-{channel.FeedLanguage}\"";
        var modified = head.LastModified is { } lm ? new DateTimeOffset(lm.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero) : (DateTimeOffset?)null;
        var headers = http.Response.Headers;
        headers.CacheControl = "public, max-age=30";
        if (modified is { } m)
        {
            headers.LastModified = m.ToString("R", CultureInfo.InvariantCulture);
        }

        if (http.Request.Headers.IfNoneMatch.Count > 0
            ? GzipBodies.NotModified(http.Request, etag)
            : http.Request.GetTypedHeaders().IfModifiedSince is { } since && modified is { } mod && mod <= since)
        {
            headers.Vary = "Accept-Encoding";
            headers.ETag = GzipBodies.Accepted(http.Request) ? GzipBodies.Tag(etag) : etag;
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var self = $"{http.Request.Scheme}://{http.Request.Host}";
        var feed = await cache.GetAsync(code, target, json, self, etag + "|" + channel.Name, async cancellationToken =>
        {
            var items = await read.FeedAsync(code, target, Items, cancellationToken);
            return json ? JsonFeed(channel, target, items, self) : Rss(channel, target, items, self, modified);
        }, http.RequestAborted);
        // The gzip copy is another representation: it has its own ETag, and either one names this version.
        return GzipBodies.Answer(http, etag, feed.Body, () => feed.GzipBody,
            json ? "application/feed+json; charset=utf-8" : "application/rss+xml; charset=utf-8");
    }

    /// <summary>
    /// A body as a feed reader elsewhere reads it: our own media addresses (/api/v1/media/…, as the editor inserts them) made
    /// absolute on this host, or the reader cannot fetch the pictures.
    /// </summary>
    internal static string Absolute(string html, string self) => OwnMedia().Replace(html, m => m.Groups[1].Value + self + "/api/v1/media/");

    [System.Text.RegularExpressions.GeneratedRegex("""(\s(?:src|href)=["'])/api/v1/media/""", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex OwnMedia();

    private static byte[] JsonFeed(ChannelInfo channel, PublishTarget target, IReadOnlyList<PublishedItem> items, string self)
    {
        var feed = new Dictionary<string, object?>
        {
            ["version"] = "https://jsonfeed.org/version/1.1",
            ["title"] = Title(channel, target),
            ["home_page_url"] = self + "/",
            ["feed_url"] = $"{self}/feeds/{channel.Code}/{target.ToString().ToLowerInvariant()}.json",
            ["language"] = channel.FeedLanguage,
            ["items"] = items.Select(i => new Dictionary<string, object?>
            {
                ["id"] = i.ArticleId,
                ["title"] = i.Title,
                ["summary"] = i.Summary,
                ["content_html"] = Absolute(i.BodyHtml, self),
                ["date_published"] = i.PublishedAt.ToString("O", CultureInfo.InvariantCulture),
                ["date_modified"] = i.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["authors"] = new[] { new { name = i.AuthorName } },
                ["attachments"] = i.MediaIds.Select(id => new { url = $"{self}/api/v1/media/{id}", mime_type = "application/octet-stream" }).ToArray(),
                ["external_url"] = i.SourceUrl,
                ["_mediacenter"] = new { kind = i.Kind, video_url = i.VideoUrl, interaction = i.Interaction, results = Tally(i.Tally) },
                ["_source"] = i.SourceUrl is null ? null : new { name = i.SourceName, url = i.SourceUrl },
            }).ToArray(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(feed, FeedJson[channel.FeedLanguage]);
    }

    /// <summary>An interactive story's results so far (null before anyone answered it).</summary>
    private static object? Tally(InteractionTally? tally) => tally is null ? null : new
    {
        counts = tally.Counts,
        votes = tally.Votes,
        approved_questions = tally.ApprovedQuestions,
        open = tally.Open,
        updated_at = tally.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>The feed's title: the channel and the platform's name, in the channel's language.</summary>
    private static string Title(ChannelInfo channel, PublishTarget target) =>
        MessageCatalog.Render(Msg.Of("newsroom.feedTitle", ("channel", channel.Name), ("target", Msg.Of("newsroom.target." + target))), channel.FeedLanguage);

    private static byte[] Rss(ChannelInfo channel, PublishTarget target, IReadOnlyList<PublishedItem> items, string self, DateTimeOffset? modified)
    {
        var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "mc", null, InteractionNamespace);
            xml.WriteStartElement("channel");
            xml.WriteElementString("title", Title(channel, target));
            xml.WriteElementString("link", self + "/");
            xml.WriteElementString("description", MessageCatalog.Render(
                Msg.Of("newsroom.feedDescription", ("channel", channel.Name), ("target", Msg.Of("newsroom.target." + target))), channel.FeedLanguage));
            xml.WriteElementString("language", channel.FeedLanguage.ToLowerInvariant());
            if (modified is { } m)
            {
                xml.WriteElementString("lastBuildDate", m.ToString("R", CultureInfo.InvariantCulture));
            }

            foreach (var i in items)
            {
                xml.WriteStartElement("item");
                xml.WriteElementString("title", i.Title);
                xml.WriteStartElement("guid");
                xml.WriteAttributeString("isPermaLink", "false");
                xml.WriteString(i.ArticleId);
                xml.WriteEndElement();
                xml.WriteElementString("description", i.Summary.Length > 0 ? i.Summary : Absolute(i.BodyHtml, self));
                xml.WriteElementString("pubDate", i.PublishedAt.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
                xml.WriteElementString("category", i.Kind);
                if (i.Interaction is { } poll)
                {
                    // RSS 2.0 carries extensions in their own namespace: the poll with its counts so far.
                    xml.WriteStartElement("mc", "interaction", InteractionNamespace);
                    xml.WriteAttributeString("type", poll.Type.ToString());
                    xml.WriteAttributeString("votes", (i.Tally?.Votes ?? 0).ToString(CultureInfo.InvariantCulture));
                    xml.WriteAttributeString("approvedQuestions", (i.Tally?.ApprovedQuestions ?? 0).ToString(CultureInfo.InvariantCulture));
                    xml.WriteAttributeString("open", (i.Tally?.Open ?? true) ? "true" : "false");
                    xml.WriteElementString("mc", "question", InteractionNamespace, poll.Question);
                    for (var n = 0; n < poll.Options.Count; n++)
                    {
                        xml.WriteStartElement("mc", "option", InteractionNamespace);
                        xml.WriteAttributeString("count", (i.Tally is { } t && n < t.Counts.Count ? t.Counts[n] : 0).ToString(CultureInfo.InvariantCulture));
                        xml.WriteString(poll.Options[n]);
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                if (i.SourceUrl is not null)
                {
                    // A reprint names its origin as RSS 2.0 means <source>: the original's name, its address in url.
                    xml.WriteStartElement("source");
                    xml.WriteAttributeString("url", i.SourceUrl);
                    xml.WriteString(i.SourceName ?? i.SourceUrl);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }
}
