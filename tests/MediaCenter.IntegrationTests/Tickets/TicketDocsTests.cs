using System.Text;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.IntegrationTests.Tickets;

/// <summary>The ticket's state table in docs/TICKETS.md is the one the grains run.</summary>
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

        var path = Path.Combine(Repo.Root, "docs", "TICKETS.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string Start = "<!-- tickets:start -->";
        const string End = "<!-- tickets:end -->";
        var from = docs.IndexOf(Start, StringComparison.Ordinal);
        var to = docs.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {Start} and {End}");
        Assert.Equal(expected.ToString(), docs[(from + Start.Length)..to].Trim('\n') + "\n");
    }
}
