using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Grains.Newsroom;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>Live boards over real SignalR, and scheduled publishing across a silo restart on real PostgreSQL.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class NewsroomLiveTests(IntegrationFixture fixture)
{
    private static HubConnection Hub(Uri web, HttpClient signedIn) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(web, "/hubs/live"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(signedIn.DefaultRequestHeaders.Authorization!.Parameter);
            })
            .Build();

    [Fact]
    public async Task A_board_receives_every_change_live_with_consecutive_versions_on_top_of_its_snapshot()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "nrl");
        var deltas = new List<JsonElement>();
        await using var hub = Hub(shared.Web.Http, staff.Chief);
        hub.On<JsonElement>("boardChanged", d =>
        {
            lock (deltas)
            {
                deltas.Add(d);
            }
        });
        await hub.StartAsync();
        Assert.True(await hub.InvokeAsync<bool>("WatchBoard", staff.Channel));
        await using var strangerHub = Hub(shared.Web.Http, staff.Stranger);
        await strangerHub.StartAsync();
        Assert.False(await strangerHub.InvokeAsync<bool>("WatchBoard", staff.Channel));

        var snapshot = await staff.Chief.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{staff.Channel}/board");
        var start = snapshot.GetProperty("version").GetInt64();
        var id = await staff.Editor.FileAsync(staff.Channel, "实时看板");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddHours(2) });

        var seen = await Eventually.WaitAsync(() => Task.FromResult(Snapshot(deltas)), d => d.Count >= 3, TimeSpan.FromSeconds(10), "three board deltas");
        var versions = seen.Select(d => d.GetProperty("version").GetInt64()).ToArray();
        Assert.Equal([start + 1, start + 2, start + 3], versions);
        Assert.Equal(["Pitched", "Confirmed", "Assigned"], seen.Select(d => d.GetProperty("card").GetProperty("stage").GetString()!).ToArray());
        Assert.All(seen, d => Assert.Equal(id, d.GetProperty("card").GetProperty("id").GetString()));

        var board = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{staff.Channel}/board");
        Assert.Equal(start + 3, board.GetProperty("version").GetInt64());
        Assert.Equal("Assigned", board.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).Stage());
    }

    private static List<JsonElement> Snapshot(List<JsonElement> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    [Fact]
    public async Task A_scheduled_publication_fires_after_its_only_silo_is_killed_and_another_starts()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("sched-1");
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "nrt");
        var id = await staff.Editor.FileAsync(staff.Channel, "定时发布");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new { baseVersion = 0, draft = new { kind = "ImageText", title = "定时发布", summary = "", bodyHtml = "<p>x</p>" } });
        await staff.Editor.OkAsync(id, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await staff.Reviewer(level).OkAsync(id, "approve");
        }

        var at = DateTimeOffset.UtcNow.AddSeconds(6);
        var scheduled = await staff.Chief.OkAsync(id, "schedule", new { at, targets = new[] { "Pc" } });
        Assert.Equal("Scheduled", scheduled.Stage());
        Assert.Equal(1, await ScalarAsync<long>(deployment, $"SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = '{ArticleGrainReminder}'"));

        // The only silo dies before the time comes, and stays down past it.
        silo.Kill();
        var wait = at - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        await deployment.StartSiloAsync("sched-2");

        await Eventually.WaitAsync(() => ScalarAsync<long>(deployment, $"SELECT count(*) FROM mc.publications WHERE article_id = '{id}' AND target = 'Pc' AND withdrawn_at IS NULL"),
            n => n == 1, TimeSpan.FromSeconds(90), "the scheduled story in the PC feed's table");
        var client = await deployment.ConnectClientAsync();
        var story = await client.GetGrain<IArticleGrain>(id).GetAsync();
        Assert.Equal(ArticleStage.Published, story!.Card.Stage);
        Assert.Equal("FireSchedule", story.History[^1].Command.ToString());
        Assert.True(story.Card.Targets.Single().PublishedAt >= at);
    }

    private const string ArticleGrainReminder = "publish";

    private static async Task<T> ScalarAsync<T>(Deployment deployment, string sql)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
