using MediaCenter.Grains.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>A hot event's window opens and closes although the only silo died before it opened: the reminder in PostgreSQL.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class HotEventDurabilityTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task An_acknowledged_event_opens_and_closes_after_its_only_silo_is_killed_and_another_starts()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("hot-1");
        var before = await deployment.ConnectClientAsync();
        var id = "he-" + Guid.NewGuid().ToString("N")[..20];
        var party = new HotEventActor(Guid.NewGuid(), "接入方", HotEventRole.Party);
        var starts = DateTimeOffset.UtcNow.AddSeconds(4);
        var ends = starts.AddSeconds(20);
        var registered = await before.GetGrain<IHotEventGrain>(id).ExecuteAsync(new HotEventCommand.Register
        {
            PartyId = "durable-party",
            Title = "重启也要准时",
            Policy = "政策",
            StartsAt = starts,
            EndsAt = ends,
            Channels = ["durable-home"],
            Qa = [new HotEventQa("问", "答")],
        }, party, "register");
        Assert.True(registered.Ok, registered.Message);
        var acknowledged = await before.GetGrain<IHotEventGrain>(id).ExecuteAsync(new HotEventCommand.Acknowledge(),
            new HotEventActor(Guid.NewGuid(), "运营", HotEventRole.Operator), "ack");
        Assert.Equal(HotEventStatus.Acknowledged, acknowledged.Status);
        Assert.Equal(1L, await ScalarAsync<long>(deployment, "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'hot-window'"));

        // The only silo dies before the window opens and stays down past the opening.
        silo.Kill();
        var wait = starts - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        await deployment.StartSiloAsync("hot-2");

        await Eventually.WaitAsync(() => ScalarAsync<string>(deployment, $"SELECT status FROM mc.hot_events WHERE id = '{id}'"), s => s == "Active",
            TimeSpan.FromSeconds(60), "the event to open on the new silo");
        var client = await deployment.ConnectClientAsync();
        Assert.Contains((await client.GetGrain<IHotModeGrain>(0).GetAsync()).Events, e => e.Id == id && e.Status == HotEventStatus.Active);
        await Eventually.WaitAsync(() => ScalarAsync<string>(deployment, $"SELECT status FROM mc.hot_events WHERE id = '{id}'"), s => s == "Ended",
            TimeSpan.FromSeconds(60), "the event to close");

        // The state written by the first silo was read back from PostgreSQL by the second.
        var view = (await client.GetGrain<IHotEventGrain>(id).GetAsync())!;
        Assert.Equal([HotEventCommandType.Register, HotEventCommandType.Acknowledge, HotEventCommandType.Start, HotEventCommandType.End],
            view.History.Select(h => h.Command).ToArray());
        Assert.True(view.History[2].At >= starts && view.History[3].At >= ends);
        Assert.Equal(["问"], view.Qa.Select(q => q.Question).ToArray());
        Assert.DoesNotContain((await client.GetGrain<IHotModeGrain>(0).GetAsync()).Events, e => e.Id == id);
        Assert.Equal(0L, await ScalarAsync<long>(deployment, "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'hot-window'"));
    }

    private static async Task<T> ScalarAsync<T>(Deployment deployment, string sql)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
