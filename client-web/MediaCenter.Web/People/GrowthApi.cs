using Dapper;
using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.People;

/// <summary>
/// The growth record (成长档案) of a person and the signed-in person's own record, read-only: posts held, trainings with their
/// assessment, certificates and appraisals, in the order they happened, read from the staff record, mc.event_log and
/// mc.appraisals. Nothing here changes state.
/// </summary>
internal static class GrowthApi
{
    public static IEndpointRouteBuilder MapGrowthApi(this IEndpointRouteBuilder endpoints)
    {
        var people = endpoints.MapGroup("/api/v1/people").WithTags("people");

        people.MapGet("/me", async (HttpContext http, IClusterClient cluster, GrowthReadModel read, AppraisalReadModel appraisals) =>
            {
                var user = http.CurrentUser();
                var id = await read.LinkedStaffAsync(user.Id, http.RequestAborted)
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.noLinkedRecord"));
                var staff = await cluster.GetGrain<IStaffGrain>(id).GetAsync()
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.noLinkedRecord"));
                var obligations = await cluster.GetGrain<ITrainingGrain>(staff.Organisation).ObligationsOfAsync(staff.Id);
                var sessions = await read.SessionsOfAsync(staff, http.RequestAborted);
                var growth = await read.GrowthAsync(staff, withAppraisals: true, http.RequestAborted);
                return Results.Ok(new MyRecord(staff, obligations, sessions, await appraisals.MineAsync(user.Id, http.RequestAborted), growth));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("MyStaffRecord")
            .WithSummary("The signed-in person's own staff record (through the account linked to it; 404 without one), masked: the record, their " +
                "training obligations (open ones flagged overdue), the sessions they are enrolled in, their appraisals and their growth record.");

        people.MapGet("/{id}/growth", async (string id, HttpContext http, IClusterClient cluster, GrowthReadModel read) =>
            {
                var staff = await StaffApi.VisibleAsync(id, http, cluster);
                var user = http.CurrentUser();
                // Appraisals keep their own audience (the appraisers and the person): the rest of the party sees the record without them.
                var withAppraisals = staff.UserId == user.Id || AppraisalApi.IsAppraiser(user, Organisation.Parse(staff.Organisation)!);
                return Results.Ok(await read.GrowthAsync(staff, withAppraisals, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StaffGrowthRecord")
            .WithSummary("A person's growth record, oldest first: posts held (from, until), trainings with score and pass mark, certificates " +
                "gained and removed, and acknowledged or closed appraisals (for the organisation's admins and the person) with total and grade.");

        return endpoints;
    }
}

/// <summary>The signed-in person's own record, as <c>GET /api/v1/people/me</c> answers it.</summary>
public sealed record MyRecord(
    StaffView Record,
    IReadOnlyList<TrainingObligationView> Obligations,
    IReadOnlyList<MySession> Sessions,
    IReadOnlyList<AppraisalListItem> Appraisals,
    IReadOnlyList<GrowthEntry> Growth);

/// <summary>A training session the person is enrolled in, with their own result only (the other attendees' are not theirs to see).</summary>
public sealed record MySession(
    string Id,
    string Title,
    DateTimeOffset StartsAt,
    string? Location,
    string State,
    int PassMark,
    bool Attended,
    int? Score,
    bool? Passed);

/// <summary>What a growth record entry is.</summary>
public enum GrowthKind
{
    /// <summary>A post held from <c>Day</c> until <c>Until</c> (null: still held).</summary>
    Post,

    /// <summary>A training completed on <c>Day</c> with its assessment (score against the pass mark, passed or not).</summary>
    Training,

    /// <summary>A certificate gained (valid from <c>Day</c>).</summary>
    Certificate,

    /// <summary>A certificate taken off the record on <c>Day</c>.</summary>
    CertificateRemoved,

    /// <summary>An appraisal acknowledged on <c>Day</c> (its state now Acknowledged or Closed).</summary>
    Appraisal,
}

/// <summary>One entry of a growth record; the fields that do not apply to its kind are null.</summary>
/// <param name="Day">The calendar day (People:TimeZone) it happened or began.</param>
/// <param name="At">When it was recorded, which orders the entries of one day; null when not known.</param>
public sealed record GrowthEntry(
    GrowthKind Kind,
    DateOnly Day,
    DateTimeOffset? At,
    DateOnly? Until = null,
    StaffPost? Post = null,
    string? Title = null,
    TrainingKind? TrainingKind = null,
    int? Score = null,
    int? PassMark = null,
    bool? Passed = null,
    string? Number = null,
    string? Issuer = null,
    DateOnly? ValidTo = null,
    string? AppraisalId = null,
    string? Period = null,
    double? Total = null,
    string? Grade = null,
    string? State = null);

/// <summary>Reads growth records from the staff record, its history in mc.event_log and mc.appraisals; read-only.</summary>
public sealed class GrowthReadModel(NpgsqlDataSource db, IConfiguration configuration)
{
    internal sealed record HistoryRow(long Version, string EventType, DateTime OccurredAt, string? Post, string? ToState, string? Comment);

    internal sealed record SessionRow(string Id, string Title, DateTime StartsAt, string? Location, string State, int PassMark, string? Attended, int? Score,
        bool? Passed);

    internal sealed record AppraisalRow(string Id, string Period, double? Total, string? Grade, string State, DateTime? AcknowledgedAt, DateTime UpdatedAt);

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(
        configuration[$"{EditorOptions.Section}:{nameof(EditorOptions.TimeZone)}"] ?? new EditorOptions().TimeZone);

    /// <summary>The staff record linked to an account (an active one before one that left), or null.</summary>
    public async Task<string?> LinkedStaffAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT id FROM mc.staff WHERE user_id = @userId ORDER BY state = 'Left', updated_at DESC LIMIT 1", new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>The sessions a person is enrolled in (the read table mc.training_sessions), newest first.</summary>
    public async Task<IReadOnlyList<MySession>> SessionsOfAsync(StaffView staff, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SessionRow>(new CommandDefinition("""
            SELECT s.id, s.title, s.starts_at, s.location, s.state, s.pass_mark, a.value ->> 'attended' AS attended,
                   (a.value ->> 'score')::int AS score, (a.value ->> 'passed')::boolean AS passed
              FROM mc.training_sessions s
              CROSS JOIN LATERAL jsonb_array_elements(s.attendees) a
             WHERE s.organisation = @organisation AND a.value ->> 'personId' = @id
             ORDER BY s.starts_at DESC LIMIT 200
            """, new { organisation = staff.Organisation, id = staff.Id }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new MySession(r.Id, r.Title, Utc(r.StartsAt), r.Location, r.State, r.PassMark, r.Attended == "true", r.Score, r.Passed))];
    }

    /// <summary>The person's growth record, oldest first.</summary>
    public async Task<IReadOnlyList<GrowthEntry>> GrowthAsync(StaffView staff, bool withAppraisals, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var history = (await connection.QueryAsync<HistoryRow>(new CommandDefinition("""
            SELECT version, event_type, occurred_at, payload ->> 'post' AS post, payload ->> 'to' AS to_state, payload ->> 'comment' AS comment
              FROM mc.event_log WHERE entity_type = 'staff' AND entity_id = @id ORDER BY version
            """, new { id = staff.Id }, cancellationToken: cancellationToken))).ToList();
        var appraisals = withAppraisals
            ? (await connection.QueryAsync<AppraisalRow>(new CommandDefinition("""
                SELECT a.id, a.period, a.total, a.grade, a.state,
                       (SELECT min(e.occurred_at) FROM mc.event_log e
                         WHERE e.entity_type = 'appraisal' AND e.entity_id = a.id AND e.event_type = 'Acknowledge') AS acknowledged_at,
                       a.updated_at
                  FROM mc.appraisals a WHERE a.person_id = @id AND a.state IN ('Acknowledged', 'Closed')
                """, new { id = staff.Id }, cancellationToken: cancellationToken))).ToList()
            : [];

        var entries = new List<GrowthEntry>();
        entries.AddRange(Posts(staff, history));
        entries.AddRange(Trainings(staff, history));
        entries.AddRange(Certificates(staff, history));
        entries.AddRange(appraisals.Select(a =>
        {
            var at = Utc(a.AcknowledgedAt ?? a.UpdatedAt);
            return new GrowthEntry(GrowthKind.Appraisal, DayOf(at), at, AppraisalId: a.Id, Period: a.Period, Total: a.Total, Grade: a.Grade, State: a.State);
        }));
        return [.. entries.OrderBy(e => e.Day).ThenBy(e => e.At ?? DateTimeOffset.MaxValue).ThenBy(e => e.Kind)];
    }

    /// <summary>
    /// The posts held: one from registration, a new one at each change of post, closed when the person leaves and opened again when
    /// they come back. History written before the post was kept with it counts as the record's current post.
    /// </summary>
    private IEnumerable<GrowthEntry> Posts(StaffView staff, IReadOnlyList<HistoryRow> history)
    {
        GrowthEntry? open = null;
        var last = staff.Post;
        foreach (var row in history)
        {
            var at = Utc(row.OccurredAt);
            var post = Enum.TryParse<StaffPost>(row.Post, out var p) ? p : (StaffPost?)null;
            if (row.ToState == nameof(StaffState.Left))
            {
                if (open is not null)
                {
                    yield return open with { Until = DayOf(at) };
                    open = null;
                }

                continue;
            }

            if (open is null)
            {
                open = new GrowthEntry(GrowthKind.Post, DayOf(at), at, Post: post ?? last);
            }
            else if (post is { } changed && changed != open.Post)
            {
                yield return open with { Until = DayOf(at) };
                open = new GrowthEntry(GrowthKind.Post, DayOf(at), at, Post: changed);
            }

            last = open.Post ?? last;
        }

        if (open is not null)
        {
            yield return open;
        }
    }

    /// <summary>The trainings on the record, passed and failed; the n-th RecordTraining of the history recorded the n-th (they are only ever appended).</summary>
    private static IEnumerable<GrowthEntry> Trainings(StaffView staff, IReadOnlyList<HistoryRow> history)
    {
        var recorded = history.Where(h => h.EventType == nameof(StaffCommandType.RecordTraining)).ToList();
        var trainings = staff.Trainings ?? [];
        for (var i = 0; i < trainings.Count; i++)
        {
            var t = trainings[i];
            DateTimeOffset? at = recorded.Count == trainings.Count ? Utc(recorded[i].OccurredAt) : null;
            yield return new GrowthEntry(GrowthKind.Training, t.CompletedOn, at, Post: t.Post, Title: t.Title, TrainingKind: t.Kind, Score: t.Score,
                PassMark: t.PassMark, Passed: t.Passed);
        }
    }

    /// <summary>Certificates held now, dated from their start and ordered by when they were recorded; and those taken off the record.</summary>
    private IEnumerable<GrowthEntry> Certificates(StaffView staff, IReadOnlyList<HistoryRow> history)
    {
        var registered = history.FirstOrDefault(h => h.EventType == nameof(StaffCommandType.Register));
        foreach (var c in staff.Certificates)
        {
            var recorded = history.LastOrDefault(h => h.EventType == nameof(StaffCommandType.RecordCertificate) && h.Comment == c.Number) ?? registered;
            yield return new GrowthEntry(GrowthKind.Certificate, c.ValidFrom, recorded is null ? null : Utc(recorded.OccurredAt), Title: c.Type,
                Number: c.Number, Issuer: c.Issuer, ValidTo: c.ValidTo);
        }

        foreach (var removed in history.Where(h => h.EventType == nameof(StaffCommandType.RemoveCertificate)))
        {
            var at = Utc(removed.OccurredAt);
            yield return new GrowthEntry(GrowthKind.CertificateRemoved, DayOf(at), at, Number: removed.Comment);
        }
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, _zone).DateTime);
}
