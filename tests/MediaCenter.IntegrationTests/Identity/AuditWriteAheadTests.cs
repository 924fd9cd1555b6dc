using System.Net;
using System.Net.Http.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// No change the operation log does not know was tried (issue 15, low item): the attempt of a state-changing call is logged before
/// it runs, and a call whose attempt cannot be logged is refused with nothing done; a refusal a handler throws is logged with the
/// status it is answered with.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditWriteAheadTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_change_whose_entry_the_log_cannot_take_is_refused_and_not_made()
    {
        var shared = await fixture.SharedAsync();
        var name = "aw-" + Guid.NewGuid().ToString("N")[..8];
        await shared.Deployment.Identity.PlatformUserAsync(name, PlatformRoles.Admin);
        using var admin = await shared.SignInAsync(name);
        // The log refuses this one person's entries (other tests share the database): as if the log were down for their calls.
        var function = "mc.refuse_" + name.Replace('-', '_');
        await SignInTests.ExecuteAsync(shared, $"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.actor = '{name}' THEN RAISE EXCEPTION 'the log is down'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name.Replace('-', '_')}_down BEFORE INSERT ON mc.audit_log FOR EACH ROW EXECUTE FUNCTION {function}();
            """);
        try
        {
            var refused = await admin.PostAsJsonAsync("/api/parties", new { id = name + "-p", name = "日志不可用" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("操作日志", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(await SignInTests.ScalarListAsync(shared, $"SELECT id FROM mc.access_parties WHERE id = '{name}-p'"));
        }
        finally
        {
            await SignInTests.ExecuteAsync(shared, $"DROP TRIGGER {name.Replace('-', '_')}_down ON mc.audit_log; DROP FUNCTION {function}();");
        }

        // With the log back the same call is made, and the log holds its attempt before its outcome.
        var made = await admin.PostAsJsonAsync("/api/parties", new { id = name + "-p", name = "日志恢复" });
        Assert.True(made.IsSuccessStatusCode, $"{(int)made.StatusCode}");
        Assert.Equal([name + "-p"], await SignInTests.ScalarListAsync(shared, $"SELECT id FROM mc.access_parties WHERE id = '{name}-p'"));
        Assert.Equal(["attempt", "ok"], await SignInTests.ScalarListAsync(shared,
            $"SELECT result FROM mc.audit_log WHERE actor = '{name}' AND action = 'POST /api/parties' ORDER BY id"));
        Assert.Single((await SignInTests.ScalarListAsync(shared,
            $"SELECT DISTINCT correlation_id FROM mc.audit_log WHERE actor = '{name}' AND action = 'POST /api/parties'")));
    }

    [Fact]
    public async Task A_refusal_a_handler_throws_is_logged_with_the_status_it_is_answered_with()
    {
        var shared = await fixture.SharedAsync();
        var name = "ar-" + Guid.NewGuid().ToString("N")[..8];
        await shared.Deployment.Identity.PlatformUserAsync(name, PlatformRoles.Management);
        using var management = await shared.SignInAsync(name);

        // A range that runs backwards: refused in the handler (422), after authorization let the call through.
        var refused = await management.PostAsJsonAsync("/api/v1/reports/exports", new { from = "2026-05", to = "2026-01" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(["attempt:", "rejected:422"], await SignInTests.ScalarListAsync(shared,
            $"SELECT result || ':' || coalesce(details->>'status', '') FROM mc.audit_log WHERE actor = '{name}' AND action = 'POST /api/v1/reports/exports' ORDER BY id"));
    }
}
