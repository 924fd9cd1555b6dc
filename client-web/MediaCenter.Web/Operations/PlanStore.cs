using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Emergency plans (应急预案) and drills in PostgreSQL (<c>mc.plans</c>, <c>mc.plan_versions</c>, <c>mc.drills</c>).
/// Commands run inside the caller's transaction (see <see cref="OpsRequests"/>) and lock the plan row first, so
/// two commands on one plan never interleave. The state rules are <see cref="PlanWorkflow"/>.
/// </summary>
public sealed class PlanStore(NpgsqlDataSource db, TimeProvider time)
{
    private const int MaxText = 2000;
    private const int MaxItems = 100;

    /// <summary>Who acts, as stored in the plan's history.</summary>
    public sealed record Actor(Guid Id, string Name);

    // ---- reading ----

    /// <summary>Plans, newest change first; only one party's when <paramref name="partyId"/> is given.</summary>
    public async Task<IReadOnlyList<PlanSummary>> ListAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            {SummarySql} WHERE (@party::text IS NULL OR p.party_id = @party) ORDER BY p.updated_at DESC LIMIT 500
            """);
        command.Parameters.Add(new NpgsqlParameter("party", NpgsqlDbType.Text) { Value = (object?)partyId ?? DBNull.Value });
        var list = new List<PlanSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadSummary(reader));
        }

        return list;
    }

    /// <summary>A plan's summary, or null.</summary>
    public async Task<PlanSummary?> SummaryAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await SummaryAsync(connection, null, id, lockRow: false, cancellationToken);
    }

    /// <summary>A plan in full: every version's life and the latest content.</summary>
    public async Task<PlanDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await DetailAsync(connection, null, id, cancellationToken);
    }

    /// <summary>One version with its content, or null.</summary>
    public async Task<PlanVersionDocument?> VersionAsync(string id, int version, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"{VersionSql} WHERE v.plan_id = @id AND v.version = @version");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new PlanVersionDocument(id, ReadVersion(reader), ReadContent(reader, 16)) : null;
    }

    /// <summary>The effective (latest approved) version of a plan, or null when it has none. What incidents cite.</summary>
    public async Task<EffectivePlan?> EffectiveAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"{VersionSql} WHERE v.plan_id = @id AND v.version = p.effective_version");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var info = ReadVersion(reader);
        return new EffectivePlan(id, reader.GetString(17), info.Version, info.Title, info.Scenario, info.ApprovedBy ?? "", info.ApprovedAt ?? default,
            ReadContent(reader, 16));
    }

    // ---- plan commands (inside the caller's transaction) ----

    /// <summary>Creates a plan with version 1 as a draft.</summary>
    public async Task<PlanDetail> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string partyId, string title,
        string scenario, PlanContent content, Actor actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var plan = new NpgsqlCommand("""
            INSERT INTO mc.plans (id, party_id, title, scenario, latest_version, effective_version, revision, created_by, created_by_name, created_at, updated_at)
            VALUES (@id, @party, @title, @scenario, 1, NULL, 1, @by, @byName, @now, @now)
            """, connection, transaction))
        {
            plan.Parameters.AddWithValue("id", id);
            plan.Parameters.AddWithValue("party", partyId);
            plan.Parameters.AddWithValue("title", title);
            plan.Parameters.AddWithValue("scenario", scenario);
            plan.Parameters.AddWithValue("by", actor.Id);
            plan.Parameters.AddWithValue("byName", actor.Name);
            plan.Parameters.AddWithValue("now", now);
            await plan.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertVersionAsync(connection, transaction, id, 1, title, scenario, content, actor, now, cancellationToken);
        await RecordAsync(connection, transaction, id, 1, PlanCommand.Create, null, PlanState.Draft, 1, actor, now, null, cancellationToken);
        return (await DetailAsync(connection, transaction, id, cancellationToken))!;
    }

    /// <summary>Edits the open draft (the revision must be current), or starts a new draft version from an approved plan.</summary>
    public async Task<PlanDetail> SaveDraftAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, long revision, string? title,
        string? scenario, PlanContent content, Actor actor, CancellationToken cancellationToken)
    {
        var plan = await LockAsync(connection, transaction, id, PlanCommand.SaveDraft, cancellationToken);
        if (plan.Revision != revision)
        {
            throw new OpsProblem(StatusCodes.Status409Conflict, "预案已被他人修改 / The plan was changed by someone else.",
                $"预案当前修订号为 {plan.Revision}，你编辑的是 {revision} / the plan is at revision {plan.Revision}; you edited revision {revision}",
                new Dictionary<string, object?> { ["code"] = "VersionConflict", ["revision"] = plan.Revision });
        }

        var now = time.GetUtcNow();
        var newTitle = title ?? plan.Title;
        var newScenario = scenario ?? plan.Scenario;
        int version;
        if (plan.LatestState == PlanState.Draft)
        {
            version = plan.LatestVersion;
            await using var update = new NpgsqlCommand("""
                UPDATE mc.plan_versions SET title = @title, scenario = @scenario, content = @content, edited_by_name = @by, edited_at = @now
                WHERE plan_id = @id AND version = @version
                """, connection, transaction);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("version", version);
            update.Parameters.AddWithValue("title", newTitle);
            update.Parameters.AddWithValue("scenario", newScenario);
            update.Parameters.Add(Jsonb("content", content));
            update.Parameters.AddWithValue("by", actor.Name);
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            // From an approved plan: a new version; the approved one stays effective until this one is approved.
            version = plan.LatestVersion + 1;
            await InsertVersionAsync(connection, transaction, id, version, newTitle, newScenario, content, actor, now, cancellationToken);
        }

        await TouchAsync(connection, transaction, id, version, newTitle, newScenario, null, now, cancellationToken);
        await RecordAsync(connection, transaction, id, version, PlanCommand.SaveDraft, plan.LatestState, PlanState.Draft, plan.Revision + 1, actor, now, null,
            cancellationToken);
        return (await DetailAsync(connection, transaction, id, cancellationToken))!;
    }

    /// <summary>Submits the open draft for approval; it must be complete.</summary>
    public async Task<PlanDetail> SubmitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, Actor actor,
        CancellationToken cancellationToken)
    {
        var plan = await LockAsync(connection, transaction, id, PlanCommand.Submit, cancellationToken);
        var content = (await VersionInAsync(connection, transaction, id, plan.LatestVersion, cancellationToken)).Content;
        var missing = Missing(content);
        if (missing.Count > 0)
        {
            throw OpsProblem.Invalid("预案不完整，不能提交 / the plan is incomplete and cannot be submitted: " + string.Join("; ", missing), missing);
        }

        var now = time.GetUtcNow();
        await SetStateAsync(connection, transaction, id, plan.LatestVersion, PlanState.Submitted,
            "submitted_by_name = @by, submitted_at = @now", actor, now, null, cancellationToken);
        await TouchAsync(connection, transaction, id, plan.LatestVersion, plan.Title, plan.Scenario, null, now, cancellationToken);
        await RecordAsync(connection, transaction, id, plan.LatestVersion, PlanCommand.Submit, PlanState.Draft, PlanState.Submitted, plan.Revision + 1, actor,
            now, null, cancellationToken);
        return (await DetailAsync(connection, transaction, id, cancellationToken))!;
    }

    /// <summary>Approves the submitted version: it becomes the effective one and the previous approved version is superseded.</summary>
    public async Task<PlanDetail> ApproveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int? version, Actor actor,
        CancellationToken cancellationToken)
    {
        var plan = await LockAsync(connection, transaction, id, PlanCommand.Approve, cancellationToken);
        RequireVersion(plan, version);
        var now = time.GetUtcNow();
        if (plan.EffectiveVersion is { } previous)
        {
            await SetStateAsync(connection, transaction, id, previous, PlanState.Superseded, "superseded_at = @now", actor, now, null, cancellationToken);
        }

        await SetStateAsync(connection, transaction, id, plan.LatestVersion, PlanState.Approved,
            "approved_by = @byId, approved_by_name = @by, approved_at = @now", actor, now, null, cancellationToken);
        await TouchAsync(connection, transaction, id, plan.LatestVersion, plan.Title, plan.Scenario, plan.LatestVersion, now, cancellationToken);
        await RecordAsync(connection, transaction, id, plan.LatestVersion, PlanCommand.Approve, PlanState.Submitted, PlanState.Approved, plan.Revision + 1,
            actor, now, null, cancellationToken);
        return (await DetailAsync(connection, transaction, id, cancellationToken))!;
    }

    /// <summary>Returns the submitted version to draft with a reason.</summary>
    public async Task<PlanDetail> ReturnAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int? version, string reason,
        Actor actor, CancellationToken cancellationToken)
    {
        var plan = await LockAsync(connection, transaction, id, PlanCommand.Return, cancellationToken);
        RequireVersion(plan, version);
        var now = time.GetUtcNow();
        await SetStateAsync(connection, transaction, id, plan.LatestVersion, PlanState.Draft,
            "returned_by_name = @by, returned_at = @now, return_reason = @reason", actor, now, reason, cancellationToken);
        await TouchAsync(connection, transaction, id, plan.LatestVersion, plan.Title, plan.Scenario, null, now, cancellationToken);
        await RecordAsync(connection, transaction, id, plan.LatestVersion, PlanCommand.Return, PlanState.Submitted, PlanState.Draft, plan.Revision + 1, actor,
            now, reason, cancellationToken);
        return (await DetailAsync(connection, transaction, id, cancellationToken))!;
    }

    private static void RequireVersion(PlanSummary plan, int? version)
    {
        if (version is { } v && v != plan.LatestVersion)
        {
            throw new OpsProblem(StatusCodes.Status409Conflict, "预案版本已变化 / The plan's version changed.",
                $"待审批的是第 {plan.LatestVersion} 版，不是第 {v} 版 / version {plan.LatestVersion} is waiting, not version {v}",
                new Dictionary<string, object?> { ["code"] = "VersionConflict", ["latestVersion"] = plan.LatestVersion });
        }
    }

    /// <summary>Locks the plan row and checks the command against the state table.</summary>
    private async Task<PlanSummary> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, PlanCommand command,
        CancellationToken cancellationToken)
    {
        var plan = await SummaryAsync(connection, transaction, id, lockRow: true, cancellationToken)
            ?? throw new MediaCenter.Identity.IdentityProblem(MediaCenter.Identity.ProblemKind.NotFound, $"预案 {id} 不存在 / plan {id} not found");
        if (PlanWorkflow.Find(plan.LatestState, command) is null)
        {
            var allowed = PlanWorkflow.AllowedIn(plan.LatestState);
            throw OpsProblem.IllegalMove(plan.LatestState.ToString(), allowed.Select(a => a.ToString()),
                $"第 {plan.LatestVersion} 版处于 {plan.LatestState}，不允许 {command}；允许：{string.Join("、", allowed)} / " +
                $"version {plan.LatestVersion} is {plan.LatestState}: {command} is not allowed; allowed: {string.Join(", ", allowed)}");
        }

        return plan;
    }

    private static async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int version, string title,
        string scenario, PlanContent content, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO mc.plan_versions (plan_id, version, state, title, scenario, content, created_by_name, created_at, edited_by_name, edited_at)
            VALUES (@id, @version, 'Draft', @title, @scenario, @content, @by, @now, @by, @now)
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("version", version);
        insert.Parameters.AddWithValue("title", title);
        insert.Parameters.AddWithValue("scenario", scenario);
        insert.Parameters.Add(Jsonb("content", content));
        insert.Parameters.AddWithValue("by", actor.Name);
        insert.Parameters.AddWithValue("now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task SetStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int version, PlanState state,
        string assignments, Actor actor, DateTimeOffset now, string? reason, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand($"UPDATE mc.plan_versions SET state = @state, {assignments} WHERE plan_id = @id AND version = @version",
            connection, transaction);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("version", version);
        update.Parameters.AddWithValue("state", state.ToString());
        update.Parameters.AddWithValue("byId", actor.Id);
        update.Parameters.AddWithValue("by", actor.Name);
        update.Parameters.AddWithValue("now", now);
        update.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task TouchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int latest, string title, string scenario,
        int? effective, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE mc.plans SET latest_version = @latest, title = @title, scenario = @scenario,
                effective_version = COALESCE(@effective, effective_version), revision = revision + 1, updated_at = @now
            WHERE id = @id
            """, connection, transaction);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("latest", latest);
        update.Parameters.AddWithValue("title", title);
        update.Parameters.AddWithValue("scenario", scenario);
        update.Parameters.Add(new NpgsqlParameter("effective", NpgsqlDbType.Integer) { Value = (object?)effective ?? DBNull.Value });
        update.Parameters.AddWithValue("now", now);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The plan's history: one event-log row per revision.</summary>
    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int version, PlanCommand command,
        PlanState? from, PlanState to, long revision, Actor actor, DateTimeOffset now, string? comment, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
            VALUES ('plan', @id, @revision, @type, @actor, @now, @payload)
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("revision", revision);
        insert.Parameters.AddWithValue("type", command.ToString());
        insert.Parameters.AddWithValue("actor", actor.Name);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.Add(Jsonb("payload", new { PlanVersion = version, From = from?.ToString(), To = to.ToString(), Comment = comment }));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string SummarySql = """
        SELECT p.id, p.party_id, p.title, p.scenario, p.latest_version, v.state, p.effective_version, p.revision, p.created_by_name, p.created_at, p.updated_at
        FROM mc.plans p JOIN mc.plan_versions v ON v.plan_id = p.id AND v.version = p.latest_version
        """;

    private const string VersionSql = """
        SELECT v.version, v.state, v.title, v.scenario, v.created_by_name, v.created_at, v.edited_by_name, v.edited_at, v.submitted_by_name,
               v.submitted_at, v.approved_by_name, v.approved_at, v.returned_by_name, v.returned_at, v.return_reason, v.superseded_at, v.content::text,
               p.party_id
        FROM mc.plan_versions v JOIN mc.plans p ON p.id = v.plan_id
        """;

    private static async Task<PlanSummary?> SummaryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool lockRow,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{SummarySql} WHERE p.id = @id{(lockRow ? " FOR UPDATE OF p" : "")}", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSummary(reader) : null;
    }

    private static async Task<PlanDetail?> DetailAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        var summary = await SummaryAsync(connection, transaction, id, lockRow: false, cancellationToken);
        if (summary is null)
        {
            return null;
        }

        var versions = new List<PlanVersionInfo>();
        PlanContent? latest = null;
        await using (var command = new NpgsqlCommand($"{VersionSql} WHERE v.plan_id = @id ORDER BY v.version DESC", connection, transaction))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var info = ReadVersion(reader);
                versions.Add(info);
                if (info.Version == summary.LatestVersion)
                {
                    latest = ReadContent(reader, 16);
                }
            }
        }

        return new PlanDetail(summary, versions, latest ?? Empty, PlanWorkflow.AllowedIn(summary.LatestState));
    }

    private static async Task<PlanVersionDocument> VersionInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, int version,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{VersionSql} WHERE v.plan_id = @id AND v.version = @version", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PlanVersionDocument(id, ReadVersion(reader), ReadContent(reader, 16));
    }

    private static PlanSummary ReadSummary(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
        Enum.Parse<PlanState>(r.GetString(5)), r.IsDBNull(6) ? null : r.GetInt32(6), r.GetInt64(7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10));

    private static PlanVersionInfo ReadVersion(NpgsqlDataReader r) => new(r.GetInt32(0), Enum.Parse<PlanState>(r.GetString(1)), r.GetString(2), r.GetString(3),
        r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), Text(r, 8), Time(r, 9), Text(r, 10),
        Time(r, 11), Text(r, 12), Time(r, 13), Text(r, 14), Time(r, 15));

    private static PlanContent ReadContent(NpgsqlDataReader r, int ordinal) => JsonSerializer.Deserialize<PlanContent>(r.GetString(ordinal), OpsHttp.Json) ?? Empty;

    private static string? Text(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);

    private static NpgsqlParameter Jsonb(string name, object value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, OpsHttp.Json) };

    // ---- content rules ----

    private static readonly PlanContent Empty = new([], [], [], [], [], []);

    /// <summary>
    /// Checks the structure of plan content (what a draft may hold) and normalises it: texts trimmed, risk scores
    /// and levels computed, response steps numbered in the order given. Sections may still be empty.
    /// </summary>
    public static PlanContent Normalize(PlanContent? content)
    {
        content ??= Empty;
        var errors = new List<string>();
        List<T> Section<T>(IReadOnlyList<T>? items, string name, Func<T, string?> key, Func<T, T> clean)
        {
            items ??= [];
            if (items.Count > MaxItems)
            {
                errors.Add($"{name}: 最多 {MaxItems} 项 / at most {MaxItems} items");
            }

            var result = new List<T>();
            for (var i = 0; i < items.Count && i < MaxItems; i++)
            {
                if (items[i] is null || string.IsNullOrWhiteSpace(key(items[i])))
                {
                    errors.Add($"{name}[{i}]: 缺少名称或内容 / the item needs its main field");
                    continue;
                }

                result.Add(clean(items[i]));
            }

            return result;
        }

        string? Clean(string? s)
        {
            if (s is { Length: > MaxText })
            {
                errors.Add($"文字最多 {MaxText} 字 / texts are at most {MaxText} characters");
            }

            return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        }

        var organisation = Section(content.Organisation, "organisation", d => d.Role, d => new PlanDuty(Clean(d.Role), Clean(d.Person), Clean(d.Duties), Clean(d.Contact)));
        var resources = Section(content.Resources, "resources", r => r.Name, r => new PlanResource(Clean(r.Name), Clean(r.Kind), Clean(r.Quantity), Clean(r.Location), Clean(r.Custodian)));
        var risks = Section(content.Risks, "risks", r => r.Name, r =>
        {
            if (r.Likelihood is < 1 or > 5 || r.Impact is < 1 or > 5)
            {
                errors.Add($"risks: {r.Name}: 可能性和影响取 1–5 / likelihood and impact are 1 to 5");
            }

            int? score = r.Likelihood is { } l && r.Impact is { } i ? l * i : null;
            return new PlanRisk(Clean(r.Name), Clean(r.Description), r.Likelihood, r.Impact, Clean(r.Mitigation), score, score is { } s ? Level(s) : null);
        });
        var prevention = Section(content.Prevention, "prevention", m => m.Measure, m => new PlanMeasure(Clean(m.Measure), Clean(m.Owner), Clean(m.Frequency)));
        var steps = Section(content.ResponseSteps, "responseSteps", s => s.Action, s =>
        {
            if (s.TimeLimitMinutes is < 0 or > 10_080)
            {
                errors.Add($"responseSteps: {s.Action}: 时限 0–10080 分钟 / the time limit is 0 to 10080 minutes");
            }

            return s with { Action = Clean(s.Action), Owner = Clean(s.Owner) };
        });
        var fallback = Section(content.Fallback, "fallback", f => f.Arrangement, f => new PlanFallback(Clean(f.Arrangement), Clean(f.Trigger), Clean(f.Owner)));
        if (errors.Count > 0)
        {
            throw OpsProblem.Invalid("预案内容不符合要求 / the plan content is not valid: " + string.Join("; ", errors.Distinct()), errors.Distinct().ToList());
        }

        return new PlanContent(organisation, resources, risks, prevention,
            steps.Select((s, i) => s with { Order = i + 1 }).ToList(), fallback);
    }

    /// <summary>What a plan still needs before it may be submitted (empty when complete).</summary>
    public static IReadOnlyList<string> Missing(PlanContent content)
    {
        var missing = new List<string>();
        void Need<T>(IReadOnlyList<T>? items, string name)
        {
            if (items is not { Count: > 0 })
            {
                missing.Add($"{name}: 不能为空 / must not be empty");
            }
        }

        Need(content.Organisation, "organisation");
        Need(content.Resources, "resources");
        Need(content.Risks, "risks");
        Need(content.Prevention, "prevention");
        Need(content.ResponseSteps, "responseSteps");
        Need(content.Fallback, "fallback");
        foreach (var risk in content.Risks ?? [])
        {
            if (risk.Likelihood is null || risk.Impact is null)
            {
                missing.Add($"risks: {risk.Name}: 需要评估可能性和影响 / likelihood and impact must be rated");
            }
        }

        foreach (var duty in content.Organisation ?? [])
        {
            if (duty.Duties is null)
            {
                missing.Add($"organisation: {duty.Role}: 需要职责 / duties are required");
            }
        }

        return missing;
    }

    /// <summary>Risk level of a score (likelihood × impact, 1–25).</summary>
    public static string Level(int score) => score switch
    {
        >= 15 => "High",
        >= 8 => "Medium",
        _ => "Low",
    };
}
