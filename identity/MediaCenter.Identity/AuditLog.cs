using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>One sign-in attempt for the login log.</summary>
public sealed record LoginEntry(string Username, Guid? UserId, bool Success, string Reason, string Method, string? ClientIp, string? UserAgent);

/// <summary>One state-changing call for the operation log.</summary>
public sealed record OperationEntry(
    string? Actor, string Action, string? Target, string Result, string? CorrelationId, string? ClientIp, string? UserAgent,
    IReadOnlyDictionary<string, object?>? Details = null);

/// <summary>A stored operation-log row.</summary>
public sealed record OperationRecord(long Id, DateTimeOffset At, string? Actor, string Action, string? Target, string Result,
    string? CorrelationId, string? ClientIp, string? UserAgent, JsonElement Details);

/// <summary>A stored login-log row.</summary>
public sealed record LoginRecord(long Id, DateTimeOffset At, string Username, bool Success, string Reason, string Method, string? ClientIp, string? UserAgent);

/// <summary>A raised early warning.</summary>
public sealed record SecurityAlert(long Id, DateTimeOffset At, string Kind, string Subject, string Message);

/// <summary>A search of the logs; every filter is optional.</summary>
public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? Actor, string? Action, string? Target, string? Result, int Limit = 200);

/// <summary>The login log, the operation log and early warnings (日志审计), append-only in PostgreSQL.</summary>
public sealed class AuditLog(NpgsqlDataSource db, TimeProvider time) : IAsyncDisposable, IDisposable
{
    private readonly OperationLogWriter _operations = new(db);

    /// <summary>Appends a sign-in attempt.</summary>
    public async Task LoginAsync(LoginEntry entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.login_log (occurred_at, username, user_id, success, reason, method, client_ip, user_agent)
            VALUES (@at, @username, @user, @success, @reason, @method, @ip, @ua)
            """, new
        {
            at = time.GetUtcNow(),
            username = Truncate(entry.Username, 200) ?? "",
            user = entry.UserId,
            success = entry.Success,
            reason = entry.Reason,
            method = entry.Method,
            ip = entry.ClientIp,
            ua = Truncate(entry.UserAgent, 500),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Appends an operation; returns once its row is committed (group commit: rows queued meanwhile share one INSERT, in the order
    /// they were queued), and fails when the log did not take it.
    /// </summary>
    public async Task OperationAsync(OperationEntry entry, CancellationToken cancellationToken = default) =>
        // Queued when called (before the first await), so rows are numbered in the order callers called.
        await _operations.WriteAsync(new NewOperationRow(time.GetUtcNow(), entry.Actor, entry.Action, entry.Target, entry.Result,
            entry.CorrelationId, entry.ClientIp, Truncate(entry.UserAgent, 500),
            // The operation log's details keep the shape they have always had (.NET property names as they are, not the
            // persisted-JSON camelCase): auditors and exports read old and new entries alike.
            JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, object?>())), cancellationToken);

    /// <summary>Writes the operations still queued, then refuses new ones (the container disposes it when the host stops).</summary>
    public ValueTask DisposeAsync() => _operations.DisposeAsync();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => _operations.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Failed sign-ins within the window for the account and from the address.</summary>
    public async Task<(long ForUser, long FromAddress)> CountRecentFailuresAsync(string username, string? ip, TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<FailureCounts>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM mc.login_log WHERE NOT success AND lower(username) = lower(@u) AND occurred_at > @since) AS for_user,
                   (SELECT count(*) FROM mc.login_log WHERE NOT success AND client_ip = @ip AND occurred_at > @since) AS from_address
            """, new { u = username, ip, since = time.GetUtcNow() - window }, cancellationToken: cancellationToken));
        return (counts.ForUser, counts.FromAddress);
    }

    /// <summary>Successful deletions by one actor within the window.</summary>
    public async Task<long> CountRecentDeletionsAsync(string actor, TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM mc.audit_log
             WHERE actor = @actor AND occurred_at > @since AND result = 'ok' AND (details->>'method') = 'DELETE'
            """, new { actor, since = time.GetUtcNow() - window }, cancellationToken: cancellationToken));
    }

    /// <summary>Records an early warning.</summary>
    public async Task<SecurityAlert> AlertAsync(string kind, string subject, string message, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<SecurityAlert>(new CommandDefinition("""
            INSERT INTO mc.security_alerts (occurred_at, kind, subject, message) VALUES (@at, @kind, @subject, @message)
            RETURNING id, occurred_at AS at, kind, subject, message
            """, new { at = time.GetUtcNow(), kind, subject, message }, cancellationToken: cancellationToken));
    }

    /// <summary>Recent early warnings, newest first.</summary>
    public async Task<IReadOnlyList<SecurityAlert>> AlertsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var alerts = await connection.QueryAsync<SecurityAlert>(new CommandDefinition(
            // An alert written before the catalogue reads as mc.security_alert_display keeps it for people (migration 0051).
            """
            SELECT a.id, a.occurred_at AS at, a.kind, a.subject, coalesce(d.message, a.message) AS message
              FROM mc.security_alerts a LEFT JOIN mc.security_alert_display d ON d.id = a.id ORDER BY a.id DESC LIMIT @limit
            """,
            new { limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
        return alerts.AsList();
    }

    /// <summary>Searches the operation log, newest first.</summary>
    public async Task<IReadOnlyList<OperationRecord>> SearchOperationsAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OperationRow>(new CommandDefinition("""
            SELECT id, occurred_at, actor, action, target, result, correlation_id, client_ip, user_agent, details::text AS details
              FROM mc.audit_log
             WHERE (@from::timestamptz IS NULL OR occurred_at >= @from) AND (@to::timestamptz IS NULL OR occurred_at < @to)
               AND (@actor::text IS NULL OR actor = @actor) AND (@action::text IS NULL OR action ILIKE '%' || @action || '%')
               AND (@target::text IS NULL OR target ILIKE '%' || @target || '%') AND (@result::text IS NULL OR result = @result)
             ORDER BY id DESC
             LIMIT @limit
            """, Filter(query), cancellationToken: cancellationToken));
        return rows.Select(r => new OperationRecord(r.Id, r.OccurredAt, r.Actor, r.Action, r.Target, r.Result, r.CorrelationId, r.ClientIp, r.UserAgent,
            JsonDocument.Parse(r.Details).RootElement.Clone())).ToList();
    }

    /// <summary>Searches the login log (actor = user name, result = ok|failed), newest first.</summary>
    public async Task<IReadOnlyList<LoginRecord>> SearchLoginsAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LoginRecord>(new CommandDefinition("""
            SELECT id, occurred_at AS at, username, success, reason, method, client_ip, user_agent
              FROM mc.login_log
             WHERE (@from::timestamptz IS NULL OR occurred_at >= @from) AND (@to::timestamptz IS NULL OR occurred_at < @to)
               AND (@actor::text IS NULL OR lower(username) = lower(@actor))
               AND (@result::text IS NULL OR (@result = 'ok') = success)
               AND (@action::text IS NULL OR method = @action) AND (@target::text IS NULL OR client_ip = @target)
             ORDER BY id DESC
             LIMIT @limit
            """, Filter(query), cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The operation log as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly).</summary>
    /// <param name="rows">The operations.</param>
    /// <param name="render">Renders the messages a cell holds in the reader's language (a file leaves the system as it is written).</param>
    public static string ToCsv(IEnumerable<OperationRecord> rows, Func<string?, string?>? render = null)
    {
        render ??= text => text;
        var csv = new StringBuilder("\uFEFFid,occurred_at,actor,action,target,result,correlation_id,client_ip,user_agent,details\r\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',', new[]
            {
                r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.At.ToString("O"), r.Actor, r.Action, r.Target, r.Result,
                r.CorrelationId, r.ClientIp, r.UserAgent, r.Details.GetRawText(),
            }.Select(value => Escape(render(value)))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // Cells starting with = + - @ (or a tab or carriage return before one) would run as formulas in a spreadsheet: neutralise them.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>The search's filters; a filter left out is SQL NULL, typed by the casts in the query.</summary>
    private static object Filter(AuditQuery query) => new
    {
        from = query.From,
        to = query.To,
        actor = query.Actor,
        action = query.Action,
        target = query.Target,
        result = query.Result,
        limit = Math.Clamp(query.Limit, 1, 10_000),
    };

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private sealed record FailureCounts
    {
        public required long ForUser { get; init; }

        public required long FromAddress { get; init; }
    }

    private sealed record OperationRow
    {
        public required long Id { get; init; }

        public required DateTimeOffset OccurredAt { get; init; }

        public string? Actor { get; init; }

        public required string Action { get; init; }

        public string? Target { get; init; }

        public required string Result { get; init; }

        public string? CorrelationId { get; init; }

        public string? ClientIp { get; init; }

        public string? UserAgent { get; init; }

        public required string Details { get; init; }
    }
}
