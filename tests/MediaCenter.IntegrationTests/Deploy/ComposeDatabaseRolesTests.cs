using MediaCenter.Database;
using MediaCenter.Launcher;
using Npgsql;
using static MediaCenter.IntegrationTests.Deploy.DeployFiles;

namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>
/// deploy/compose/postgres/10-roles.sh without Docker: run as the postgres image runs it (as the server's administrator, on a
/// new database), it makes a migrator login that can apply every migration without being superuser, and an application
/// login that reads and writes the data but owns nothing and cannot act as the owner.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ComposeDatabaseRolesTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task The_compose_roles_script_gives_the_migrator_the_owner_role_and_the_processes_the_application_role_only()
    {
        var admin = new NpgsqlConnectionStringBuilder(await fixture.Postgres.CreateDatabaseAsync("roles"));
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (migrator, app) = ("mc_migrator_" + suffix, "mc_app_" + suffix);
        var (migratorPassword, appPassword) = ("Mig" + Guid.NewGuid().ToString("N"), "App" + Guid.NewGuid().ToString("N"));
        var script = PathOf("compose", "postgres", "10-roles.sh");
        var environment = new Dictionary<string, string>
        {
            ["POSTGRES_USER"] = admin.Username!,
            ["POSTGRES_DB"] = admin.Database!,
            ["PGHOST"] = admin.Host!,
            ["PGPORT"] = admin.Port.ToString(),
            ["PGPASSWORD"] = admin.Password ?? "",
            ["MEDIACENTER_MIGRATOR_LOGIN"] = migrator,
            ["MEDIACENTER_MIGRATOR_PASSWORD"] = migratorPassword,
            ["MEDIACENTER_APP_LOGIN"] = app,
            ["MEDIACENTER_APP_PASSWORD"] = appPassword,
        };
        try
        {
            // Twice: the second run (an existing volume, or a password change) must not fail on roles that exist.
            for (var run = 0; run < 2; run++)
            {
                var result = await ProcessRunner.RunAsync("sh", [script], environment: environment);
                Assert.True(result.Ok, result.Output);
            }

            // The migrator's login applies every migration (the compose migrator's MEDIACENTER_DB).
            var asMigrator = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = migrator, Password = migratorPassword }.ConnectionString;
            var report = await Migrator.MigrateAsync(asMigrator);
            Assert.Equal(Migration.Latest, report.CurrentVersion);

            // The processes' login (ConnectionStrings__MediaCenter): data yes, schema and logs' history no, never the owner.
            var asApp = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = app, Password = appPassword }.ConnectionString;
            await using var connection = new NpgsqlConnection(asApp);
            await connection.OpenAsync();
            Assert.Equal("f|t|f|f", await ScalarAsync(connection, $"""
                SELECT concat_ws('|', rolsuper, pg_has_role('{app}', '{DatabaseRoles.Application}', 'MEMBER'),
                                 pg_has_role('{app}', '{DatabaseRoles.Owner}', 'MEMBER'), rolcreaterole)
                  FROM pg_roles WHERE rolname = current_user
                """));
            Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*) FROM mc.audit_log WHERE false"));
            await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "CREATE TABLE mc.intruder (x int)"));
            await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "TRUNCATE mc.audit_log"));
            await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, $"SET ROLE {DatabaseRoles.Owner}"));

            // The migrator is no superuser either; the database is the owner role's.
            await using var owner = new NpgsqlConnection(asMigrator);
            await owner.OpenAsync();
            Assert.Equal("f|t", await ScalarAsync(owner, $"""
                SELECT concat_ws('|', r.rolsuper, pg_get_userbyid(d.datdba) = '{DatabaseRoles.Owner}')
                  FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()
                """));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await ScalarAsync(connection, $"ALTER DATABASE \"{admin.Database}\" OWNER TO CURRENT_USER");
            await ScalarAsync(connection, $"REASSIGN OWNED BY {migrator}, {app} TO CURRENT_USER");
            await ScalarAsync(connection, $"DROP OWNED BY {migrator}, {app}");
            await ScalarAsync(connection, $"DROP ROLE IF EXISTS {migrator}, {app}");
        }
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
