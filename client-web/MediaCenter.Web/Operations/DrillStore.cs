using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Drills (演练, F10.2.1) in PostgreSQL (<c>mc.drills</c>): scheduled against a plan, then recorded once
/// (participants, findings, follow-ups, and the plan version in force at the time) or cancelled.
/// </summary>
public sealed class DrillStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string Columns = """
        SELECT id, plan_id, party_id, scenario, scheduled_at, state, plan_version, started_at, ended_at, participants::text, findings::text,
               follow_ups::text, summary, cancel_reason, scheduled_by_name, recorded_by_name, recorded_at, updated_at
        FROM mc.drills
        """;

    /// <summary>A drill, or null.</summary>
    public async Task<DrillView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, id, lockRow: false, cancellationToken);
    }

    /// <summary>Drills by scheduled time (newest first), optionally of one party, one plan, within a time range.</summary>
    public async Task<IReadOnlyList<DrillView>> ListAsync(string? partyId, string? planId, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            {Columns}
            WHERE (@party::text IS NULL OR party_id = @party) AND (@plan::text IS NULL OR plan_id = @plan)
              AND (@from::timestamptz IS NULL OR scheduled_at >= @from) AND (@to::timestamptz IS NULL OR scheduled_at <= @to)
            ORDER BY scheduled_at DESC LIMIT 500
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("plan", NpgsqlDbType.Text) { Value = (object?)planId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)to?.ToUniversalTime() ?? DBNull.Value });
        var list = new List<DrillView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Schedules a drill of a plan.</summary>
    public async Task<DrillView> ScheduleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, PlanSummary plan, string scenario,
        DateTimeOffset scheduledAt, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO mc.drills (id, plan_id, party_id, scenario, scheduled_at, state, scheduled_by_name, created_at, updated_at)
            VALUES (@id, @plan, @party, @scenario, @at, 'Scheduled', @by, @now, @now)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("plan", plan.Id);
            insert.Parameters.AddWithValue("party", plan.PartyId);
            insert.Parameters.AddWithValue("scenario", scenario);
            insert.Parameters.AddWithValue("at", scheduledAt.ToUniversalTime());
            insert.Parameters.AddWithValue("by", by);
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(connection, transaction, id, lockRow: false, cancellationToken))!;
    }

    /// <summary>Records a scheduled drill as run; the plan version in force is kept with it.</summary>
    public async Task<DrillView> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, DateTimeOffset startedAt,
        DateTimeOffset endedAt, IReadOnlyList<DrillParticipant> participants, IReadOnlyList<string> findings, IReadOnlyList<DrillFollowUp> followUps,
        string? summary, string by, CancellationToken cancellationToken)
    {
        await LockScheduledAsync(connection, transaction, id, "Record", cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE mc.drills d SET state = 'Completed', started_at = @started, ended_at = @ended, participants = @participants, findings = @findings,
                follow_ups = @followUps, summary = @summary, recorded_by_name = @by, recorded_at = @now, updated_at = @now,
                plan_version = (SELECT effective_version FROM mc.plans p WHERE p.id = d.plan_id)
            WHERE d.id = @id
            """, connection, transaction))
        {
            var now = time.GetUtcNow();
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("started", startedAt.ToUniversalTime());
            update.Parameters.AddWithValue("ended", endedAt.ToUniversalTime());
            update.Parameters.Add(Jsonb("participants", participants));
            update.Parameters.Add(Jsonb("findings", findings));
            update.Parameters.Add(Jsonb("followUps", followUps));
            update.Parameters.Add(new NpgsqlParameter("summary", NpgsqlDbType.Text) { Value = (object?)summary ?? DBNull.Value });
            update.Parameters.AddWithValue("by", by);
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(connection, transaction, id, lockRow: false, cancellationToken))!;
    }

    /// <summary>Cancels a scheduled drill with a reason.</summary>
    public async Task<DrillView> CancelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string reason, string by,
        CancellationToken cancellationToken)
    {
        await LockScheduledAsync(connection, transaction, id, "Cancel", cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE mc.drills SET state = 'Cancelled', cancel_reason = @reason, recorded_by_name = @by, updated_at = @now WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("reason", reason);
            update.Parameters.AddWithValue("by", by);
            update.Parameters.AddWithValue("now", time.GetUtcNow());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(connection, transaction, id, lockRow: false, cancellationToken))!;
    }

    private static async Task LockScheduledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string command,
        CancellationToken cancellationToken)
    {
        var drill = await GetAsync(connection, transaction, id, lockRow: true, cancellationToken)
            ?? throw new MediaCenter.Identity.IdentityProblem(MediaCenter.Identity.ProblemKind.NotFound, $"演练 {id} 不存在 / drill {id} not found");
        if (drill.State != DrillState.Scheduled)
        {
            throw OpsProblem.IllegalMove(drill.State.ToString(), [],
                $"演练已{(drill.State == DrillState.Completed ? "完成" : "取消")}，不能再 {command} / the drill is {drill.State}: {command} is not allowed");
        }
    }

    private static async Task<DrillView?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool lockRow,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{Columns} WHERE id = @id{(lockRow ? " FOR UPDATE" : "")}", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static DrillView Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.GetFieldValue<DateTimeOffset>(4), Enum.Parse<DrillState>(r.GetString(5)), r.IsDBNull(6) ? null : r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
        JsonSerializer.Deserialize<List<DrillParticipant>>(r.GetString(9), OpsHttp.Json) ?? [],
        JsonSerializer.Deserialize<List<string>>(r.GetString(10), OpsHttp.Json) ?? [],
        JsonSerializer.Deserialize<List<DrillFollowUp>>(r.GetString(11), OpsHttp.Json) ?? [],
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.GetString(14), r.IsDBNull(15) ? null : r.GetString(15),
        r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16), r.GetFieldValue<DateTimeOffset>(17));

    private static NpgsqlParameter Jsonb(string name, object value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, OpsHttp.Json) };
}
