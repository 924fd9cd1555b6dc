using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Operations;
using MediaCenter.Hosting.Data;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The read tables of plans, drills and campaigns (mc.plans, mc.plan_versions, mc.drills, mc.campaigns) and their
/// history in mc.event_log (typed events through <see cref="PostgresEventLog"/>, in the same transaction, published after
/// it commits). Idempotent: a history entry is unique per (entity, version), and a projection older than what a table
/// holds changes nothing (plans by their revision, drills and campaigns by their version).
/// </summary>
internal sealed class PostgresOperationsJournal(NpgsqlDataSource db, PostgresEventLog events) : IOperationsJournal
{
    private static readonly PlanContent EmptyContent = new([], [], [], [], [], []);

    // ---- plans

    public async Task<PlanRecord?> LoadPlanAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var p = await connection.QuerySingleOrDefaultAsync<PlanRow>(new CommandDefinition(
            "SELECT * FROM mc.plans WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (p is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<PlanVersionRow>(new CommandDefinition(
            "SELECT *, content::text AS content_text FROM mc.plan_versions WHERE plan_id = @id ORDER BY version", new { id },
            cancellationToken: cancellationToken));
        var versions = rows.Select(v => new PlanVersionDocument(id, new PlanVersionInfo(v.Version, Enum.Parse<PlanState>(v.State), v.Title, v.Scenario,
            v.CreatedByName, v.CreatedAt, v.EditedByName, v.EditedAt, v.SubmittedByName, v.SubmittedAt, v.ApprovedByName, v.ApprovedAt, v.ReturnedByName,
            v.ReturnedAt, v.ReturnReason, v.SupersededAt, v.ApprovedBy), PersistedJson.Deserialize<PlanContent>(v.ContentText) ?? EmptyContent)).ToList();

        // The latest version's state comes from the versions.
        var latestState = versions.Count > 0 ? versions[^1].Info.State : PlanState.Draft;
        return new PlanRecord(new PlanSummary(id, p.PartyId, p.Title, p.Scenario, p.LatestVersion, latestState, p.EffectiveVersion, p.Revision,
            p.CreatedByName, p.CreatedAt, p.UpdatedAt, p.DrillEveryDays), p.CreatedBy, versions);
    }

    public async Task RecordPlanAsync(PlanRecord plan, PlanHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        var s = plan.Summary;
        var change = entry is null ? null : new PlanChanged(s, entry);
        await RecordWithEventAsync(change, async (connection, transaction) =>
        {
            // The plan row is the guard of the whole plan: locked, and left alone when it already holds this revision or a later one.
            var held = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT revision FROM mc.plans WHERE id = @id FOR UPDATE", new { id = s.Id }, transaction, cancellationToken: cancellationToken));
            if (held is not { } revision || revision < s.Revision)
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO mc.plans (id, party_id, title, scenario, latest_version, effective_version, revision, created_by, created_by_name, created_at,
                        updated_at, drill_every_days)
                    VALUES (@id, @party, @title, @scenario, @latest, @effective, @revision, @createdBy, @createdByName, @createdAt, @updatedAt, @drillEvery)
                    ON CONFLICT (id) DO UPDATE SET
                        title = EXCLUDED.title, scenario = EXCLUDED.scenario, latest_version = EXCLUDED.latest_version,
                        effective_version = EXCLUDED.effective_version, revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at,
                        drill_every_days = EXCLUDED.drill_every_days
                    """, new
                {
                    id = s.Id,
                    party = s.PartyId,
                    title = s.Title,
                    scenario = s.Scenario,
                    latest = s.LatestVersion,
                    effective = s.EffectiveVersion,
                    revision = s.Revision,
                    createdBy = plan.CreatedById,
                    createdByName = s.CreatedBy,
                    createdAt = s.CreatedAt,
                    updatedAt = s.UpdatedAt,
                    drillEvery = s.DrillEveryDays,
                }, transaction, cancellationToken: cancellationToken));

                // Versions in order, and only those that changed: an approved version is never rewritten (a trigger refuses it).
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO mc.plan_versions AS pv (plan_id, version, state, title, scenario, content, created_by_name, created_at, edited_by_name, edited_at,
                        submitted_by_name, submitted_at, approved_by, approved_by_name, approved_at, returned_by_name, returned_at, return_reason, superseded_at)
                    VALUES (@id, @version, @state, @title, @scenario, @content, @createdBy, @createdAt, @editedBy, @editedAt, @submittedBy, @submittedAt,
                        @approvedById, @approvedBy, @approvedAt, @returnedBy, @returnedAt, @reason, @supersededAt)
                    ON CONFLICT (plan_id, version) DO UPDATE SET
                        state = EXCLUDED.state,
                        title = CASE WHEN pv.state IN ('Approved', 'Superseded') THEN pv.title ELSE EXCLUDED.title END,
                        scenario = CASE WHEN pv.state IN ('Approved', 'Superseded') THEN pv.scenario ELSE EXCLUDED.scenario END,
                        content = CASE WHEN pv.state IN ('Approved', 'Superseded') THEN pv.content ELSE EXCLUDED.content END,
                        edited_by_name = EXCLUDED.edited_by_name, edited_at = EXCLUDED.edited_at, submitted_by_name = EXCLUDED.submitted_by_name,
                        submitted_at = EXCLUDED.submitted_at, approved_by = EXCLUDED.approved_by, approved_by_name = EXCLUDED.approved_by_name,
                        approved_at = EXCLUDED.approved_at, returned_by_name = EXCLUDED.returned_by_name, returned_at = EXCLUDED.returned_at,
                        return_reason = EXCLUDED.return_reason, superseded_at = EXCLUDED.superseded_at
                    WHERE (pv.state, pv.title, pv.scenario, pv.content, pv.edited_at, pv.submitted_at, pv.approved_at, pv.returned_at, pv.return_reason,
                           pv.superseded_at)
                        IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.title, EXCLUDED.scenario, EXCLUDED.content, EXCLUDED.edited_at, EXCLUDED.submitted_at,
                           EXCLUDED.approved_at, EXCLUDED.returned_at, EXCLUDED.return_reason, EXCLUDED.superseded_at)
                    """, plan.Versions.OrderBy(v => v.Info.Version).Select(document => new
                {
                    id = s.Id,
                    version = document.Info.Version,
                    state = document.Info.State.ToString(),
                    title = document.Info.Title,
                    scenario = document.Info.Scenario,
                    content = SqlValue.Jsonb(document.Content),
                    createdBy = document.Info.CreatedBy,
                    createdAt = document.Info.CreatedAt,
                    editedBy = document.Info.EditedBy,
                    editedAt = document.Info.EditedAt,
                    submittedBy = document.Info.SubmittedBy,
                    submittedAt = document.Info.SubmittedAt,
                    approvedById = document.Info.ApprovedById,
                    approvedBy = document.Info.ApprovedBy,
                    approvedAt = document.Info.ApprovedAt,
                    returnedBy = document.Info.ReturnedBy,
                    returnedAt = document.Info.ReturnedAt,
                    reason = document.Info.ReturnReason,
                    supersededAt = document.Info.SupersededAt,
                }).ToList(), transaction, cancellationToken: cancellationToken));
            }
        }, cancellationToken);
    }

    // ---- drills

    public async Task<DrillView?> LoadDrillAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DrillRow>(new CommandDefinition("""
            SELECT *, participants::text AS participants_text, findings::text AS findings_text, follow_ups::text AS follow_ups_text
            FROM mc.drills WHERE id = @id
            """, new { id }, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    public async Task RecordDrillAsync(DrillView d, DrillHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        var change = entry is null ? null : new DrillChanged(d, entry);
        await RecordWithEventAsync(change, async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO mc.drills (id, plan_id, party_id, scenario, scheduled_at, state, plan_version, started_at, ended_at, participants, findings,
                    follow_ups, summary, cancel_reason, scheduled_by_name, recorded_by_name, recorded_at, created_at, updated_at, version)
                VALUES (@id, @plan, @party, @scenario, @scheduledAt, @state, @planVersion, @startedAt, @endedAt, @participants, @findings, @followUps,
                    @summary, @cancelReason, @scheduledBy, @recordedBy, @recordedAt, @createdAt, @updatedAt, @version)
                ON CONFLICT (id) DO UPDATE SET
                    scenario = EXCLUDED.scenario, scheduled_at = EXCLUDED.scheduled_at, state = EXCLUDED.state, plan_version = EXCLUDED.plan_version,
                    started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, participants = EXCLUDED.participants, findings = EXCLUDED.findings,
                    follow_ups = EXCLUDED.follow_ups, summary = EXCLUDED.summary, cancel_reason = EXCLUDED.cancel_reason,
                    recorded_by_name = EXCLUDED.recorded_by_name, recorded_at = EXCLUDED.recorded_at, updated_at = EXCLUDED.updated_at,
                    version = EXCLUDED.version
                WHERE mc.drills.version < EXCLUDED.version
                """, new
            {
                id = d.Id,
                plan = d.PlanId,
                party = d.PartyId,
                scenario = d.Scenario,
                scheduledAt = d.ScheduledAt,
                state = d.State.ToString(),
                planVersion = d.PlanVersion,
                startedAt = d.StartedAt,
                endedAt = d.EndedAt,
                participants = SqlValue.Jsonb(d.Participants),
                findings = SqlValue.Jsonb(d.Findings),
                followUps = SqlValue.Jsonb(d.FollowUps),
                summary = d.Summary,
                cancelReason = d.CancelReason,
                scheduledBy = d.ScheduledBy,
                recordedBy = d.RecordedBy,
                recordedAt = d.RecordedAt,
                createdAt = d.CreatedAt,
                updatedAt = d.UpdatedAt,
                version = d.Version,
            }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    // ---- campaigns

    public async Task<CampaignView?> LoadCampaignAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(
            "SELECT * FROM mc.campaigns WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    public async Task RecordCampaignAsync(CampaignView c, CampaignHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        var change = entry is null ? null : new CampaignChanged(c, entry);
        await RecordWithEventAsync(change, async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO mc.campaigns (id, party_id, title, kind, starts_on, ends_on, description, support, support_note, supported_by_name, supported_at,
                    registered_by, registered_by_name, registered_at, updated_at, state, withdraw_reason, withdrawn_at, version)
                VALUES (@id, @party, @title, @kind, @startsOn, @endsOn, @description, @support, @note, @supportedBy, @supportedAt, @registeredById,
                    @registeredBy, @registeredAt, @updatedAt, @state, @withdrawReason, @withdrawnAt, @version)
                ON CONFLICT (id) DO UPDATE SET
                    title = EXCLUDED.title, kind = EXCLUDED.kind, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
                    description = EXCLUDED.description, support = EXCLUDED.support, support_note = EXCLUDED.support_note,
                    supported_by_name = EXCLUDED.supported_by_name, supported_at = EXCLUDED.supported_at, updated_at = EXCLUDED.updated_at,
                    state = EXCLUDED.state, withdraw_reason = EXCLUDED.withdraw_reason, withdrawn_at = EXCLUDED.withdrawn_at, version = EXCLUDED.version
                WHERE mc.campaigns.version < EXCLUDED.version
                """, new
            {
                id = c.Id,
                party = c.PartyId,
                title = c.Title,
                kind = c.Kind.ToString(),
                startsOn = c.StartsOn,
                endsOn = c.EndsOn,
                description = c.Description,
                support = c.Support.ToString(),
                note = c.SupportNote,
                supportedBy = c.SupportedBy,
                supportedAt = c.SupportedAt,
                registeredById = c.RegisteredById,
                registeredBy = c.RegisteredBy,
                registeredAt = c.RegisteredAt,
                updatedAt = c.UpdatedAt,
                state = c.State.ToString(),
                withdrawReason = c.WithdrawReason,
                withdrawnAt = c.WithdrawnAt,
                version = c.Version,
            }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    // ---- the row and its event together

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction with the append of <paramref name="change"/> (when there is one), and
    /// publishes the appended event only after the commit, so the stream never hears of a row that was rolled back.
    /// </summary>
    private async Task RecordWithEventAsync(DomainEvent? change, Func<NpgsqlConnection, NpgsqlTransaction, Task> write, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = change is null ? null : await events.AppendAsync(change, connection, transaction, cancellationToken);
        await write(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    // ---- rows, named like the columns

    private sealed record PlanRow
    {
        public required string PartyId { get; init; }

        public required string Title { get; init; }

        public required string Scenario { get; init; }

        public required int LatestVersion { get; init; }

        public int? EffectiveVersion { get; init; }

        public required long Revision { get; init; }

        public required Guid CreatedBy { get; init; }

        public required string CreatedByName { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required DateTimeOffset UpdatedAt { get; init; }

        public int? DrillEveryDays { get; init; }
    }

    private sealed record PlanVersionRow
    {
        public required int Version { get; init; }

        public required string State { get; init; }

        public required string Title { get; init; }

        public required string Scenario { get; init; }

        public required string ContentText { get; init; }

        public required string CreatedByName { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required string EditedByName { get; init; }

        public required DateTimeOffset EditedAt { get; init; }

        public string? SubmittedByName { get; init; }

        public DateTimeOffset? SubmittedAt { get; init; }

        public Guid? ApprovedBy { get; init; }

        public string? ApprovedByName { get; init; }

        public DateTimeOffset? ApprovedAt { get; init; }

        public string? ReturnedByName { get; init; }

        public DateTimeOffset? ReturnedAt { get; init; }

        public string? ReturnReason { get; init; }

        public DateTimeOffset? SupersededAt { get; init; }
    }
}
