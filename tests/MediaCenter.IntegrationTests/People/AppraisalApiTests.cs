using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.People;

/// <summary>Appraisal (F8.3) on real processes and PostgreSQL: figures from a seeded month of mc.event_log, the workflow over HTTP, who sees what.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AppraisalApiTests(IntegrationFixture fixture)
{
    private const string Period = "2026-09";
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static readonly string[] Counted =
    [
        "pitchesFiled", "pitchesSelected", "storiesPublished", "assignmentsSubmitted", "assignmentOnTimeRate", "reviewsDone", "reviewTurnaroundMedianHours",
        "incidentsAcknowledged", "incidentsAcknowledgedInTarget", "incidentsResolved", "inspectionsDone", "trainingsPassed",
    ];

    [Fact]
    public async Task Appraisal_figures_of_a_seeded_month_equal_counts_recomputed_from_the_event_log_for_two_people()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "apr");
        var identity = shared.Deployment.Identity;
        var u1 = await identity.PartyUserAsync("apr-p1", people.PartyA, MediaCenter.Identity.PartyRoles.Member);
        var u2 = await identity.PartyUserAsync("apr-p2", people.PartyA, MediaCenter.Identity.PartyRoles.Member);
        using var person1 = await TestIdentity.SignInAsync(shared.Web.Http, "apr-p1");
        var p1 = await RegisterAsync(people.PartyAdmin, "冯记者", u1);
        var p2 = await RegisterAsync(people.PartyAdmin, "陈编辑", u2);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{p1}/trainings",
            new { kind = "OperatingSkills", title = "融媒体采编", completedOn = "2026-09-15", score = 80, passMark = 60 }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{p2}/trainings",
            new { kind = "OperatingSkills", title = "融媒体采编", completedOn = "2026-09-15", score = 50, passMark = 60 }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{p2}/trainings",
            new { kind = "OperatingSkills", title = "设备操作", completedOn = "2026-10-01", score = 90, passMark = 60 }, HttpStatusCode.OK);
        await SeedAsync(shared.Deployment.ConnectionString, people.Prefix, u1, u2);

        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Put, "/api/v1/people/appraisals/schemes", new { schemes = Array.Empty<object>() }));
        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/people/appraisals/schemes", new
        {
            schemes = new[]
            {
                new
                {
                    post = "Staff",
                    indicators = Counted.Select(m => new { measure = m, weight = 5, target = m == "reviewTurnaroundMedianHours" ? 24.0 : m == "assignmentOnTimeRate" ? 90 : 3, lowerIsBetter = m == "reviewTurnaroundMedianHours" }),
                    manualItems = new[] { new { name = "工作态度", weight = 40 } },
                    bands = new[] { new { grade = "优秀", minTotal = 90.0 }, new { grade = "合格", minTotal = 60.0 }, new { grade = "不合格", minTotal = 0.0 } },
                },
            },
        }, HttpStatusCode.OK);

        var opened1 = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/appraisals", new { personId = p1, period = Period }, HttpStatusCode.Created);
        var opened2 = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/appraisals", new { personId = p2, period = Period }, HttpStatusCode.Created);
        var expected1 = await RecomputeAsync(shared.Deployment.ConnectionString, u1, "apr-p1", p1);
        var expected2 = await RecomputeAsync(shared.Deployment.ConnectionString, u2, "apr-p2", p2);
        Assert.Equal(expected1, Figures(opened1));
        Assert.Equal(expected2, Figures(opened2));

        // What was seeded, so that the two queries cannot be wrong the same way unnoticed.
        Assert.Equal(new double?[] { 3, 2, 2, 2, 50, 2, 3, 2, 1, 1, 1, 1 }, Counted.Select(m => expected1[m]));
        Assert.Equal(new double?[] { 1, 0, 1, 1, 0, 1, 10, 0, 0, 0, 0, 0 }, Counted.Select(m => expected2[m]));

        // The same period computed again gives the same figures.
        var id1 = opened1.Str("id");
        var path = "/api/v1/people/appraisals/" + Uri.EscapeDataString(id1);
        var again = await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/recompute", new { }, HttpStatusCode.OK);
        Assert.Equal(expected1, Figures(again));

        // Scored → the person acknowledges (nobody else may, nor see it) → closed with a commendation.
        var scored = await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/score",
            new { scores = new[] { new { name = "工作态度", score = 100 } }, comment = "表现突出" }, HttpStatusCode.OK);
        Assert.Equal("Scored", scored.Str("state"));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Post, path + "/acknowledge", new { }));
        var mine = await person1.MustAsync(HttpMethod.Get, "/api/v1/people/appraisals/mine", null, HttpStatusCode.OK);
        Assert.Equal(id1, Assert.Single(mine.EnumerateArray()).Str("id"));
        var refused = await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/acknowledge", new { }, HttpStatusCode.Forbidden);
        Assert.Equal("Forbidden", refused.Str("code"));
        await person1.MustAsync(HttpMethod.Post, path + "/acknowledge", new { }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/close", new { }, HttpStatusCode.OK);
        var closed = await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/incentives", new { kind = "Commendation", note = "月度之星" }, HttpStatusCode.OK);
        Assert.Equal(("Closed", "Commendation"), (closed.Str("state"), closed.GetProperty("incentives")[0].Str("kind")));

        // The read table and the history in the event log follow.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        var history = await Eventually.WaitAsync(async () =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT string_agg(event_type, ',' ORDER BY version) FROM mc.event_log WHERE entity_type = 'appraisal' AND entity_id = @id", connection);
            command.Parameters.AddWithValue("id", id1);
            return await command.ExecuteScalarAsync() as string;
        }, h => h?.EndsWith("RecordIncentive", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20), "the appraisal's history");
        Assert.Equal("Open,Recompute,Score,Acknowledge,Close,RecordIncentive", history);
        var list = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/people/appraisals?period={Period}", null, HttpStatusCode.OK);
        Assert.Equal(2, list.GetArrayLength());
    }

    [Fact]
    public async Task Complaint_figures_of_a_seeded_month_equal_a_count_of_the_closed_complaints_naming_the_person()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "aprc");
        var identity = shared.Deployment.Identity;
        var p1 = await RegisterAsync(people.PartyAdmin, "褚值守", await identity.PartyUserAsync("aprc-p1", people.PartyA, MediaCenter.Identity.PartyRoles.Member));
        var p2 = await RegisterAsync(people.PartyAdmin, "卫前台", await identity.PartyUserAsync("aprc-p2", people.PartyA, MediaCenter.Identity.PartyRoles.Member));
        object Ticket(string command, string kind, string? concerned, int? satisfaction) =>
            new { command, kind, to = command == "Close" ? "Closed" : "Handled", assignee = "party:" + people.PartyA, concernedStaffId = concerned, satisfaction };
        var rows = new (string Id, long Version, string Event, DateTimeOffset At, object Payload)[]
        {
            // Person 1: three complaints closed in the month (satisfied, dissatisfied at 2, never rated), one at 00:30 on the next
            // month's first day and one at 23:30 on the last day of the month before (local), a suggestion, and a handling.
            ("t1", 9, "Close", Local(9, 1, 0, 30), Ticket("Close", "Complaint", p1, 4)),
            ("t2", 9, "Close", Local(9, 15, 10), Ticket("Close", "Complaint", p1, 2)),
            ("t3", 9, "Close", Local(9, 30, 23, 30), Ticket("Close", "Complaint", p1, null)),
            ("t4", 9, "Close", Local(10, 1, 0, 30), Ticket("Close", "Complaint", p1, 5)),
            ("t5", 9, "Close", Local(8, 31, 23, 30), Ticket("Close", "Complaint", p1, 5)),
            ("t6", 9, "Close", Local(9, 16, 10), Ticket("Close", "Suggestion", p1, 1)),
            ("t7", 4, "Handle", Local(9, 17, 10), Ticket("Handle", "Complaint", p1, null)),
            // Person 2: one satisfied; a complaint naming nobody.
            ("t8", 9, "Close", Local(9, 20, 10), Ticket("Close", "Complaint", p2, 5)),
            ("t9", 9, "Close", Local(9, 21, 10), Ticket("Close", "Complaint", null, 1)),
        };
        await using (var connection = new NpgsqlConnection(shared.Deployment.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var row in rows)
            {
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at, payload)
                    VALUES ('ticket', @id, @version, @event, @at, @payload::jsonb)
                    """, connection);
                insert.Parameters.AddWithValue("id", $"aprc-{row.Id}");
                insert.Parameters.AddWithValue("version", row.Version);
                insert.Parameters.AddWithValue("event", row.Event);
                insert.Parameters.AddWithValue("at", row.At.ToUniversalTime());
                insert.Parameters.AddWithValue("payload", JsonSerializer.Serialize(row.Payload, JsonSerializerOptions.Web));
                await insert.ExecuteNonQueryAsync();
            }
        }

        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/people/appraisals/schemes", new
        {
            schemes = new[]
            {
                new
                {
                    post = "Staff",
                    indicators = new object[]
                    {
                        new { measure = "complaintsClosed", weight = 40, target = 1.0, lowerIsBetter = true },
                        new { measure = "complaintSatisfactionRate", weight = 60, target = 90.0, lowerIsBetter = false },
                    },
                    manualItems = Array.Empty<object>(),
                    bands = new[] { new { grade = "合格", minTotal = 60.0 }, new { grade = "不合格", minTotal = 0.0 } },
                },
            },
        }, HttpStatusCode.OK);
        var opened1 = Figures(await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/appraisals", new { personId = p1, period = Period }, HttpStatusCode.Created));
        var opened2 = Figures(await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/appraisals", new { personId = p2, period = Period }, HttpStatusCode.Created));

        // An independent count: containment on the payload, the month's bounds as literals.
        async Task<(double Closed, double? Rate)> CountAsync(string person)
        {
            await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT count(*), count(payload -> 'satisfaction') FILTER (WHERE jsonb_typeof(payload -> 'satisfaction') = 'number'),
                       count(*) FILTER (WHERE CASE jsonb_typeof(payload -> 'satisfaction') WHEN 'number' THEN (payload -> 'satisfaction')::text::int >= 3 ELSE false END)
                  FROM mc.event_log
                 WHERE entity_type = 'ticket' AND event_type = 'Close' AND payload @> jsonb_build_object('kind', 'Complaint', 'concernedStaffId', @p::text)
                   AND occurred_at >= timestamptz '2026-09-01 00:00:00+08' AND occurred_at < timestamptz '2026-10-01 00:00:00+08'
                """, connection);
            command.Parameters.AddWithValue("p", person);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var (closed, rated, satisfied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            return (closed, rated > 0 ? Math.Round(100.0 * satisfied / rated, 2) : null);
        }

        Assert.Equal(await CountAsync(p1), (opened1["complaintsClosed"]!.Value, opened1["complaintSatisfactionRate"]));
        Assert.Equal(await CountAsync(p2), (opened2["complaintsClosed"]!.Value, opened2["complaintSatisfactionRate"]));
        Assert.Equal((3.0, (double?)50), (opened1["complaintsClosed"]!.Value, opened1["complaintSatisfactionRate"]));
        Assert.Equal((1.0, (double?)100), (opened2["complaintsClosed"]!.Value, opened2["complaintSatisfactionRate"]));
    }

    private static async Task<string> RegisterAsync(HttpClient admin, string name, Guid account) =>
        (await admin.MustAsync(HttpMethod.Post, "/api/v1/people", new { name, post = "Staff", education = "Bachelor", experienceYears = 3, userId = account },
            HttpStatusCode.Created)).Str("id");

    private static Dictionary<string, double?> Figures(JsonElement appraisal) =>
        appraisal.GetProperty("figures").EnumerateArray().ToDictionary(f => f.Str("measure"),
            f => f.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : f.GetProperty("value").GetDouble());

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Shanghai);

    /// <summary>A month of events for both people, with some just outside the month (Asia/Shanghai) and some by others.</summary>
    private static async Task SeedAsync(string connectionString, string prefix, Guid u1, Guid u2)
    {
        var other = Guid.NewGuid();
        object Person(Guid id) => new { id, name = "x" };
        object Story(string command, Guid actor, Guid author, Guid[] assignees, DateTimeOffset? dueAt = null, DateTimeOffset? reviewRequestedAt = null) =>
            new { command, actorId = actor, author = Person(author), assignees = assignees.Select(Person), channel = prefix + "-home", dueAt, reviewRequestedAt };
        object Incident(Guid actor, string severity = "P1") => new { actorId = actor, severity, partyId = prefix + "-a" };
        var rows = new List<(string Type, string Id, long Version, string Event, DateTimeOffset At, object Payload)>
        {
            // Person 1: three pitches filed (one at 01:00 on the month's first day, local), one filed the day after the month.
            ("article", "s1", 1, "File", Local(9, 1, 1), Story("File", u1, u1, [])),
            ("article", "s2", 1, "File", Local(9, 10, 9), Story("File", u1, u1, [])),
            ("article", "s3", 1, "File", Local(9, 30, 23, 30), Story("File", u1, u1, [])),
            ("article", "s4", 1, "File", Local(10, 1, 0, 30), Story("File", u1, u1, [])),
            ("article", "s1", 2, "Confirm", Local(9, 2, 9), Story("Confirm", other, u1, [])),
            ("article", "s2", 2, "Confirm", Local(9, 11, 9), Story("Confirm", other, u1, [])),
            // Submissions as an assignee: one on time, one late (a joint assignment, late for both people).
            ("article", "s1", 3, "Submit", Local(9, 5, 9), Story("Submit", u1, u1, [u1], dueAt: Local(9, 5, 18))),
            ("article", "s2", 3, "Submit", Local(9, 14, 9), Story("Submit", u1, u1, [u1, u2], dueAt: Local(9, 13, 18))),
            ("article", "s1", 4, "Publish", Local(9, 6, 9), Story("Publish", other, u1, [u1])),
            ("article", "s1", 5, "Publish", Local(9, 7, 9), Story("Publish", other, u1, [u1])),
            ("article", "s2", 4, "Publish", Local(9, 20, 9), Story("Publish", other, u1, [u1, u2])),
            // Reviews: person 1 decides after 2 h and 4 h (median 3), person 2 after 10 h; one by person 2 in October.
            ("article", "s5", 1, "Approve", Local(9, 8, 12), Story("Approve", u1, other, [], reviewRequestedAt: Local(9, 8, 10))),
            ("article", "s6", 1, "Reject", Local(9, 9, 14), Story("Reject", u1, other, [], reviewRequestedAt: Local(9, 9, 10))),
            ("article", "s7", 1, "Approve", Local(9, 9, 20), Story("Approve", u2, other, [], reviewRequestedAt: Local(9, 9, 10))),
            ("article", "s8", 1, "Approve", Local(10, 2, 20), Story("Approve", u2, other, [], reviewRequestedAt: Local(10, 2, 10))),
            ("article", "s9", 1, "File", Local(9, 3, 9), Story("File", u2, u2, [])),
            // Incidents (P1 target 5 min): person 1 acknowledges one in 3 min and one in 30 min, resolves one.
            ("incident", "i1", 1, "incident.Report", Local(9, 12, 8), Incident(other)),
            ("incident", "i1", 2, "incident.Acknowledge", Local(9, 12, 8, 3), Incident(u1)),
            ("incident", "i1", 3, "incident.Resolve", Local(9, 12, 10), Incident(u1)),
            ("incident", "i2", 1, "incident.Report", Local(9, 18, 8), Incident(other)),
            ("incident", "i2", 2, "incident.Acknowledge", Local(9, 18, 8, 30), Incident(u1)),
            ("incident", "i3", 1, "incident.Report", Local(9, 19, 8), Incident(other)),
            ("incident", "i3", 2, "incident.Acknowledge", Local(9, 19, 8, 1), Incident(other)),
        };

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var row in rows)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at, payload)
                VALUES (@type, @id, @version, @event, @at, @payload::jsonb)
                """, connection);
            insert.Parameters.AddWithValue("type", row.Type);
            insert.Parameters.AddWithValue("id", $"{prefix}-{row.Id}");
            insert.Parameters.AddWithValue("version", row.Version);
            insert.Parameters.AddWithValue("event", row.Event);
            insert.Parameters.AddWithValue("at", row.At.ToUniversalTime());
            insert.Parameters.AddWithValue("payload", JsonSerializer.Serialize(row.Payload, JsonSerializerOptions.Web));
            await insert.ExecuteNonQueryAsync();
        }

        // One inspection recorded by person 1 in the month, one after it (the operation log).
        foreach (var at in new[] { Local(9, 21, 10), Local(10, 3, 10) })
        {
            await using var audit = new NpgsqlCommand("""
                INSERT INTO mc.audit_log (occurred_at, actor, action, target, result) VALUES (@at, 'apr-p1', 'POST /api/terminals/{id}/inspections', 't', 'ok')
                """, connection);
            audit.Parameters.AddWithValue("at", at.ToUniversalTime());
            await audit.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The figures recomputed by a query of its own: every row of the month, then per measure with its own test of who is named.</summary>
    private static async Task<Dictionary<string, double?>> RecomputeAsync(string connectionString, Guid user, string username, string personId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH month AS (
                SELECT e.*, coalesce(e.payload ->> 'actorId' = @u, false) AS by_me,
                       coalesce(e.payload #>> '{author,id}' = @u, false) AS authored,
                       EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(e.payload -> 'assignees') WHEN 'array' THEN e.payload -> 'assignees' ELSE '[]' END) a
                                WHERE a ->> 'id' = @u) AS assigned
                  FROM mc.event_log e
                 WHERE e.occurred_at >= timestamptz '2026-09-01 00:00:00+08' AND e.occurred_at < timestamptz '2026-10-01 00:00:00+08'
                   AND e.entity_type IN ('article', 'incident')),
            acks AS (
                SELECT m.occurred_at - (SELECT r.occurred_at FROM mc.event_log r WHERE r.entity_type = 'incident' AND r.entity_id = m.entity_id
                                         AND r.event_type = 'incident.Report' ORDER BY r.occurred_at LIMIT 1) AS took
                  FROM month m WHERE m.event_type = 'incident.Acknowledge' AND m.by_me)
            SELECT count(*) FILTER (WHERE event_type = 'File' AND by_me),
                   count(*) FILTER (WHERE event_type = 'Confirm' AND authored),
                   count(DISTINCT entity_id) FILTER (WHERE event_type = 'Publish' AND (authored OR assigned)),
                   count(*) FILTER (WHERE event_type = 'Submit' AND assigned),
                   count(*) FILTER (WHERE event_type = 'Submit' AND assigned AND NOT coalesce(occurred_at > (payload ->> 'dueAt')::timestamptz, false)),
                   count(*) FILTER (WHERE event_type IN ('Approve', 'Reject') AND by_me),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM occurred_at - (payload ->> 'reviewRequestedAt')::timestamptz) / 3600)
                       FILTER (WHERE event_type IN ('Approve', 'Reject') AND by_me AND payload ->> 'reviewRequestedAt' IS NOT NULL),
                   count(*) FILTER (WHERE event_type = 'incident.Acknowledge' AND by_me),
                   (SELECT count(*) FROM acks WHERE took <= interval '5 minutes'),
                   count(*) FILTER (WHERE event_type = 'incident.Resolve' AND by_me),
                   (SELECT count(*) FROM mc.audit_log WHERE actor = @name AND action LIKE 'POST /api/terminals/%/inspections' AND result = 'ok'
                       AND occurred_at >= timestamptz '2026-09-01 00:00:00+08' AND occurred_at < timestamptz '2026-10-01 00:00:00+08'),
                   (SELECT count(*) FROM mc.staff s CROSS JOIN LATERAL jsonb_array_elements(s.trainings) t
                     WHERE s.id = @person AND t ->> 'completedOn' LIKE '2026-09-%' AND (t ->> 'score')::int >= (t ->> 'passMark')::int)
              FROM month
            """, connection);
        command.Parameters.AddWithValue("u", user.ToString());
        command.Parameters.AddWithValue("name", username);
        command.Parameters.AddWithValue("person", personId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        double Count(int i) => Convert.ToDouble(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        var submitted = Count(3);
        return new Dictionary<string, double?>
        {
            ["pitchesFiled"] = Count(0),
            ["pitchesSelected"] = Count(1),
            ["storiesPublished"] = Count(2),
            ["assignmentsSubmitted"] = submitted,
            ["assignmentOnTimeRate"] = submitted > 0 ? Math.Round(100 * Count(4) / submitted, 2) : null,
            ["reviewsDone"] = Count(5),
            ["reviewTurnaroundMedianHours"] = reader.IsDBNull(6) ? null : Math.Round(reader.GetDouble(6), 2),
            ["incidentsAcknowledged"] = Count(7),
            ["incidentsAcknowledgedInTarget"] = Count(8),
            ["incidentsResolved"] = Count(9),
            ["inspectionsDone"] = Count(10),
            ["trainingsPassed"] = Count(11),
        };
    }
}
