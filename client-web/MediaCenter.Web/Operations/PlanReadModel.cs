using Dapper;
using MediaCenter.Grains.Operations;
using MediaCenter.Hosting.Data;
using Npgsql;

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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ListedPlan>(new CommandDefinition(PlansSql,
            new { party = partyId, id = planId, overdue = drillOverdue, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows.Select(r => new PlanRow(r.Id, r.PartyId, r.Title, r.Scenario, r.LatestVersion, r.LatestState, r.EffectiveVersion, r.Revision,
            r.CreatedByName, r.CreatedAt, r.UpdatedAt, r.DrillEveryDays, r.LastHeld, r.NextDue, r.Overdue)).ToList();
    }

    /// <summary>
    /// Drills by scheduled time (newest first), optionally of one party, one plan, within a time range, and only the
    /// overdue ones (scheduled, their time passed without a record) when asked.
    /// </summary>
    public async Task<IReadOnlyList<DrillView>> DrillsAsync(string? partyId, string? planId, DateTimeOffset? from, DateTimeOffset? to, bool? overdue,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DrillRow>(new CommandDefinition("""
            SELECT *, participants::text AS participants_text, findings::text AS findings_text, follow_ups::text AS follow_ups_text,
                   state = 'Scheduled' AND scheduled_at < @now AS overdue
            FROM mc.drills
            WHERE (@party::text IS NULL OR party_id = @party) AND (@plan::text IS NULL OR plan_id = @plan)
              AND (@from::timestamptz IS NULL OR scheduled_at >= @from) AND (@to::timestamptz IS NULL OR scheduled_at <= @to)
              AND (@overdue::boolean IS NULL OR (state = 'Scheduled' AND scheduled_at < @now) = @overdue)
            ORDER BY scheduled_at DESC LIMIT 500
            """, new
        {
            party = partyId,
            plan = planId,
            from = from?.ToUniversalTime(),
            to = to?.ToUniversalTime(),
            overdue,
            now = time.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>A row of the plan list query, named like its columns.</summary>
    private sealed record ListedPlan
    {
        public required string Id { get; init; }

        public required string PartyId { get; init; }

        public required string Title { get; init; }

        public required string Scenario { get; init; }

        public required int LatestVersion { get; init; }

        public required PlanState LatestState { get; init; }

        public int? EffectiveVersion { get; init; }

        public required long Revision { get; init; }

        public required string CreatedByName { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required DateTimeOffset UpdatedAt { get; init; }

        public int? DrillEveryDays { get; init; }

        public DateTimeOffset? LastHeld { get; init; }

        public DateTimeOffset? NextDue { get; init; }

        public required bool Overdue { get; init; }
    }
}
