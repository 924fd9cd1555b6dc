using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

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
public sealed class AuditLog(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Appends a sign-in attempt.</summary>
    public async Task LoginAsync(LoginEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO mc.login_log (occurred_at, username, user_id, success, reason, method, client_ip, user_agent)
            VALUES (@at, @username, @user, @success, @reason, @method, @ip, @ua)
            """);
        command.Parameters.AddWithValue("at", time.GetUtcNow());
        command.Parameters.AddWithValue("username", Truncate(entry.Username, 200) ?? "");
        command.Parameters.AddWithValue("user", (object?)entry.UserId ?? DBNull.Value);
        command.Parameters.AddWithValue("success", entry.Success);
        command.Parameters.AddWithValue("reason", entry.Reason);
        command.Parameters.AddWithValue("method", entry.Method);
        command.Parameters.AddWithValue("ip", (object?)entry.ClientIp ?? DBNull.Value);
        command.Parameters.AddWithValue("ua", (object?)Truncate(entry.UserAgent, 500) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends an operation.</summary>
    public async Task OperationAsync(OperationEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO mc.audit_log (occurred_at, actor, action, target, result, correlation_id, client_ip, user_agent, details)
            VALUES (@at, @actor, @action, @target, @result, @correlation, @ip, @ua, @details)
            """);
        command.Parameters.AddWithValue("at", time.GetUtcNow());
        command.Parameters.AddWithValue("actor", (object?)entry.Actor ?? DBNull.Value);
        command.Parameters.AddWithValue("action", entry.Action);
        command.Parameters.AddWithValue("target", (object?)entry.Target ?? DBNull.Value);
        command.Parameters.AddWithValue("result", entry.Result);
        command.Parameters.AddWithValue("correlation", (object?)entry.CorrelationId ?? DBNull.Value);
        command.Parameters.AddWithValue("ip", (object?)entry.ClientIp ?? DBNull.Value);
        command.Parameters.AddWithValue("ua", (object?)Truncate(entry.UserAgent, 500) ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, object?>()) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Failed sign-ins within the window for the account and from the address.</summary>
    public async Task<(long ForUser, long FromAddress)> CountRecentFailuresAsync(string username, string? ip, TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT count(*) FROM mc.login_log WHERE NOT success AND lower(username) = lower(@u) AND occurred_at > @since),
                   (SELECT count(*) FROM mc.login_log WHERE NOT success AND client_ip = @ip AND occurred_at > @since)
            """);
        command.Parameters.AddWithValue("u", username);
        command.Parameters.Add(new NpgsqlParameter("ip", NpgsqlDbType.Text) { Value = (object?)ip ?? DBNull.Value });
        command.Parameters.AddWithValue("since", time.GetUtcNow() - window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Successful deletions by one actor within the window.</summary>
    public async Task<long> CountRecentDeletionsAsync(string actor, TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM mc.audit_log
             WHERE actor = @actor AND occurred_at > @since AND result = 'ok' AND (details->>'method') = 'DELETE'
            """);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("since", time.GetUtcNow() - window);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records an early warning.</summary>
    public async Task<SecurityAlert> AlertAsync(string kind, string subject, string message, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO mc.security_alerts (occurred_at, kind, subject, message) VALUES (@at, @kind, @subject, @message)
            RETURNING id, occurred_at
            """);
        var at = time.GetUtcNow();
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("message", message);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SecurityAlert(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), kind, subject, message);
    }

    /// <summary>Recent early warnings, newest first.</summary>
    public async Task<IReadOnlyList<SecurityAlert>> AlertsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT id, occurred_at, kind, subject, message FROM mc.security_alerts ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        var list = new List<SecurityAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SecurityAlert(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return list;
    }

    /// <summary>Searches the operation log, newest first.</summary>
    public async Task<IReadOnlyList<OperationRecord>> SearchOperationsAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, occurred_at, actor, action, target, result, correlation_id, client_ip, user_agent, details
              FROM mc.audit_log
             WHERE (@from::timestamptz IS NULL OR occurred_at >= @from) AND (@to::timestamptz IS NULL OR occurred_at < @to)
               AND (@actor::text IS NULL OR actor = @actor) AND (@action::text IS NULL OR action ILIKE '%' || @action || '%')
               AND (@target::text IS NULL OR target ILIKE '%' || @target || '%') AND (@result::text IS NULL OR result = @result)
             ORDER BY id DESC
             LIMIT @limit
            """);
        AddQuery(command, query);
        var list = new List<OperationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new OperationRecord(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), Nullable(reader, 2), reader.GetString(3),
                Nullable(reader, 4), reader.GetString(5), Nullable(reader, 6), Nullable(reader, 7), Nullable(reader, 8),
                JsonDocument.Parse(reader.GetString(9)).RootElement.Clone()));
        }

        return list;
    }

    /// <summary>Searches the login log (actor = user name, result = ok|failed), newest first.</summary>
    public async Task<IReadOnlyList<LoginRecord>> SearchLoginsAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, occurred_at, username, success, reason, method, client_ip, user_agent
              FROM mc.login_log
             WHERE (@from::timestamptz IS NULL OR occurred_at >= @from) AND (@to::timestamptz IS NULL OR occurred_at < @to)
               AND (@actor::text IS NULL OR lower(username) = lower(@actor))
               AND (@result::text IS NULL OR (@result = 'ok') = success)
               AND (@action::text IS NULL OR method = @action) AND (@target::text IS NULL OR client_ip = @target)
             ORDER BY id DESC
             LIMIT @limit
            """);
        AddQuery(command, query);
        var list = new List<LoginRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new LoginRecord(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetBoolean(3),
                reader.GetString(4), reader.GetString(5), Nullable(reader, 6), Nullable(reader, 7)));
        }

        return list;
    }

    /// <summary>The operation log as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly).</summary>
    public static string ToCsv(IEnumerable<OperationRecord> rows)
    {
        var csv = new StringBuilder("\uFEFFid,occurred_at,actor,action,target,result,correlation_id,client_ip,user_agent,details\r\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',', new[]
            {
                r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.At.ToString("O"), r.Actor, r.Action, r.Target, r.Result,
                r.CorrelationId, r.ClientIp, r.UserAgent, r.Details.GetRawText(),
            }.Select(Escape)).Append("\r\n");
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

    private static void AddQuery(NpgsqlCommand command, AuditQuery query)
    {
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)query.From ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)query.To ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)query.Actor ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = (object?)query.Action ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("target", NpgsqlDbType.Text) { Value = (object?)query.Target ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("result", NpgsqlDbType.Text) { Value = (object?)query.Result ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));
    }

    private static string? Nullable(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
