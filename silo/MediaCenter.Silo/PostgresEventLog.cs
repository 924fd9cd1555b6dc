using System.Text.Json;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using Npgsql;
using NpgsqlTypes;
using Orleans.Streams;
using Prometheus;

namespace MediaCenter.Silo;

/// <summary>
/// The one writer of <c>mc.event_log</c>, and its reader. Appending is idempotent per (domain, entity, version): the row
/// a retry or a grain's replay finds already there is neither written nor published again. A row just appended is then
/// published on the domain streams (the entity's stream and each concerned person's); a failed publication is only
/// logged and counted, because consumers read the log back from their checkpoints (<see cref="IEventLogReader"/>).
/// </summary>
internal sealed partial class PostgresEventLog(NpgsqlDataSource db, IServiceProvider services, ILogger<PostgresEventLog> logger) : IEventLogReader
{
    private const string AppendSql = """
        INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload, people)
        VALUES (@domain, @entity, @version, @type, @actor, @at, @payload, @people)
        ON CONFLICT (entity_type, entity_id, version) DO NOTHING
        RETURNING tx, id
        """;

    private static readonly Counter Published = Metrics.CreateCounter("mediacenter_domain_events_published_total",
        "Domain events appended to mc.event_log and published on the domain streams, by domain and outcome (ok, failed).", "domain", "outcome");

    private IStreamProvider? _streams;

    private IStreamProvider Streams => _streams ??= services.GetRequiredKeyedService<IStreamProvider>(DomainStreams.Provider);

    /// <summary>Appends the event in a statement of its own, then publishes it (unless the log held it already).</summary>
    public async Task AppendAsync(DomainEvent e, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        if (await InsertAsync(e, connection, transaction: null, cancellationToken) is { } appended)
        {
            await PublishAsync(appended);
        }
    }

    /// <summary>
    /// Appends the event inside the caller's transaction and returns it with its position, or null when the log held it
    /// already. The caller publishes it (<see cref="PublishAsync"/>) once the transaction committed, never before.
    /// </summary>
    public Task<DomainEvent?> AppendAsync(DomainEvent e, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken = default) =>
        InsertAsync(e, connection, transaction, cancellationToken);

    /// <summary>
    /// The append of <paramref name="e"/> as one command of the caller's batch (which runs in one transaction); its result
    /// is read by <see cref="AppendedAsync"/>. The caller publishes what was appended once the batch committed.
    /// </summary>
    public static NpgsqlBatchCommand AppendCommand(DomainEvent e)
    {
        var command = new NpgsqlBatchCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter("domain", e.Domain));
        command.Parameters.Add(new NpgsqlParameter("entity", e.EntityId));
        command.Parameters.Add(new NpgsqlParameter("version", e.Version));
        command.Parameters.Add(new NpgsqlParameter("type", e.EventType));
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)e.ActorName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("at", e.At));
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = PersistedJson.Serialize(e) });
        command.Parameters.Add(new NpgsqlParameter("people", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = e.People.ToArray() });
        return command;
    }

    /// <summary>
    /// The result of an <see cref="AppendCommand"/> the reader is at: the event with its position, or null when the log held it
    /// already. Moves the reader on to the next command's result.
    /// </summary>
    public static async Task<DomainEvent?> AppendedAsync(DomainEvent e, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        DomainEvent? appended = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            appended = e with { Position = new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) };
        }

        await reader.NextResultAsync(cancellationToken);
        return appended;
    }

    /// <summary>Publishes an appended event on its entity stream and on the people stream of everyone it concerns.</summary>
    public async Task PublishAsync(DomainEvent e)
    {
        try
        {
            var sends = new List<Task> { Streams.GetStream<DomainEvent>(StreamId.Create(DomainStreams.Entities(e.Domain), e.EntityId)).OnNextAsync(e) };
            sends.AddRange(e.People.Select(person => Streams.GetStream<DomainEvent>(StreamId.Create(DomainStreams.People(e.Domain), person)).OnNextAsync(e)));
            await Task.WhenAll(sends);
            Published.WithLabels(e.Domain, "ok").Inc();
        }
        catch (Exception ex)
        {
            Published.WithLabels(e.Domain, "failed").Inc();
            LogPublishFailed(logger, e.Domain, e.EntityId, e.Version, ex.Message);
        }
    }

    /// <summary>The latest event of an entity before <paramref name="version"/>, or null (none, or written before the typed events).</summary>
    public async Task<T?> PreviousAsync<T>(string domain, string entityId, long version, CancellationToken cancellationToken = default)
        where T : DomainEvent
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var payload = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
            SELECT coalesce(d.payload, e.payload)::text FROM mc.event_log e LEFT JOIN mc.event_log_display d ON d.id = e.id
            WHERE e.entity_type = @domain AND e.entity_id = @entity AND e.version < @version
            ORDER BY e.version DESC LIMIT 1
            """, new { domain, entity = entityId, version }, cancellationToken: cancellationToken));
        return payload is null ? null : Read<T>(payload);
    }

    /// <summary>Every event of an entity, oldest first (rows written before the typed events are left out).</summary>
    public async Task<IReadOnlyList<T>> HistoryAsync<T>(string domain, string entityId, CancellationToken cancellationToken = default)
        where T : DomainEvent
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // An entry written before its area wrote catalogue messages is read as mc.event_log_display keeps it for people (0051).
        var payloads = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT coalesce(d.payload, e.payload)::text FROM mc.event_log e LEFT JOIN mc.event_log_display d ON d.id = e.id
             WHERE e.entity_type = @domain AND e.entity_id = @entity ORDER BY e.version
            """, new { domain, entity = entityId }, cancellationToken: cancellationToken));
        return payloads.Select(Read<T>).OfType<T>().ToList();
    }

    public async Task<EventLogPage> ReadAsync(Guid person, IReadOnlyList<string> domains, LogPosition from, int max,
        CancellationToken cancellationToken = default)
    {
        // Settled: written by a transaction older than every transaction still running (pg_snapshot_xmin), so no row can
        // still appear at a position below the end of what this returns. The person's own events only, one index range of
        // mc.event_log_people (migration 0057).
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LogRow>(new CommandDefinition("""
            WITH settled AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
            SELECT s.horizon, e.tx, e.id, e.entity_type, e.payload::text AS payload
            FROM settled s
            LEFT JOIN LATERAL (
                SELECT l.tx, l.id, l.entity_type, l.payload FROM mc.event_log_people p JOIN mc.event_log l ON l.id = p.id
                WHERE p.person = @person AND p.entity_type = ANY(@domains) AND (p.tx, p.id) >= (@tx, @id) AND p.tx < s.horizon
                ORDER BY p.tx, p.id
                LIMIT @max) e ON true
            """, new { person, domains = domains.ToArray(), tx = SqlValue.As(from.Tx, NpgsqlDbType.Xid8), id = from.Id, max },
            cancellationToken: cancellationToken));
        var events = new List<DomainEvent>();
        ulong horizon = 0;
        foreach (var row in rows)
        {
            horizon = row.Horizon;
            if (row.Tx is { } tx)
            {
                var e = (DomainEvent)PersistedJson.Deserialize(row.Payload!, DomainNames.EventTypeOf(row.EntityType!))!;
                events.Add(e with { Position = new LogPosition(tx, row.Id!.Value) });
            }
        }

        var settledEnd = new LogPosition(horizon, 0);
        var next = events.Count == max ? events[^1].Position.After() : settledEnd > from ? settledEnd : from;
        return new EventLogPage(events, next);
    }

    private static async Task<DomainEvent?> InsertAsync(DomainEvent e, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        var position = await connection.QuerySingleOrDefaultAsync<Appended>(new CommandDefinition(AppendSql, new
        {
            domain = e.Domain,
            entity = e.EntityId,
            version = e.Version,
            type = e.EventType,
            actor = e.ActorName,
            at = e.At,
            payload = SqlValue.Jsonb(e),
            people = e.People.ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        return position is null ? null : e with { Position = new LogPosition(position.Tx, position.Id) };
    }

    private static T? Read<T>(string payload) where T : DomainEvent
    {
        try
        {
            return PersistedJson.Deserialize<T>(payload);
        }
        catch (JsonException)
        {
            // Rows written before the typed events carry a smaller payload: they say nothing the caller could use.
            return null;
        }
    }

    private sealed record Appended
    {
        public required ulong Tx { get; init; }

        public required long Id { get; init; }
    }

    /// <summary>The settled horizon, and one event when there is one (the lateral join leaves its columns null otherwise).</summary>
    private sealed record LogRow
    {
        public required ulong Horizon { get; init; }

        public ulong? Tx { get; init; }

        public long? Id { get; init; }

        public string? EntityType { get; init; }

        public string? Payload { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Domain event {Domain}/{EntityId} v{Version} is in the event log but was not published ({Reason}); consumers will read it from the log")]
    private static partial void LogPublishFailed(ILogger logger, string domain, string entityId, long version, string reason);
}
