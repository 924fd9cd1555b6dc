using MediaCenter.Grains.Platform;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace MediaCenter.IntegrationTests.Cluster;

/// <summary>Real silo processes on a real PostgreSQL: membership, durable state, reminders, failover.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ClusterTests(IntegrationFixture fixture)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Two_silos_and_a_client_form_a_cluster_through_the_membership_table()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("alpha");
        await deployment.StartSiloAsync("beta");
        var client = await deployment.ConnectClientAsync();

        var hosts = await Eventually.WaitAsync(
            () => client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true),
            h => h.Length == 2, TimeSpan.FromSeconds(30), "two active silos");
        Assert.Equal(["alpha", "beta"], hosts.Select(h => h.SiloName).Order());

        var rows = await MembershipAsync(deployment);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(3, r.Status)); // 3 = Active
        Assert.All(rows, r => Assert.True(r.ProxyPort > 0));
    }

    [Fact]
    public async Task Grain_state_survives_a_silo_restart()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("first");
        var client = await deployment.ConnectClientAsync();
        var sequence = client.GetGrain<ISequenceGrain>("article/2026");
        Assert.Equal(1, await sequence.NextAsync("op-1"));
        Assert.Equal(2, await sequence.NextAsync("op-2"));

        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
        await deployment.StartSiloAsync("second");
        var client2 = await deployment.ConnectClientAsync();
        var again = client2.GetGrain<ISequenceGrain>("article/2026");

        Assert.Equal(2, await again.PeekAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        // The applied operation ids were stored with the state: a retry after the restart is not applied twice.
        Assert.Equal(2, await again.NextAsync("op-2"));
        Assert.Equal(3, await again.NextAsync("op-3"));
    }

    [Fact]
    public async Task A_write_from_a_stale_version_surfaces_as_InconsistentStateException_and_the_grain_recovers()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("only");
        var client = await deployment.ConnectClientAsync();
        var sequence = client.GetGrain<ISequenceGrain>("incident/stale");
        Assert.Equal(1, await sequence.NextAsync("a"));

        // Another writer (a split-brain twin, an operator's fix) moves the stored row on: value 41, version + 1.
        await ExecuteAsync(deployment, """
            UPDATE OrleansStorage
               SET Version = Version + 1,
                   PayloadBinary = convert_to(replace(convert_from(PayloadBinary, 'UTF8'), '"Value":1', '"Value":41'), 'UTF8')
             WHERE GrainTypeString = 'sequence' AND GrainIdExtensionString = 'incident/stale'
            """);

        await Assert.ThrowsAsync<InconsistentStateException>(() => sequence.NextAsync("b"));

        // The grain re-read what is really stored, so the retry continues from the other writer's value.
        Assert.Equal(42, await sequence.NextAsync("b"));
    }

    [Fact]
    public async Task A_reminder_fires_and_fires_again_after_the_silo_restarts()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("r1");
        var client = await deployment.ConnectClientAsync();
        var pulse = client.GetGrain<IClusterPulseGrain>(IClusterPulseGrain.DefaultKey);

        var before = await Eventually.WaitAsync(() => pulse.GetStatusAsync(), s => s.Ticks >= 1, TimeSpan.FromSeconds(30), "a first pulse tick");
        Assert.Equal("r1", before.LastSilo);
        Assert.Equal(1, await ScalarAsync<long>(deployment, "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'pulse'"));

        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
        await deployment.StartSiloAsync("r2");
        var client2 = await deployment.ConnectClientAsync();
        var after = await Eventually.WaitAsync(
            () => client2.GetGrain<IClusterPulseGrain>(IClusterPulseGrain.DefaultKey).GetStatusAsync(),
            s => s.Ticks > before.Ticks && s.LastSilo == "r2", TimeSpan.FromSeconds(30), "a tick on the restarted silo");

        Assert.True(after.Ticks > before.Ticks);
        Assert.Equal(before.FirstTickAt, after.FirstTickAt);
    }

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_is_declared_dead_and_its_grains_reactivate_on_the_survivor()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silos = new[] { await deployment.StartSiloAsync("s1"), await deployment.StartSiloAsync("s2") };
        var client = await deployment.ConnectClientAsync();
        var management = client.GetGrain<IManagementGrain>(0);
        await Eventually.WaitAsync(() => management.GetHosts(onlyActive: true), h => h.Count == 2, TimeSpan.FromSeconds(30), "two silos");

        var grains = Enumerable.Range(0, 40).Select(i => client.GetGrain<ISequenceGrain>($"kill/{i}")).ToList();
        foreach (var grain in grains)
        {
            await grain.NextAsync("first");
        }

        var placement = new Dictionary<ISequenceGrain, SiloAddress>();
        foreach (var grain in grains)
        {
            placement[grain] = (await management.GetActivationAddress(grain))!;
        }

        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var victimAddress = placement.Values.GroupBy(a => a).OrderByDescending(g => g.Count()).First().Key;
        var victimName = hosts.Single(h => h.SiloAddress.Equals(victimAddress)).SiloName;
        var victim = silos.Single(s => s["Silo__Name"] == victimName);
        var orphans = placement.Where(p => p.Value.Equals(victimAddress)).Select(p => p.Key).ToList();
        Assert.NotEmpty(orphans);

        victim.Kill();

        var rows = await Eventually.WaitAsync(() => MembershipAsync(deployment),
            r => r.Any(x => x.SiloName == victimName && x.Status == 6), TimeSpan.FromSeconds(60), "the killed silo declared dead");
        Assert.Contains(rows, r => r.SiloName != victimName && r.Status == 3);

        foreach (var grain in orphans)
        {
            var value = await Eventually.WaitAsync(() => grain.PeekAsync().WaitAsync(CallTimeout), _ => true, TimeSpan.FromSeconds(60), "the grain to answer again");
            Assert.Equal(1, value);
            var now = await management.GetActivationAddress(grain);
            Assert.NotNull(now);
            Assert.NotEqual(victimAddress, now);
        }
    }

    private sealed record MembershipRow(string SiloName, int Status, int ProxyPort);

    private static async Task<List<MembershipRow>> MembershipAsync(Deployment deployment)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT SiloName, Status, ProxyPort FROM OrleansMembershipTable WHERE DeploymentId = @id", connection);
        command.Parameters.AddWithValue("id", deployment.ClusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new MembershipRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(Deployment deployment, string sql)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<T> ScalarAsync<T>(Deployment deployment, string sql)
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
