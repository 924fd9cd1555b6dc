using Npgsql;

namespace MediaCenter.Benchmarks;

/// <summary>
/// The queries Orleans' ADO.NET stream provider (Microsoft.Orleans.Streaming.AdoNet 10.4.2-alpha.1) runs, for PostgreSQL.
/// The package ships no schema (only its DLLs); the provider looks its six queries up in OrleansQuery by key, so this is
/// ours, written for B8 only: the product does not use the provider (docs/ARCHITECTURE.md says why).
/// </summary>
internal static class AdoNetStreamSchema
{
    private const string Keys = "serviceid = @ServiceId AND providerid = @ProviderId AND queueid = @QueueId";

    private const string Columns = "serviceid AS \"ServiceId\", providerid AS \"ProviderId\", queueid AS \"QueueId\", messageid AS \"MessageId\"";

    private const string AllColumns = Columns + ", dequeued AS \"Dequeued\", visibleon AS \"VisibleOn\", expireson AS \"ExpiresOn\", " +
        "createdon AS \"CreatedOn\", modifiedon AS \"ModifiedOn\", payload AS \"Payload\"";

    private const string Tables = """
        CREATE SEQUENCE orleans_stream_message_id;
        CREATE TABLE orleans_stream_message
        (
            serviceid text NOT NULL, providerid text NOT NULL, queueid text NOT NULL, messageid bigint NOT NULL,
            dequeued integer NOT NULL, visibleon timestamptz NOT NULL, expireson timestamptz NOT NULL,
            createdon timestamptz NOT NULL, modifiedon timestamptz NOT NULL, payload bytea NOT NULL,
            PRIMARY KEY (serviceid, providerid, queueid, messageid)
        );
        CREATE TABLE orleans_stream_dead_letter
        (
            serviceid text NOT NULL, providerid text NOT NULL, queueid text NOT NULL, messageid bigint NOT NULL,
            dequeued integer NOT NULL, visibleon timestamptz NOT NULL, expireson timestamptz NOT NULL,
            createdon timestamptz NOT NULL, modifiedon timestamptz NOT NULL, deadon timestamptz NOT NULL, removeon timestamptz NOT NULL,
            payload bytea NULL,
            PRIMARY KEY (serviceid, providerid, queueid, messageid)
        );
        """;

    // A message is dead when it was handed out too often or outlived its expiry, once its last hand-out timed out.
    private const string MoveDead = """
        WITH dead AS (
            DELETE FROM orleans_stream_message WHERE (serviceid, providerid, queueid, messageid) IN (
                SELECT serviceid, providerid, queueid, messageid FROM orleans_stream_message
                WHERE {0} AND visibleon <= now() AND (dequeued >= @MaxAttempts OR expireson <= now())
                ORDER BY messageid LIMIT {1} FOR UPDATE SKIP LOCKED)
            RETURNING *)
        INSERT INTO orleans_stream_dead_letter
        SELECT serviceid, providerid, queueid, messageid, dequeued, visibleon, expireson, createdon, modifiedon, now(),
               now() + @RemovalTimeout * interval '1 second', payload
        FROM dead
        """;

    private static readonly Dictionary<string, string> Queries = new()
    {
        ["QueueStreamMessageKey"] = $"""
            INSERT INTO orleans_stream_message
            VALUES (@ServiceId, @ProviderId, @QueueId, nextval('orleans_stream_message_id'), 0, now(),
                    now() + @ExpiryTimeout * interval '1 second', now(), now(), @Payload)
            RETURNING {Columns}
            """,
        // Hands out the next visible messages of the queue, in order, hidden for the visibility timeout.
        ["GetStreamMessagesKey"] = $"""
            WITH batch AS (
                SELECT messageid FROM orleans_stream_message
                WHERE {Keys} AND dequeued < @MaxAttempts AND visibleon <= now() AND expireson > now()
                ORDER BY messageid LIMIT @MaxCount FOR UPDATE SKIP LOCKED),
            taken AS (
                UPDATE orleans_stream_message m
                SET dequeued = m.dequeued + 1, visibleon = now() + @VisibilityTimeout * interval '1 second', modifiedon = now()
                FROM batch b
                WHERE m.serviceid = @ServiceId AND m.providerid = @ProviderId AND m.queueid = @QueueId AND m.messageid = b.messageid
                RETURNING m.*)
            SELECT {AllColumns} FROM taken ORDER BY messageid
            """,
        // Items: "messageId:dequeued|…"; a message handed out again since is not confirmed by an older hand-out.
        ["ConfirmStreamMessagesKey"] = $"""
            DELETE FROM orleans_stream_message m
            USING (SELECT split_part(v, ':', 1)::bigint AS messageid, split_part(v, ':', 2)::integer AS dequeued
                   FROM unnest(string_to_array(@Items, '|')) v) i
            WHERE m.serviceid = @ServiceId AND m.providerid = @ProviderId AND m.queueid = @QueueId
              AND m.messageid = i.messageid AND m.dequeued = i.dequeued
            RETURNING m.serviceid AS "ServiceId", m.providerid AS "ProviderId", m.queueid AS "QueueId", m.messageid AS "MessageId"
            """,
        ["FailStreamMessageKey"] = $"""
            UPDATE orleans_stream_message SET visibleon = now(), modifiedon = now()
            WHERE {Keys} AND messageid = @MessageId AND dequeued < @MaxAttempts;
            WITH dead AS (
                DELETE FROM orleans_stream_message WHERE {Keys} AND messageid = @MessageId AND dequeued >= @MaxAttempts RETURNING *)
            INSERT INTO orleans_stream_dead_letter
            SELECT serviceid, providerid, queueid, messageid, dequeued, visibleon, expireson, createdon, modifiedon, now(),
                   now() + @RemovalTimeout * interval '1 second', payload
            FROM dead
            """,
        ["EvictStreamMessagesKey"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, MoveDead, Keys, "@BatchSize"),
        ["EvictStreamDeadLettersKey"] = $"""
            DELETE FROM orleans_stream_dead_letter WHERE (serviceid, providerid, queueid, messageid) IN (
                SELECT serviceid, providerid, queueid, messageid FROM orleans_stream_dead_letter
                WHERE {Keys} AND removeon <= now() ORDER BY messageid LIMIT @BatchSize)
            """,
    };

    /// <summary>Creates the tables and registers the queries in a migrated MediaCenter database.</summary>
    public static async Task CreateAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var tables = db.CreateCommand(Tables))
        {
            await tables.ExecuteNonQueryAsync();
        }

        foreach (var (key, text) in Queries)
        {
            await using var insert = db.CreateCommand("INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)");
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("text", text);
            await insert.ExecuteNonQueryAsync();
        }
    }
}
