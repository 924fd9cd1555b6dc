using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Tickets;

/// <summary>
/// Complaints from the public through the HTTP API on real processes and PostgreSQL: filed without an account (consent and a
/// solved challenge), handled by the party it is assigned to, followed and rated with the code and the phone number, the
/// personal data deleted on request, and the public endpoints refused beyond their rate limit.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PublicTicketTests(IntegrationFixture fixture)
{
    private const string Phone = "13912345678";

    /// <summary>Fetches a challenge and solves it, as the public page does.</summary>
    private static async Task<(string Challenge, string Nonce)> SolveAsync(HttpClient anonymous)
    {
        var issued = await anonymous.GetFromJsonAsync<JsonElement>("/api/public/tickets/challenge");
        var challenge = issued.Str("challenge");
        var bits = issued.GetProperty("bits").GetInt32();
        for (var n = 0; ; n++)
        {
            var nonce = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge + ":" + nonce));
            if (Enumerable.Range(0, bits).All(i => (hash[i / 8] & (0x80 >> (i % 8))) == 0))
            {
                return (challenge, nonce);
            }
        }
    }

    private static async Task<JsonElement> FileAsync(HttpClient anonymous, string subject, string? key = null)
    {
        var (challenge, nonce) = await SolveAsync(anonymous);
        return await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets", new
        {
            kind = "Complaint",
            subject,
            content = "社区大屏晚上十点以后仍然很亮，影响休息。",
            name = "王小明",
            phone = "139-1234-5678",
            consent = true,
            challenge,
            nonce,
        }, HttpStatusCode.Created, key);
    }

    [Fact]
    public async Task The_public_files_a_complaint_without_an_account_the_party_handles_it_and_the_submitter_rates_the_reply()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "tkt");
        using var anonymous = shared.Anonymous();

        // Without consent or without a solved challenge nothing is filed.
        var (challenge, nonce) = await SolveAsync(anonymous);
        await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets",
            new { kind = "Complaint", subject = "s", content = "c", phone = Phone, consent = false, challenge, nonce }, HttpStatusCode.UnprocessableEntity);
        await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets",
            new { kind = "Complaint", subject = "s", content = "c", phone = Phone, consent = true, challenge = "forged", nonce = "1" }, HttpStatusCode.UnprocessableEntity);

        var key = Guid.NewGuid().ToString("N");
        var filed = await FileAsync(anonymous, "大屏夜间过亮", key);
        var code = filed.Str("code");
        Assert.Equal("Received", filed.Str("state"));
        Assert.Equal(code, (await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets", new { }, HttpStatusCode.Created, key)).Str("code"));

        // Not the party's until it is assigned to it; the operator acknowledges and assigns.
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, $"/api/v1/tickets/{code}"));
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/accept", new { }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/assign", new { assignee = "party:" + people.PartyA }, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/tickets/{code}"));
        var seen = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}", null, HttpStatusCode.OK);
        Assert.Equal(("139****5678", "王**"), (seen.GetProperty("ticket").Str("phoneMasked"), seen.GetProperty("ticket").Str("nameMasked")));
        Assert.Contains("Handle", seen.GetProperty("allowedMoves").EnumerateArray().Select(m => m.GetString()));

        // The handling names the person of the party whose work the complaint concerns (their appraisal counts it); another party's is refused.
        var concerned = (await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people",
            new { name = "蒋运维", post = "ServicePost", education = "Secondary", experienceYears = 1 }, HttpStatusCode.Created)).Str("id");
        var elsewhere = (await people.OtherParty.MustAsync(HttpMethod.Post, "/api/v1/people",
            new { name = "沈运维", post = "ServicePost", education = "Secondary", experienceYears = 1 }, HttpStatusCode.Created)).Str("id");
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/handle", new { note = "x", concernedStaffId = elsewhere },
            HttpStatusCode.UnprocessableEntity);
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/handle",
            new { note = "已调低夜间亮度", rectificationRequested = "夜间亮度策略未执行", concernedStaffId = concerned }, HttpStatusCode.OK);
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/reply", new { text = "已将夜间亮度调至 30%，感谢监督。" }, HttpStatusCode.OK);

        // The submitter follows with the code and the phone (in any spelling); a wrong contact is the same 404 as a wrong code.
        await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/view", new { contact = "13800000000" }, HttpStatusCode.NotFound);
        var followed = await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code.ToLowerInvariant()}/view", new { contact = Phone }, HttpStatusCode.OK);
        Assert.Equal(("Replied", "已将夜间亮度调至 30%，感谢监督。"), (followed.Str("state"), followed.Str("reply")));
        Assert.False(followed.TryGetProperty("handlingNote", out _));
        var rated = await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/rating", new { contact = Phone, satisfaction = 5 }, HttpStatusCode.OK);
        Assert.Equal(("ReturnVisited", 5), (rated.Str("state"), rated.GetProperty("satisfaction").GetInt32()));
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/close", new { }, HttpStatusCode.OK);

        var list = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/tickets", null, HttpStatusCode.OK);
        var row = Assert.Single(list.EnumerateArray(), t => t.Str("id") == code);
        Assert.Equal(("Closed", "139****5678"), (row.Str("state"), row.Str("phoneMasked")));

        // The consent is recorded with the row; the phone number is nowhere in clear: not in the read table, the event log or the operation log.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using (var consent = new NpgsqlCommand("SELECT consent_retention_days FROM mc.tickets WHERE id = @id AND consent_purpose IS NOT NULL", connection))
        {
            consent.Parameters.AddWithValue("id", code);
            Assert.Equal(365, (int)(await consent.ExecuteScalarAsync())!);
        }

        await using (var clear = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM mc.tickets t WHERE t::text LIKE '%' || @phone || '%')
                 + (SELECT count(*) FROM mc.event_log e WHERE e.entity_type = 'ticket' AND e.payload::text LIKE '%' || @phone || '%')
                 + (SELECT count(*) FROM mc.audit_log a WHERE a::text LIKE '%' || @phone || '%')
            """, connection))
        {
            clear.Parameters.AddWithValue("phone", Phone);
            Assert.Equal(0L, (long)(await clear.ExecuteScalarAsync())!);
        }

        await using (var events = new NpgsqlCommand(
            "SELECT string_agg(event_type, ',' ORDER BY version) FROM mc.event_log WHERE entity_type = 'ticket' AND entity_id = @id", connection))
        {
            events.Parameters.AddWithValue("id", code);
            Assert.Equal("Submit,Accept,Assign,Handle,Reply,Rate,Close", (string)(await events.ExecuteScalarAsync())!);
        }

        await using (var closing = new NpgsqlCommand(
            "SELECT payload ->> 'concernedStaffId', payload ->> 'satisfaction' FROM mc.event_log WHERE entity_type = 'ticket' AND entity_id = @id AND event_type = 'Close'",
            connection))
        {
            closing.Parameters.AddWithValue("id", code);
            await using var reader = await closing.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((concerned, "5"), (reader.GetString(0), reader.GetString(1)));
        }
    }

    [Fact]
    public async Task Deletion_on_request_removes_the_personal_data_and_keeps_the_anonymous_ticket()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "tke");
        using var anonymous = shared.Anonymous();
        var code = (await FileAsync(anonymous, "请删除我的信息")).Str("code");
        var contact = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}/contact", null, HttpStatusCode.OK);
        Assert.Equal(("王小明", "13912345678"), (contact.Str("name"), contact.Str("phone")));

        var erased = await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/erasure", new { contact = Phone }, HttpStatusCode.OK);

        Assert.True(erased.GetProperty("personalDataErased").GetBoolean());
        await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/view", new { contact = Phone }, HttpStatusCode.NotFound);
        var kept = (await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}", null, HttpStatusCode.OK)).GetProperty("ticket");
        Assert.Equal("请删除我的信息", kept.Str("subject"));
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("phoneMasked").ValueKind);
        contact = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}/contact", null, HttpStatusCode.OK);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (contact.GetProperty("name").ValueKind, contact.GetProperty("phone").ValueKind));

        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var row = new NpgsqlCommand(
            "SELECT count(*) FROM mc.tickets WHERE id = @id AND personal_data_erased_at IS NOT NULL AND phone_masked IS NULL AND name_masked IS NULL", connection);
        row.Parameters.AddWithValue("id", code);
        Assert.Equal(1L, (long)(await row.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_public_endpoints_answer_without_an_account_and_refuse_beyond_the_rate_limit()
    {
        var shared = await fixture.SharedAsync();
        var web = await shared.Deployment.StartWebAsync("tickets-limited-web", new Dictionary<string, string>
        {
            ["Tickets__PublicPermits"] = "3",
            ["Tickets__PublicWindow"] = "00:10:00",
        });
        using var http = new HttpClient { BaseAddress = web.Http };

        // The public page itself is a plain static page, outside the app's sign-in.
        using (var page = await http.GetAsync("/public/complaint"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("投诉、咨询、建议", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await http.GetAsync("/api/public/tickets/form");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        last.Dispose();

        // The same budget covers filing and following: the address is refused there too.
        using var filing = await http.PostAsJsonAsync("/api/public/tickets", new { });
        Assert.Equal(HttpStatusCode.TooManyRequests, filing.StatusCode);
    }
}
