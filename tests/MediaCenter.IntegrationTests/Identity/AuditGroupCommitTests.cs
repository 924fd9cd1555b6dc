using System.Globalization;
using MediaCenter.Database.Data;
using MediaCenter.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Prometheus;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// The operation log's group commit (issue 21, B4): rows queued while a write is in flight are committed together by one INSERT,
/// in the order they were queued; each caller returns only once its own row is committed (the write-ahead guarantee), a failure
/// reaches the callers whose rows were not taken and no one else, and the rows still queued when the host stops are written.
/// Each test has a database of its own, written as the application role (as the web process does).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditGroupCommitTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Concurrent_operations_are_committed_together_in_order_and_each_caller_waits_for_its_row()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit_group");
        await using var db = DataAccess.CreateDataSource(fixture.Postgres.ApplicationConnectionString(owner));
        await using var audit = new AuditLog(db, TimeProvider.System);
        var batchesBefore = await MetricAsync("mediacenter_audit_batch_rows_count");

        // The log's table is locked, so the first row's INSERT waits; everything queued meanwhile goes in the next one.
        const int Callers = 200;
        Task<long>[] callers;
        await using (await LockAsync(owner))
        {
            callers = Enumerable.Range(0, Callers).Select(async n =>
            {
                await audit.OperationAsync(Entry("group", n, new Dictionary<string, object?> { ["method"] = "POST", ["Username"] = "u" + n }));
                // Returned: the row is there for anyone to read.
                return await Sql.LongAsync(owner, $"SELECT count(*) FROM mc.audit_log WHERE actor = 'group' AND target = '{n}'");
            }).ToArray();

            await Task.Delay(500);
            Assert.DoesNotContain(callers, c => c.IsCompleted);
            Assert.Equal(0, await Sql.LongAsync(owner, "SELECT count(*) FROM mc.audit_log"));
        }

        Assert.All(await Task.WhenAll(callers), found => Assert.Equal(1, found));
        Assert.Equal(Enumerable.Range(0, Callers).Select(n => n.ToString(CultureInfo.InvariantCulture)),
            await Sql.ColumnAsync(owner, "SELECT target FROM mc.audit_log WHERE actor = 'group' ORDER BY id"));
        // The first row on its own, the other 199 in one transaction (one INSERT): far fewer commits than rows.
        var transactions = await Sql.LongAsync(owner, "SELECT count(DISTINCT xmin::text) FROM mc.audit_log WHERE actor = 'group'");
        Assert.InRange(transactions, 1, 2);
        Assert.Equal(transactions, await MetricAsync("mediacenter_audit_batch_rows_count") - batchesBefore);
        // The details are written as they always were: the dictionary as System.Text.Json writes it, .NET names kept.
        Assert.Equal(["{\"method\": \"POST\", \"Username\": \"u7\"}"],
            await Sql.ColumnAsync(owner, "SELECT details::text FROM mc.audit_log WHERE actor = 'group' AND target = '7'"));
    }

    [Fact]
    public async Task A_failed_batch_fails_every_caller_in_it_and_the_next_batch_writes()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit_down");
        var name = new NpgsqlConnectionStringBuilder(owner).Database!;
        // Said from another database: this one will not take the connection that lets it take connections again.
        var server = new NpgsqlConnectionStringBuilder(owner) { Database = "postgres" }.ConnectionString;
        await using var db = DataAccess.CreateDataSource(fixture.Postgres.ApplicationConnectionString(owner));
        await using var audit = new AuditLog(db, TimeProvider.System);
        var failedBefore = await MetricAsync("mediacenter_audit_failed_total");

        // The log's database takes no connections: every row queued fails, and each caller is told.
        await Sql.ExecuteAsync(server, $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS false");
        const int Callers = 50;
        var callers = Enumerable.Range(0, Callers).Select(n => audit.OperationAsync(Entry("down", n))).ToArray();
        foreach (var caller in callers)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => caller);
            Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, refused.SqlState);
        }

        Assert.Equal(Callers, await MetricAsync("mediacenter_audit_failed_total") - failedBefore);

        // With the database back the writer goes on by itself: the next row is written, none of the failed ones is.
        await Sql.ExecuteAsync(server, $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS true");
        await audit.OperationAsync(Entry("up", 0));
        Assert.Equal(["up"], await Sql.ColumnAsync(owner, "SELECT actor FROM mc.audit_log"));
    }

    [Fact]
    public async Task A_row_the_database_refuses_fails_only_its_caller_and_its_batch_mates_are_written()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit_refuse");
        await Sql.ExecuteAsync(owner, """
            CREATE FUNCTION mc.refuse_mallory() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.actor = 'mallory' THEN RAISE EXCEPTION 'not this one'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_mallory BEFORE INSERT ON mc.audit_log FOR EACH ROW EXECUTE FUNCTION mc.refuse_mallory();
            """);
        await using var db = DataAccess.CreateDataSource(fixture.Postgres.ApplicationConnectionString(owner));
        await using var audit = new AuditLog(db, TimeProvider.System);

        Task[] callers;
        await using (await LockAsync(owner))
        {
            // One row waits on the lock; the next 20, two of them refused, are queued together behind it.
            callers = Enumerable.Range(0, 21).Select(n => audit.OperationAsync(Entry(n is 5 or 12 ? "mallory" : "alice", n))).ToArray();
            await Task.Delay(300);
        }

        for (var n = 0; n < callers.Length; n++)
        {
            if (n is 5 or 12)
            {
                Assert.Equal("P0001", (await Assert.ThrowsAsync<PostgresException>(() => callers[n])).SqlState);
            }
            else
            {
                await callers[n];
            }
        }

        Assert.Equal(Enumerable.Range(0, 21).Where(n => n is not (5 or 12)).Select(n => n.ToString(CultureInfo.InvariantCulture)),
            await Sql.ColumnAsync(owner, "SELECT target FROM mc.audit_log ORDER BY id"));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_take_the_rows_queued_with_it_along()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit_cancel");
        await using var db = DataAccess.CreateDataSource(fixture.Postgres.ApplicationConnectionString(owner));
        await using var audit = new AuditLog(db, TimeProvider.System);

        using var giveUp = new CancellationTokenSource();
        Task first, quitter, second, third;
        await using (await LockAsync(owner))
        {
            first = audit.OperationAsync(Entry("c", 0));
            await Task.Delay(200);
            quitter = audit.OperationAsync(Entry("c", 1), giveUp.Token);
            second = audit.OperationAsync(Entry("c", 2));
            third = audit.OperationAsync(Entry("c", 3));
            await giveUp.CancelAsync();
            // The caller that gave up is released at once, while the log is still busy.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
            Assert.False(second.IsCompleted);
        }

        await Task.WhenAll(first, second, third);
        Assert.Equal(["0", "2", "3"], await Sql.ColumnAsync(owner, "SELECT target FROM mc.audit_log ORDER BY id"));
    }

    [Fact]
    public async Task Rows_still_queued_when_the_host_stops_are_written_before_it_is_gone()
    {
        var owner = await fixture.Postgres.CreateMigratedDatabaseAsync("audit_stop");
        // The log as the processes have it: a singleton of the container, which the host disposes when it stops.
        var services = IdentityServices.CreateStandalone(fixture.Postgres.ApplicationConnectionString(owner));
        var audit = services.GetRequiredService<AuditLog>();

        const int Callers = 100;
        Task[] callers;
        Task stopped;
        await using (await LockAsync(owner))
        {
            callers = Enumerable.Range(0, Callers).Select(n => audit.OperationAsync(Entry("stop", n))).ToArray();
            stopped = services.DisposeAsync().AsTask();
            await Task.Delay(300);
            // Stopping waits for the queue; nothing is taken any more.
            Assert.False(stopped.IsCompleted);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => audit.OperationAsync(Entry("late", 0)));
        }

        // Stopped: every queued row is committed by then, and each caller is told its row was written.
        await stopped;
        Assert.Equal(Callers, await Sql.LongAsync(owner, "SELECT count(*) FROM mc.audit_log WHERE actor = 'stop'"));
        await Task.WhenAll(callers);
        Assert.Equal(0, await Sql.LongAsync(owner, "SELECT count(*) FROM mc.audit_log WHERE actor = 'late'"));
    }

    private static OperationEntry Entry(string actor, int n, IReadOnlyDictionary<string, object?>? details = null) =>
        new(actor, "POST /api/test", n.ToString(CultureInfo.InvariantCulture), "ok", "corr-" + n, "127.0.0.1", "tests", details);

    /// <summary>Holds the operation log's table locked (inserts wait) until disposed.</summary>
    private static async Task<NpgsqlConnection> LockAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("BEGIN; LOCK TABLE mc.audit_log IN EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>A value as this process's /metrics shows it (0 before it is first written).</summary>
    private static async Task<double> MetricAsync(string name)
    {
        using var text = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text);
        var line = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
