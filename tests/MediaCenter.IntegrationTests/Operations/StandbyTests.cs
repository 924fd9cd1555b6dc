using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Database;
using MediaCenter.IntegrationTests.Newsroom;
using MediaCenter.Launcher;
using Npgsql;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>
/// 主备模式: a streaming-replication standby follows the primary while the system runs on it; the primary is lost; the standby
/// is promoted and the system, started against it, has every acknowledged story and takes new work.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class StandbyTests : IAsyncLifetime
{
    // Under /tmp with mode 755 so the postgres user can reach it when tests run as root.
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mc-standby-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresCluster? _primary;
    private PostgresCluster? _standby;

    [Fact]
    public async Task A_promoted_standby_has_every_acknowledged_story_and_the_system_runs_on_it()
    {
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        _primary = new PostgresCluster(Path.Combine(_root, "primary"), FreePorts.Next());
        await _primary.StartAsync();
        await Migrator.MigrateAsync(_primary.ConnectionString);

        var clock = Stopwatch.StartNew();
        _standby = await _primary.CreateStandbyAsync(Path.Combine(_root, "standby"), FreePorts.Next());
        await _standby.StartAsync();
        var standbyReady = clock.Elapsed;
        Assert.True(await _standby.IsStandbyAsync());

        // The system works on the primary; what it acknowledges streams to the standby.
        var filed = new List<string>();
        await using (var deployment = new Deployment(_primary.ConnectionString))
        {
            await deployment.StartSiloAsync("primary-silo");
            var web = await deployment.StartWebAsync("primary-web");
            await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "sby");
            for (var i = 0; i < 5; i++)
            {
                filed.Add(await staff.Editor.FileAsync(staff.Channel, $"主备稿件 {i}"));
            }

            await staff.Chief.OkAsync(filed[0], "confirm");
            await Eventually.WaitAsync(() => CountAsync(_primary.ConnectionString, filed), n => n == filed.Count, TimeSpan.FromSeconds(15), "stories in the primary's read model");
        }

        // Caught up: the standby has replayed everything the primary wrote, and refuses writes of its own.
        var lag = Stopwatch.StartNew();
        var primaryLsn = await ScalarAsync<string>(_primary.ConnectionStringFor("postgres"), "SELECT pg_current_wal_lsn()::text");
        await Eventually.WaitAsync(() => ScalarAsync<bool>(_standby.ConnectionStringFor("postgres"), $"SELECT pg_last_wal_replay_lsn() >= '{primaryLsn}'::pg_lsn"),
            caughtUp => caughtUp, TimeSpan.FromSeconds(30), "the standby replaying up to the primary's position");
        var caughtUpIn = lag.Elapsed;
        Assert.Equal(filed.Count, await CountAsync(_standby.ConnectionString, filed));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(_standby.ConnectionString, "INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at) VALUES ('x', 'x', 1, 'x', now()) RETURNING 1"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);

        // The primary is lost; the standby is promoted.
        await _primary.StopAsync("immediate");
        NpgsqlConnection.ClearAllPools();
        clock.Restart();
        await _standby.PromoteAsync();
        var promotedIn = clock.Elapsed;
        Assert.False(await _standby.IsStandbyAsync());

        // The system, pointed at the promoted standby, has every story and takes new work.
        await using (var deployment = new Deployment(_standby.ConnectionString))
        {
            await deployment.StartSiloAsync("standby-silo");
            var web = await deployment.StartWebAsync("standby-web");
            using var editor = await TestIdentity.SignInAsync(web.Http, "sby-editor");
            foreach (var id in filed)
            {
                var story = await editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
                Assert.Equal(id == filed[0] ? "Confirmed" : "Pitched", story.GetProperty("card").GetProperty("stage").GetString());
            }

            var after = await editor.FileAsync("sby-home", "切换后的第一篇");
            Assert.Equal("Pitched", (await editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{after}")).GetProperty("card").GetProperty("stage").GetString());
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"standby: base backup + start {standbyReady.TotalSeconds:0.0} s; caught up with the primary {caughtUpIn.TotalMilliseconds:0} ms after the last write was checked; " +
            $"promoted in {promotedIn.TotalSeconds:0.0} s; {filed.Count}/{filed.Count} acknowledged stories on the promoted standby, 0 lost; new work accepted"));
    }

    private static async Task<long> CountAsync(string connectionString, List<string> ids)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT count(*) FROM mc.articles WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls DisposeAsync of an IAsyncDisposable test class, which is how
    // this test used to leave its primary and standby servers running.
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var cluster in new[] { _standby, _primary })
        {
            if (cluster is not null)
            {
                await cluster.StopAsync("immediate");
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
