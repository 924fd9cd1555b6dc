using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// Migration 0057: every event already in the log gets its rows in <c>mc.event_log_people</c>, one per person it concerns, and
/// every event appended afterwards gets them in its own transaction.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EventLogByPersonMigrationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Events_written_before_the_migration_are_indexed_by_person_and_new_events_are_indexed_as_they_are_appended()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await using var db = NpgsqlDataSource.Create(deployment.ConnectionString);
        // The database as it was before 0057: the array's index, no per-person table.
        await MigrationSql.ExecuteAsync(db, """
            DROP TRIGGER event_log_people_rows ON mc.event_log;
            DROP FUNCTION mc.event_log_people_rows();
            DROP TABLE mc.event_log_people;
            CREATE INDEX event_log_people ON mc.event_log USING gin (people);
            """);
        var (editor, reviewer) = (Guid.NewGuid(), Guid.NewGuid());
        await InsertAsync(db, "before-1", [editor, reviewer]);
        await InsertAsync(db, "before-2", [reviewer]);
        await InsertAsync(db, "before-3", []);

        await MigrationSql.RunAsync(db, 57);

        Assert.Equal(["before-1"], await EntitiesOfAsync(db, editor));
        Assert.Equal(["before-1", "before-2"], await EntitiesOfAsync(db, reviewer));
        await InsertAsync(db, "after-1", [editor, editor]);
        Assert.Equal(["before-1", "after-1"], await EntitiesOfAsync(db, editor));
        Assert.Equal(0L, await MigrationSql.ScalarAsync<long>(db, """
            SELECT count(*) FROM mc.event_log_people p JOIN mc.event_log e ON e.id = p.id WHERE p.tx <> e.tx OR p.entity_type <> e.entity_type
            """));
    }

    private static Task InsertAsync(NpgsqlDataSource db, string entity, Guid[] people) => MigrationSql.ExecuteAsync(db, """
        INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at, payload, people)
        VALUES ('article', @entity, 1, 'File', now(), '{}', @people)
        """, ("entity", entity), ("people", people));

    private static async Task<string[]> EntitiesOfAsync(NpgsqlDataSource db, Guid person)
    {
        await using var command = db.CreateCommand("""
            SELECT e.entity_id FROM mc.event_log_people p JOIN mc.event_log e ON e.id = p.id WHERE p.person = @person ORDER BY p.tx, p.id
            """);
        command.Parameters.AddWithValue("person", person);
        var entities = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entities.Add(reader.GetString(0));
        }

        return [.. entities];
    }
}
