using MediaCenter.Grains.Operations;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Whether a plan is drilled as often as it says (定期演练): the cadence in force (the effective version's), the last
/// drill held, when the next one is due (the last drill's end, or the first approval when none was held yet, plus
/// the cadence) and whether that moment has passed: a drill due and not held.
/// </summary>
public sealed record PlanDrillStatus(int? EveryDays, DateTimeOffset? LastHeldAt, DateTimeOffset? NextDueAt, bool Overdue);

/// <summary>A plan as the list shows it, with its drill status.</summary>
public sealed record PlanRow(string Id, string PartyId, string Title, string Scenario, int LatestVersion, PlanState LatestState, int? EffectiveVersion,
    long Revision, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int? DrillEveryDays, DateTimeOffset? LastDrillAt,
    DateTimeOffset? NextDrillDueAt, bool DrillOverdue);

/// <summary>Lists of plans and drills from their read tables (the grains keep them up to date); read-only.</summary>
public sealed class PlanReadModel(NpgsqlDataSource db, TimeProvider time)
{
    private const string PlansSql = """
        WITH listed AS (
            SELECT p.id, p.party_id, p.title, p.scenario, p.latest_version, v.state AS latest_state, p.effective_version, p.revision,
                   p.created_by_name, p.created_at, p.updated_at, p.drill_every_days, held.last_held,
                   CASE WHEN p.drill_every_days IS NULL OR p.effective_version IS NULL THEN NULL
                        ELSE COALESCE(held.last_held, first.approved_at) + make_interval(days => p.drill_every_days) END AS next_due
            FROM mc.plans p
            JOIN mc.plan_versions v ON v.plan_id = p.id AND v.version = p.latest_version
            LEFT JOIN LATERAL (SELECT max(d.ended_at) AS last_held FROM mc.drills d WHERE d.plan_id = p.id AND d.state = 'Completed') held ON true
            LEFT JOIN LATERAL (SELECT min(a.approved_at) AS approved_at FROM mc.plan_versions a WHERE a.plan_id = p.id) first ON true
            WHERE (@party::text IS NULL OR p.party_id = @party) AND (@id::text IS NULL OR p.id = @id))
        SELECT *, next_due IS NOT NULL AND next_due < @now AS overdue FROM listed
        WHERE (@overdue::boolean IS NULL OR (next_due IS NOT NULL AND next_due < @now) = @overdue)
        ORDER BY updated_at DESC LIMIT 500
        """;

    /// <summary>Plans, newest change first; one party's when given; only those whose drill is (or is not) overdue when asked.</summary>
    public async Task<IReadOnlyList<PlanRow>> ListAsync(string? partyId, bool? drillOverdue, CancellationToken cancellationToken) =>
        await PlansAsync(partyId, null, drillOverdue, cancellationToken);

    /// <summary>The drill status of one plan (none when the read table does not hold it yet).</summary>
    public async Task<PlanDrillStatus> DrillStatusAsync(string planId, CancellationToken cancellationToken) =>
        (await PlansAsync(null, planId, null, cancellationToken)) is [var row]
            ? new PlanDrillStatus(row.DrillEveryDays, row.LastDrillAt, row.NextDrillDueAt, row.DrillOverdue)
            : new PlanDrillStatus(null, null, null, false);

    private async Task<List<PlanRow>> PlansAsync(string? partyId, string? planId, bool? drillOverdue, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(PlansSql);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = (object?)planId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("overdue", NpgsqlDbType.Boolean) { Value = (object?)drillOverdue ?? DBNull.Value });
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        var list = new List<PlanRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var r = new OpsRow(reader);
            list.Add(new PlanRow(r.Text("id"), r.Text("party_id"), r.Text("title"), r.Text("scenario"), r.Int("latest_version"),
                r.Enum<PlanState>("latest_state"), r.IntOrNull("effective_version"), r.Long("revision"), r.Text("created_by_name"), r.Time("created_at"),
                r.Time("updated_at"), r.IntOrNull("drill_every_days"), r.TimeOrNull("last_held"), r.TimeOrNull("next_due"), r.Bool("overdue")));
        }

        return list;
    }

    /// <summary>
    /// Drills by scheduled time (newest first), optionally of one party, one plan, within a time range, and only the
    /// overdue ones (scheduled, their time passed without a record) when asked.
    /// </summary>
    public async Task<IReadOnlyList<DrillView>> DrillsAsync(string? partyId, string? planId, DateTimeOffset? from, DateTimeOffset? to, bool? overdue,
        CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT *, participants::text AS participants_text, findings::text AS findings_text, follow_ups::text AS follow_ups_text,
                   state = 'Scheduled' AND scheduled_at < @now AS overdue
            FROM mc.drills
            WHERE (@party::text IS NULL OR party_id = @party) AND (@plan::text IS NULL OR plan_id = @plan)
              AND (@from::timestamptz IS NULL OR scheduled_at >= @from) AND (@to::timestamptz IS NULL OR scheduled_at <= @to)
              AND (@overdue::boolean IS NULL OR (state = 'Scheduled' AND scheduled_at < @now) = @overdue)
            ORDER BY scheduled_at DESC LIMIT 500
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("plan", NpgsqlDbType.Text) { Value = (object?)planId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)to?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("overdue", NpgsqlDbType.Boolean) { Value = (object?)overdue ?? DBNull.Value });
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        var list = new List<DrillView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var r = new OpsRow(reader);
            list.Add(new DrillView(r.Text("id"), r.Text("plan_id"), r.Text("party_id"), r.Text("scenario"), r.Time("scheduled_at"),
                r.Enum<DrillState>("state"), r.IntOrNull("plan_version"), r.TimeOrNull("started_at"), r.TimeOrNull("ended_at"),
                r.Json<List<DrillParticipant>>("participants_text"), r.Json<List<string>>("findings_text"), r.Json<List<DrillFollowUp>>("follow_ups_text"),
                r.TextOrNull("summary"), r.TextOrNull("cancel_reason"), r.Text("scheduled_by_name"), r.TextOrNull("recorded_by_name"),
                r.TimeOrNull("recorded_at"), r.Time("updated_at"), r.Long("version"), r.Bool("overdue"), r.Time("created_at")));
        }

        return list;
    }
}
