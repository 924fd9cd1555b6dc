namespace MediaCenter.Messages;

/// <summary>The languages people may choose: Chinese first, English on request.</summary>
public static class Languages
{
    /// <summary>Simplified Chinese, the default.</summary>
    public const string Chinese = "zh-CN";

    /// <summary>English.</summary>
    public const string English = "en";

    /// <summary>Every language the catalogue holds, the default first.</summary>
    public static IReadOnlyList<string> All { get; } = [Chinese, English];

    /// <summary>The supported language a tag or an Accept-Language value asks for first; Chinese when none is supported.</summary>
    /// <param name="requested">A language tag (<c>en-GB</c>) or an Accept-Language header (<c>en;q=0.9, zh;q=0.8</c>).</param>
    public static string Resolve(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return Chinese;
        }

        var ranked = requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((part, index) =>
            {
                var pieces = part.Split(';', StringSplitOptions.TrimEntries);
                var q = pieces.Skip(1).Select(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                        && double.TryParse(p[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (double?)null)
                    .FirstOrDefault(v => v is not null) ?? 1.0;
                return (Tag: pieces[0], Q: q, Index: index);
            })
            .Where(x => x.Q > 0)
            .OrderByDescending(x => x.Q).ThenBy(x => x.Index);
        foreach (var (tag, _, _) in ranked)
        {
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return Chinese;
            }

            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return English;
            }
        }

        return Chinese;
    }
}
