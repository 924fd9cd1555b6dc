using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediaCenter.Grains.Operations;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>The state tables in docs/OPERATIONS-PLANS.md are the ones the code runs: generated from it and checked here.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class OperationsDocsTests(IntegrationFixture fixture)
{
    /// <summary>The hot-event lifecycle as Markdown.</summary>
    public static string RenderHotEvents()
    {
        var text = new StringBuilder("| from | command | who may | to |\n|---|---|---|---|\n");
        foreach (var t in HotEventWorkflow.Transitions)
        {
            var roles = string.Join(", ", Enum.GetValues<HotEventRole>().Where(r => r != HotEventRole.None && t.Roles.HasFlag(r)));
            text.Append($"| {t.From?.ToString() ?? "(new)"} | {t.Command} | {roles} | {t.To} |\n");
        }

        return text.ToString();
    }

    [Fact]
    public void The_hot_event_lifecycle_in_the_docs_is_the_one_the_grains_run() => Check("hot-events", RenderHotEvents());

    [Theory]
    [InlineData("plans")]
    [InlineData("drills")]
    [InlineData("campaigns")]
    public async Task The_state_table_in_the_docs_is_the_one_the_api_serves_and_the_grains_run(string table)
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("opdocs-reader-" + table, MediaCenter.Identity.PlatformRoles.Auditor);
        using var reader = await shared.SignInAsync("opdocs-reader-" + table);
        var rows = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/{table}/workflow");
        var text = new StringBuilder("| from | command | who may | to | note |\n|---|---|---|---|---|\n");
        foreach (var row in rows.EnumerateArray())
        {
            text.Append($"| {row.GetProperty("from").GetString() ?? "(new)"} | {row.Str("command")} | {row.Str("who")} | {row.Str("to")} | {row.Str("note")} |\n");
        }

        Check(table, text.ToString());
    }

    private static void Check(string table, string expected)
    {
        var (start, end) = ($"<!-- {table}:start -->", $"<!-- {table}:end -->");
        var path = Path.Combine(Repo.Root, "docs", "OPERATIONS-PLANS.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var from = docs.IndexOf(start, StringComparison.Ordinal);
        var to = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} needs the markers {start} and {end}");
        var documented = docs[(from + start.Length)..to].Trim('\n') + "\n";
        var written = Path.Combine(Path.GetTempPath(), $"OPERATIONS-PLANS.{table}.md");
        if (documented != expected)
        {
            File.WriteAllText(written, expected);
        }

        Assert.True(documented == expected, $"the {table} table in docs/OPERATIONS-PLANS.md is out of date; the one the code runs is in {written}");
    }
}
