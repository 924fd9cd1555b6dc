using System.Text.RegularExpressions;

namespace MediaCenter.Grains.Tests.Messages;

/// <summary>
/// The product code writes no sentence in a language: text for people is a message of the catalogue. A string literal
/// with Chinese in it is allowed only in files that hold data rather than interface text (seeded names, parsing
/// patterns of Chinese pages), each listed here with the reason.
/// </summary>
public sealed partial class OneLanguageInCodeTests
{
    /// <summary>Files whose Chinese literals are data, with why.</summary>
    private static readonly Dictionary<string, string> DataFiles = new(StringComparer.Ordinal)
    {
        ["identity/MediaCenter.Identity/Bootstrap.cs"] = "the seeded demo parties', channels' and people's names",
        ["hosting/MediaCenter.Hosting/Intake/ArticleExtractor.cs"] = "the labels Chinese news pages print (来源：, 作者：, 责任编辑：) that the extractor looks for",
    };

    [Fact]
    public void No_product_code_pairs_Chinese_with_English_or_writes_Chinese_interface_text()
    {
        var root = MessageCatalogTests.RepoRoot();
        var found = new List<string>();
        foreach (var file in MessageCatalogTests.ProductSources(root))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (Comment().IsMatch(line) || !ChineseLiteral().IsMatch(line))
                {
                    continue;
                }

                if (Bilingual().IsMatch(line) || !DataFiles.ContainsKey(relative))
                {
                    found.Add($"{relative}:{i + 1}: {line.Trim()}");
                }
            }
        }

        Assert.True(found.Count == 0, $"{found.Count} lines of product code write text in a language (make them messages):\n" + string.Join("\n", found.Take(60)));
    }

    [Fact]
    public void Every_file_allowed_Chinese_data_still_exists()
    {
        var root = MessageCatalogTests.RepoRoot();
        foreach (var file in DataFiles.Keys)
        {
            Assert.True(File.Exists(Path.Combine(root, file)), file + " is listed as holding Chinese data but is gone: take it off the list");
        }
    }

    [GeneratedRegex(@"^\s*(//|\*|/\*)")]
    private static partial Regex Comment();

    [GeneratedRegex(@"""[^""]*\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex ChineseLiteral();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}[^""]* / [A-Za-z]")]
    private static partial Regex Bilingual();
}
