using System.Net;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>The retention job started now over HTTP (F10.3): recorded like the scheduled runs, once per Idempotency-Key, listed with its trigger.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RetentionRunTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task An_administrator_runs_the_retention_job_now_a_retry_answers_the_same_run_and_management_only_reads()
    {
        var shared = await fixture.SharedAsync();
        var admin = "rt-admin-" + Guid.NewGuid().ToString("N")[..6];
        var boss = "rt-mgmt-" + Guid.NewGuid().ToString("N")[..6];
        await shared.Deployment.Identity.PlatformUserAsync(admin, PlatformRoles.Admin);
        await shared.Deployment.Identity.PlatformUserAsync(boss, PlatformRoles.Management);
        using var adminClient = await shared.SignInAsync(admin);
        using var management = await shared.SignInAsync(boss);
        var key = Guid.NewGuid().ToString("N");

        var run = await adminClient.MustAsync(HttpMethod.Post, "/api/v1/retention/runs", new { }, HttpStatusCode.OK, key);
        var retried = await adminClient.MustAsync(HttpMethod.Post, "/api/v1/retention/runs", new { }, HttpStatusCode.OK, key);
        await adminClient.MustAsync(HttpMethod.Post, "/api/v1/retention/runs", new { }, HttpStatusCode.BadRequest, "");
        await management.MustAsync(HttpMethod.Post, "/api/v1/retention/runs", new { }, HttpStatusCode.Forbidden);

        Assert.Equal("on-demand:" + admin, run.Str("trigger"));
        Assert.Equal(run.GetProperty("id").GetInt64(), retried.GetProperty("id").GetInt64());
        Assert.True(run.GetProperty("counts").TryGetProperty("tickets.anonymised", out _));
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM mc.retention_runs WHERE trigger = @trigger", connection))
        {
            count.Parameters.AddWithValue("trigger", "on-demand:" + admin);
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }

        var listed = await management.MustAsync(HttpMethod.Get, "/api/v1/retention/runs?limit=100", null, HttpStatusCode.OK);
        var row = Assert.Single(listed.EnumerateArray(), r => r.GetProperty("id").GetInt64() == run.GetProperty("id").GetInt64());
        Assert.Equal("on-demand:" + admin, row.Str("trigger"));
    }
}
