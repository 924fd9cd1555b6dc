using System.Text;
using MediaCenter.Grains.People;

namespace MediaCenter.IntegrationTests.People;

/// <summary>The staff record's state table in docs/PEOPLE.md is the one the grains run.</summary>
public sealed class PeopleDocsTests
{
    [Fact]
    public void The_staff_state_table_in_the_docs_is_the_one_the_grains_run() =>
        Check("staff", StaffWorkflow.Rows().Select(r => (r.From, r.Command, r.Who, r.To, r.Note)));

    [Fact]
    public void The_reserve_plan_state_table_in_the_docs_is_the_one_the_grain_runs() =>
        Check("reserve", ReserveWorkflow.Transitions.Select(t => (t.From?.ToString(), t.Command.ToString(), t.Roles.ToString(), t.To.ToString(), t.Note)));

    [Fact]
    public void The_training_plan_state_table_in_the_docs_is_the_one_the_grain_runs() =>
        Check("training-plan", TrainingWorkflow.PlanRows().Select(r => (r.From, r.Command, r.Who, r.To, r.Note)));

    [Fact]
    public void The_training_session_state_table_in_the_docs_is_the_one_the_grain_runs() =>
        Check("training-session", TrainingWorkflow.SessionRows().Select(r => (r.From, r.Command, r.Who, r.To, r.Note)));

    [Fact]
    public void The_appraisal_scheme_state_table_in_the_docs_is_the_one_the_grain_runs() =>
        Check("appraisal-scheme", AppraisalWorkflow.SchemeRows().Select(r => (r.From, r.Command, r.Who, r.To, r.Note)));

    [Fact]
    public void The_appraisal_state_table_in_the_docs_is_the_one_the_grain_runs() =>
        Check("appraisal", AppraisalWorkflow.Rows().Select(r => (r.From, r.Command, r.Who, r.To, r.Note)));

    private static void Check(string marker, IEnumerable<(string? From, string Command, string Who, string To, string Note)> rows)
    {
        var expected = new StringBuilder("| From | Command | Who | To | Note |\n|---|---|---|---|---|\n");
        foreach (var row in rows)
        {
            expected.Append($"| {row.From ?? "(new)"} | {row.Command} | {row.Who} | {row.To} | {row.Note} |\n");
        }

        var path = Path.Combine(Repo.Root, "docs", "PEOPLE.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = $"<!-- {marker}:start -->";
        var end = $"<!-- {marker}:end -->";
        var from = docs.IndexOf(start, StringComparison.Ordinal);
        var to = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {start} and {end}");
        Assert.Equal(expected.ToString(), docs[(from + start.Length)..to].Trim('\n') + "\n");
    }
}
