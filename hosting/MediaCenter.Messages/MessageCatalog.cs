using System.Reflection;
using System.Text;
using System.Text.Json;

namespace MediaCenter.Messages;

/// <summary>
/// The catalogue of every message the system writes for people, in each of <see cref="Languages.All"/>, and the one
/// place a <see cref="Msg"/> becomes a sentence. The catalogue is the embedded <c>Catalogue/*.json</c> files (one per
/// area, each key with its <c>zh-CN</c> and <c>en</c> template); templates name their arguments as <c>{name}</c>.
/// </summary>
public static class MessageCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Entries = new(Load);
    private static readonly AsyncLocal<string?> Chosen = new();

    /// <summary>
    /// The language of the reader this flow of work answers (an HTTP request sets it from the person's choice);
    /// Chinese where nobody chose.
    /// </summary>
    public static string CurrentLanguage
    {
        get => Chosen.Value ?? Languages.Chinese;
        set => Chosen.Value = value;
    }

    /// <summary>Text with its messages rendered in <see cref="CurrentLanguage"/>.</summary>
    /// <param name="text">Any text.</param>
    public static string? Render(string? text) => Render(text, CurrentLanguage);

    /// <summary>Every key with its template per language.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> All => Entries.Value;

    /// <summary>The template of a key in a language (Chinese when the language lacks it); null for an unknown key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string? Template(string key, string language) =>
        Entries.Value.TryGetValue(key, out var byLanguage)
            ? byLanguage.GetValueOrDefault(language) ?? byLanguage.GetValueOrDefault(Languages.Chinese)
            : null;

    /// <summary>A message rendered in a language.</summary>
    /// <param name="message">The message.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string Render(Msg message, string language) => Render(message.ToString(), language) ?? "";

    /// <summary>
    /// Text with every message in it rendered in a language; text without one is returned as it is (people's own
    /// text). A message with an unknown key is shown as its key and arguments, never dropped.
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string? Render(string? text, string language)
    {
        if (text is null || !Msg.IsIn(text))
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf(Msg.Open, i);
            if (open < 0)
            {
                output.Append(text, i, text.Length - i);
                break;
            }

            output.Append(text, i, open - i);
            var close = MatchingClose(text, open);
            if (close < 0)
            {
                // A broken message: its markers are dropped, its text kept.
                output.Append(Msg.WithoutMarkers(text[open..]));
                break;
            }

            output.Append(RenderOne(text[(open + 1)..close], language));
            i = close + 1;
        }

        return output.ToString();
    }

    /// <summary>True when every marker in the text belongs to a complete message.</summary>
    /// <param name="text">Any text.</param>
    public static bool IsWellFormed(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            if (c == Msg.Open)
            {
                depth++;
            }
            else if (c == Msg.Close && --depth < 0)
            {
                return false;
            }
            else if (c is Msg.Name or Msg.Value && depth == 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    /// <summary>The key and arguments of one message's inside (between its markers).</summary>
    private static string RenderOne(string inside, string language)
    {
        var parts = SplitTop(inside, Msg.Name);
        var key = parts[0];
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var split = part.IndexOf(Msg.Value, StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }

            args[part[..split]] = Render(part[(split + 1)..], language) ?? "";
        }

        if (key == Msg.ListKey)
        {
            return string.Join(Template("common.listSeparator", language), args.Values);
        }

        var template = Template(key, language);
        if (template is null)
        {
            return args.Count == 0 ? key : key + "(" + string.Join(", ", args.Select(a => a.Key + "=" + a.Value)) + ")";
        }

        return Fill(template, args);
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> args)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var output = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                output.Append(template, i, template.Length - i);
                break;
            }

            output.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            output.Append(args.TryGetValue(name, out var value) ? value : template[open..(close + 1)]);
            i = close + 1;
        }

        return output.ToString();
    }

    /// <summary>Splits on a separator that is not inside a nested message.</summary>
    private static List<string> SplitTop(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == Msg.Open)
            {
                depth++;
            }
            else if (c == Msg.Close)
            {
                depth--;
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static int MatchingClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == Msg.Open)
            {
                depth++;
            }
            else if (text[i] == Msg.Close && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Load()
    {
        var assembly = typeof(MessageCatalog).Assembly;
        var entries = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalogue/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            foreach (var (key, byLanguage) in Read(assembly, name))
            {
                if (!entries.TryAdd(key, byLanguage))
                {
                    throw new InvalidOperationException($"The message key '{key}' is in the catalogue twice ({name}).");
                }
            }
        }

        return entries;
    }

    /// <summary>One catalogue file: <c>{ "key": { "zh-CN": "…", "en": "…" } }</c>.</summary>
    private static IEnumerable<(string Key, IReadOnlyDictionary<string, string> ByLanguage)> Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The catalogue file {resource} cannot be read.");
        var file = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
            ?? throw new InvalidOperationException($"The catalogue file {resource} is empty.");
        return file.Select(e => (e.Key, (IReadOnlyDictionary<string, string>)e.Value)).ToList();
    }

    /// <summary>The catalogue files' names (for the tests that check each one).</summary>
    public static IReadOnlyList<string> Files =>
        typeof(MessageCatalog).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalogue/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
}
