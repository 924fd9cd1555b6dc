using System.Globalization;
using System.Net;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Indicators;

/// <summary>
/// "Complaints closed within their limit" (F9.4) on a real silo and PostgreSQL: a month of tickets seeded in the event log as the
/// ticket grains write it, and the party's figures compared with a count done here.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ComplaintMeasuresTests(IntegrationFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task A_partys_complaints_closed_in_the_month_count_and_those_with_a_passed_time_limit_are_not_on_time()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "cms");
        var (party, other) = (people.PartyA, people.PartyB);
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai);
        var month = new DateOnly(now.Year, now.Month, 1).AddMonths(-2);
        DateTimeOffset Day(int day, int hour = 10) => new(month.ToDateTime(new TimeOnly(hour, 0)).AddDays(day), TimeSpan.FromHours(8));

        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        async Task TicketAsync(string id, string kind, string assignee, params (string Command, DateTimeOffset At)[] moves)
        {
            for (var i = 0; i < moves.Length; i++)
            {
                await TerminalMeasuresTests.EventAsync(connection, "ticket", $"{party}-{id}", i + 1, moves[i].Command, moves[i].At,
                    new { command = moves[i].Command, to = moves[i].Command == "Close" ? "Closed" : "Replied", kind, assignee });
            }
        }

        // On time; late (its reply deadline passed first); a consultation; another party's; closed the month before.
        await TicketAsync("c1", "Complaint", "party:" + party, ("Reply", Day(1)), ("Close", Day(3)));
        await TicketAsync("c2", "Complaint", "party:" + party, ("Escalate", Day(2)), ("Reply", Day(4)), ("Close", Day(6)));
        await TicketAsync("c3", "Consultation", "party:" + party, ("Reply", Day(1)), ("Close", Day(2)));
        await TicketAsync("c4", "Complaint", "party:" + other, ("Reply", Day(1)), ("Close", Day(2)));
        await TicketAsync("c5", "Complaint", "party:" + party, ("Reply", Day(-5)), ("Close", Day(-2)));
        // Escalated only after it was closed and reopened: it was closed on time in this month.
        await TicketAsync("c6", "Complaint", "party:" + party, ("Close", Day(10)), ("Escalate", Day(12)));

        var name = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var section = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/reports/sections/measures?from={name}&to={name}&partyId={party}", null,
            HttpStatusCode.OK);
        var columns = section.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        var row = section.GetProperty("rows").EnumerateArray().Single();
        double Figure(string measure) => row[columns.IndexOf(measure)].GetDouble();
        Assert.Equal((3.0, 2.0), (Figure("complaintsClosed"), Figure("complaintsClosedOnTime")));
        // A percentage cell: the fraction.
        Assert.Equal(2.0 / 3, Figure("complaintOnTimeRate"), 6);
    }
}
