using System.Threading.Channels;
using Dapper;
using Npgsql;
using Prometheus;

namespace MediaCenter.Identity;

/// <summary>
/// Group commit for the operation log: callers queue their row and wait for it; one loop takes everything queued (up to
/// <see cref="MaxBatch"/>) and writes it in one INSERT, one transaction, in the order it was queued, then releases every caller
/// in it. It writes as soon as something is queued; what arrives while a write is in flight goes in the next one. Disposing it
/// writes what is still queued and refuses new rows.
/// </summary>
internal sealed class OperationLogWriter : IAsyncDisposable
{
    /// <summary>Rows written by one INSERT at most.</summary>
    public const int MaxBatch = 500;

    private static readonly Histogram BatchRows = Metrics.CreateHistogram("mediacenter_audit_batch_rows",
        "Operation-log rows committed by one INSERT (group commit).", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 10) });

    private static readonly Counter Failed = Metrics.CreateCounter("mediacenter_audit_failed_total",
        "Operation-log rows the database did not take (their callers were told: a change refused, an outcome lost).");

    private readonly NpgsqlDataSource _db;
    private readonly Channel<QueuedOperation> _queue = Channel.CreateUnbounded<QueuedOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public OperationLogWriter(NpgsqlDataSource db)
    {
        _db = db;
        _loop = Task.Run(WriteQueuedAsync);
    }

    /// <summary>Queues a row; the task completes once it is committed and fails when the database did not take it.</summary>
    public Task WriteAsync(NewOperationRow row, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var queued = new QueuedOperation(row, cancellationToken);
        if (!_queue.Writer.TryWrite(queued))
        {
            throw new ObjectDisposedException(nameof(AuditLog), "The operation log is shut down.");
        }

        // A caller that gives up stops waiting; the others in its batch are not affected.
        return queued.Written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task WriteQueuedAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<QueuedOperation>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var queued))
            {
                // Given up before it was taken: never written, as the caller was told.
                if (!queued.Cancellation.IsCancellationRequested || !queued.Written.TrySetCanceled(queued.Cancellation))
                {
                    batch.Add(queued);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task WriteBatchAsync(List<QueuedOperation> batch)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _db.OpenConnectionAsync();
        }
        catch (Exception ex)
        {
            Fail(batch, ex);
            return;
        }

        await using (connection)
        {
            try
            {
                await InsertAsync(connection, batch);
                Complete(batch);
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // The database refused the statement (a value or a trigger refusing one row): each row is tried on its own, so that
                // one row it will not take refuses its own caller's change and not its batch mates'.
                foreach (var queued in batch)
                {
                    try
                    {
                        await InsertAsync(connection, [queued]);
                        Complete([queued]);
                    }
                    catch (Exception ex)
                    {
                        Fail([queued], ex);
                    }
                }
            }
            catch (Exception ex)
            {
                Fail(batch, ex);
            }
        }
    }

    private static async Task InsertAsync(NpgsqlConnection connection, List<QueuedOperation> batch)
    {
        // One statement (its own transaction); WITH ORDINALITY ... ORDER BY numbers the rows in the order they were queued.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.audit_log (occurred_at, actor, action, target, result, correlation_id, client_ip, user_agent, details)
            SELECT at, actor, action, target, result, correlation, ip, ua, details::jsonb
              FROM unnest(@at::timestamptz[], @actor::text[], @action::text[], @target::text[], @result::text[], @correlation::text[],
                          @ip::text[], @ua::text[], @details::text[])
                   WITH ORDINALITY AS e(at, actor, action, target, result, correlation, ip, ua, details, position)
             ORDER BY position
            """, new
        {
            at = batch.Select(q => q.Row.At).ToArray(),
            actor = batch.Select(q => q.Row.Actor).ToArray(),
            action = batch.Select(q => q.Row.Action).ToArray(),
            target = batch.Select(q => q.Row.Target).ToArray(),
            result = batch.Select(q => q.Row.Result).ToArray(),
            correlation = batch.Select(q => q.Row.CorrelationId).ToArray(),
            ip = batch.Select(q => q.Row.ClientIp).ToArray(),
            ua = batch.Select(q => q.Row.UserAgent).ToArray(),
            details = batch.Select(q => q.Row.Details).ToArray(),
        }));
    }

    private static void Complete(List<QueuedOperation> batch)
    {
        BatchRows.Observe(batch.Count);
        foreach (var queued in batch)
        {
            queued.Written.TrySetResult();
        }
    }

    private static void Fail(List<QueuedOperation> batch, Exception failure)
    {
        Failed.Inc(batch.Count);
        foreach (var queued in batch)
        {
            queued.Written.TrySetException(failure);
        }
    }

    private sealed class QueuedOperation(NewOperationRow row, CancellationToken cancellationToken)
    {
        public NewOperationRow Row { get; } = row;

        public CancellationToken Cancellation { get; } = cancellationToken;

        // Callers continue on their own threads, not on the writer's.
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>An operation-log row as it is written (details already serialized).</summary>
internal sealed record NewOperationRow(DateTimeOffset At, string? Actor, string Action, string? Target, string Result, string? CorrelationId,
    string? ClientIp, string? UserAgent, string Details);
