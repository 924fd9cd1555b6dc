using System.Globalization;
using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Indicators;

/// <summary>
/// The terminal measures of the catalogue (availability, sessions, interactions, inspections) on a real silo and PostgreSQL:
/// a month of a party's terminals seeded as the grains would have written it — offline alerts and recoveries across the
/// month's edges, daily activity, inspections on time and late — and the figures compared with arithmetic done here.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class TerminalMeasuresTests(IntegrationFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Two months before the current one, so it has ended on every clock.</summary>
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

    [Fact]
    public async Task Availability_activity_and_inspections_of_a_month_equal_what_its_alerts_activity_and_inspections_add_up_to()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "tms");
        var (party, other) = (people.PartyA, people.PartyB);
        var first = Month;
        var end = Month.AddMonths(1);
        var (t1, t2, t3, t4) = ($"{party}-t1", $"{party}-t2", $"{party}-t3", $"{party}-t4");

        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        foreach (var id in new[] { t1, t2, t3, t4 })
        {
            await ExecuteAsync(connection, """
                INSERT INTO mc.terminals (id, party_id, name, kind, region, health, version, application_code)
                VALUES (@id, @party, @id, 'Kiosk', '测试区', 'Unknown', 1, 'default')
                """, ("id", id), ("party", party));
        }

        // t1: out from before the month until its second day 10:00, then out again from day 10 to beyond the month's end.
        await EventAsync(connection, "terminal", t1, 1, "terminal.offline", Local(first.AddDays(-3), 10), new { partyId = party });
        await EventAsync(connection, "terminal", t1, 2, "terminal.recovered", Local(first.AddDays(1), 10), new { partyId = party });
        await EventAsync(connection, "terminal", t1, 3, "terminal.offline", Local(first.AddDays(9), 0), new { partyId = party });
        // t2: first heard of on day 5 (its first day of activity), out 6 hours on day 6, out again only after the month.
        await EventAsync(connection, "terminal", t2, 1, "terminal.offline", Local(first.AddDays(5), 12), new { partyId = party });
        await EventAsync(connection, "terminal", t2, 2, "terminal.recovered", Local(first.AddDays(5), 18), new { partyId = party });
        await EventAsync(connection, "terminal", t2, 3, "terminal.offline", Local(end, 1), new { partyId = party });
        // t3 was active before the month and never out; t4 was never heard of and is not in service.
        await ActivityAsync(connection, t2, party, first.AddDays(4), sessions: 7, interactions: 20);
        await ActivityAsync(connection, t3, party, first.AddDays(-1), sessions: 100, interactions: 100);
        await ActivityAsync(connection, t3, party, first, sessions: 5, interactions: 11);
        await ActivityAsync(connection, t3, party, end.AddDays(-1), sessions: 3, interactions: 4);
        await ActivityAsync(connection, t3, party, end, sessions: 100, interactions: 100);

        // Inspections recorded in the month: two on time (one failed), one late; one recorded before the month; one of another party.
        await EventAsync(connection, "inspection", t1, 10, "terminal.inspected", Local(first.AddDays(2), 9),
            new { partyId = party, application = "default", onTime = true, passed = true });
        await EventAsync(connection, "inspection", t2, 10, "terminal.inspected", Local(first.AddDays(12), 9),
            new { partyId = party, application = "default", onTime = true, passed = false });
        await EventAsync(connection, "inspection", t3, 10, "terminal.inspected", Local(end.AddDays(-1), 23, 59),
            new { partyId = party, application = "default", onTime = false, passed = true });
        await EventAsync(connection, "inspection", t3, 9, "terminal.inspected", Local(first.AddDays(-1), 9),
            new { partyId = party, application = "default", onTime = true, passed = true });
        await EventAsync(connection, "inspection", $"{other}-t9", 10, "terminal.inspected", Local(first.AddDays(2), 9),
            new { partyId = other, application = "default", onTime = true, passed = true });

        // The arithmetic, done here: seconds each terminal was in service in the month, and out of it.
        var monthSeconds = (Local(end, 0) - Local(first, 0)).TotalSeconds;
        var service = monthSeconds /* t1 */ + (Local(end, 0) - Local(first.AddDays(4), 0)).TotalSeconds /* t2 */ + monthSeconds /* t3 */;
        var offline = (Local(first.AddDays(1), 10) - Local(first, 0)).TotalSeconds + (Local(end, 0) - Local(first.AddDays(9), 0)).TotalSeconds
            + TimeSpan.FromHours(6).TotalSeconds;
        var availability = 100 * (1 - (offline / service));

        var month = Month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var measures = (await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/applications/{party}.default/measures?month={month}", null,
            HttpStatusCode.OK)).GetProperty("measures");
        Assert.Equal(availability, measures.GetProperty("terminalAvailability").GetDouble(), 2);
        Assert.Equal((15.0, 35.0, 3.0, 2.0), (measures.GetProperty("terminalSessions").GetDouble(), measures.GetProperty("terminalInteractions").GetDouble(),
            measures.GetProperty("inspectionsDone").GetDouble(), measures.GetProperty("inspectionsOnTime").GetDouble()));

        // The party's own pack says the same for the whole party (its one application here), as a percentage cell.
        using var response = await people.PartyAdmin.GetAsync($"/api/v1/reports/pack.xlsx?from={month}&to={month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var row = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Measures").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal(availability / 100, Convert.ToDouble(row["terminalAvailability"], CultureInfo.InvariantCulture), 4);
        Assert.Equal(3.0, Convert.ToDouble(row["inspectionsDone"], CultureInfo.InvariantCulture));

        // The inspection section lists every terminal of the party with its schedule as it stands.
        xlsx.Position = 0;
        var inspections = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Inspections").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([t1, t2, t3, t4], inspections.Select(r => (string)r["Terminal"]!).Order());
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    internal static Task EventAsync(NpgsqlConnection connection, string type, string id, long version, string name, DateTimeOffset at, object payload) =>
        ExecuteAsync(connection, """
            INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, occurred_at, payload)
            VALUES (@type, @id, @version, @event, @at, @payload::jsonb)
            """, ("type", type), ("id", id), ("version", version), ("event", name), ("at", at.ToUniversalTime()),
            ("payload", JsonSerializer.Serialize(payload, JsonSerializerOptions.Web)));

    private static Task ActivityAsync(NpgsqlConnection connection, string terminal, string party, DateOnly day, int sessions, int interactions) =>
        ExecuteAsync(connection, """
            INSERT INTO mc.terminal_activity (terminal_id, day, party_id, heartbeats, sessions, interactions, screen_on_seconds, updated_at)
            VALUES (@terminal, @day, @party, 10, @sessions, @interactions, 600, now())
            """, ("terminal", terminal), ("day", day), ("party", party), ("sessions", sessions), ("interactions", interactions));
}
