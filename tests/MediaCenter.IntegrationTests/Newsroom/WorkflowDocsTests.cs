using System.Text;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>The transition table in docs/NEWSROOM.md is the one the grains run: the docs are generated from the code and checked here.</summary>
public sealed class WorkflowDocsTests
{
    private const string Start = "<!-- transitions:start -->";
    private const string End = "<!-- transitions:end -->";

    /// <summary>The table as Markdown.</summary>
    public static string Render()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in ArticleWorkflow.Transitions)
        {
            var roles = string.Join(", ", Enum.GetValues<NewsroomRole>().Where(r => r != NewsroomRole.None && t.Roles.HasFlag(r)));
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {roles} | {t.To?.ToString() ?? "InReview (next level) or Approved (after the last level)"} |\n");
        }

        return text.ToString();
    }

    [Fact]
    public void The_transition_table_in_the_docs_is_the_one_the_grains_run()
    {
        var path = Path.Combine(MediaCenter.Testing.Repo.Root, "docs", "NEWSROOM.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var from = docs.IndexOf(Start, StringComparison.Ordinal);
        var to = docs.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {Start} and {End}");
        var documented = docs[(from + Start.Length)..to].Trim('\n') + "\n";
        var expected = Render();
        if (documented != expected)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "NEWSROOM.transitions.md"), expected);
        }

        Assert.True(documented == expected, $"docs/NEWSROOM.md is out of date; the table the code runs is in {Path.Combine(Path.GetTempPath(), "NEWSROOM.transitions.md")}");
    }
}
