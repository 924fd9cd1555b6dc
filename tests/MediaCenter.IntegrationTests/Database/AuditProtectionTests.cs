using MediaCenter.Database;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// The logs the application writes cannot be rewritten by it (issue 15, finding 8): the processes log in as the application role,
/// which may only append to and read the operation log, the login log and the early warnings; triggers refuse UPDATE, DELETE and
/// TRUNCATE even to their owner; and the application role cannot disable those triggers.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditProtectionTests(IntegrationFixture fixture)
{
    private static readonly string[] Logs = ["mc.audit_log", "mc.login_log", "mc.security_alerts"];

    private static readonly Dictionary<string, string> Inserts = new()
    {
        ["mc.audit_log"] = "INSERT INTO mc.audit_log (actor, action, result) VALUES ('alice', 'test', 'ok')",
        ["mc.login_log"] = "INSERT INTO mc.login_log (username, success, reason, method) VALUES ('alice', true, 'ok', 'token')",
        ["mc.security_alerts"] = "INSERT INTO mc.security_alerts (kind, subject, message) VALUES ('test', 'alice', 'm')",
    };

    private static async Task<PostgresException?> TryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task The_application_role_may_append_to_and_read_the_logs_and_nothing_more()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit");
        var app = fixture.Postgres.ApplicationConnectionString(owner);

        foreach (var log in Logs)
        {
            Assert.Null(await TryAsync(app, Inserts[log]));
            Assert.Null(await TryAsync(app, $"SELECT count(*) FROM {log}"));
            foreach (var change in new[]
            {
                $"UPDATE {log} SET occurred_at = occurred_at", $"DELETE FROM {log}", $"TRUNCATE {log}",
                $"ALTER TABLE {log} DISABLE TRIGGER ALL", $"DROP TRIGGER {log[3..]}_append_only ON {log}", $"ALTER TABLE {log} OWNER TO CURRENT_USER",
            })
            {
                var refused = await TryAsync(app, change);
                Assert.True(refused is not null, $"the application role may {change}");
                Assert.True(refused!.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{change}: {refused.SqlState} {refused.MessageText}");
            }
        }

        // It is no owner and no superuser, cannot become the owner, and still does its ordinary work on the other tables.
        Assert.Null(await TryAsync(app, "UPDATE mc.users SET display_name = display_name"));
        Assert.Null(await TryAsync(app, "DELETE FROM mc.api_tokens WHERE false"));
        Assert.NotNull(await TryAsync(app, $"SET ROLE {DatabaseRoles.Owner}"));
        Assert.NotNull(await TryAsync(app, "CREATE TABLE mc.intruder (id int)"));
        Assert.NotNull(await TryAsync(app, "UPDATE public.mediacenter_schema_migrations SET checksum = checksum"));
    }

    [Fact]
    public async Task The_logs_refuse_edits_deletes_and_truncation_even_to_their_owner()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit");
        foreach (var log in Logs)
        {
            Assert.Null(await TryAsync(owner, Inserts[log]));
            foreach (var change in new[] { $"UPDATE {log} SET occurred_at = occurred_at", $"DELETE FROM {log}", $"TRUNCATE {log}" })
            {
                var refused = await TryAsync(owner, change);
                Assert.True(refused is not null, $"the owner may {change}");
                Assert.Contains("append-only", refused!.MessageText);
            }
        }
    }

    [Fact]
    public async Task Every_table_belongs_to_the_owner_role_and_the_processes_log_in_as_the_application_role()
    {
        var shared = await fixture.SharedAsync();
        Assert.Empty(await Sql.ColumnAsync(shared.Deployment.ConnectionString, $"""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('mc', 'public') AND c.relkind IN ('r', 'p') AND c.relowner <> '{DatabaseRoles.Owner}'::regrole
            """));

        // Every connection the running silo and web hold (the test's own are the administrator's) is the application role's.
        var logins = await Sql.ColumnAsync(shared.Deployment.ConnectionString, """
            SELECT DISTINCT a.usename || ':' || r.rolsuper || ':' || pg_has_role(a.usename, 'mediacenter_app', 'MEMBER') || ':'
                   || pg_has_role(a.usename, 'mediacenter_owner', 'MEMBER')
              FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
             WHERE a.datname = current_database() AND a.usename <> current_user
            """);
        var login = Assert.Single(logins);
        Assert.EndsWith(":false:true:false", login, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_missing_below_an_applied_one_makes_the_database_not_current()
    {
        var database = await fixture.Postgres.CreateMigratedDatabaseAsync("gap");
        Assert.True((await Migrator.GetStatusAsync(database)).IsCurrent);
        Assert.Null(await TryAsync(database, "DELETE FROM public.mediacenter_schema_migrations WHERE version = 5"));

        var status = await Migrator.GetStatusAsync(database);
        Assert.Equal(4, status.CurrentVersion);
        Assert.False(status.IsCurrent);
    }

}
