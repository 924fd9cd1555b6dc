using System.Text;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Supervision;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.IntegrationTests.Tickets;

/// <summary>The ticket, supervision and survey state tables in docs/TICKETS.md are the ones the grains run.</summary>
public sealed class TicketDocsTests
{
    [Fact]
    public void The_ticket_state_table_in_the_docs_is_the_one_the_grains_run()
    {
        var expected = new StringBuilder("| From | Command | Who | To | Note |\n|---|---|---|---|---|\n");
        foreach (var row in TicketWorkflow.Rows())
        {
            expected.Append($"| {row.From ?? "(new)"} | {row.Command} | {row.Who} | {row.To} | {row.Note} |\n");
        }

        Assert.Equal(expected.ToString(), Documented("tickets"));
    }

    [Fact]
    public void The_supervision_and_survey_state_tables_in_the_docs_are_the_ones_the_grains_run()
    {
        Assert.Equal(Render(SupervisionWorkflow.Rows()), Documented("supervision"));
        Assert.Equal(Render(SurveyWorkflow.Rows()), Documented("surveys"));
    }

    private static string Render(IEnumerable<WorkflowRow> rows)
    {
        var text = new StringBuilder("| From | Command | Who | To |\n|---|---|---|---|\n");
        foreach (var row in rows)
        {
            text.Append($"| {row.From ?? "(new)"} | {row.Command} | {row.Who} | {row.To} |\n");
        }

        return text.ToString();
    }

    private static string Documented(string name)
    {
        var path = Path.Combine(Repo.Root, "docs", "TICKETS.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = $"<!-- {name}:start -->";
        var end = $"<!-- {name}:end -->";
        var from = docs.IndexOf(start, StringComparison.Ordinal);
        var to = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {start} and {end}");
        return docs[(from + start.Length)..to].Trim('\n') + "\n";
    }
}
