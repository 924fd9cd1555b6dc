using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Operations;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>
/// The read tables of plans, drills and campaigns (mc.plans, mc.plan_versions, mc.drills, mc.campaigns) and their
/// history in mc.event_log. Idempotent: a history entry is unique per (entity, version), and a projection older
/// than what a table holds changes nothing (plans by their revision, drills and campaigns by their version).
/// </summary>
internal sealed class PostgresOperationsJournal(NpgsqlDataSource db) : IOperationsJournal
{
    // The JSON the tables held before the grains owned these domains (camelCase, enums by name): loads read it back.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly PlanContent EmptyContent = new([], [], [], [], [], []);

    // ---- plans

    public async Task<PlanRecord?> LoadPlanAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        Func<PlanState, PlanSummary>? summaryOf = null;
        var createdById = Guid.Empty;
        await using (var command = new NpgsqlCommand("SELECT * FROM mc.plans WHERE id = @id", connection))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                // Read while the reader is open; the latest version's state comes from the versions below.
                var p = new Row(reader);
                var (party, title, scenario, latest, effective, revision) =
                    (p.Text("party_id"), p.Text("title"), p.Text("scenario"), p.Int("latest_version"), p.IntOrNull("effective_version"), p.Long("revision"));
                var (createdBy, createdAt, updatedAt, drillEvery) = (p.Text("created_by_name"), p.Time("created_at"), p.Time("updated_at"), p.IntOrNull("drill_every_days"));
                createdById = p.Guid("created_by");
                summaryOf = state => new PlanSummary(id, party, title, scenario, latest, state, effective, revision, createdBy, createdAt, updatedAt, drillEvery);
            }
        }

        if (summaryOf is null)
        {
            return null;
        }

        var versions = new List<PlanVersionDocument>();
        await using (var command = new NpgsqlCommand("SELECT *, content::text AS content_text FROM mc.plan_versions WHERE plan_id = @id ORDER BY version", connection))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var v = new Row(reader);
                var info = new PlanVersionInfo(v.Int("version"), Enum.Parse<PlanState>(v.Text("state")), v.Text("title"), v.Text("scenario"),
                    v.Text("created_by_name"), v.Time("created_at"), v.Text("edited_by_name"), v.Time("edited_at"), v.TextOrNull("submitted_by_name"),
                    v.TimeOrNull("submitted_at"), v.TextOrNull("approved_by_name"), v.TimeOrNull("approved_at"), v.TextOrNull("returned_by_name"),
                    v.TimeOrNull("returned_at"), v.TextOrNull("return_reason"), v.TimeOrNull("superseded_at"), v.GuidOrNull("approved_by"));
                versions.Add(new PlanVersionDocument(id, info, JsonSerializer.Deserialize<PlanContent>(v.Text("content_text"), Json) ?? EmptyContent));
            }
        }

        var latestState = versions.Count > 0 ? versions[^1].Info.State : PlanState.Draft;
        return new PlanRecord(summaryOf(latestState), createdById, versions);
    }

    public async Task RecordPlanAsync(PlanRecord plan, PlanHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        var s = plan.Summary;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (entry is not null)
        {
            await using var log = EventLog(connection, transaction, "plan", s.Id, entry.Revision, entry.Command.ToString(), entry.Actor, entry.At,
                new { PlanVersion = entry.PlanVersion, From = entry.From?.ToString(), To = entry.To.ToString(), entry.Comment });
            await log.ExecuteNonQueryAsync(cancellationToken);
        }

        // The plan row is the guard of the whole plan: locked, and left alone when it already holds this revision or a later one.
        await using (var held = new NpgsqlCommand("SELECT revision FROM mc.plans WHERE id = @id FOR UPDATE", connection, transaction))
        {
            held.Parameters.AddWithValue("id", s.Id);
            if (await held.ExecuteScalarAsync(cancellationToken) is long revision && revision >= s.Revision)
            {
                await transaction.CommitAsync(cancellationToken);
                return;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO mc.plans (id, party_id, title, scenario, latest_version, effective_version, revision, created_by, created_by_name, created_at,
                updated_at, drill_every_days)
            VALUES (@id, @party, @title, @scenario, @latest, @effective, @revision, @createdBy, @createdByName, @createdAt, @updatedAt, @drillEvery)
            ON CONFLICT (id) DO UPDATE SET
                title = EXCLUDED.title, scenario = EXCLUDED.scenario, latest_version = EXCLUDED.latest_version,
                effective_version = EXCLUDED.effective_version, revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at,
                drill_every_days = EXCLUDED.drill_every_days
            """);
        upsert.Parameters.AddWithValue("id", s.Id);
        upsert.Parameters.AddWithValue("party", s.PartyId);
        upsert.Parameters.AddWithValue("title", s.Title);
        upsert.Parameters.AddWithValue("scenario", s.Scenario);
        upsert.Parameters.AddWithValue("latest", s.LatestVersion);
        upsert.Parameters.Add(Int("effective", s.EffectiveVersion));
        upsert.Parameters.AddWithValue("revision", s.Revision);
        upsert.Parameters.AddWithValue("createdBy", plan.CreatedById);
        upsert.Parameters.AddWithValue("createdByName", s.CreatedBy);
        upsert.Parameters.AddWithValue("createdAt", s.CreatedAt);
        upsert.Parameters.AddWithValue("updatedAt", s.UpdatedAt);
        upsert.Parameters.Add(Int("drillEvery", s.DrillEveryDays));
        batch.BatchCommands.Add(upsert);

        // Versions in order, and only those that changed: an approved version is never rewritten (a trigger refuses it).
        foreach (var document in plan.Versions.OrderBy(v => v.Info.Version))
        {
            var v = document.Info;
            var version = new NpgsqlBatchCommand("""
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
                """);
            version.Parameters.AddWithValue("id", s.Id);
            version.Parameters.AddWithValue("version", v.Version);
            version.Parameters.AddWithValue("state", v.State.ToString());
            version.Parameters.AddWithValue("title", v.Title);
            version.Parameters.AddWithValue("scenario", v.Scenario);
            version.Parameters.Add(Jsonb("content", document.Content));
            version.Parameters.AddWithValue("createdBy", v.CreatedBy);
            version.Parameters.AddWithValue("createdAt", v.CreatedAt);
            version.Parameters.AddWithValue("editedBy", v.EditedBy);
            version.Parameters.AddWithValue("editedAt", v.EditedAt);
            version.Parameters.Add(Text("submittedBy", v.SubmittedBy));
            version.Parameters.Add(Time("submittedAt", v.SubmittedAt));
            version.Parameters.Add(new NpgsqlParameter("approvedById", NpgsqlDbType.Uuid) { Value = (object?)v.ApprovedById ?? DBNull.Value });
            version.Parameters.Add(Text("approvedBy", v.ApprovedBy));
            version.Parameters.Add(Time("approvedAt", v.ApprovedAt));
            version.Parameters.Add(Text("returnedBy", v.ReturnedBy));
            version.Parameters.Add(Time("returnedAt", v.ReturnedAt));
            version.Parameters.Add(Text("reason", v.ReturnReason));
            version.Parameters.Add(Time("supersededAt", v.SupersededAt));
            batch.BatchCommands.Add(version);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // ---- drills

    public async Task<DrillView?> LoadDrillAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT *, participants::text AS participants_text, findings::text AS findings_text, follow_ups::text AS follow_ups_text
            FROM mc.drills WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var r = new Row(reader);
        return new DrillView(id, r.Text("plan_id"), r.Text("party_id"), r.Text("scenario"), r.Time("scheduled_at"), Enum.Parse<DrillState>(r.Text("state")),
            r.IntOrNull("plan_version"), r.TimeOrNull("started_at"), r.TimeOrNull("ended_at"),
            JsonSerializer.Deserialize<List<DrillParticipant>>(r.Text("participants_text"), Json) ?? [],
            JsonSerializer.Deserialize<List<string>>(r.Text("findings_text"), Json) ?? [],
            JsonSerializer.Deserialize<List<DrillFollowUp>>(r.Text("follow_ups_text"), Json) ?? [],
            r.TextOrNull("summary"), r.TextOrNull("cancel_reason"), r.Text("scheduled_by_name"), r.TextOrNull("recorded_by_name"), r.TimeOrNull("recorded_at"),
            r.Time("updated_at"), r.Long("version"), Overdue: false, r.Time("created_at"));
    }

    public async Task RecordDrillAsync(DrillView d, DrillHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        if (entry is not null)
        {
            batch.BatchCommands.Add(EventLog("drill", d.Id, entry.Version, entry.Command.ToString(), entry.Actor, entry.At,
                new { d.PlanId, d.PartyId, From = entry.From?.ToString(), To = entry.To.ToString(), entry.Comment }));
        }

        var upsert = new NpgsqlBatchCommand("""
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
            """);
        upsert.Parameters.AddWithValue("id", d.Id);
        upsert.Parameters.AddWithValue("plan", d.PlanId);
        upsert.Parameters.AddWithValue("party", d.PartyId);
        upsert.Parameters.AddWithValue("scenario", d.Scenario);
        upsert.Parameters.AddWithValue("scheduledAt", d.ScheduledAt);
        upsert.Parameters.AddWithValue("state", d.State.ToString());
        upsert.Parameters.Add(Int("planVersion", d.PlanVersion));
        upsert.Parameters.Add(Time("startedAt", d.StartedAt));
        upsert.Parameters.Add(Time("endedAt", d.EndedAt));
        upsert.Parameters.Add(Jsonb("participants", d.Participants));
        upsert.Parameters.Add(Jsonb("findings", d.Findings));
        upsert.Parameters.Add(Jsonb("followUps", d.FollowUps));
        upsert.Parameters.Add(Text("summary", d.Summary));
        upsert.Parameters.Add(Text("cancelReason", d.CancelReason));
        upsert.Parameters.AddWithValue("scheduledBy", d.ScheduledBy);
        upsert.Parameters.Add(Text("recordedBy", d.RecordedBy));
        upsert.Parameters.Add(Time("recordedAt", d.RecordedAt));
        upsert.Parameters.AddWithValue("createdAt", d.CreatedAt);
        upsert.Parameters.AddWithValue("updatedAt", d.UpdatedAt);
        upsert.Parameters.AddWithValue("version", d.Version);
        batch.BatchCommands.Add(upsert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    // ---- campaigns

    public async Task<CampaignView?> LoadCampaignAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT * FROM mc.campaigns WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var r = new Row(reader);
        return new CampaignView(id, r.Text("party_id"), r.Text("title"), Enum.Parse<CampaignKind>(r.Text("kind")), r.Date("starts_on"), r.Date("ends_on"),
            r.Text("description"), Enum.Parse<CampaignSupport>(r.Text("support")), r.TextOrNull("support_note"), r.TextOrNull("supported_by_name"),
            r.TimeOrNull("supported_at"), r.Text("registered_by_name"), r.Time("registered_at"), r.Time("updated_at"),
            Enum.Parse<CampaignState>(r.Text("state")), r.TextOrNull("withdraw_reason"), r.TimeOrNull("withdrawn_at"), r.Long("version"), r.Guid("registered_by"));
    }

    public async Task RecordCampaignAsync(CampaignView c, CampaignHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        if (entry is not null)
        {
            batch.BatchCommands.Add(EventLog("campaign", c.Id, entry.Version, entry.Command.ToString(), entry.Actor, entry.At,
                new { c.PartyId, From = entry.From?.ToString(), To = entry.To.ToString(), entry.Comment }));
        }

        var upsert = new NpgsqlBatchCommand("""
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
            """);
        upsert.Parameters.AddWithValue("id", c.Id);
        upsert.Parameters.AddWithValue("party", c.PartyId);
        upsert.Parameters.AddWithValue("title", c.Title);
        upsert.Parameters.AddWithValue("kind", c.Kind.ToString());
        upsert.Parameters.AddWithValue("startsOn", c.StartsOn);
        upsert.Parameters.AddWithValue("endsOn", c.EndsOn);
        upsert.Parameters.AddWithValue("description", c.Description);
        upsert.Parameters.AddWithValue("support", c.Support.ToString());
        upsert.Parameters.Add(Text("note", c.SupportNote));
        upsert.Parameters.Add(Text("supportedBy", c.SupportedBy));
        upsert.Parameters.Add(Time("supportedAt", c.SupportedAt));
        upsert.Parameters.AddWithValue("registeredById", c.RegisteredById);
        upsert.Parameters.AddWithValue("registeredBy", c.RegisteredBy);
        upsert.Parameters.AddWithValue("registeredAt", c.RegisteredAt);
        upsert.Parameters.AddWithValue("updatedAt", c.UpdatedAt);
        upsert.Parameters.AddWithValue("state", c.State.ToString());
        upsert.Parameters.Add(Text("withdrawReason", c.WithdrawReason));
        upsert.Parameters.Add(Time("withdrawnAt", c.WithdrawnAt));
        upsert.Parameters.AddWithValue("version", c.Version);
        batch.BatchCommands.Add(upsert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    // ---- shared

    private const string EventLogSql = """
        INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
        VALUES (@type, @id, @version, @event, @actor, @at, @payload)
        ON CONFLICT (entity_type, entity_id, version) DO NOTHING
        """;

    private static NpgsqlBatchCommand EventLog(string type, string id, long version, string eventType, string actor, DateTimeOffset at, object payload)
    {
        var command = new NpgsqlBatchCommand(EventLogSql);
        AddEventLogParameters(command.Parameters, type, id, version, eventType, actor, at, payload);
        return command;
    }

    private static NpgsqlCommand EventLog(NpgsqlConnection connection, NpgsqlTransaction transaction, string type, string id, long version, string eventType,
        string actor, DateTimeOffset at, object payload)
    {
        var command = new NpgsqlCommand(EventLogSql, connection, transaction);
        AddEventLogParameters(command.Parameters, type, id, version, eventType, actor, at, payload);
        return command;
    }

    private static void AddEventLogParameters(NpgsqlParameterCollection parameters, string type, string id, long version, string eventType, string actor,
        DateTimeOffset at, object payload)
    {
        parameters.AddWithValue("type", type);
        parameters.AddWithValue("id", id);
        parameters.AddWithValue("version", version);
        parameters.AddWithValue("event", eventType);
        parameters.AddWithValue("actor", actor);
        parameters.AddWithValue("at", at);
        parameters.Add(Jsonb("payload", payload));
    }

    private static NpgsqlParameter Jsonb(string name, object value) => new(name, NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, Json) };

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Int(string name, int? value) => new(name, NpgsqlDbType.Integer) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) => new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v : DBNull.Value };

    /// <summary>One row read by column name, so a column added to a table never shifts what is read.</summary>
    private sealed class Row(NpgsqlDataReader reader)
    {
        private object? Value(string column)
        {
            var value = reader.GetValue(reader.GetOrdinal(column));
            return value is DBNull ? null : value;
        }

        public string Text(string column) => (string)Value(column)!;

        public string? TextOrNull(string column) => (string?)Value(column);

        public int Int(string column) => (int)Value(column)!;

        public int? IntOrNull(string column) => (int?)Value(column);

        public long Long(string column) => (long)Value(column)!;

        public Guid Guid(string column) => (Guid)Value(column)!;

        public Guid? GuidOrNull(string column) => (Guid?)Value(column);

        public DateTimeOffset Time(string column) => reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(column));

        public DateTimeOffset? TimeOrNull(string column) =>
            reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(column));

        public DateOnly Date(string column) => reader.GetFieldValue<DateOnly>(reader.GetOrdinal(column));
    }
}
