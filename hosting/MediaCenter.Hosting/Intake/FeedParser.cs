using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeHollow.FeedReader;
using MediaCenter.Grains.Intake;

namespace MediaCenter.Hosting.Intake;

/// <summary>Reads RSS 2.0 and Atom (CodeHollow.FeedReader) and JSON Feed 1.x (System.Text.Json) into feed entries.</summary>
public static partial class FeedParser
{
    private const int MaxSummary = 2000;

    /// <summary>The entries of a feed, or null when the bytes are not a feed.</summary>
    public static IReadOnlyList<FeedEntry>? Parse(byte[] data, string? charset)
    {
        var text = PageText.Decode(data, charset).TrimStart();
        if (text.StartsWith('{'))
        {
            return JsonFeed(text);
        }

        if (!text.StartsWith('<'))
        {
            return null;
        }

        try
        {
            var feed = FeedReader.ReadFromString(text);
            if (feed.Type == FeedType.Unknown)
            {
                return null;
            }

            return [.. feed.Items.Select(i => new FeedEntry(
                First(i.Id, i.Link, i.Title) ?? "",
                Clean(i.Title ?? ""),
                i.Link,
                Summary(First(i.Description, i.Content) ?? ""),
                i.PublishingDate is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind)) : null,
                i.Author)).Where(e => e.Id.Length > 0)];
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or FormatException or InvalidOperationException or ArgumentException or NullReferenceException)
        {
            return null;
        }
    }

    private static IReadOnlyList<FeedEntry>? JsonFeed(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version)
                || version.GetString()?.StartsWith("https://jsonfeed.org/version/", StringComparison.Ordinal) != true
                || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var entries = new List<FeedEntry>();
            foreach (var item in items.EnumerateArray())
            {
                var id = Str(item, "id") ?? Str(item, "url");
                if (id is null)
                {
                    continue;
                }

                var author = item.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array
                    ? string.Join("、", authors.EnumerateArray().Select(a => Str(a, "name")).OfType<string>())
                    : item.TryGetProperty("author", out var one) ? Str(one, "name") : null;
                entries.Add(new FeedEntry(id, Clean(Str(item, "title") ?? ""), Str(item, "url"),
                    Summary(Str(item, "summary") ?? Str(item, "content_text") ?? Str(item, "content_html") ?? ""),
                    DateTimeOffset.TryParse(Str(item, "date_published"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
                    string.IsNullOrEmpty(author) ? null : author));
            }

            return entries;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>Plain text of a summary (feeds carry HTML in it), shortened.</summary>
    private static string Summary(string html)
    {
        var text = Clean(WebUtility.HtmlDecode(Tags().Replace(html, " ")));
        return text.Length > MaxSummary ? text[..MaxSummary] + "…" : text;
    }

    private static string Clean(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
