using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediaCenter.IntegrationTests.Newsroom;
using Npgsql;

namespace MediaCenter.IntegrationTests.Cluster;

/// <summary>The stored grain state's JSON: compact from now on, and every state written in Orleans' default format still read.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class GrainStateJsonTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_story_stored_in_Orleans_default_format_reads_back_whole_is_written_compact_after_its_next_command_and_reads_back_in_the_old_format_again()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var before = await deployment.StartSiloAsync("json-default", new Dictionary<string, string> { ["Silo__CompactGrainState"] = "false" });
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "gsj");
        var id = await staff.Editor.FileAsync(staff.Channel, "旧格式的稿件");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new { baseVersion = 0, draft = new { kind = "ImageText", title = "旧格式的稿件", summary = "摘要", bodyHtml = "<p>正文</p>" } });
        var stored = await PayloadAsync(deployment, id);
        Assert.Contains("\"$id\"", stored);
        Assert.Contains("\"$ref\"", stored);

        // The silo of this build replaces the old one on the same database.
        before.Kill();
        var compactSilo = await deployment.StartSiloAsync("json-compact");
        var story = await Eventually.WaitAsync(() => staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}"), _ => true,
            TimeSpan.FromSeconds(30), "the story through the new silo");
        var card = story.GetProperty("card");
        Assert.Equal("Drafting", card.Stage());
        Assert.Equal(staff.IdOf("editor"), card.GetProperty("assignees")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, card.GetProperty("draftVersion").GetInt32());
        Assert.Equal("<p>正文</p>", story.GetProperty("draft").GetProperty("bodyHtml").GetString());
        Assert.Equal("采访提纲", story.GetProperty("materials")[0].GetProperty("text").GetString());
        Assert.Equal(["File", "Confirm", "Assign", "SaveDraft"],
            story.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("command").GetString()!).ToArray());

        var submitted = await staff.Editor.OkAsync(id, "submit");
        Assert.Equal("InReview", submitted.Stage());
        var compact = await PayloadAsync(deployment, id);
        Assert.DoesNotContain("\"$id\"", compact);
        Assert.DoesNotContain("\"$ref\"", compact);
        Assert.DoesNotContain("\"$values\"", compact);
        Assert.True(compact.Length * 2 < stored.Length, $"compact {compact.Length} bytes, Orleans' default {stored.Length} bytes");

        // And a silo writing Orleans' default (as every silo did before) reads the compact state: a rollback needs nothing.
        await deployment.StartSiloAsync("json-default-again", new Dictionary<string, string> { ["Silo__CompactGrainState"] = "false" });
        compactSilo.Kill();
        var approved = await Eventually.WaitAsync(async () => await staff.Reviewer(1).CommandAsync(id, "approve"), r => r.IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "the first approval through the third silo");
        Assert.Contains("\"$id\"", await PayloadAsync(deployment, id));
        Assert.Equal(2, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewLevel").GetInt32());
    }

    private static async Task<string> PayloadAsync(Deployment deployment, string id)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'article' AND GrainIdExtensionString = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return Encoding.UTF8.GetString((byte[])(await command.ExecuteScalarAsync())!);
    }
}
