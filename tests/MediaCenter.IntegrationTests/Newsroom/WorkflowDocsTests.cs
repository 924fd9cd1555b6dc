using System.Text;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>The state tables in docs/ are the ones the grains run: the docs are generated from the code and checked here.</summary>
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

    /// <summary>The incident lifecycle as Markdown.</summary>
    public static string RenderIncidents()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in IncidentWorkflow.Transitions)
        {
            var roles = string.Join(", ", Enum.GetValues<IncidentRole>().Where(r => r != IncidentRole.None && t.Roles.HasFlag(r)));
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {roles} | {t.To} |\n");
        }

        return text.ToString();
    }

    /// <summary>The maintenance window's life as Markdown.</summary>
    public static string RenderMaintenance()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in MaintenanceWorkflow.Transitions)
        {
            var roles = string.Join(", ", Enum.GetValues<MaintenanceRole>().Where(r => r != MaintenanceRole.None && t.Roles.HasFlag(r)));
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {roles} | {t.To} |\n");
        }

        return text.ToString();
    }

    /// <summary>The application (接入应用) state table as Markdown.</summary>
    public static string RenderApplications()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in MediaCenter.Grains.Applications.ApplicationWorkflow.Table)
        {
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {MediaCenter.Grains.Operations.OpsRoles.Describe(t.Roles)} | {t.To} |\n");
        }

        return text.ToString();
    }

    /// <summary>The moderation of questions to an interactive story as Markdown.</summary>
    public static string RenderQuestions()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in MediaCenter.Grains.Interactive.QuestionWorkflow.Table)
        {
            var roles = string.Join(", ", Enum.GetValues<MediaCenter.Grains.Interactive.InteractionRole>()
                .Where(r => r != MediaCenter.Grains.Interactive.InteractionRole.None && t.Roles.HasFlag(r)));
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {roles} | {t.To} |\n");
        }

        return text.ToString();
    }

    [Fact]
    public void The_question_moderation_table_in_the_docs_is_the_one_the_grains_run() => Check("INTERACTION.md", RenderQuestions());

    [Fact]
    public void The_maintenance_window_table_in_the_docs_is_the_one_the_grains_run() =>
        Check("INCIDENTS.md", RenderMaintenance(), "<!-- maintenance-transitions:start -->", "<!-- maintenance-transitions:end -->");

    [Fact]
    public void The_transition_table_in_the_docs_is_the_one_the_grains_run() => Check("NEWSROOM.md", Render());

    [Fact]
    public void The_application_table_in_the_docs_is_the_one_the_grains_run() => Check("APPLICATIONS.md", RenderApplications());

    [Fact]
    public void The_incident_lifecycle_in_the_docs_is_the_one_the_grains_run() => Check("INCIDENTS.md", RenderIncidents());

    private static void Check(string file, string expected, string start = Start, string end = End)
    {
        var path = Path.Combine(MediaCenter.Testing.Repo.Root, "docs", file);
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var from = docs.IndexOf(start, StringComparison.Ordinal);
        var to = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {start} and {end}");
        var documented = docs[(from + start.Length)..to].Trim('\n') + "\n";
        var written = Path.Combine(Path.GetTempPath(), file.Replace(".md", start == Start ? ".transitions.md" : ".maintenance.md", StringComparison.Ordinal));
        if (documented != expected)
        {
            File.WriteAllText(written, expected);
        }

        Assert.True(documented == expected, $"docs/{file} is out of date; the table the code runs is in {written}");
    }
}
