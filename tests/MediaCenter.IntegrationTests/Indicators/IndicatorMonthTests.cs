using System.Globalization;
using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Indicators;

/// <summary>
/// Indicators on real processes and PostgreSQL: a month of events seeded into mc.event_log, the month closed through the
/// API, every figure checked against a recomputation from the raw log written here, and the reminders of missed targets
/// counted before and after the only silo restarts and closes the month again.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class IndicatorMonthTests(IntegrationFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The month under test: two months before the current one, so it has ended on every clock.</summary>
    private static readonly DateOnly Month = FirstOfMonth(DateTimeOffset.UtcNow).AddMonths(-2);

    private static DateOnly FirstOfMonth(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Shanghai);
        return new DateOnly(local.Year, local.Month, 1);
    }

    private static DateTimeOffset Local(DateOnly day, int hour, int minute = 0)
    {
        var time = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(time, Shanghai.GetUtcOffset(time));
    }

    private static string MonthName => Month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_closed_months_figures_equal_a_recomputation_from_the_event_log_and_each_shortfall_is_reminded_once_across_a_silo_restart()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("ind-1");
        var web = await deployment.StartWebAsync();
        await using var people = await OpsPeople.CreateAsync(deployment, web.Http, "ind");
        var (a, b) = (people.PartyA, people.PartyB);
        await SeedAsync(deployment.ConnectionString, a);

        var onTime = await DefineAsync(people.Management, "派稿按时率", "100 * assignmentsOnTime / assignmentsSubmitted", "AtLeast", 80, a, b);
        var published = await DefineAsync(people.Management, "发布稿件数", "storiesPublished", "AtLeast", 1, a, b);
        var mtta = await DefineAsync(people.Management, "故障响应", "incidentMttaMinutes", "AtMost", 60, a);
        var mttr = await DefineAsync(people.Management, "故障修复", "incidentMttrMinutes", "AtMost", 600, a);
        var review = await DefineAsync(people.Management, "审核周转", "reviewTurnaroundMedianHours", "AtMost", 8, a);
        var volume = await DefineAsync(people.Management, "故障与告警", "incidentsReported + terminalAlerts", "AtMost", 10, a);
        var reviews = await DefineAsync(people.Management, "审核次数", "reviewsDone", "AtLeast", 1, a);

        var closed = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/months/{MonthName}/close", null, HttpStatusCode.OK);
        Assert.True(closed.GetProperty("closed").GetBoolean());

        // The recomputation reads the raw rows and does its own arithmetic; nothing of the silo's SQL is reused.
        var log = await Recompute.LoadAsync(deployment.ConnectionString, Month);
        var expected = new Dictionary<(string, string), double?>
        {
            [(onTime, a)] = log.OnTimeRate(a),
            [(onTime, b)] = log.OnTimeRate(b),
            [(published, a)] = log.Published(a),
            [(published, b)] = log.Published(b),
            [(mtta, a)] = log.MeanMinutes(a, "incident.Acknowledge"),
            [(mttr, a)] = log.MeanMinutes(a, "incident.Resolve"),
            [(review, a)] = log.MedianReviewHours(a),
            [(volume, a)] = log.IncidentsReported(a) + log.TerminalAlerts(a),
            [(reviews, a)] = log.Reviews(a),
        };
        // What the seeded month holds, so the recomputation itself is pinned down too.
        Assert.Equal(100.0 / 3, expected[(onTime, a)]!.Value, 6);
        Assert.Equal((null, 2.0, 0.0, 5.0), (expected[(onTime, b)], expected[(published, a)], expected[(published, b)], expected[(review, a)]));

        var figures = await FiguresAsync(people.Management);
        foreach (var ((indicator, party), value) in expected)
        {
            var figure = figures[(indicator, party)];
            if (value is null)
            {
                Assert.Equal(JsonValueKind.Null, figure.GetProperty("value").ValueKind);
            }
            else
            {
                Assert.Equal(value.Value, figure.GetProperty("value").GetDouble(), 3);
            }
        }

        Assert.Equal(expected.Count, figures.Count);
        var missed = new[] { (onTime, a), (published, b), (mtta, a) };
        Assert.Equal(missed.Order(), figures.Where(f => f.Value.GetProperty("met").ValueKind == JsonValueKind.False).Select(f => f.Key).Order());
        Assert.Equal(missed.Length, closed.GetProperty("remindersRaised").GetInt32());
        Assert.Equal(missed.Select(m => $"indicator:{m.Item1}:{m.Item2}:{MonthName}").Order(), await RemindersOfTheMonthAsync(deployment.ConnectionString));

        // The only silo goes away and a new one closes the same month again: same figures, no second reminder.
        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
        await deployment.StartSiloAsync("ind-2");
        var again = await Eventually.WaitAsync(
            () => people.Management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/months/{MonthName}/close", null, HttpStatusCode.OK),
            _ => true, TimeSpan.FromSeconds(60), "the month closed again by the restarted silo");
        Assert.Equal(0, again.GetProperty("remindersRaised").GetInt32());
        var refigured = await FiguresAsync(people.Management);
        Assert.Equal(figures.ToDictionary(f => f.Key, f => f.Value.GetProperty("value").GetRawText()),
            refigured.ToDictionary(f => f.Key, f => f.Value.GetProperty("value").GetRawText()));
        Assert.Equal(missed.Select(m => $"indicator:{m.Item1}:{m.Item2}:{MonthName}").Order(), await RemindersOfTheMonthAsync(deployment.ConnectionString));
        Assert.Equal(3L, await Sql.LongAsync(deployment.ConnectionString,
            $"SELECT count(*) FROM mc.indicator_reminders WHERE month = '{Month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'"));

        // The party sees its own figures only, and its reminder in the alert centre.
        var own = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/indicators/figures?partyId=" + b, null, HttpStatusCode.OK);
        Assert.All(own.EnumerateArray(), f => Assert.Equal(a, f.Str("partyId")));
        var rectifications = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/rectifications", null, HttpStatusCode.OK);
        Assert.Equal(2, rectifications.EnumerateArray().Count(r => r.Str("id").EndsWith($"-{Month:yyyyMM}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_party_answers_a_shortfall_and_only_management_decides_on_its_explanation()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "inr");
        var indicator = await DefineAsync(people.Management, "发布稿件数", "storiesPublished", "AtLeast", 1000, people.PartyA);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/months/{MonthName}/close", null, HttpStatusCode.OK);
        var id = $"rect-{indicator}-{people.PartyA}-{Month:yyyyMM}";

        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/rectifications/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Management.StatusAsync(HttpMethod.Put, $"/api/v1/rectifications/{id}/analysis", new { text = "代写" }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Put, $"/api/v1/rectifications/{id}/analysis", new { text = "成员" }));
        await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/rectifications/{id}/analysis", new { text = "本月频道改版" },
            HttpStatusCode.OK);
        var filed = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{id}/explanation", new { text = "改版停更两周" }, HttpStatusCode.OK);
        Assert.Equal("Filed", filed.Str("state"));

        Assert.Equal(HttpStatusCode.Forbidden, await people.PartyAdmin.StatusAsync(HttpMethod.Post, $"/api/v1/rectifications/{id}/decision", new { accepted = true }));
        var rejected = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{id}/decision", new { accepted = false, comment = "请提交整改" },
            HttpStatusCode.OK);
        Assert.Equal(("Open", "请提交整改"), (rejected.Str("state"), rejected.Str("decisionComment")));
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var planned = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{id}/plan",
            new { actions = new[] { new { what = "恢复日更", owner = "值班主编", due } } }, HttpStatusCode.OK);
        Assert.Equal("Planned", planned.Str("state"));
        var detail = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/rectifications/{id}", null, HttpStatusCode.OK);
        Assert.Equal(5, detail.GetProperty("history").GetArrayLength());
        Assert.Empty(detail.GetProperty("allowedMoves").EnumerateArray());
        var list = await people.Operator.MustAsync(HttpMethod.Get, "/api/v1/rectifications?state=Planned&partyId=" + people.PartyA, null, HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).Str("id"));

        // Every move is in the event log, in order, with who made it: the indicator's and the rectification's.
        var connection = shared.Deployment.ConnectionString;
        Assert.Equal(["Open", "Analyse", "File", "Reject", "Plan"], await Eventually.WaitAsync(() => EventTypesAsync(connection, "rectification", id),
            l => l.Count >= 5, TimeSpan.FromSeconds(30), "the rectification's moves in the event log"));
        Assert.Equal(["Define", "Activate"], await EventTypesAsync(connection, "indicator", indicator));
        Assert.Equal((people.PartyA, "indicator"), (await TextAsync(connection, $"SELECT payload ->> 'partyId' FROM mc.event_log WHERE entity_id = '{id}' AND version = 1"),
            await TextAsync(connection, $"SELECT payload ->> 'sourceKind' FROM mc.event_log WHERE entity_id = '{id}' AND version = 1")));
        Assert.Equal("请提交整改", await TextAsync(connection, $"SELECT payload ->> 'comment' FROM mc.event_log WHERE entity_id = '{id}' AND event_type = 'Reject'"));
    }

    private static async Task<List<string>> EventTypesAsync(string connectionString, string domain, string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT event_type FROM mc.event_log WHERE entity_type = @domain AND entity_id = @id ORDER BY version", connection);
        command.Parameters.AddWithValue("domain", domain);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var types = new List<string>();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }

    private static async Task<string?> TextAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() as string;
    }

    [Fact]
    public async Task A_report_packs_typed_cells_read_back_with_the_library_equal_the_apis_figures()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "inp");
        var a = people.PartyA;
        await SeedAsync(shared.Deployment.ConnectionString, a);
        // Two terminals' days in the month and one the day after it (not counted).
        await Sql.ExecuteAsync(shared.Deployment.ConnectionString, $"""
            INSERT INTO mc.terminal_activity (terminal_id, day, party_id, heartbeats, sessions, interactions, screen_on_seconds) VALUES
              ('{a}-t1', '{Month:yyyy-MM-dd}', '{a}', 100, 3, 40, 7200),
              ('{a}-t1', '{Month.AddDays(1):yyyy-MM-dd}', '{a}', 50, 2, 10, 3600),
              ('{a}-t2', '{Month.AddDays(9):yyyy-MM-dd}', '{a}', 20, 1, 5, 1800),
              ('{a}-t2', '{Month.AddMonths(1):yyyy-MM-dd}', '{a}', 999, 9, 99, 99999)
            """);
        // Two incidents of the month in the read table: one acknowledged after 10 minutes, resolved after an hour, its root cause
        // recorded; one still open.
        await using (var connection = new NpgsqlConnection(shared.Deployment.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO mc.incidents (id, stage, severity, source, dedup_key, title, party_id, reported_at, acknowledged_at, resolved_at, occurrences,
                                          last_occurrence, escalation_level, snapshot, version)
                VALUES (@a || '-inc1', 'Resolved', 'P2', 'Terminal', @a || '-k1', 't', @a, @r1, @r1 + interval '10 minutes', @r1 + interval '1 hour', 1,
                        now(), 0, '{"rootCause": {"technical": "电源", "management": "巡检"}}', 3),
                       (@a || '-inc2', 'Reported', 'P2', 'Terminal', @a || '-k2', 't', @a, @r2, NULL, NULL, 1, now(), 0, '{}', 1)
                """, connection);
            insert.Parameters.AddWithValue("a", a);
            insert.Parameters.AddWithValue("r1", Local(Month.AddDays(2), 9).ToUniversalTime());
            insert.Parameters.AddWithValue("r2", Local(Month.AddDays(3), 9).ToUniversalTime());
            await insert.ExecuteNonQueryAsync();
        }
        var onTime = await DefineAsync(people.Management, "派稿按时率", "100 * assignmentsOnTime / assignmentsSubmitted", "AtLeast", 80, a);
        var published = await DefineAsync(people.Management, "发布稿件数", "storiesPublished", "AtLeast", 1, a);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/months/{MonthName}/close", null, HttpStatusCode.OK);
        var api = (await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/indicators/figures?partyId={a}&from={MonthName}&to={MonthName}", null,
            HttpStatusCode.OK)).EnumerateArray().ToDictionary(f => f.Str("indicatorId"));

        using var response = await people.PartyAdmin.GetAsync($"/api/v1/reports/pack.xlsx?from={MonthName}&to={MonthName}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(["Measures", "Indicators", "Trends", "Rectifications", "Channels", "Incidents", "RootCauses", "Terminals", "Inspections", "Staff", "HotEvents"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        var measures = Assert.Single(Sheet(xlsx, "Measures"));
        Assert.Equal((new DateTime(Month.Year, Month.Month, 1), a), ((DateTime)measures["Month"]!, (string)measures["Party"]!));
        Assert.Equal(api[published].GetProperty("value").GetDouble(), Convert.ToDouble(measures["storiesPublished"], CultureInfo.InvariantCulture));
        // A true percentage cell: the fraction, which the API states in percent.
        Assert.Equal(api[onTime].GetProperty("value").GetDouble(), 100 * Convert.ToDouble(measures["assignmentOnTimeRate"], CultureInfo.InvariantCulture), 3);
        Assert.Equal(5.0, Convert.ToDouble(measures["reviewTurnaroundMedianHours"], CultureInfo.InvariantCulture), 6);

        var figures = Sheet(xlsx, "Indicators").ToDictionary(r => (string)r["IndicatorId"]!);
        Assert.Equal(api.Keys.Order(), figures.Keys.Order());
        foreach (var (id, figure) in api)
        {
            Assert.Equal(figure.GetProperty("value").GetDouble(), Convert.ToDouble(figures[id]["Value"], CultureInfo.InvariantCulture), 4);
            Assert.Equal(figure.GetProperty("target").GetDouble(), Convert.ToDouble(figures[id]["Target"], CultureInfo.InvariantCulture));
            Assert.Equal(figure.GetProperty("met").GetBoolean(), (bool)figures[id]["Met"]!);
            Assert.IsType<DateTime>(figures[id]["Month"]);
        }

        // The Trends sheet holds each indicator's value and target for the month (columns by indicator name and party, in that
        // order), and one line chart per indicator draws its two columns from those very cells.
        var trend = Assert.Single(Sheet(xlsx, "Trends"));
        Assert.Equal(api[published].GetProperty("value").GetDouble(), Number(trend[$"发布稿件数 · {a}"]));
        Assert.Equal(1.0, Number(trend[$"发布稿件数 · {a} · 目标"]));
        Assert.Equal(api[onTime].GetProperty("value").GetDouble(), Number(trend[$"派稿按时率 · {a}"]), 4);
        Assert.Equal(80.0, Number(trend[$"派稿按时率 · {a} · 目标"]));
        xlsx.Position = 0;
        using (var zip = new System.IO.Compression.ZipArchive(xlsx, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true))
        {
            var charts = new List<string>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.Contains("/charts/chart", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var reader = new StreamReader(entry.Open());
                charts.Add(await reader.ReadToEndAsync());
            }

            Assert.True(charts.Count == 2, string.Join(", ", zip.Entries.Select(e => e.FullName)));
            Assert.All(charts, c => Assert.Contains("'Trends'!$A$2:$A$2", c, StringComparison.Ordinal));
            Assert.Contains(charts, c => c.Contains("'Trends'!$B$2:$B$2", StringComparison.Ordinal) && c.Contains("'Trends'!$C$2:$C$2", StringComparison.Ordinal)
                && c.Contains($"发布稿件数 · {a}", StringComparison.Ordinal));
            Assert.Contains(charts, c => c.Contains("'Trends'!$D$2:$D$2", StringComparison.Ordinal) && c.Contains("'Trends'!$E$2:$E$2", StringComparison.Ordinal));
        }

        // The drawing and its charts are valid against the Office schema (what Excel checks when it opens the file).
        xlsx.Position = 0;
        using (var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(xlsx, isEditable: false))
        {
            var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document)
                .Where(e => e.Part?.Uri.ToString() is { } uri && (uri.Contains("chart", StringComparison.Ordinal) || uri.Contains("drawing", StringComparison.Ordinal)))
                .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }

        var channel = Assert.Single(Sheet(xlsx, "Channels"));
        Assert.Equal((a + "-home", 2.0, 3.0, 1.0, 3.0, 5.0), ((string)channel["Channel"]!, Number(channel["Published"]), Number(channel["AssignmentsSubmitted"]),
            Number(channel["AssignmentsOnTime"]), Number(channel["ReviewsDone"]), Number(channel["ReviewMedianHours"])));
        Assert.Equal(1.0 / 3, Number(channel["OnTimeRate"]), 6);
        var incidents = Assert.Single(Sheet(xlsx, "Incidents"));
        Assert.Equal(("Terminal", "P2", 2.0, 1.0, 1.0, 10.0, 60.0, 1.0), ((string)incidents["Source"]!, (string)incidents["Severity"]!, Number(incidents["Reported"]),
            Number(incidents["Acknowledged"]), Number(incidents["Resolved"]), Number(incidents["MttaMinutes"]), Number(incidents["MttrMinutes"]),
            Number(incidents["WithRootCause"])));

        var terminals = Assert.Single(Sheet(xlsx, "Terminals"));
        Assert.Equal((a, "default", 2.0, 170.0, 6.0, 55.0, 3.5), ((string)terminals["Party"]!, (string)terminals["Application"]!,
            Convert.ToDouble(terminals["ActiveTerminals"], CultureInfo.InvariantCulture), Convert.ToDouble(terminals["Heartbeats"], CultureInfo.InvariantCulture),
            Convert.ToDouble(terminals["Sessions"], CultureInfo.InvariantCulture), Convert.ToDouble(terminals["Interactions"], CultureInfo.InvariantCulture),
            Convert.ToDouble(terminals["ScreenOnHours"], CultureInfo.InvariantCulture)));

        var rectification = Assert.Single(Sheet(xlsx, "Rectifications"));
        Assert.Equal(($"rect-{onTime}-{a}-{Month:yyyyMM}", "Open"), ((string)rectification["Id"]!, (string)rectification["State"]!));
        Assert.IsType<DateTime>(rectification["OpenedAt"]);

        // Every sheet's header row is frozen.
        xlsx.Position = 0;
        using (var zip = new System.IO.Compression.ZipArchive(xlsx, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true))
        {
            var sheets = zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal)).ToList();
            Assert.Equal(11, sheets.Count);
            foreach (var entry in sheets)
            {
                using var reader = new StreamReader(entry.Open());
                var xml = await reader.ReadToEndAsync();
                Assert.Contains("state=\"frozen\"", xml, StringComparison.Ordinal);
            }
        }

        using var csv = await people.PartyAdmin.GetAsync($"/api/v1/reports/pack.csv?section=indicators&from={MonthName}&to={MonthName}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Month,Indicator,IndicatorId,Party,Application,Value", lines[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task An_indicator_scoped_to_applications_counts_each_applications_own_alerts_and_incidents_and_reminds_the_one_that_missed()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ina");
        var a = people.PartyA;
        await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/applications", new { partyId = a, code = "kiosk", name = "自助终端", kind = "Terminal" },
            HttpStatusCode.Created);
        // The month of the default application (its channel, terminal t1, incidents without one), plus the kiosk's own:
        // two alerts of its terminal and one grouped incident acknowledged after 30 minutes.
        await SeedAsync(shared.Deployment.ConnectionString, a);
        await InsertEventsAsync(shared.Deployment.ConnectionString, a,
        [
            ("terminal", "k1", 1, "terminal.offline", Local(Month.AddDays(4), 3), new { partyId = a, application = "kiosk" }),
            ("terminal", "k1", 2, "terminal.offline", Local(Month.AddDays(5), 3), new { partyId = a, application = "kiosk" }),
            ("incident", "k-i1", 1, "incident.Report", Local(Month.AddDays(4), 3), new { partyId = a, application = "kiosk" }),
            ("incident", "k-i1", 2, "incident.Acknowledge", Local(Month.AddDays(4), 3, 30), new { partyId = a, application = "kiosk" }),
        ]);
        var (standard, kiosk) = (a + ".default", a + ".kiosk");
        var volume = await DefineForApplicationsAsync(people.Management, "终端告警与故障", "terminalAlerts + incidentsReported", "AtMost", 3, standard, kiosk);
        var mtta = await DefineForApplicationsAsync(people.Management, "终端故障响应", "incidentMttaMinutes", "AtMost", 20, kiosk);
        var unknown = await people.Management.CallAsync(HttpMethod.Post, "/api/v1/indicators",
            new { name = "无此应用", expression = "terminalAlerts", comparison = "AtMost", target = 1, applications = new[] { a + ".ghost" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);

        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/months/{MonthName}/close", null, HttpStatusCode.OK);

        var figures = (await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/indicators/figures?from={MonthName}&to={MonthName}", null, HttpStatusCode.OK))
            .EnumerateArray().Where(f => f.Str("indicatorId") == volume || f.Str("indicatorId") == mtta)
            .ToDictionary(f => (f.Str("indicatorId"), f.Str("application")), f => (f.GetProperty("value").GetDouble(), f.GetProperty("met").GetBoolean()));
        // Default: t1's two alerts and i1, i3 reported in the month (i2 the month before); the kiosk: its two alerts and k-i1.
        Assert.Equal(new Dictionary<(string, string), (double, bool)>
        {
            [(volume, "default")] = (4, false),
            [(volume, "kiosk")] = (3, true),
            [(mtta, "kiosk")] = (30, false),
        }, figures);
        var reminders = await RemindersAsync(shared.Deployment.ConnectionString);
        Assert.Equal([$"indicator:{volume}:{standard}:{MonthName}"], reminders.Where(r => r.StartsWith($"indicator:{volume}:", StringComparison.Ordinal)));
        Assert.Equal([$"indicator:{mtta}:{kiosk}:{MonthName}"], reminders.Where(r => r.StartsWith($"indicator:{mtta}:", StringComparison.Ordinal)));
        var rectification = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/rectifications/rect-{mtta}-{kiosk}-{Month:yyyyMM}", null, HttpStatusCode.OK);
        Assert.Equal(a, rectification.GetProperty("rectification").Str("partyId"));

        // The party reads the indicators scoped to its applications; another party does not.
        var own = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/indicators", null, HttpStatusCode.OK);
        Assert.Contains(own.EnumerateArray(), i => i.Str("id") == mtta && i.GetProperty("applications")[0].GetString() == kiosk);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/indicators/{mtta}"));
    }

    private static async Task<string> DefineForApplicationsAsync(HttpClient management, string name, string expression, string comparison, double target,
        params string[] applications)
    {
        var defined = await management.MustAsync(HttpMethod.Post, "/api/v1/indicators", new { name, expression, comparison, target, applications },
            HttpStatusCode.Created);
        var id = defined.Str("id");
        await management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/{id}/activate", null, HttpStatusCode.OK);
        return id;
    }

    private static double Number(object? cell) => Convert.ToDouble(cell, CultureInfo.InvariantCulture);

    private static List<IDictionary<string, object?>> Sheet(Stream xlsx, string name)
    {
        xlsx.Position = 0;
        return MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>().ToList();
    }

    private static async Task<string> DefineAsync(HttpClient management, string name, string expression, string comparison, double target, params string[] parties)
    {
        var defined = await management.MustAsync(HttpMethod.Post, "/api/v1/indicators", new { name, expression, comparison, target, parties, unit = "" },
            HttpStatusCode.Created);
        var id = defined.Str("id");
        await management.MustAsync(HttpMethod.Post, $"/api/v1/indicators/{id}/activate", null, HttpStatusCode.OK);
        return id;
    }

    private static async Task<Dictionary<(string, string), JsonElement>> FiguresAsync(HttpClient client)
    {
        var figures = await client.MustAsync(HttpMethod.Get, $"/api/v1/indicators/figures?from={MonthName}&to={MonthName}", null, HttpStatusCode.OK);
        return figures.EnumerateArray().ToDictionary(f => (f.Str("indicatorId"), f.Str("partyId")));
    }

    // The durable reminder may close the previous month on its own while a slow run is still going (its first check is a minute
    // after start): only the month under test is compared.
    private static async Task<List<string>> RemindersOfTheMonthAsync(string connectionString) =>
        [.. (await RemindersAsync(connectionString)).Where(r => r.EndsWith(":" + MonthName, StringComparison.Ordinal))];

    private static async Task<List<string>> RemindersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM mc.notifications WHERE kind = 'indicatorMissed' ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>A month of a party's work as the grains would have logged it, with events just outside the month on both sides.</summary>
    private static async Task SeedAsync(string connectionString, string party)
    {
        var channel = party + "-home";
        var first = Month;
        var last = Month.AddMonths(1).AddDays(-1);
        var rows = new List<(string Type, string Id, long Version, string Event, DateTimeOffset At, object Payload)>
        {
            // Published: s1 twice (counts once), s2 half an hour before the month (Shanghai), s3 half an hour before its end.
            ("article", "s1", 1, "Publish", Local(first.AddDays(2), 10), new { channel }),
            ("article", "s1", 2, "Publish", Local(first.AddDays(5), 10), new { channel }),
            ("article", "s2", 1, "Publish", Local(first.AddDays(-1), 23, 30), new { channel }),
            ("article", "s3", 1, "Publish", Local(last, 23, 30), new { channel }),
            // Assignments: one on time, two late, one without a due time (not an assignment).
            ("article", "s4", 1, "Submit", Local(first.AddDays(3), 9), new { channel, dueAt = Local(first.AddDays(3), 12) }),
            ("article", "s5", 1, "Submit", Local(first.AddDays(4), 15), new { channel, dueAt = Local(first.AddDays(4), 12) }),
            ("article", "s6", 1, "Submit", Local(first.AddDays(6), 15), new { channel, dueAt = Local(first.AddDays(5), 12) }),
            ("article", "s7", 1, "Submit", Local(first.AddDays(6), 15), new { channel }),
            // Reviews after 2, 5 and 10 hours: median 5.
            ("article", "s4", 2, "Approve", Local(first.AddDays(7), 12), new { channel, reviewRequestedAt = Local(first.AddDays(7), 10) }),
            ("article", "s5", 2, "Reject", Local(first.AddDays(7), 15), new { channel, reviewRequestedAt = Local(first.AddDays(7), 10) }),
            ("article", "s6", 2, "Approve", Local(first.AddDays(8), 20), new { channel, reviewRequestedAt = Local(first.AddDays(8), 10) }),
            // Incidents: i1 acknowledged after 15 min and resolved after 3 h; i2 reported the month before and acknowledged in it;
            // i3 acknowledged only after the month (not counted).
            ("incident", "i1", 1, "incident.Report", Local(first.AddDays(1), 8), new { partyId = party }),
            ("incident", "i1", 2, "incident.Acknowledge", Local(first.AddDays(1), 8, 15), new { partyId = party }),
            ("incident", "i1", 3, "incident.Resolve", Local(first.AddDays(1), 11), new { partyId = party }),
            ("incident", "i2", 1, "incident.Report", Local(first.AddDays(-3), 8), new { partyId = party }),
            ("incident", "i2", 2, "incident.Acknowledge", Local(first.AddDays(1), 8), new { partyId = party }),
            ("incident", "i3", 1, "incident.Report", Local(last, 22), new { partyId = party }),
            ("incident", "i3", 2, "incident.Acknowledge", Local(last.AddDays(1), 1), new { partyId = party }),
            ("terminal", "t1", 1, "terminal.offline", Local(first.AddDays(9), 3), new { partyId = party }),
            ("terminal", "t1", 2, "terminal.offline", Local(first.AddDays(19), 3), new { partyId = party }),
        };
        await InsertEventsAsync(connectionString, party, rows);
    }

    private static async Task InsertEventsAsync(string connectionString, string party,
        List<(string Type, string Id, long Version, string Event, DateTimeOffset At, object Payload)> rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var row in rows)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at, payload)
                VALUES (@type, @id, @version, @event, @at, @payload::jsonb)
                """, connection);
            insert.Parameters.AddWithValue("type", row.Type);
            insert.Parameters.AddWithValue("id", $"{party}-{row.Id}");
            insert.Parameters.AddWithValue("version", row.Version);
            insert.Parameters.AddWithValue("event", row.Event);
            insert.Parameters.AddWithValue("at", row.At.ToUniversalTime());
            insert.Parameters.AddWithValue("payload", JsonSerializer.Serialize(row.Payload, JsonSerializerOptions.Web));
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The measures recomputed from every raw row of the log, in C#, for one month.</summary>
    private sealed class Recompute
    {
        private readonly List<(string Type, string Id, string Event, DateTimeOffset At, JsonElement Payload)> _rows;
        private readonly Dictionary<string, string> _channelParty;
        private readonly DateTimeOffset _from;
        private readonly DateTimeOffset _to;

        private Recompute(List<(string, string, string, DateTimeOffset, JsonElement)> rows, Dictionary<string, string> channelParty, DateOnly month)
        {
            _rows = rows;
            _channelParty = channelParty;
            _from = Local(month, 0);
            _to = Local(month.AddMonths(1), 0);
        }

        public static async Task<Recompute> LoadAsync(string connectionString, DateOnly month)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var rows = new List<(string, string, string, DateTimeOffset, JsonElement)>();
            await using (var command = new NpgsqlCommand("SELECT entity_type, entity_id, event_type, occurred_at, payload::text FROM mc.event_log", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                        JsonDocument.Parse(reader.GetString(4)).RootElement.Clone()));
                }
            }

            var channels = new Dictionary<string, string>();
            await using (var command = new NpgsqlCommand("SELECT code, access_party_id FROM mc.channels", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    channels[reader.GetString(0)] = reader.GetString(1);
                }
            }

            return new Recompute(rows, channels, month);
        }

        private bool In(DateTimeOffset at) => at >= _from && at < _to;

        private static string? Text(JsonElement payload, string name) =>
            payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private IEnumerable<(string Type, string Id, string Event, DateTimeOffset At, JsonElement Payload)> Stories(string party) =>
            _rows.Where(r => r.Type == "article" && In(r.At) && Text(r.Payload, "channel") is { } c && _channelParty.GetValueOrDefault(c) == party);

        public double Published(string party) => Stories(party).Where(r => r.Event == "Publish").Select(r => r.Id).Distinct().Count();

        public double? OnTimeRate(string party)
        {
            var submitted = Stories(party).Where(r => r.Event == "Submit" && Text(r.Payload, "dueAt") is not null).ToList();
            var onTime = submitted.Count(r => DateTimeOffset.Parse(Text(r.Payload, "dueAt")!, CultureInfo.InvariantCulture) >= r.At);
            return submitted.Count == 0 ? null : 100.0 * onTime / submitted.Count;
        }

        public double Reviews(string party) => Stories(party).Count(r => r.Event is "Approve" or "Reject");

        public double? MedianReviewHours(string party)
        {
            var hours = Stories(party).Where(r => r.Event is "Approve" or "Reject" && Text(r.Payload, "reviewRequestedAt") is not null)
                .Select(r => (r.At - DateTimeOffset.Parse(Text(r.Payload, "reviewRequestedAt")!, CultureInfo.InvariantCulture)).TotalHours).Order().ToList();
            return hours.Count == 0 ? null : hours.Count % 2 == 1 ? hours[hours.Count / 2] : (hours[(hours.Count / 2) - 1] + hours[hours.Count / 2]) / 2;
        }

        private IEnumerable<IGrouping<string, (string Type, string Id, string Event, DateTimeOffset At, JsonElement Payload)>> Incidents(string party) =>
            _rows.Where(r => r.Type == "incident" && Text(r.Payload, "partyId") == party && r.At < _to).GroupBy(r => r.Id);

        private static DateTimeOffset? First(IEnumerable<(string Type, string Id, string Event, DateTimeOffset At, JsonElement Payload)> rows, string name) =>
            rows.Where(r => r.Event == name).Select(r => (DateTimeOffset?)r.At).Min();

        public double IncidentsReported(string party) => Incidents(party).Count(g => First(g, "incident.Report") is { } at && at >= _from);

        public double? MeanMinutes(string party, string until)
        {
            var minutes = Incidents(party)
                .Select(g => (Reported: First(g, "incident.Report"), Until: First(g, until)))
                .Where(x => x.Reported is not null && x.Until is { } u && u >= _from)
                .Select(x => (x.Until!.Value - x.Reported!.Value).TotalMinutes).ToList();
            return minutes.Count == 0 ? null : minutes.Average();
        }

        public double TerminalAlerts(string party) => _rows.Count(r => r.Type == "terminal" && Text(r.Payload, "partyId") == party && In(r.At));
    }
}
