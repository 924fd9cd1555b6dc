using MediaCenter.Database;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

[Collection(IntegrationCollection.Name)]
public sealed class MigrationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Migrations_apply_twice_without_error_and_report_the_schema_version()
    {
        var db = await fixture.Postgres.CreateDatabaseAsync("mig");
        Assert.Equal(0, (await Migrator.GetStatusAsync(db)).CurrentVersion);

        var first = await Migrator.MigrateAsync(db);
        var second = await Migrator.MigrateAsync(db);

        Assert.Equal(0, first.PreviousVersion);
        Assert.Equal(Migration.Latest, first.CurrentVersion);
        Assert.Equal(Migration.All.Count, first.Applied.Count);
        Assert.Empty(second.Applied);
        Assert.Equal(Migration.Latest, second.CurrentVersion);
        var status = await Migrator.GetStatusAsync(db);
        Assert.True(status.IsCurrent);
        Assert.Equal(Migration.Latest, status.CurrentVersion);
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_once()
    {
        var db = await fixture.Postgres.CreateDatabaseAsync("mig");
        var reports = await Task.WhenAll(Migrator.MigrateAsync(db), Migrator.MigrateAsync(db), Migrator.MigrateAsync(db));

        Assert.Equal(Migration.All.Count, reports.Sum(r => r.Applied.Count));
        Assert.All(reports, r => Assert.Equal(Migration.Latest, r.CurrentVersion));
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_is_refused()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("mig");
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("UPDATE public.mediacenter_schema_migrations SET checksum = 'x' WHERE version = 1", connection);
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator.MigrateAsync(db));
        Assert.Contains("changed after it was applied", error.Message);
    }

    [Fact]
    public async Task The_audit_log_cannot_be_edited_or_deleted()
    {
        var db = await fixture.Postgres.CreateMigratedDatabaseAsync("mig");
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO mc.audit_log (actor, action, result) VALUES ('alice', 'test', 'ok')", connection))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await using var update = new NpgsqlCommand("UPDATE mc.audit_log SET result = 'forged'", connection);
        var updateError = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Contains("append-only", updateError.MessageText);
        await using var delete = new NpgsqlCommand("DELETE FROM mc.audit_log", connection);
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_silo_refuses_to_start_when_the_database_is_behind()
    {
        var db = await fixture.Postgres.CreateDatabaseAsync("behind");
        await using var deployment = new Deployment(db);

        var silo = await deployment.StartSiloAsync("behind", waitReady: false);
        await silo.Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.NotEqual(0, silo.Process.ExitCode);
        var log = silo.Process.Tail(80);
        Assert.Contains($"this build needs version {Migration.Latest}", log);
        Assert.Contains("./mediacenter db migrate", log);
    }
}
