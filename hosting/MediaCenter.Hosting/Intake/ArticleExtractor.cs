using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MediaCenter.Grains.Intake;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Hosting.Intake;

/// <summary>
/// Extracts an article from a fetched page: title, body and attribution (来源, 作者, 责任编辑, publish time). Structured metadata
/// comes first (JSON-LD <c>NewsArticle</c>, Open Graph, <c>meta</c>), then the line conventions of Chinese news pages
/// ("来源：…"); the body is found by SmartReader (a port of Mozilla's Readability), sanitised, with its images made absolute.
/// </summary>
public static partial class ArticleExtractor
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private static readonly string[] ArticleTypes = ["NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "WebPage"];
    private const int MinimumText = 80;
    private const int MaxField = 60;

    /// <summary>The article of a page, or null when the page holds none (no readable body).</summary>
    public static ExtractedArticle? Extract(Uri url, byte[] data, string? headerCharset)
    {
        var html = PageText.Decode(data, headerCharset);
        var parser = new HtmlParser();
        using var document = parser.ParseDocument(html);
        var ld = JsonLdArticle(document);
        var meta = Meta(document);
        var lines = ChineseLines(document.Body?.TextContent ?? "");

        // Chinese carries about three times the content of English per character: Readability's English threshold (500 characters
        // for an article) would refuse ordinary Chinese news pages.
        var reader = new SmartReader.Reader(url.ToString(), html) { Debug = false, CharThreshold = 150 };
        var read = reader.GetArticle();
        // IsReadable is the library's guess before extracting (tuned on English); what counts here is the text it did extract.
        var body = read.Completed && !string.IsNullOrWhiteSpace(read.Content) ? read.Content : null;
        var text = body is null ? null : read.TextContent;
        if ((body is null || (text?.Trim().Length ?? 0) < MinimumText) && ld?.Body is { Length: >= MinimumText } ldBody)
        {
            body = string.Concat(ldBody.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"));
            text = ldBody;
        }

        if (body is null || (text?.Trim().Length ?? 0) < MinimumText)
        {
            return null;
        }

        var title = First(ld?.Headline, meta.GetValueOrDefault("og:title"), read.Title, document.Title) ?? url.ToString();
        var published = ParseTime(ld?.Published) ?? ParseTime(meta.GetValueOrDefault("article:published_time"))
            ?? ParseTime(meta.GetValueOrDefault("publishdate")) ?? ParseTime(meta.GetValueOrDefault("pubdate")) ?? ParseTime(lines.Published)
            ?? (read.PublicationDate is { Year: > 1970 } readDate ? new DateTimeOffset(DateTime.SpecifyKind(readDate, DateTimeKind.Unspecified), ChinaOffset) : null);
        var source = new SourceAttribution(
            url.ToString(),
            Clip(First(ld?.Source, meta.GetValueOrDefault("source"), lines.Source)),
            Clip(First(ld?.Author, meta.GetValueOrDefault("author"), meta.GetValueOrDefault("article:author"), lines.Author)),
            Clip(First(meta.GetValueOrDefault("editor"), lines.Editor)),
            published,
            Clip(First(meta.GetValueOrDefault("og:site_name"), ld?.Publisher)));

        var (clean, images) = AbsoluteImages(parser, RichText.Sanitize(body), url);
        var excerpt = Whitespace().Replace(text ?? "", " ").Trim();
        excerpt = excerpt.Length > 300 ? excerpt[..300] + "…" : excerpt;
        return new ExtractedArticle(Whitespace().Replace(title, " ").Trim(), clean, excerpt, source, images);
    }

    /// <summary>The body with each listed image pointed at its replacement, or removed when the replacement is null.</summary>
    public static string ReplaceImages(string bodyHtml, IReadOnlyDictionary<string, string?> replacements)
    {
        var parser = new HtmlParser();
        using var document = parser.ParseDocument("");
        var body = document.Body!;
        body.InnerHtml = bodyHtml;
        foreach (var image in body.QuerySelectorAll("img").ToList())
        {
            if (image.GetAttribute("src") is { } src && replacements.TryGetValue(src, out var ours))
            {
                if (ours is null)
                {
                    image.Remove();
                }
                else
                {
                    image.SetAttribute("src", ours);
                }
            }
        }

        return body.InnerHtml;
    }

    private static (string Html, IReadOnlyList<string> Images) AbsoluteImages(HtmlParser parser, string html, Uri page)
    {
        using var document = parser.ParseDocument("");
        var body = document.Body!;
        body.InnerHtml = html;
        var images = new List<string>();
        foreach (var image in body.QuerySelectorAll("img").ToList())
        {
            // Lazy-loading pages put the real address in data-src and a placeholder in src.
            var src = image.GetAttribute("data-src") is { Length: > 0 } lazy ? lazy : image.GetAttribute("src");
            image.RemoveAttribute("srcset");
            image.RemoveAttribute("data-src");
            if (src is null || !Uri.TryCreate(page, src.Trim(), out var absolute) || (absolute.Scheme != Uri.UriSchemeHttp && absolute.Scheme != Uri.UriSchemeHttps))
            {
                image.Remove();
                continue;
            }

            image.SetAttribute("src", absolute.ToString());
            if (!images.Contains(absolute.ToString()))
            {
                images.Add(absolute.ToString());
            }
        }

        return (body.InnerHtml, images);
    }

    private sealed record LdArticle(string? Headline, string? Author, string? Published, string? Source, string? Publisher, string? Body);

    private static LdArticle? JsonLdArticle(IDocument document)
    {
        foreach (var script in document.QuerySelectorAll("script[type='application/ld+json']"))
        {
            try
            {
                using var json = JsonDocument.Parse(script.TextContent, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                if (FindArticle(json.RootElement) is { } found)
                {
                    return new LdArticle(Str(found, "headline") ?? Str(found, "name"), Name(found, "author"), Str(found, "datePublished"),
                        Name(found, "sourceOrganization"), Name(found, "publisher"), Str(found, "articleBody"));
                }
            }
            catch (JsonException)
            {
                // Broken JSON-LD is common; the page's other metadata and lines still count.
            }
        }

        return null;
    }

    private static JsonElement? FindArticle(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindArticle(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                if (element.TryGetProperty("@type", out var type)
                    && (type.ValueKind == JsonValueKind.String ? ArticleTypes.Contains(type.GetString())
                        : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => ArticleTypes.Contains(t.GetString())))
                    && (element.TryGetProperty("headline", out _) || element.TryGetProperty("articleBody", out _)))
                {
                    return element;
                }

                return element.TryGetProperty("@graph", out var graph) ? FindArticle(graph) : null;
            default:
                return null;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A person or organisation: a string, an object with a name, or a list of them (joined).</summary>
    private static string? Name(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        static string? One(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object => Str(v, "name"),
            _ => null,
        };

        if (value.ValueKind == JsonValueKind.Array)
        {
            var names = value.EnumerateArray().Select(One).Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
            return names.Count == 0 ? null : string.Join("、", names);
        }

        return One(value);
    }

    private static Dictionary<string, string> Meta(IDocument document)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var element in document.QuerySelectorAll("meta"))
        {
            var key = element.GetAttribute("property") ?? element.GetAttribute("name") ?? element.GetAttribute("itemprop");
            var content = element.GetAttribute("content")?.Trim();
            if (key is not null && !string.IsNullOrEmpty(content))
            {
                meta.TryAdd(key.Trim(), content);
            }
        }

        return meta;
    }

    private sealed record Lines(string? Source, string? Author, string? Editor, string? Published);

    /// <summary>The attribution lines of Chinese news pages: "来源：新华社", "作者：张三", "责任编辑：李四", "发布时间：2026-12-01 08:30".</summary>
    private static Lines ChineseLines(string text)
    {
        var flat = Whitespace().Replace(text.Replace('\u00A0', ' ').Replace('\u3000', ' '), " ");
        static string? Value(Match m) => m.Success ? m.Groups[1].Value.Trim() : null;
        return new Lines(Value(SourceLine().Match(flat)), Value(AuthorLine().Match(flat)), Value(EditorLine().Match(flat)), Value(TimeLine().Match(flat)));
    }

    /// <summary>A publish time as pages write it: ISO 8601 with or without an offset, or 2026年12月01日 08:30; no offset means China time.</summary>
    internal static DateTimeOffset? ParseTime(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim().Replace('年', '-').Replace('月', '-').Replace("日", "", StringComparison.Ordinal).Replace('/', '-').Replace('.', '-');
        text = Whitespace().Replace(text, " ");
        if (HasOffset().IsMatch(value.Trim()) && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            return withOffset;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), ChinaOffset)
            : null;
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string? Clip(string? value) => value is null ? null : value.Length > MaxField ? value[..MaxField] : value;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex HasOffset();

    private const string Stop = @"(?=\s|$|[|｜丨()（）\[\]【】,，。;；]|来源|作者|责任编辑|编辑|发布时间|时间|日期|字号|分享)";

    [GeneratedRegex(@"来源\s*[:：]\s*([^\s|｜丨:：()（）\[\]【】,，。;；]{1,40}?)" + Stop)]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"(?<!责任)作者\s*[:：]\s*([^\s|｜丨:：()（）\[\]【】,，。;；]{1,40}?)" + Stop)]
    private static partial Regex AuthorLine();

    [GeneratedRegex(@"责任编辑\s*[:：]\s*([^\s|｜丨:：()（）\[\]【】,，。;；]{1,40}?)" + Stop)]
    private static partial Regex EditorLine();

    [GeneratedRegex(@"(?:发布时间|发布日期|时间)\s*[:：]\s*(\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)")]
    private static partial Regex TimeLine();
}

/// <summary>Decoding a page's bytes: the charset the server names, else a BOM, else the page's own meta charset, else UTF-8.</summary>
public static partial class PageText
{
    /// <summary>The page as text.</summary>
    public static string Decode(byte[] data, string? headerCharset)
    {
        var encoding = EncodingFor(headerCharset) ?? Bom(data) ?? EncodingFor(MetaCharset(data)) ?? new UTF8Encoding(false);
        var preamble = encoding.GetPreamble();
        var skip = preamble.Length > 0 && data.AsSpan().StartsWith(preamble) ? preamble.Length : 0;
        return encoding.GetString(data, skip, data.Length - skip);
    }

    /// <summary>
    /// The encoding of a charset label. GB2312 and GBK pages are decoded as GB18030, their superset: pages labelled gb2312 commonly use
    /// GBK characters. The code-page encodings come from <see cref="CodePagesEncodingProvider"/> directly, without registering it
    /// process-wide.
    /// </summary>
    public static Encoding? EncodingFor(string? label)
    {
        var name = label?.Trim().Trim('"', '\'').ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (name is "gb2312" or "gbk" or "x-gbk" or "gb18030" or "cp936" or "windows-936")
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(54936);
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name);
        }
    }

    private static Encoding? Bom(byte[] data) =>
        data.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? new UTF8Encoding(true)
        : data.AsSpan().StartsWith(new byte[] { 0xFF, 0xFE }) ? Encoding.Unicode
        : data.AsSpan().StartsWith(new byte[] { 0xFE, 0xFF }) ? Encoding.BigEndianUnicode
        : null;

    private static string? MetaCharset(byte[] data)
    {
        // The label is ASCII in any of the encodings a page may use, so the head can be read as Latin-1.
        var head = Encoding.Latin1.GetString(data, 0, Math.Min(data.Length, 4096));
        var match = MetaCharsetPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?([\w-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharsetPattern();
}
