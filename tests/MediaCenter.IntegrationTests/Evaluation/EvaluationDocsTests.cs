using System.Text;
using MediaCenter.Grains.Evaluation;

namespace MediaCenter.IntegrationTests.Evaluation;

/// <summary>The evaluation state table in docs/EVALUATION.md is the one the grain runs.</summary>
public sealed class EvaluationDocsTests
{
    [Fact]
    public void The_evaluation_state_table_in_the_docs_is_the_one_the_grain_runs()
    {
        var expected = new StringBuilder("| From | Command | Who | To |\n|---|---|---|---|\n");
        foreach (var row in EvaluationWorkflow.Rows())
        {
            expected.Append($"| {row.From ?? "(new)"} | {row.Command} | {row.Who} | {row.To} |\n");
        }

        var path = Path.Combine(Repo.Root, "docs", "EVALUATION.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string Start = "<!-- evaluation:start -->";
        const string End = "<!-- evaluation:end -->";
        var from = docs.IndexOf(Start, StringComparison.Ordinal);
        var to = docs.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {Start} and {End}");
        Assert.Equal(expected.ToString(), docs[(from + Start.Length)..to].Trim('\n') + "\n");
    }
}
