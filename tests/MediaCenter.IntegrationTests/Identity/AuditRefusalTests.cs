using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>Refusals that happen before a handler runs are in the operation log too, and the CSV export cannot carry a formula.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditRefusalTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_csrf_refusal_and_a_burst_of_429s_are_in_the_operation_log_the_burst_once()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("ar-browser", PlatformRoles.Operator);
        var (cookie, _) = await SessionEndTests.BrowserSignInAsync(shared.Web.Http, "ar-browser", TestIdentity.Password);
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = shared.Web.Http };
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsJsonAsync("/api/parties", new { id = "ar-forged", name = "伪造" })).StatusCode);

        var limited = await shared.Deployment.StartWebAsync("ar-limited-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "1" });
        // Other tests' web instances share this database and run at the same time: count only this client's entries,
        // told apart by a user agent nobody else sends.
        var agent = $"ar-burst/{Guid.NewGuid():N}";
        using var anonymous = new HttpClient { BaseAddress = limited.Http };
        anonymous.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await anonymous.PostAsJsonAsync("/api/auth/tokens", new { username = "ar-nobody", password = "x" })).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(["denied"], await SignInTests.ScalarListAsync(shared,
            "SELECT result FROM mc.audit_log WHERE action = 'csrf-refused' AND actor = 'ar-browser' AND details->>'path' = '/api/parties'"));
        Assert.Equal(["127.0.0.1"], await SignInTests.ScalarListAsync(shared,
            $"SELECT client_ip FROM mc.audit_log WHERE user_agent = '{agent}' AND action = 'rate-limited' AND details->>'path' = '/api/auth/tokens'"));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public void A_cell_that_a_spreadsheet_would_run_is_exported_as_text(string value)
    {
        var row = new OperationRecord(1, DateTimeOffset.UnixEpoch, value, "test", null, "ok", null, null, null, JsonDocument.Parse("{}").RootElement);

        var csv = AuditLog.ToCsv([row]);

        var line = csv.Split("\r\n")[1];
        var cell = line.Split(',')[2].TrimStart('"');
        Assert.StartsWith("'", cell, StringComparison.Ordinal);
    }
}
