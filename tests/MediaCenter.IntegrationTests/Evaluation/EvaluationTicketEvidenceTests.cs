using System.Net;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Evaluation;

/// <summary>
/// F11.1/F12.1 on real processes and PostgreSQL: a ticket cited as evidence of a center's yearly evaluation must exist and have
/// been assigned to that center, and the ticket then lists the evaluation citing it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EvaluationTicketEvidenceTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_ticket_cited_by_a_centers_evaluation_must_be_that_centers_and_shows_the_evaluation_citing_it()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "evt");
        var mine = await AssignedTicketAsync(people, people.PartyA);
        var theirs = await AssignedTicketAsync(people, people.PartyB);
        var id = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2026 }, HttpStatusCode.Created)).Str("id");

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/evidence", new { kind = "Ticket", reference = "TNOSUCHONE" },
            HttpStatusCode.UnprocessableEntity);
        var refused = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/evidence", new { kind = "Ticket", reference = theirs },
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains(theirs, refused.GetRawText(), StringComparison.Ordinal);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/evidence", new { kind = "Ticket", reference = mine, note = "投诉处理及时" },
            HttpStatusCode.OK);

        // The ticket shows the evaluation citing it, to the center's users and to platform staff; the other ticket shows none.
        foreach (var client in new[] { people.PartyAdmin, people.Operator })
        {
            var ticket = await client.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{mine}", null, HttpStatusCode.OK);
            var citing = Assert.Single(ticket.GetProperty("evaluations").EnumerateArray());
            Assert.Equal((id, 2026), (citing.Str("id"), citing.GetProperty("year").GetInt32()));
        }

        Assert.Empty((await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{theirs}", null, HttpStatusCode.OK)).GetProperty("evaluations").EnumerateArray());
    }

    private static async Task<string> AssignedTicketAsync(OpsPeople people, string party)
    {
        var code = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/tickets",
            new { kind = "Complaint", source = "Phone", subject = "开放时间不符", content = "公示时间与实际不符。" }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/accept", new { }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/assign", new { assignee = "party:" + party }, HttpStatusCode.OK);
        return code;
    }
}
