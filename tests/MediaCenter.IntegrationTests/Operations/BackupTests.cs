using System.Net;
using System.Net.Http.Json;
using MediaCenter.Database;
using MediaCenter.Grains.Platform;
using MediaCenter.Identity;
using MediaCenter.Launcher;
using Npgsql;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>Backups (异地备份) with pg_dump, verified restores into a fresh database, retention.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class BackupTests(IntegrationFixture fixture) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mc-backups-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly string[] Tables =
    [
        "mc.access_parties", "mc.users", "mc.channels", "mc.terminals", "mc.terminal_credentials", "mc.audit_log", "mc.login_log",
        "mc.event_log", "mc.data_protection_keys", "mc.articles", "mc.article_versions", "mc.incidents", "orleansstorage", "orleansreminderstable",
    ];

    [Fact]
    public async Task A_backup_restores_into_a_fresh_database_with_accounts_terminals_logs_and_grain_state()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        await deployment.Identity.PartyAsync("bk-party");
        var person = await deployment.Identity.PartyUserAsync("bk-admin", "bk-party", PartyRoles.Admin, new PersonalData("13900002222", null, null));
        using (var admin = await TestIdentity.SignInAsync(web.Http, "bk-admin"))
        {
            var registered = await admin.PostAsJsonAsync("/api/terminals", new { id = "bk-t1", name = "备份终端", kind = "Kiosk", region = "东区", heartbeatIntervalSeconds = 30 });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        // A story in the newsroom and an incident on the desk.
        await using (var staff = await Newsroom.NewsroomStaff.CreateAsync(deployment, web.Http, "bkn"))
        {
            await Newsroom.NewsroomCalls.FileAsync(staff.Editor, staff.Channel, "备份中的稿件");
            await Incidents.IncidentCalls.ReportAsync(staff.Operator, new { title = "备份前的故障", severity = "P3", partyId = "bkn" });
        }

        var client = await deployment.ConnectClientAsync();
        Assert.Equal(1, await client.GetGrain<ISequenceGrain>("incident/bk").NextAsync("first"));
        await Eventually.WaitAsync(() => CountsAsync(deployment.ConnectionString), c => c["mc.articles"] > 0 && c["mc.incidents"] > 0,
            TimeSpan.FromSeconds(15), "the story and the incident in their tables");
        var before = await CountsAsync(deployment.ConnectionString);

        var file = await Backups.BackupAsync(deployment.ConnectionString, _directory, keep: 3, TimeProvider.System);
        var restoredName = "restored_" + Guid.NewGuid().ToString("N")[..8];
        await Backups.RestoreAsync(deployment.ConnectionString, file, restoredName);

        var restored = new NpgsqlConnectionStringBuilder(deployment.ConnectionString) { Database = restoredName }.ConnectionString;
        Assert.Equal(before, await CountsAsync(restored));
        Assert.True((await Migrator.GetStatusAsync(restored)).IsCurrent);
        foreach (var table in new[]
                 {
                     "mc.users", "mc.terminals", "mc.terminal_credentials", "mc.audit_log", "mc.login_log", "mc.data_protection_keys", "mc.articles",
                     "mc.incidents", "orleansstorage",
                 })
        {
            Assert.True(before[table] > 0, $"{table} was empty before the backup: the test proves nothing about it");
        }

        // Encrypted personal data is readable again: the key ring came along.
        await using var restoredIdentity = new TestIdentity(restored);
        Assert.Equal("13900002222", (await restoredIdentity.Users.GetPersonalDataAsync(person))!.Phone);
    }

    [Fact]
    public async Task Retention_keeps_the_newest_backups_and_a_damaged_or_misdirected_restore_is_refused()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("bk");
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            files.Add(await Backups.BackupAsync(db, _directory, keep: 2, TimeProvider.System));
            await Task.Delay(20);
        }

        var kept = Directory.GetFiles(_directory, "*.dump").Order().ToList();
        Assert.Equal(files.Skip(1), kept);
        Assert.All(kept, f => Assert.True(File.Exists(f + ".sha256")));

        var existing = new NpgsqlConnectionStringBuilder(db).Database!;
        var intoExisting = await Assert.ThrowsAsync<InvalidOperationException>(() => Backups.RestoreAsync(db, kept[^1], existing));
        Assert.Contains("fresh database", intoExisting.Message);

        await using (var stream = new FileStream(kept[^1], FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(stream.Length / 2, SeekOrigin.Begin);
            var b = stream.ReadByte();
            stream.Seek(-1, SeekOrigin.Current);
            stream.WriteByte((byte)(b ^ 0xFF));
        }

        var damaged = await Assert.ThrowsAsync<InvalidOperationException>(() => Backups.RestoreAsync(db, kept[^1], "never_" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Contains("does not match its checksum", damaged.Message);
    }

    private static async Task<SortedDictionary<string, long>> CountsAsync(string connectionString)
    {
        var counts = new SortedDictionary<string, long>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }

        return counts;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
