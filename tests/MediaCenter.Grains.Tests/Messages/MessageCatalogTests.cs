using System.Text.RegularExpressions;
using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests.Messages;

/// <summary>The one catalogue of text for people, and the one renderer.</summary>
public sealed partial class MessageCatalogTests
{
    [Fact]
    public void Every_message_has_both_languages_with_the_same_arguments()
    {
        Assert.NotEmpty(MessageCatalog.All);
        foreach (var (key, byLanguage) in MessageCatalog.All)
        {
            foreach (var language in Languages.All)
            {
                Assert.True(byLanguage.TryGetValue(language, out var template) && !string.IsNullOrWhiteSpace(template), $"{key} has no {language} text");
            }

            var zh = Placeholders(byLanguage[Languages.Chinese]);
            var en = Placeholders(byLanguage[Languages.English]);
            Assert.True(zh.SetEquals(en), $"{key}: zh-CN uses {{{string.Join(",", zh)}}}, en uses {{{string.Join(",", en)}}}");
            Assert.Equal(Languages.All.Count, byLanguage.Count);
        }
    }

    [Fact]
    public void No_template_mixes_the_two_languages()
    {
        foreach (var (key, byLanguage) in MessageCatalog.All)
        {
            var en = Regex.Replace(byLanguage[Languages.English], "{[^}]*}", "");
            Assert.False(Chinese().IsMatch(en), $"{key}: the English text holds Chinese: {en}");
            Assert.False(Bilingual().IsMatch(byLanguage[Languages.Chinese]), $"{key}: the Chinese text carries an English translation");
        }
    }

    [Fact]
    public void A_message_is_rendered_in_the_readers_language_with_its_arguments()
    {
        var message = Msg.Of("workflow.illegalMove", ("command", "Publish"), ("state", "Draft"), ("allowed", Msg.List(["Submit", "Withdraw"])));

        Assert.Equal("当前状态 Draft 不允许 Publish；允许：Submit、Withdraw", MessageCatalog.Render(message, Languages.Chinese));
        Assert.Equal("Publish is not allowed in state Draft; allowed: Submit, Withdraw", MessageCatalog.Render(message, Languages.English));
        Assert.Equal("workflow.illegalMove", Msg.KeyOf(message));
    }

    [Fact]
    public void Messages_inside_other_text_and_inside_arguments_are_rendered_too()
    {
        var what = Msg.Of("what.incident");
        var text = "「" + Msg.Of("common.notFound", ("what", what)) + "」 #12";

        Assert.Equal("「故障不存在」 #12", MessageCatalog.Render(text, Languages.Chinese));
        Assert.Equal("「No such incident.」 #12", MessageCatalog.Render(text, Languages.English));
        Assert.Equal("plain text stays as it is", MessageCatalog.Render("plain text stays as it is", Languages.English));
    }

    [Fact]
    public void Stray_markers_in_an_argument_are_dropped_and_braces_stay_text()
    {
        // (The web strips every marker from what people send, so their text never holds a message.)
        var title = "\uE000outcome.Forbidden {what} 标题\uE002";
        var message = Msg.Of("common.notFound", ("what", title));

        Assert.Equal("outcome.Forbidden {what} 标题不存在", MessageCatalog.Render(message, Languages.Chinese));
    }

    [Fact]
    public void An_unknown_key_shows_its_key_and_arguments_rather_than_nothing()
    {
        Assert.Equal("no.such.key(n=3)", MessageCatalog.Render(Msg.Of("no.such.key", ("n", 3)), Languages.English));
    }

    [Fact]
    public void A_json_document_leaves_with_its_messages_rendered_and_everything_else_as_it_was()
    {
        var message = Msg.Of("common.notFound", ("what", Msg.Of("what.incident")));
        // Written as the default serializer does: Chinese and the markers escaped as \uXXXX.
        var json = System.Text.Json.JsonSerializer.Serialize(new { title = "泵房进水 \"A\"", body = message.ToString(), list = new object[] { message.ToString(), 3 }, n = 1.5 });

        var english = System.Text.Json.JsonDocument.Parse(MessageJson.Render(json, Languages.English)).RootElement;
        var chinese = MessageJson.Render(System.Text.Json.JsonDocument.Parse(json).RootElement, Languages.Chinese);

        Assert.Equal("No such incident.", english.GetProperty("body").GetString());
        Assert.Equal("No such incident.", english.GetProperty("list")[0].GetString());
        Assert.Equal(3, english.GetProperty("list")[1].GetInt32());
        Assert.Equal(1.5, english.GetProperty("n").GetDouble());
        Assert.Equal("泵房进水 \"A\"", english.GetProperty("title").GetString());
        Assert.Equal("故障不存在", chinese.GetProperty("body").GetString());
        Assert.Equal("故障不存在", chinese.GetProperty("list")[0].GetString());
        const string Plain = "{\"a\":\"b\"}";
        Assert.Same(Plain, MessageJson.Render(Plain, Languages.English));
    }

    [Theory]
    [InlineData(null, "zh-CN")]
    [InlineData("", "zh-CN")]
    [InlineData("en-GB,en;q=0.9", "en")]
    [InlineData("fr-FR, en;q=0.5, zh;q=0.8", "zh-CN")]
    [InlineData("zh-TW", "zh-CN")]
    [InlineData("de", "zh-CN")]
    [InlineData("en", "en")]
    public void The_language_asked_for_is_one_the_catalogue_holds(string? asked, string expected) =>
        Assert.Equal(expected, Languages.Resolve(asked));

    [Fact]
    public void Every_key_the_product_code_names_is_in_the_catalogue()
    {
        var root = RepoRoot();
        var missing = new List<string>();
        foreach (var file in ProductSources(root))
        {
            foreach (Match match in KeyUse().Matches(File.ReadAllText(file)))
            {
                var key = match.Groups["key"].Value;
                if (!MessageCatalog.All.ContainsKey(key))
                {
                    missing.Add($"{Path.GetRelativePath(root, file)}: {key}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Keys missing from the catalogue:\n" + string.Join("\n", missing));
    }

    internal static IEnumerable<string> ProductSources(string root) =>
        new[] { "client-web", "devices-gateway", "grains", "hosting", "identity", "silo" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MediaCenter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MediaCenter.sln not found above " + AppContext.BaseDirectory);
    }

    private static HashSet<string> Placeholders(string template) =>
        PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}[^""]* / [A-Za-z]")]
    private static partial Regex Bilingual();

    [GeneratedRegex(@"Msg\.Of\(\s*""(?<key>[^""]+)""\s*[,)]")]
    private static partial Regex KeyUse();
}
